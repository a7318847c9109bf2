"""The bounded tracker store: a long thread loads only its latest events, stores all."""

from __future__ import annotations

import asyncio

import pytest
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import FailSafeTrackerStore, TrackerStore
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


class _Recorder(EventBroker):
    """Collects what the store publishes (Pika itself is tested in tests/scaleout)."""

    def __init__(self):
        self.published = []

    def publish(self, event):
        self.published.append(event)


def test_each_turn_saves_and_publishes_its_own_events_once(store, domain):
    run = asyncio.run
    store.event_broker = _Recorder()
    # As the agent does: the FailSafe wrapper builds the new tracker, ours stores it.
    tracker = run(FailSafeTrackerStore(store).get_or_create_tracker("thread-2"))
    first = len(tracker.events)
    for n in range(3):
        tracker = run(store.retrieve("thread-2"))
        for event in _turn(n):
            tracker.update(event)
        run(store.save(tracker))
        run(store.save(tracker))  # saving again adds nothing
    full = run(store.retrieve_full_tracker("thread-2"))
    assert len(full.events) == first + 9
    assert [e.text for e in full.events if isinstance(e, UserUttered)] == [
        "message 0", "message 1", "message 2"]
    assert len(store.event_broker.published) == first + 9
    assert [e["text"] for e in store.event_broker.published if e["event"] == "user"] == [
        "message 0", "message 1", "message 2"]


def test_a_tracker_built_elsewhere_is_saved_by_counting_as_stock_does(store, domain):
    run = asyncio.run
    events = [ActionExecuted("action_listen", timestamp=1)] + _turn(0)
    run(store.save(DialogueStateTracker.from_events("thread-3", events, domain.slots)))
    # The same history rebuilt outside the store, with one more turn: only that turn is new.
    again = DialogueStateTracker.from_events("thread-3", events + _turn(1), domain.slots)
    run(store.save(again))
    full = run(store.retrieve_full_tracker("thread-3"))
    assert len(full.events) == len(events) + 3


def test_two_stores_on_one_file_see_each_others_turns(store, domain, tmp_path):
    # Two Rasa processes on one SQLite tracker file, each with its pool of connections.
    run = asyncio.run
    other = BoundedSQLTrackerStore(domain=domain, dialect="sqlite",
                                   db=str(tmp_path / "tracker.db"))
    tracker = run(store.get_or_create_tracker("thread-4"))
    for event in _turn(0):
        tracker.update(event)
    run(store.save(tracker))
    seen = run(other.retrieve("thread-4"))
    assert seen.latest_message.text == "message 0"
    for event in _turn(1):
        seen.update(event)
    run(other.save(seen))
    assert run(store.retrieve("thread-4")).latest_message.text == "message 1"


def test_a_turn_reads_the_latest_session_only_as_rasas_own_query_does(store, domain):
    run = asyncio.run
    events = [SessionStarted(timestamp=10), ActionExecuted("action_listen", timestamp=10)]
    events += _turn(0) + _turn(1)
    events += [SessionStarted(timestamp=2000), ActionExecuted("action_listen", timestamp=2000)]
    events += [UserUttered("message 2", {"name": "other"}, timestamp=2001)]
    run(store.save(DialogueStateTracker.from_events("thread-5", events, domain.slots)))
    tracker = run(store.retrieve("thread-5"))
    assert [e.as_dict() for e in tracker.events] == [e.as_dict() for e in events[-3:]]
    with store.session_scope() as session:  # the ORM form, which Rasa's count uses
        orm = store._event_query(session, "thread-5", fetch_events_from_all_sessions=False).all()
    assert len(orm) == 3
    assert run(store.retrieve("no-such-thread")) is None
