"""The dashboard page: figures from the queue and two inline SVG charts (no scripts)."""

from __future__ import annotations

import datetime as dt
import html
from typing import Dict, List, Sequence, Tuple

from triage.taxonomy import CATEGORIES

COLOURS = {
    "general_question": "#2f5d8a", "appointment_request": "#3f8f8a", "praise": "#1b7a3a",
    "negative_review": "#c25400", "clinical_request": "#7a3fa0", "emergency": "#b00020",
    "spam": "#8a8f94", "other": "#c9b458", "untriaged": "#444",
}


def _duration(value) -> str:
    if value is None:
        return "no replies yet"
    minutes = int(value.total_seconds() // 60)
    return f"{minutes // 60} h {minutes % 60:02d} min"


def volume_chart(volume: Sequence[Tuple[str, str, int]], width: int = 560, height: int = 240) -> str:
    """Stacked bars: one per day, one colour per category, with a legend."""
    days: List[str] = sorted({d for d, _, _ in volume})
    if not days:
        return "<p>No messages in this period.</p>"
    per_day: Dict[str, Dict[str, int]] = {d: {} for d in days}
    for d, c, n in volume:
        per_day[d][c] = n
    peak = max(sum(v.values()) for v in per_day.values()) or 1
    plot_h, bar_w = height - 40, min(48, max(8, (width - 40) // len(days) - 6))
    parts = [f'<svg role="img" aria-label="Messages by category per day" viewBox="0 0 {width} '
             f'{height + 20 * ((len(COLOURS) + 2) // 3)}" width="100%">']
    for i, d in enumerate(days):
        x, y = 40 + i * (bar_w + 6), plot_h
        for c in list(CATEGORIES) + ["untriaged"]:
            n = per_day[d].get(c, 0)
            if not n:
                continue
            h = n / peak * (plot_h - 10)
            y -= h
            parts.append(f'<rect x="{x}" y="{y:.1f}" width="{bar_w}" height="{h:.1f}" '
                         f'fill="{COLOURS[c]}"><title>{html.escape(d)} {html.escape(c)}: {n}</title></rect>')
        parts.append(f'<text x="{x}" y="{plot_h + 14}">{html.escape(d[5:])}</text>')
    parts.append(f'<text x="0" y="12">{peak}</text><text x="0" y="{plot_h}">0</text>')
    for i, (c, colour) in enumerate(COLOURS.items()):
        x, y = 40 + (i % 3) * 170, height + 20 * (i // 3)
        parts.append(f'<rect x="{x}" y="{y - 10}" width="10" height="10" fill="{colour}"/>'
                     f'<text x="{x + 14}" y="{y}">{html.escape(c)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(rows: Sequence[Tuple[str, int]], width: int = 480) -> str:
    """Horizontal bars with their counts written beside them."""
    if not rows:
        return "<p>No escalations in this period.</p>"
    peak = max(n for _, n in rows) or 1
    height = 26 * len(rows) + 10
    parts = [f'<svg role="img" aria-label="Escalations by reason" viewBox="0 0 {width} {height}" width="100%">']
    for i, (label, n) in enumerate(rows):
        y = 8 + i * 26
        w = n / peak * (width - 200)
        parts.append(f'<text x="0" y="{y + 13}">{html.escape(label)}</text>'
                     f'<rect x="130" y="{y}" width="{w:.1f}" height="18" fill="#2f5d8a"/>'
                     f'<text x="{136 + w:.1f}" y="{y + 13}">{n}</text>')
    parts.append("</svg>")
    return "".join(parts)


def dashboard_context(repo, now: dt.datetime, days: int = 14) -> dict:
    stats = repo.dashboard_stats(now, days)
    share = f"{stats.negative_reviews / stats.messages:.0%}" if stats.messages else "—"
    return {
        "stats": {"open": stats.open_cases, "breached": stats.open_breached,
                  "median_first_response": _duration(stats.median_first_response),
                  "negative_share": share, "days": days},
        "charts": {"volume": volume_chart(stats.volume),
                   "reasons": bar_chart(stats.escalations_by_reason)},
    }
