"""Replies to Google reviews, as outbox operations: one public reply per review, checked twice.

A review takes one reply from the business, which a new PUT replaces, so posting is
idempotent: a sender that crashed mid-call simply posts again. Every reply is checked for
text that could confirm the reviewer was a patient (`triage.replies.confirmation`) when it is
planned (a refused one is `skipped` and lands on the case) and again just before it is posted
(`ReplyToReview.apply`), so no path around the planner can post one.
"""

from __future__ import annotations

import dataclasses
from typing import Optional, Sequence

from triage.google.client import BusinessProfileApi, GoogleRejected
from triage.queue import NewOperation, ReplyContext
from triage.replies import Rendered
from triage.replies.confirmation import refusal

__all__ = ["PLATFORM", "REPLY", "ConfirmsPatient", "ReplyToReview", "refusal_reason",
           "review_context", "review_reply"]

PLATFORM = "google"
REPLY = "reply_to_review"


class ConfirmsPatient(GoogleRejected):
    """The reply could confirm that the reviewer is or was a patient; it was not posted."""


def refusal_reason(text: str, name: str = "reply") -> Optional[str]:
    """Why `text` (named `name`) may not be posted to a review: the first phrase that could
    confirm a patient (our template's words, never the reviewer's), or None."""
    problems = refusal(name, text)
    return problems[0] if problems else None


def review_context(review_name: str) -> ReplyContext:
    """Where a reply to this review goes, stored with each of its versions."""
    return ReplyContext(platform=PLATFORM, comment_id=review_name)


@dataclasses.dataclass(frozen=True)
class ReplyToReview:
    review_name: str
    text: str = dataclasses.field(repr=False)

    def apply(self, api: BusinessProfileApi) -> str:
        reason = refusal_reason(self.text)
        if reason:
            raise ConfirmsPatient("put_reply", f"refused before posting, {reason}")
        return api.put_reply(self.review_name, self.text)


def review_reply(inbound_id: int, reply_to: ReplyContext, replies: Sequence[Rendered],
                 key: str) -> Optional[NewOperation]:
    """The outbox row for a review's reply: its first public reply (a review has no private
    side), `skipped` with the reason if the check refuses it; None if there is none."""
    public = [r for r in replies if r.surface == "public_comment"]
    if not public or not reply_to.comment_id:
        return None
    reply = public[0]
    common = dict(inbound_id=inbound_id, operation=REPLY, platform=PLATFORM,
                  target_id=reply_to.comment_id, idempotency_key=f"{key}:0:{REPLY}",
                  template_id=reply.template_id)
    reason = refusal_reason(reply.text, reply.template_id)
    if reason:
        return NewOperation(**common, status="skipped", reason=reason)
    return NewOperation(**common, body=reply.text)
