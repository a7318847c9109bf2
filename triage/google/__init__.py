"""Google Business Profile reviews: the API client, the reviews and their notifications.

Pure apart from `HttpBusinessProfileApi`'s HTTP; no Rasa imports. `rating.review_parse` is how
a review's stars count beside its text."""

from triage.google.client import (BusinessProfileApi, GoogleAuthError, GoogleError,
                                  GoogleRejected, GoogleUnavailable, HttpBusinessProfileApi,
                                  OAuthCredentials)
from triage.google.notifications import (REVIEW_TYPES, ReviewNotification, check_push_token,
                                         parse_push)
from triage.google.reviews import (MAX_REPLY_CHARS, STARS, Review, ReviewsPage, parse_review,
                                   parse_reviews_page)

__all__ = [
    "BusinessProfileApi", "GoogleAuthError", "GoogleError", "GoogleRejected",
    "GoogleUnavailable", "HttpBusinessProfileApi", "MAX_REPLY_CHARS", "OAuthCredentials",
    "REVIEW_TYPES", "Review", "ReviewNotification", "ReviewsPage", "STARS",
    "check_push_token", "parse_push", "parse_review", "parse_reviews_page",
]
