"""Google Business Profile reviews as the API gives them, checked and typed.

A review is `accounts/{a}/locations/{l}/reviews/{r}` with `starRating` (ONE..FIVE), an optional
`comment`, `createTime`, `updateTime` and, once the business has answered, `reviewReply`. An
edited review keeps its name and gets a new `updateTime`: each (name, updateTime) is one version,
and each version is one message for triage. The reviewer's display name and photo are never
kept: a name is PHI once it sits beside a health detail.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from typing import Any, List, Mapping, Optional, Tuple

from triage.errors import InputError

__all__ = ["MAX_REPLY_CHARS", "REVIEW_NAME", "Review", "ReviewsPage", "parse_review", "parse_reviews_page",
           "STARS"]

STARS = {"ONE": 1, "TWO": 2, "THREE": 3, "FOUR": 4, "FIVE": 5}
# The API's limit on a reply's text.
MAX_REPLY_CHARS = 4096
REVIEW_NAME = re.compile(r"^(accounts/[^/\s]+/locations/[^/\s]+)/reviews/([^/\s]+)$")
_KEY_LIMIT = 200  # the queue's limit on message and thread keys


def _key(prefix: str, value: str) -> str:
    """A queue key: readable when short, a digest of the value when it would be too long."""
    key = f"{prefix}{value}"
    if len(key) <= _KEY_LIMIT:
        return key
    return prefix + "sha256:" + hashlib.sha256(value.encode("utf-8")).hexdigest()


@dataclasses.dataclass(frozen=True)
class Review:
    name: str
    location: str
    stars: Optional[int]          # None when Google sends STAR_RATING_UNSPECIFIED
    comment: str                  # "" for a rating without text
    create_time: str
    update_time: str
    reply: Optional[str] = None   # the business's current reply, if any
    reply_time: Optional[str] = None

    @property
    def review_id(self) -> str:
        return self.name.rsplit("/", 1)[1]

    @property
    def thread_key(self) -> str:
        """One thread per review: its versions and the business's replies."""
        return _key("google:review:", self.name)

    @property
    def version_key(self) -> str:
        """One message per version of the review (an edit is a new message)."""
        return _key("", f"{self.name}@{self.update_time}")

    @property
    def edited(self) -> bool:
        return self.update_time != self.create_time


@dataclasses.dataclass(frozen=True)
class ReviewsPage:
    reviews: Tuple[Review, ...]
    next_page_token: Optional[str]


def _text(data: Mapping[str, Any], field: str, *, required: bool = True) -> Optional[str]:
    value = data.get(field)
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise InputError(f"review field {field} must be a non-empty string")
    return value


def parse_review(data: Any) -> Review:
    """A review from the API's JSON; InputError (naming the field, never the text) if malformed."""
    if not isinstance(data, Mapping):
        raise InputError("a review must be a JSON object")
    name = _text(data, "name")
    match = REVIEW_NAME.match(name)
    if match is None:
        raise InputError("review name must be accounts/{a}/locations/{l}/reviews/{r}")
    rating = data.get("starRating", "STAR_RATING_UNSPECIFIED")
    if not isinstance(rating, str) or (rating not in STARS and rating != "STAR_RATING_UNSPECIFIED"):
        raise InputError("review field starRating must be ONE to FIVE")
    comment = _text(data, "comment", required=False) or ""
    reply = data.get("reviewReply")
    if reply is not None and not isinstance(reply, Mapping):
        raise InputError("review field reviewReply must be an object")
    return Review(
        name=name, location=match.group(1), stars=STARS.get(rating), comment=comment,
        create_time=_text(data, "createTime"), update_time=_text(data, "updateTime"),
        reply=_text(reply, "comment", required=False) if reply else None,
        reply_time=_text(reply, "updateTime", required=False) if reply else None,
    )


def parse_reviews_page(data: Any) -> ReviewsPage:
    if not isinstance(data, Mapping):
        raise InputError("a reviews page must be a JSON object")
    raw = data.get("reviews") or []
    if not isinstance(raw, list):
        raise InputError("reviews must be a list")
    token = data.get("nextPageToken") or None
    if token is not None and not isinstance(token, str):
        raise InputError("nextPageToken must be a string")
    reviews: List[Review] = [parse_review(r) for r in raw]
    return ReviewsPage(tuple(reviews), token)
