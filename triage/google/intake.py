"""A review version as a message for the queue: stored first, de-duplicated on its version.

Each (review, updateTime) is one message (its key), all versions of a review one thread; the
stars travel with it (`Inbound.rating`) and count beside the text when it is triaged. A review
with stars and no text is stored as RATING_ONLY_TEXT. Each version carries the review's name as
its reply context: what the triage plans (`triage.google.replies`) or a moderator approves is
posted there, as the taxonomy's rules for this channel say.
"""

from __future__ import annotations

from typing import List, Sequence, Union

from triage.errors import InputError
from triage.google.rating import RATING_ONLY_TEXT
from triage.google.replies import review_context
from triage.google.reviews import Review
from triage.queue import Stored
from triage.service import Inbound, TriageService

__all__ = ["CHANNEL", "review_inbound", "store_reviews"]

CHANNEL = "google_reviews"


def review_inbound(review: Review) -> Inbound:
    return Inbound(CHANNEL, review.version_key, review.thread_key, "public_comment",
                   review.comment.strip() or RATING_ONLY_TEXT, rating=review.stars,
                   reply_to=review_context(review.name))


def store_reviews(service: TriageService, reviews: Sequence[Review]
                  ) -> List[Union[Stored, InputError]]:
    """Store review versions (oldest first keeps each thread in order) in one transaction;
    a version stored before comes back as a duplicate, stored once."""
    return service.accept_many([review_inbound(r) for r in reviews])
