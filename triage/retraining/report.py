"""The retraining report: Markdown with both models' figures, the gate's checks and the
dataset summary, plus the candidate's confusion matrix as a PNG.

Only figures, category names and hashes go in: no message text, so the report can be
shared. The PNG is drawn with matplotlib's Agg canvas directly (no pyplot, no global
backend switch), imported only when a matrix is drawn.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import List, Optional, Sequence, Union

from triage.evaluation import Report
from triage.retraining.dataset import DatasetSummary
from triage.retraining.gate import GateDecision

__all__ = ["ReportInfo", "confusion_rows", "render_markdown", "write_confusion_png",
           "write_report"]

_OUTSIDE = "(not a category)"


@dataclasses.dataclass(frozen=True)
class ReportInfo:
    """What the report says about the run (names, not contents)."""

    export_name: str
    candidate_model: str
    current_model: Optional[str]
    heldout_name: str
    created_at: dt.datetime


def confusion_rows(report: Report) -> tuple:
    """(labels, columns, matrix): rows are true categories, columns predicted categories,
    with any prediction outside the labels folded into one last column."""
    labels = list(report.labels)
    extra = any(col not in labels for row in report.confusion.values() for col in row
                if row[col])
    columns = labels + ([_OUTSIDE] if extra else [])
    matrix = []
    for true in labels:
        row = report.confusion.get(true, {})
        counts = [row.get(p, 0) for p in labels]
        if extra:
            counts.append(sum(n for p, n in row.items() if p not in labels))
        matrix.append(counts)
    return labels, columns, matrix


def write_confusion_png(report: Report, path: Union[str, Path], title: str) -> Path:
    """Draw the confusion matrix (counts, true by row) as a PNG."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    labels, columns, matrix = confusion_rows(report)
    fig = Figure(figsize=(1.0 + 0.9 * len(columns), 1.0 + 0.8 * len(labels)), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    image = ax.imshow(matrix, cmap="Blues", aspect="auto")
    top = max((max(r) for r in matrix if r), default=0)
    for i, row in enumerate(matrix):
        for j, count in enumerate(row):
            ax.text(j, i, str(count), ha="center", va="center",
                    color="white" if top and count > top / 2 else "black", fontsize=9)
    ax.set_xticks(range(len(columns)))
    ax.set_xticklabels(columns, rotation=40, ha="right", fontsize=9)
    ax.set_yticks(range(len(labels)))
    ax.set_yticklabels(labels, fontsize=9)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(title, fontsize=10)
    fig.colorbar(image, ax=ax, fraction=0.04)
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(str(path), format="png")
    return path


def _scores_table(current: Optional[Report], candidate: Report) -> List[str]:
    lines = ["| category | n | P current | P candidate | R current | R candidate "
             "| F1 current | F1 candidate |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]

    def fig(report: Optional[Report], label: str, attr: str) -> str:
        if report is None or label not in report.per_class:
            return "n/a"
        return f"{getattr(report.per_class[label], attr):.2f}"

    for label in candidate.labels:
        n = candidate.per_class[label].support
        lines.append(f"| {label} | {n} | {fig(current, label, 'precision')} | "
                     f"{fig(candidate, label, 'precision')} | {fig(current, label, 'recall')} | "
                     f"{fig(candidate, label, 'recall')} | {fig(current, label, 'f1')} | "
                     f"{fig(candidate, label, 'f1')} |")
    cur_f1 = f"{current.macro_f1:.3f}" if current else "n/a"
    cur_acc = f"{current.accuracy:.3f}" if current else "n/a"
    lines.append(f"| **macro-F1** | | | | | | **{cur_f1}** | **{candidate.macro_f1:.3f}** |")
    lines.append(f"| accuracy | | | | | | {cur_acc} | {candidate.accuracy:.3f} |")
    return lines


def _gate_lines(decision: Optional[GateDecision]) -> List[str]:
    if decision is None:
        return ["No gate decision (no current model to compare with)."]
    verdict = ("**PROMOTE**: every check passed." if decision.promote else
               f"**REFUSE**: {len(decision.failed)} check(s) failed.")
    lines = [verdict, "", "| check | current | candidate | needs | result |",
             "|---|---:|---:|---:|---|"]
    for c in decision.checks:
        result = "pass" if c.passed else "**FAIL**"
        note = f" ({c.note})" if c.note else ""
        lines.append(f"| {c.name} | {c.current:.3f} | {c.candidate:.3f} | >= {c.threshold:.3f} "
                     f"| {result}{note} |")
    return lines


def _summary_lines(summary: DatasetSummary) -> List[str]:
    lines = [
        f"- rows in: {summary.rows_in}",
        f"- rows with identifiers redacted: {summary.redacted}",
        f"- unknown labels skipped: {sum(summary.skipped_unknown.values())}"
        + (" (" + ", ".join(f"{k}: {v}" for k, v in sorted(summary.skipped_unknown.items()))
           + ")" if summary.skipped_unknown else ""),
        f"- empty after cleaning: {summary.empty_dropped}",
        f"- duplicates within the export: {summary.duplicates_in_export}",
        f"- duplicates of existing training data: {summary.duplicates_of_existing}",
        f"- conflicting labels: {len(summary.conflicts)} text(s), "
        f"{summary.conflict_rows_dropped} row(s) dropped",
        f"- split: seed {summary.seed}, held-out fraction {summary.heldout_fraction:.2f}; "
        f"{summary.train_total} train, {summary.heldout_total} held-out",
        "",
        "| category | train | held-out |",
        "|---|---:|---:|",
    ]
    lines += [f"| {c} | {t} | {h} |" for c, (t, h) in summary.per_class.items()]
    if summary.conflicts:
        lines += ["", "Conflicts (hash of the normalised text; the text is not shown):", "",
                  "| text hash | labels | rows | also in existing data |", "|---|---|---:|---|"]
        lines += [f"| `{c.text_hash}` | {', '.join(c.labels)} | {c.count} | "
                  f"{'yes' if c.with_existing else 'no'} |" for c in summary.conflicts]
    return lines


def render_markdown(info: ReportInfo, candidate: Report, current: Optional[Report],
                    decision: Optional[GateDecision], summary: Optional[DatasetSummary],
                    confusion_png: Optional[str] = None) -> str:
    """The report's Markdown; `confusion_png` is the image's path relative to the report."""
    examples = sum(s.support for s in candidate.per_class.values())
    lines = [
        "# Retraining report",
        "",
        f"- created: {info.created_at.isoformat(timespec='seconds')}",
        f"- export: {Path(info.export_name).name}",
        f"- candidate model: {info.candidate_model}",
        f"- current model: {info.current_model or 'none'}",
        f"- held-out set: {info.heldout_name} ({examples} examples)",
        "",
        "## Gate",
        "",
        *_gate_lines(decision),
        "",
        "## Held-out scores",
        "",
        *_scores_table(current, candidate),
        "",
    ]
    if confusion_png:
        lines += ["## Confusion matrix (candidate)", "", f"![confusion matrix]({confusion_png})",
                  ""]
    if summary is not None:
        lines += ["## Dataset", "", *_summary_lines(summary), ""]
    return "\n".join(lines)


def write_report(path: Union[str, Path], info: ReportInfo, candidate: Report,
                 current: Optional[Report], decision: Optional[GateDecision],
                 summary: Optional[DatasetSummary]) -> Sequence[Path]:
    """Write `path` (Markdown) and the candidate's confusion matrix beside it; both paths."""
    path = Path(path)
    png = path.with_name(path.stem + "-confusion.png")
    write_confusion_png(candidate, png, f"Candidate {info.candidate_model}: confusion matrix")
    path.write_text(render_markdown(info, candidate, current, decision, summary, png.name),
                    encoding="utf-8")
    return path, png
