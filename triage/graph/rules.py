"""Meta's delivery rules and the plan of Graph calls for one decision (pure: no I/O).

- A DM may be answered within 24 hours of the user's last message (the standard
  messaging window); outside it the bot does not send and the case says why.
- A comment gets at most one private reply, within 7 days of the comment.
- On a public comment, hiding comes first (PHI disappears before anything else happens),
  then the reply on the surface the decision named; nothing is hidden in a DM.

`plan_delivery` takes plain values (surfaces, rendered text, hide flag, ids, times), not the
policy's objects, so the planner is tested on its own and callers map their decision onto it.
Each planned operation knows how to `apply` itself to a `GraphApi`; a `Skipped` entry records
what was not sent and why.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Optional, Tuple, Union

from triage.graph.client import PLATFORMS, GraphApi

__all__ = [
    "PUBLIC_COMMENT", "PRIVATE_MESSAGE", "MESSAGING_WINDOW", "PRIVATE_REPLY_WINDOW",
    "HUMAN_AGENT", "HUMAN_AGENT_WINDOW",
    "WINDOW_CLOSED", "ALREADY_REPLIED", "PRIVATE_REPLY_EXPIRED", "ALLOWED",
    "messaging_window_open", "private_reply_allowed",
    "SendMessage", "ReplyToComment", "PrivateReply", "HideComment", "Skipped",
    "Operation", "PlanStep", "DeliveryPlan", "plan_delivery",
]

PUBLIC_COMMENT = "public_comment"
PRIVATE_MESSAGE = "private_message"
SURFACES = (PUBLIC_COMMENT, PRIVATE_MESSAGE)

MESSAGING_WINDOW = dt.timedelta(hours=24)
PRIVATE_REPLY_WINDOW = dt.timedelta(days=7)
# Meta's HUMAN_AGENT tag: a person (never the bot) may answer a DM for 7 days.
HUMAN_AGENT = "HUMAN_AGENT"
HUMAN_AGENT_WINDOW = dt.timedelta(days=7)

ALLOWED = "allowed"
WINDOW_CLOSED = "messaging window closed"
ALREADY_REPLIED = "private reply already sent for this comment"
PRIVATE_REPLY_EXPIRED = "comment older than 7 days"


def messaging_window_open(last_user_message_at: Optional[dt.datetime], now: dt.datetime) -> bool:
    """True while less than 24 hours have passed since the user's last message.

    No known user message means the window is closed. A timestamp slightly in the future
    (clock skew between Meta and us) counts as just now.
    """
    if last_user_message_at is None:
        return False
    return now - last_user_message_at < MESSAGING_WINDOW


def private_reply_allowed(comment_created_at: dt.datetime, already_replied: bool,
                          now: dt.datetime) -> Tuple[bool, str]:
    """One private reply per comment, sent less than 7 days after the comment."""
    if already_replied:
        return False, ALREADY_REPLIED
    if now - comment_created_at >= PRIVATE_REPLY_WINDOW:
        return False, PRIVATE_REPLY_EXPIRED
    return True, ALLOWED


@dataclasses.dataclass(frozen=True)
class SendMessage:
    platform: str
    recipient_id: str
    text: str = dataclasses.field(repr=False)  # text stays out of reprs and logs
    page_token: Optional[str] = dataclasses.field(default=None, repr=False)
    # HUMAN_AGENT: a person's reply after the 24-hour window (Meta allows 7 days).
    tag: Optional[str] = None
    name = "send_message"

    def apply(self, api: GraphApi) -> str:
        if self.tag:
            return api.send_message(self.page_token, self.recipient_id, self.text,
                                    platform=self.platform, tag=self.tag)
        return api.send_message(self.page_token, self.recipient_id, self.text,
                                platform=self.platform)


@dataclasses.dataclass(frozen=True)
class ReplyToComment:
    platform: str
    comment_id: str
    text: str = dataclasses.field(repr=False)
    name = "reply_to_comment"

    def apply(self, api: GraphApi) -> str:
        return api.reply_to_comment(self.comment_id, self.text, platform=self.platform)


@dataclasses.dataclass(frozen=True)
class PrivateReply:
    platform: str
    comment_id: str
    text: str = dataclasses.field(repr=False)
    name = "private_reply"

    def apply(self, api: GraphApi) -> str:
        return api.private_reply(self.comment_id, self.text, platform=self.platform)


@dataclasses.dataclass(frozen=True)
class HideComment:
    platform: str
    comment_id: str
    name = "hide_comment"

    def apply(self, api: GraphApi) -> str:
        return api.hide_comment(self.comment_id, True, platform=self.platform)


@dataclasses.dataclass(frozen=True)
class Skipped:
    """An operation the decision asked for but Meta's rules forbid; `operation` names it."""

    operation: str
    reason: str
    name = "skipped"


