"""The 200-delivery replay: counts, duplicates, bad signatures, unique ids."""

from __future__ import annotations

import pytest

from tests.triage.meta.replay import (
    TEXTS, Delivery, build_replay, expected_triages, summarize, to_jsonl,
)
from triage.errors import PermissionDenied
from triage.meta import parse_delivery, verify_signature

SECRET = "replay-secret"


@pytest.fixture(scope="module")
def replay() -> list[Delivery]:
    return build_replay(SECRET)


def test_counts(replay):
    s = summarize(replay)
    assert (s.deliveries, s.accepted, s.rejected, s.duplicates) == (200, 195, 5, 20)
    assert s.unique_events == expected_triages(replay) == s.events - s.echoes
    assert s.unique_events > 175 and s.echoes > 0
    assert 35 <= len(TEXTS) <= 45


def test_is_deterministic(replay):
    assert build_replay(SECRET) == replay
    assert build_replay(SECRET, seed=2) != replay


def test_duplicates_are_byte_identical_resends_of_earlier_accepted_deliveries(replay):
    dups = [(i, d) for i, d in enumerate(replay) if d.duplicate_of is not None]
    assert len(dups) == 20
    assert len({d.duplicate_of for _, d in dups}) == 20
    for i, d in dups:
        original = replay[d.duplicate_of]
        assert d.duplicate_of < i and original.duplicate_of is None and original.expect == "ok"
        assert (d.body, d.signature, d.events) == (original.body, original.signature,
                                                   original.events)
    assert len({d.body for d in replay}) == 180


def test_exactly_five_bad_signatures_and_the_rest_verify(replay):
    rejected = 0
    for d in replay:
        try:
            verify_signature(d.body, d.signature or None, SECRET)
        except PermissionDenied:
            rejected += 1
            assert d.expect == "rejected"
        else:
            assert d.expect == "ok"
    assert rejected == 5


def test_event_counts_kinds_and_unique_ids(replay):
    seen: set[tuple[str, str]] = set()
    kinds: set[tuple[str, str]] = set()
    batched = 0
    for d in replay:
        events = parse_delivery(d.body)
        assert len(events) == d.events and sum(e.is_echo for e in events) == d.echoes
        batched += len(events) > 1
        if d.duplicate_of is not None:
            continue
        for e in events:
            key = (e.platform, e.message_key)
            assert key not in seen
            seen.add(key)
            kinds.add((e.platform, e.kind))
            if not e.is_echo and d.expect == "ok":
                assert e.text in TEXTS
    assert kinds == {("facebook", "message"), ("facebook", "comment"),
                     ("instagram", "message"), ("instagram", "comment")}
    assert batched >= 20


def test_jsonl_round_trips(replay):
    import json
    rows = [json.loads(line) for line in to_jsonl(replay).splitlines()]
    assert len(rows) == 200
    assert all(r["body"].encode("utf-8") == d.body for r, d in zip(rows, replay))
