"""Pub/Sub pushes of review notifications: verified, parsed, and refused clearly when odd."""

from __future__ import annotations

import base64
import json

import pytest

from tests.fakes.business_profile_server import push_body
from triage.errors import ConfigError, InputError, PermissionDenied
from triage.google import check_push_token, parse_push

REVIEW = "accounts/1/locations/2/reviews/AbC-9_x"


@pytest.mark.parametrize("kind", ["NEW_REVIEW", "UPDATED_REVIEW"])
def test_a_review_notification_names_the_review_and_its_location(kind):
    note = parse_push(push_body(kind, REVIEW, "m-1"))
    assert (note.kind, note.review_name, note.location_name, note.message_id) == (
        kind, REVIEW, "accounts/1/locations/2", "m-1")


def _push(data, message_id="m-2"):
    raw = base64.b64encode(json.dumps(data).encode()).decode()
    return json.dumps({"message": {"data": raw, "messageId": message_id}}).encode()


def test_snake_case_fields_are_read_too():
    note = parse_push(_push({"type": "NEW_REVIEW", "review_name": REVIEW,
                             "location_name": "accounts/1/locations/2"}))
    assert note.review_name == REVIEW


@pytest.mark.parametrize("kind", ["GOOGLE_UPDATE", "NEW_QUESTION", "NEW_CUSTOMER_MEDIA"])
def test_other_notification_types_are_ignored(kind):
    assert parse_push(_push({"type": kind, "locationName": "accounts/1/locations/2"})) is None


@pytest.mark.parametrize("body, problem", [
    (b"not json", "not JSON"),
    (b"[]", "no message"),
    (json.dumps({"message": {"messageId": "m"}}).encode(), "messageId and data"),
    (json.dumps({"message": {"messageId": "m", "data": "%%%"}}).encode(), "base64"),
    (_push({"type": "NEW_REVIEW", "reviewName": "accounts/1/reviews/x",
            "locationName": "accounts/1"}), "reviewName"),
    (_push({"type": "NEW_REVIEW", "reviewName": REVIEW,
            "locationName": "accounts/9/locations/9"}), "reviewName"),
    (b"{" + b" " * 70000 + b"}", "too large"),
    ("{\"message\": \"\U0001F600\"}".encode(), "no message"),
])
def test_a_malformed_push_is_refused_with_what_is_wrong(body, problem):
    with pytest.raises(InputError, match=problem):
        parse_push(body)


def test_the_verification_token_is_checked():
    check_push_token("s3cret", "s3cret")
    for wrong in (None, "", "s3cre", "S3CRET"):
        with pytest.raises(PermissionDenied):
            check_push_token(wrong, "s3cret")
    with pytest.raises(ConfigError):
        check_push_token("anything", "")