Operation = Union[SendMessage, ReplyToComment, PrivateReply, HideComment]
PlanStep = Union[Operation, Skipped]


@dataclasses.dataclass(frozen=True)
class DeliveryPlan:
    """The ordered Graph calls for one decision; `Skipped` steps say what was held back."""

    steps: Tuple[PlanStep, ...] = ()

    @property
    def operations(self) -> Tuple[Operation, ...]:
        return tuple(s for s in self.steps if not isinstance(s, Skipped))

    @property
    def skipped(self) -> Tuple[Skipped, ...]:
        return tuple(s for s in self.steps if isinstance(s, Skipped))

    @property
    def names(self) -> Tuple[str, ...]:
        return tuple(s.name for s in self.steps)

    def __bool__(self) -> bool:
        return bool(self.steps)


def plan_delivery(*, surface: str, reply_surface: Optional[str], text: Optional[str],
                  hide: bool, platform: str, now: dt.datetime,
                  sender_id: Optional[str] = None, comment_id: Optional[str] = None,
                  last_user_message_at: Optional[dt.datetime] = None,
                  comment_created_at: Optional[dt.datetime] = None,
                  already_private_replied: bool = False,
                  page_token: Optional[str] = None, human: bool = False) -> DeliveryPlan:
    """Turn a decision into Graph calls.

    surface:        where the message arrived ("public_comment" | "private_message");
    reply_surface:  where the reply goes, None for no reply;
    text:           the rendered, approved template (required when reply_surface is set);
    hide:           hide the comment (the caller folds in the hiding setting); ignored in DMs;
    sender_id:      the PSID / IGSID (DMs); comment_id: the comment (comments);
    last_user_message_at: the user's last DM (window check);
    comment_created_at / already_private_replied: the private reply rule (defaults to `now`
    when the comment time is unknown, i.e. the comment just arrived);
    human:          a moderator wrote or chose this reply: a DM between 24 hours and 7 days
                    after the user's message goes out with the HUMAN_AGENT tag (never the bot's).
    """
    if platform not in PLATFORMS:
        raise ValueError(f"unknown platform {platform!r}")
    if surface not in SURFACES:
        raise ValueError(f"unknown surface {surface!r}")
    if reply_surface is not None and reply_surface not in SURFACES:
        raise ValueError(f"unknown reply surface {reply_surface!r}")
    if reply_surface is not None and not text:
        raise ValueError("a reply needs its rendered text")

    steps: list = []
    if surface == PRIVATE_MESSAGE:
        if reply_surface == PUBLIC_COMMENT:
            raise ValueError("a private message cannot be answered in public")
        if reply_surface == PRIVATE_MESSAGE:
            if not sender_id:
                raise ValueError("a DM reply needs sender_id")
            if messaging_window_open(last_user_message_at, now):
                steps.append(SendMessage(platform, sender_id, text, page_token))
            elif (human and last_user_message_at is not None
                  and now - last_user_message_at < HUMAN_AGENT_WINDOW):
                steps.append(SendMessage(platform, sender_id, text, page_token, HUMAN_AGENT))
            else:
                steps.append(Skipped(SendMessage.name, WINDOW_CLOSED))
        return DeliveryPlan(tuple(steps))

    if not comment_id:
        raise ValueError("a comment needs comment_id")
    if hide:
        steps.append(HideComment(platform, comment_id))
    if reply_surface == PUBLIC_COMMENT:
        steps.append(ReplyToComment(platform, comment_id, text))
    elif reply_surface == PRIVATE_MESSAGE:
        allowed, reason = private_reply_allowed(comment_created_at or now,
                                                already_private_replied, now)
        if allowed:
            steps.append(PrivateReply(platform, comment_id, text))
        else:
            steps.append(Skipped(PrivateReply.name, reason))
    return DeliveryPlan(tuple(steps))
