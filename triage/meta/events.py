"""The normalised form of one inbound Meta webhook event (pure, stdlib only)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["MetaEvent", "PLATFORMS", "KINDS", "SURFACES"]

PLATFORMS = ("facebook", "instagram")
KINDS = ("message", "comment")
SURFACES = ("private_message", "public_comment")


@dataclass(frozen=True)
class MetaEvent:
    platform: str        # "facebook" | "instagram"
    kind: str            # "message" | "comment"
    surface: str         # "private_message" | "public_comment"
    message_key: str     # Meta's id: message `mid`, or the comment id
    thread_key: str      # "fb:dm:<page_id>:<user_id>", "ig:dm:<ig_account_id>:<user_id>",
                         # "fb:comment:<top-level comment id>", "ig:comment:<top-level comment id>"
    sender_id: str       # PSID / IGSID / commenter id (never a name)
    page_id: str         # the page or IG professional account id that received it
    text: str            # may be "" for attachments-only messages (caller skips those)
    timestamp_ms: int
    is_echo: bool        # the page's own message or comment
    comment_id: str | None = None   # for comments: the comment to reply to / hide
    post_id: str | None = None      # for comments: the post or media id
    parent_id: str | None = None    # for replies to a comment

