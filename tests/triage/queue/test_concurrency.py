"""Many moderators claiming at once: every case ends with exactly one owner.

8 workers (threads, or separate processes with their own engines) x 50 "claim next"
calls on 100 cases, and 8 workers each trying "claim this case" on all 100, on SQLite
(conditional UPDATE) and PostgreSQL (FOR UPDATE SKIP LOCKED).
"""

from __future__ import annotations

import collections
import multiprocessing
import queue
import random
import threading

import pytest

from tests.triage.queue.conftest import HASH, Db, open_case
from triage.errors import Conflict
from triage.queue import Actor, QueueRepository

WORKERS, ATTEMPTS, CASES = 8, 50, 100


def claim_worker(db: Db, user_id: int, mode: str, case_ids, barrier, results) -> None:
    """One moderator: claim as fast as possible, report what it got (or its error)."""
    engine = db.engine()
    try:
        repo = QueueRepository(engine)
        actor = Actor(user_id, "moderator")
        got = []
        barrier.wait(timeout=60)
        if mode == "next":
            for _ in range(ATTEMPTS):
                case = repo.claim_next(actor)
                if case is not None:
                    got.append(case.id)
        else:
            order = list(case_ids)
            random.Random(user_id).shuffle(order)
            for case_id in order:
                try:
                    got.append(repo.claim(actor, case_id).id)
                except Conflict:  # TransitionError too: someone else holds it
                    pass
        results.put((user_id, got, None))
    except Exception as exc:  # pragma: no cover - reported by the test
        results.put((user_id, [], f"{type(exc).__name__}: {exc}"))
    finally:
        engine.dispose()


def run_workers(kind: str, db: Db, users, mode: str, case_ids):
    if kind == "threads":
        barrier, results = threading.Barrier(len(users)), queue.Queue()
        workers = [threading.Thread(target=claim_worker,
                                    args=(db, u, mode, case_ids, barrier, results))
                   for u in users]
    else:
        ctx = multiprocessing.get_context("spawn")
        barrier, results = ctx.Barrier(len(users)), ctx.Queue()
        workers = [ctx.Process(target=claim_worker,
                               args=(db, u, mode, case_ids, barrier, results))
                   for u in users]
    for w in workers:
        w.start()
    reports = [results.get(timeout=300) for _ in workers]
    for w in workers:
        w.join(timeout=60)
    return reports


@pytest.mark.parametrize("mode", ["next", "this"])
@pytest.mark.parametrize("kind", ["threads", "processes"])
def test_each_case_ends_with_exactly_one_owner(db, repo, kind, mode):
    users = [repo.create_user(f"mod{i}", HASH, "moderator").id for i in range(WORKERS)]
    case_ids = [open_case(repo, priority=random.Random(i).choice(["urgent", "high", "normal"]),
                          sla_hours=1 + i % 7).id for i in range(CASES)]

    reports = run_workers(kind, db, users, mode, case_ids)

    assert [error for _, _, error in reports if error] == []
    assert sum(1 for _, got, _ in reports if got) > 1  # they really raced
    claimed = collections.Counter(cid for _, got, _ in reports for cid in got)
    assert sorted(claimed) == sorted(case_ids) and set(claimed.values()) == {1}
    owner_of = {cid: user for user, got, _ in reports for cid in got}
    for case in repo.list_cases():
        assert case.status == "claimed" and case.assignee_id == owner_of[case.id]
    claims = [e for e in repo.list_audit(limit=10_000) if e.action == "claim"]
    assert sorted(e.case_id for e in claims) == sorted(case_ids)
    assert all(owner_of[e.case_id] == e.actor_id for e in claims)
    if mode == "next":
        assert sum(len(got) for _, got, _ in reports) == CASES  # 400 tries, 100 wins
