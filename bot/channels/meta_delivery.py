"""Carry out one message's delivery: plan the Graph calls, make them, log each outcome.

`request` is what action_triage put in its custom payload (`triage_delivery`): the
decision's surfaces, the approved text and template id, whether to hide, and the ids
the Graph API needs. Meta's rules (24-hour window, one private reply per comment within
7 days) are applied here, at sending time, by `triage.graph.plan_delivery`.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any, Dict, Optional

from triage.errors import Conflict
from triage.graph import GraphError, Skipped, plan_delivery

log = logging.getLogger(__name__)


def _reason(exc: GraphError) -> str:
    parts = [type(exc).__name__]
    for name in ("status", "code", "subcode"):
        value = getattr(exc, name, None)
        if value is not None:
            parts.append(f"{name}={value}")
    return " ".join(parts)


def _arrived(request: Dict[str, Any]) -> Optional[dt.datetime]:
    stamp = request.get("timestamp_ms")
    if not stamp:
        return None
    return dt.datetime.fromtimestamp(int(stamp) / 1000, tz=dt.timezone.utc)


def execute_plan(graph, service, request: Dict[str, Any], now: Optional[dt.datetime] = None) -> None:
    now = now or dt.datetime.now(dt.timezone.utc)
    inbound_id = int(request["inbound_id"])
    comment_id, sender_id = request.get("comment_id"), request.get("sender_id")
    template_id = request.get("template_id")
    arrived = _arrived(request)
    plan = plan_delivery(
        surface=request["surface"], reply_surface=request.get("reply_surface"),
        text=request.get("text"), hide=bool(request.get("hide")), platform=request["platform"],
        now=now, sender_id=sender_id, comment_id=comment_id,
        last_user_message_at=arrived, comment_created_at=arrived,
        already_private_replied=bool(comment_id) and service.repository.private_reply_sent(comment_id),
    )
    target = comment_id or sender_id or "?"
    for step in plan.steps:
        if isinstance(step, Skipped):
            service.record_undelivered(inbound_id, step.operation, target, step.reason,
                                       template_id, status="skipped")
            continue
        carries_text = step.name != "hide_comment"
        try:
            platform_id = step.apply(graph)
        except GraphError as exc:
            service.record_undelivered(inbound_id, step.name, target, _reason(exc),
                                       template_id if carries_text else None)
            continue
        try:
            service.record_sent(inbound_id, step.name, target,
                                template_id if carries_text else None, platform_id)
        except Conflict:
            # Two deliveries raced for the one private reply; the first one counts.
            log.warning("meta.delivery.duplicate_private_reply inbound_id=%s", inbound_id)
