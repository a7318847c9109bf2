"""Polling with a stored cursor, against the fake server and the real queue database: a
restart between polls neither misses a review nor hands one over twice (beyond the cursor's
own instant, which the queue's key drops)."""

from __future__ import annotations

import pytest

from tests.fakes.business_profile_server import FakeBusinessProfile
from triage.errors import InputError
from triage.google import HttpBusinessProfileApi, OAuthCredentials
from triage.google.poller import ReviewPoller, canonical_time

LOCATION = "accounts/77/locations/88"


@pytest.fixture
def fake():
    with FakeBusinessProfile(refresh_token="r") as server:
        yield server


def poller(fake, repository, handed):
    api = HttpBusinessProfileApi(OAuthCredentials("client-id", "client-secret", "r",
                                                  token_url=fake.token_url),
                                 base_url=fake.url, sleep=lambda _s: None)
    return ReviewPoller(api, repository, [LOCATION], handed.append)


def _when(i: int) -> str:
    return f"2026-11-{1 + i // 24:02d}T{i % 24:02d}:00:00Z"


def test_a_restart_between_polls_neither_misses_nor_repeats(fake, service):
    repo = service.repository
    for i in range(75):
        fake.add_review(LOCATION, f"r{i}", "FIVE", f"text {i}", when=_when(i))
    handed = []
    assert poller(fake, repo, handed).poll() == 75
    first = handed[0]
    assert [r.update_time for r in first] == sorted(r.update_time for r in first)  # oldest first
    # new and edited reviews while the service is down, then a new process
    fake.add_review(LOCATION, "new", "ONE", "late", when=_when(80))
    fake.edit_review(f"{LOCATION}/reviews/r3", "TWO", "changed", when=_when(81))
    handed = []
    # the two changes, after the one at the cursor's instant (r74: the queue drops it)
    assert poller(fake, repo, handed).poll() == 3
    assert [r.name.rsplit("/", 1)[1] for r in handed[0]] == ["r74", "new", "r3"]
    assert handed[0][2].stars == 2
    handed = []
    assert poller(fake, repo, handed).poll() == 1  # only the one at the cursor's instant
    assert handed[0][0].version_key == f"{LOCATION}/reviews/r3@{_when(81)}"


def test_a_crash_before_the_cursor_moves_hands_the_same_reviews_again(fake, service):
    for i in range(3):
        fake.add_review(LOCATION, f"c{i}", "THREE", "x", when=_when(i))

    def crash(_reviews):
        raise RuntimeError("killed mid-poll")

    broken = poller(fake, service.repository, [])
    broken._store = crash
    with pytest.raises(RuntimeError):
        broken.poll()
    handed = []
    assert poller(fake, service.repository, handed).poll() == 3


def test_the_cursor_only_moves_forward(service):
    repo = service.repository
    assert repo.cursor("x") is None
    assert repo.advance_cursor("x", "2026-11-02T00:00:00.000000Z")
    assert not repo.advance_cursor("x", "2026-11-01T00:00:00.000000Z")
    assert not repo.advance_cursor("x", "2026-11-02T00:00:00.000000Z")
    assert repo.cursor("x") == "2026-11-02T00:00:00.000000Z"


@pytest.mark.parametrize("value, expected", [
    ("2026-11-30T09:00:00Z", "2026-11-30T09:00:00.000000Z"),
    ("2026-11-30T09:00:00.5Z", "2026-11-30T09:00:00.500000Z"),
    ("2026-11-30T09:00:00.123456789Z", "2026-11-30T09:00:00.123456Z"),
    ("2026-11-30T11:00:00+02:00", "2026-11-30T09:00:00.000000Z"),
])
def test_times_compare_as_strings_once_canonical(value, expected):
    assert canonical_time(value) == expected


@pytest.mark.parametrize("value", ["yesterday", "2026-11-30T09:00:00", ""])
def test_a_bad_time_is_refused(value):
    with pytest.raises(InputError):
        canonical_time(value)
