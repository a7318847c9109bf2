"""The Business Profile client against the fake server over HTTP: paging, one review, the
reply, token refresh, retries and typed errors; nothing logged holds text or a token."""

from __future__ import annotations

import logging

import pytest

from tests.fakes.business_profile_server import FakeBusinessProfile
from triage.errors import InputError
from triage.google import (GoogleAuthError, GoogleRejected, GoogleUnavailable,
                           HttpBusinessProfileApi, OAuthCredentials)

LOCATION = "accounts/1234/locations/5678"


@pytest.fixture(scope="module")
def server():
    with FakeBusinessProfile(refresh_token="refresh-1") as fake:
        yield fake


@pytest.fixture
def fake(server):
    server.reset_calls()
    server._failures.clear()
    return server


def api(fake, refresh_token="refresh-1", **kwargs):
    credentials = OAuthCredentials("client-id", "client-secret", refresh_token,
                                   token_url=fake.token_url)
    kwargs.setdefault("sleep", lambda _s: None)
    return HttpBusinessProfileApi(credentials, base_url=fake.url, **kwargs)


def test_pages_through_every_review_newest_update_first(fake):
    location = LOCATION + "1"
    for i in range(120):
        fake.add_review(location, f"r{i:03d}", "FIVE" if i % 2 else "ONE", f"text {i}",
                        when=f"2026-11-{1 + i // 10:02d}T10:{i % 60:02d}:00Z")
    reviews = list(api(fake).iter_reviews(location))
    assert len(reviews) == 120 and len({r.name for r in reviews}) == 120
    assert [r.update_time for r in reviews] == sorted((r.update_time for r in reviews),
                                                      reverse=True)
    pages = [c for c in fake.calls if c.path.endswith("/reviews")]
    assert len(pages) == 3 and pages[1].query["pageToken"] == "50"


def test_a_review_is_typed_and_keeps_no_reviewer_name(fake):
    name = fake.add_review(LOCATION, "abc", "TWO", "the wait was long",
                           when="2026-11-30T09:00:00Z")
    review = api(fake).get_review(name)
    assert (review.stars, review.comment, review.location, review.review_id) == (
        2, "the wait was long", LOCATION, "abc")
    assert "Reviewer" not in repr(review)
    assert review.thread_key == f"google:review:{name}"
    assert review.version_key == f"{name}@2026-11-30T09:00:00Z" and not review.edited


def test_an_edit_is_a_new_version_of_the_same_thread(fake):
    name = fake.add_review(LOCATION, "edit1", "FOUR", "nice", when="2026-11-01T00:00:00Z")
    before = api(fake).get_review(name)
    fake.edit_review(name, "ONE", "changed my mind", when="2026-11-02T00:00:00Z")
    after = api(fake).get_review(name)
    assert after.thread_key == before.thread_key and after.version_key != before.version_key
    assert after.edited and after.stars == 1


def test_a_rating_without_text_has_an_empty_comment(fake):
    name = fake.add_review(LOCATION, "silent", "ONE", None)
    assert api(fake).get_review(name).comment == ""


def test_the_reply_is_put_once_and_replaces_the_last(fake):
    name = fake.add_review(LOCATION, "rep", "ONE", "bad")
    client = api(fake)
    client.put_reply(name, "Thank you for your feedback. Please call us.")
    client.put_reply(name, "Thank you for your feedback.")
    assert fake.review(name)["reviewReply"]["comment"] == "Thank you for your feedback."
    puts = [c for c in fake.calls if c.method == "PUT"]
    assert [c.json for c in puts] == [{"comment": "Thank you for your feedback. Please call us."},
                                      {"comment": "Thank you for your feedback."}]


@pytest.mark.parametrize("text", ["", "   ", "x" * 4097])
def test_a_reply_google_would_refuse_is_refused_before_sending(fake, text):
    with pytest.raises(InputError, match="4096"):
        api(fake).put_reply(f"{LOCATION}/reviews/any", text)
    assert not [c for c in fake.calls if c.method == "PUT"]


def test_a_429_then_success_is_retried_after_retry_after(fake):
    slept = []
    fake.fail_next(1, status=429, path="/v4/", retry_after="7")
    name = fake.add_review(LOCATION, "r429", "THREE", "ok")
    assert api(fake, sleep=slept.append).get_review(name).stars == 3
    assert slept == [7.0]


def test_5xx_until_the_attempts_run_out_is_unavailable(fake):
    fake.fail_next(3, status=503, path="/v4/")
    with pytest.raises(GoogleUnavailable) as caught:
        api(fake, max_attempts=3).get_review(f"{LOCATION}/reviews/x")
    assert caught.value.status == 503 and caught.value.attempts == 3


def test_a_401_refreshes_the_token_once_and_goes_on(fake):
    credentials = OAuthCredentials("client-id", "client-secret", "refresh-1",
                                   token_url=fake.token_url)
    client = HttpBusinessProfileApi(credentials, base_url=fake.url, sleep=lambda _s: None)
    name = fake.add_review(LOCATION, "r401", "FIVE", "great")
    client.get_review(name)
    assert credentials.refreshes == 1
    fake.revoke_tokens()  # e.g. the user changed their password
    assert client.get_review(name).stars == 5
    assert credentials.refreshes == 2
    statuses = [c.status for c in fake.calls if c.path.startswith("/v4/")]
    assert statuses == [200, 401, 200]


def test_a_token_refused_after_refreshing_is_an_auth_error_not_a_loop(fake):
    fake.fail_next(5, status=401, path="/v4/")
    with pytest.raises(GoogleAuthError):
        api(fake).get_review(f"{LOCATION}/reviews/x")
    assert len([c for c in fake.calls if c.path.startswith("/v4/")]) == 2


def test_a_refused_refresh_token_is_an_auth_error(fake):
    with pytest.raises(GoogleAuthError) as caught:
        api(fake, refresh_token="wrong").get_review(f"{LOCATION}/reviews/x")
    assert caught.value.reason == "invalid_grant" and "wrong" not in str(caught.value)


def test_a_4xx_is_rejected_with_googles_status_name(fake):
    with pytest.raises(GoogleRejected) as caught:
        api(fake).get_review(f"{LOCATION}/reviews/missing")
    assert (caught.value.status, caught.value.reason) == (404, "NOT_FOUND")


def test_no_connection_is_unavailable(fake):
    credentials = OAuthCredentials("c", "s", "r", token_url=fake.token_url)
    client = HttpBusinessProfileApi(credentials, base_url="http://127.0.0.1:9",
                                    sleep=lambda _s: None, max_attempts=2)
    credentials._token, credentials._expires = "t", float("inf")
    with pytest.raises(GoogleUnavailable):
        client.get_review(f"{LOCATION}/reviews/x")


def test_logs_hold_no_text_and_no_token(fake, caplog):
    caplog.set_level(logging.DEBUG)
    name = fake.add_review(LOCATION, "logs", "ONE", "my son Jake was in room 12")
    client = api(fake)
    client.get_review(name)
    client.put_reply(name, "Thank you for your feedback.")
    text = caplog.text
    assert "Jake" not in text and "access-" not in text and "refresh-1" not in text
    assert "Thank you" not in text
