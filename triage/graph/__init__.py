"""The Graph API output side: a client behind an interface, and Meta's delivery rules."""

from triage.graph.client import (
    FACEBOOK, INSTAGRAM, PLATFORMS, GraphApi, GraphError, GraphRejected, GraphUnavailable,
    THROTTLING_CODES, HttpGraphApi,
)
from triage.graph.rules import (
    ALREADY_REPLIED, HUMAN_AGENT, PRIVATE_REPLY_EXPIRED, WINDOW_CLOSED, DeliveryPlan, HideComment,
    Operation, PlanStep, PrivateReply, ReplyToComment, SendMessage, Skipped,
    messaging_window_open, plan_delivery, private_reply_allowed,
)

__all__ = [
    "FACEBOOK", "INSTAGRAM", "PLATFORMS",
    "GraphApi", "HttpGraphApi", "GraphError", "GraphRejected", "GraphUnavailable",
    "messaging_window_open", "private_reply_allowed", "plan_delivery", "DeliveryPlan",
    "Operation", "PlanStep", "SendMessage", "ReplyToComment", "PrivateReply", "HideComment",
    "Skipped", "WINDOW_CLOSED", "ALREADY_REPLIED", "PRIVATE_REPLY_EXPIRED", "HUMAN_AGENT",
    "THROTTLING_CODES",
]
