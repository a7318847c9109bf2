"""The SQLite lock store: Rasa's conversation locks shared by the processes of one machine."""

from __future__ import annotations

import asyncio
import multiprocessing
import time

import pytest
from rasa.core.lock_store import LockStore
from rasa.core.utils import number_of_sanic_workers
from rasa.utils.endpoints import read_endpoint_config

from bot.lock_store import SQLiteLockStore
from triage.settings import REPO_ROOT


@pytest.fixture
def db(tmp_path):
    return str(tmp_path / "tracker.db.locks")


def test_endpoints_yml_builds_it_and_rasa_then_allows_two_workers(tmp_path, monkeypatch):
    monkeypatch.setenv("TRIAGE_TRACKER_DB", str(tmp_path / "tracker.db"))
    monkeypatch.setenv("TRIAGE_ACTION_URL", "http://127.0.0.1:1/webhook")
    monkeypatch.setenv("TRIAGE_ACTION_SECRET", "unused")
    monkeypatch.setenv("SANIC_WORKERS", "2")
    config = read_endpoint_config(str(REPO_ROOT / "endpoints.yml"), "lock_store")
    store = LockStore.create(config)
    assert isinstance(store, SQLiteLockStore)
    assert (tmp_path / "tracker.db.locks").exists()
    assert number_of_sanic_workers(config) == 2


def test_tickets_from_two_stores_on_one_file_are_served_in_order(db):
    # Two processes' stores: each ticket is issued once, and served in the order issued.
    first, second = SQLiteLockStore(db=db), SQLiteLockStore(db=db)
    tickets = [first.issue_ticket("c"), second.issue_ticket("c"), first.issue_ticket("c")]
    assert tickets == [0, 1, 2]
    assert not second.get_lock("c").is_locked(0)
    assert second.get_lock("c").is_locked(1)
    first.cleanup("c", 0)
    assert not first.get_lock("c").is_locked(1)
    second.cleanup("c", 1)
    first.cleanup("c", 2)
    assert first.get_lock("c") is None  # nobody waits: the row is gone


def _hold(db: str, held: "multiprocessing.Event", seconds: float) -> None:
    async def run():
        async with SQLiteLockStore(db=db).lock("thread-1", wait_time_in_seconds=0.01):
            held.set()
            await asyncio.sleep(seconds)

    asyncio.run(run())


def test_a_turn_in_another_process_holds_the_conversation_until_it_ends(db):
    held = multiprocessing.get_context("spawn").Event()
    other = multiprocessing.get_context("spawn").Process(target=_hold, args=(db, held, 1.0))
    other.start()
    try:
        assert held.wait(60)
        store = SQLiteLockStore(db=db)

        async def turn():
            started = time.monotonic()
            async with store.lock("thread-1", wait_time_in_seconds=0.05):
                return time.monotonic() - started

        waited = asyncio.run(turn())
        assert waited > 0.3  # it waited for the other process's turn to end
        # Another conversation is not held up by it.
        other_thread = SQLiteLockStore(db=db)
        assert not other_thread.get_lock("thread-2")
    finally:
        other.join(60)
    assert other.exitcode == 0


def test_a_dead_holders_ticket_expires(db):
    store = SQLiteLockStore(db=db)
    store.issue_ticket("c", lock_lifetime=0.2)  # its holder never cleans up

    async def turn():
        async with store.lock("c", lock_lifetime=5, wait_time_in_seconds=0.05) as lock:
            return lock.now_serving

    assert asyncio.run(asyncio.wait_for(turn(), 10)) == 1


def test_it_says_what_it_needs():
    with pytest.raises(ValueError, match="db"):
        SQLiteLockStore()
