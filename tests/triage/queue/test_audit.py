"""The audit log: a row for every change, and no way to change a row afterwards."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.triage.queue.conftest import add_message, open_case
from triage.errors import TransitionError
from triage.queue.tables import audit_events


def test_every_change_leaves_an_audit_row(repo, staff):
    mod, mod2, sup = staff["mod"], staff["mod2"], staff["sup"]
    case = open_case(repo)
    repo.claim(mod, case.id)
    repo.record_view(mod, case.id, "original_text")
    repo.add_note(mod, case.id, "internal")
    inbound = repo.thread_messages(case.id)[0].id
    repo.relabel(mod, case.id, inbound, "praise")
    repo.record_template_reply(mod, case.id, "complaint_ack.private", 1)
    repo.await_patient(mod, case.id)
    add_message(repo, case)
    draft = repo.propose_free_text(mod, case.id, "words")
    repo.approve_free_text(sup, draft.id)
    repo.record_free_text_sent(mod, draft.id)
    repo.reassign(sup, case.id, mod2.user_id)
    repo.unclaim(mod2, case.id)
    repo.claim(mod2, case.id)
    repo.resolve(mod2, case.id)
    repo.reopen(mod, case.id, claim=True)
    repo.release(mod, case.id)
    repo.reopen(sup, case.id)

    assert [(e.action, e.actor_id) for e in repo.list_audit(case.id)] == [
        ("case_opened", None), ("claim", mod.user_id), ("viewed", mod.user_id),
        ("note_added", mod.user_id), ("relabel", mod.user_id), ("reply_sent", mod.user_id),
        ("await_patient", mod.user_id), ("message_appended", None), ("patient_replied", None),
        ("free_text_proposed", mod.user_id), ("free_text_approved", sup.user_id),
        ("reply_sent", mod.user_id), ("reassign", sup.user_id), ("unclaim", mod2.user_id),
        ("claim", mod2.user_id), ("resolve", mod2.user_id), ("reopen", mod.user_id),
        ("release", mod.user_id), ("reopen", sup.user_id),
    ]


def test_a_refused_change_leaves_no_row(repo, staff):
    case = open_case(repo)
    before = repo.list_audit()
    with pytest.raises(TransitionError):
        repo.resolve(staff["sup"], case.id)
    assert repo.list_audit() == before


def test_the_repository_has_no_way_to_change_audit_rows():
    from triage.queue import QueueRepository

    names = [n for n in dir(QueueRepository) if "audit" in n and not n.startswith("__")]
    assert sorted(names) == ["_audit", "list_audit"]


@pytest.mark.parametrize("statement", [
    sa.update(audit_events).values(detail="edited"),
    sa.delete(audit_events),
], ids=["update", "delete"])
def test_the_database_refuses_update_and_delete(engine, repo, staff, statement):
    case = open_case(repo)
    repo.claim(staff["mod"], case.id)
    before = repo.list_audit()
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        with engine.begin() as conn:
            conn.execute(statement)
    assert repo.list_audit() == before


@pytest.mark.parametrize("db", [pytest.param("postgres", marks=pytest.mark.postgres)],
                         indirect=True)
def test_postgres_refuses_truncate(engine, repo):
    open_case(repo)
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        with engine.begin() as conn:
            conn.execute(sa.text("TRUNCATE audit_events CASCADE"))
