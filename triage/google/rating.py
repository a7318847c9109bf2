"""A review's star rating counts beside its text.

People who write a one-star review often stay polite ("the nurses were kind but I waited six
hours and nobody called back"), and the text alone then reads as praise or a question. So:

- 1-2 stars make the review negative, whatever its text says, unless the text is an
  emergency or a clinical request: those routes are stricter, and spam stays spam;
- 4-5 stars never soften the text: a five-star review that complains or names a diagnosis is
  triaged on its text (a PHI-bearing review gets the generic acknowledgement only, whatever its
  rating: the policy's PHI rule does that);
- 3 stars: the text decides;
- a rating without text is praise (4-5), negative (1-2) or other (3), with full confidence.
"""

from __future__ import annotations

import dataclasses
from typing import Optional

from triage.parse import Parse

__all__ = ["RATING_CONFIDENCE", "RATING_ONLY_TEXT", "review_parse"]

# What is stored and classified for a review that has stars and no text (fixed, no PHI).
RATING_ONLY_TEXT = "(a star rating without text)"

# The confidence a low rating gives the negative reading: above the hand-off threshold, since
# the reviewer said it themselves.
RATING_CONFIDENCE = 0.9
_KEPT = frozenset({"emergency", "clinical_request", "negative_review", "spam"})


def review_parse(parse: Optional[Parse], stars: Optional[int], text: str = "") -> Parse:
    """The parse the policy decides on: the text's (None, or `text` RATING_ONLY_TEXT, when
    the review has no text) and the rating."""
    if parse is None or text == RATING_ONLY_TEXT:
        category = {1: "negative_review", 2: "negative_review", 4: "praise",
                    5: "praise"}.get(stars or 0, "other")
        return Parse(category, 1.0)
    if stars is None or stars >= 3 or parse.category in _KEPT:
        return parse
    return dataclasses.replace(parse, category="negative_review",
                               confidence=max(parse.confidence, RATING_CONFIDENCE))
