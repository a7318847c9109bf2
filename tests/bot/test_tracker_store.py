"""The bounded tracker store: a long thread loads only its latest events, stores all."""

from __future__ import annotations

import asyncio

import pytest
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import read_endpoint_config

from bot.tracker_store import BoundedSQLTrackerStore
from triage.settings import REPO_ROOT


@pytest.fixture(scope="module")
def domain():
    return Domain.load(str(REPO_ROOT / "bot" / "domain"))


@pytest.fixture
def store(domain, tmp_path, monkeypatch):
    # Built the way `rasa run` builds it from endpoints.yml: a wrong class path there
    # would make Rasa fall back to an in-memory store with only a warning.
    monkeypatch.setenv("TRIAGE_TRACKER_DB", str(tmp_path / "tracker.db"))
    monkeypatch.setenv("TRIAGE_ACTION_URL", "http://127.0.0.1:1/webhook")
    monkeypatch.setenv("TRIAGE_ACTION_SECRET", "unused")
    config = read_endpoint_config(str(REPO_ROOT / "endpoints.yml"), "tracker_store")
    made = TrackerStore.create(config, domain)
    assert isinstance(made, BoundedSQLTrackerStore)
    return made


def _turn(n: int):
    return [UserUttered(f"message {n}", {"name": "other"}, timestamp=1000 + n),
            ActionExecuted("action_triage", timestamp=1000 + n),
            ActionExecuted("action_listen", timestamp=1000 + n)]


def test_a_long_thread_loads_its_latest_events_only_and_stores_every_one(store, domain):
    run = asyncio.run  # a fresh loop per call: the suite may have left none current
    events = [ActionExecuted("action_session_start", timestamp=999),
              SessionStarted(timestamp=999), ActionExecuted("action_listen", timestamp=999)]
    for n in range(400):
        events += _turn(n)
    run(store.save(DialogueStateTracker.from_events("thread-1", events, domain.slots)))

    tracker = run(store.retrieve("thread-1"))
    assert len(tracker.events) == BoundedSQLTrackerStore.MAX_EVENTS
    assert tracker.latest_message.text == "message 399"

    # The next turn appends exactly its own events, not the ones left unread.
    for event in _turn(400):
        tracker.update(event)
    run(store.save(tracker))
    full = run(store.retrieve_full_tracker("thread-1"))
    assert len(full.events) == len(events) + 3
    assert [e.text for e in full.events if isinstance(e, UserUttered)][-2:] == [
        "message 399", "message 400"]
    assert run(store.retrieve("thread-1")).latest_message.text == "message 400"
