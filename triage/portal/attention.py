"""What is not finished, for the "needs attention" page, the dashboard and the queue's top.

Messages stored but not triaged past a minute (the recovery loop normally finishes them
within seconds, so one here means the bot is down or failing), and operations that failed
or whose outcome a crash left unknown. Emergency-looking messages (a crisis phrase matched
when the message was stored) come first: the queue shows them above every case even before
triage.
"""

from __future__ import annotations

import datetime as dt
from typing import List


__all__ = ["attention_context", "urgent_pending"]


def _rows(messages, now: dt.datetime) -> List[dict]:
    rows = [{"msg": m, "urgent": m.crisis is not None,
             "minutes": int((now - m.received_at).total_seconds() // 60)} for m in messages]
    rows.sort(key=lambda r: (not r["urgent"], r["msg"].received_at))
    return rows


def attention_context(repo, now: dt.datetime) -> dict:
    items = repo.needs_attention(now)
    return {"pending": _rows(items.pending, now), "operations": items.operations,
            "count": items.count}


def urgent_pending(repo, now: dt.datetime) -> List[dict]:
    """Emergency-looking messages not triaged yet, however young, for the queue's top."""
    items = repo.needs_attention(now, pending_after=dt.timedelta(0))
    return [r for r in _rows(items.pending, now) if r["urgent"]]
