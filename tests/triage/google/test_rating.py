"""The star rating beside the text (issue 13, item 2)."""

import pytest

from triage.google.rating import RATING_CONFIDENCE, review_parse
from triage.parse import Parse


@pytest.mark.parametrize("category, stars, expected", [
    ("praise", 1, "negative_review"),            # "the nurses were lovely" with one star
    ("general_question", 2, "negative_review"),  # "why does nobody answer the phone?"
    ("appointment_request", 1, "negative_review"),
    ("other", 2, "negative_review"),
    ("emergency", 1, "emergency"),               # stricter routes are never softened
    ("clinical_request", 1, "clinical_request"),
    ("spam", 1, "spam"),
    ("negative_review", 5, "negative_review"),   # five stars never soften a complaint
    ("clinical_request", 5, "clinical_request"),
    ("praise", 3, "praise"),                     # three stars: the text decides
    ("negative_review", 3, "negative_review"),
    ("praise", 5, "praise"),
    ("praise", None, "praise"),                  # no rating given
])
def test_the_rating_and_the_text_both_count(category, stars, expected):
    parse = Parse(category, 0.6, phi_types=("HEALTH",), emergency_score=0.01)
    out = review_parse(parse, stars)
    assert out.category == expected
    assert out.phi_types == ("HEALTH",) and out.emergency_score == 0.01  # nothing else changes
    if expected != category:
        assert out.confidence == RATING_CONFIDENCE


@pytest.mark.parametrize("stars, expected", [
    (1, "negative_review"), (2, "negative_review"), (3, "other"), (4, "praise"),
    (5, "praise"), (None, "other"),
])
def test_a_rating_without_text(stars, expected):
    assert review_parse(None, stars) == Parse(expected, 1.0)
