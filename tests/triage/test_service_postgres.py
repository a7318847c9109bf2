"""The same service behaviour on the PostgreSQL server at 127.0.0.1:5432 (database `test`)."""

from __future__ import annotations

import dataclasses
import uuid

import pytest
import sqlalchemy as sa

from tests.conftest import TODAY
from tests.triage import test_service as shared

PG_URL = "postgresql+psycopg2://postgres@127.0.0.1:5432/test"

pytestmark = pytest.mark.postgres


@pytest.fixture
def service(library, taxonomy):
    """A service on a fresh schema in the real PostgreSQL server."""
    from triage.queue import QueueRepository, create_schema, make_engine
    from triage.service import TriageService
    from triage.settings import Settings

    schema = f"t_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_URL, future=True)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    engine = sa.create_engine(PG_URL, future=True,
                              connect_args={"options": f"-csearch_path={schema}"})
    create_schema(engine)
    settings = dataclasses.replace(Settings(), database_url=PG_URL)
    yield TriageService(settings, QueueRepository(engine), library, taxonomy, today=lambda: TODAY)
    engine.dispose()
    with admin.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


test_phi_message_opens_high_priority_case_and_sends_portal_template = (
    shared.test_phi_message_opens_high_priority_case_and_sends_portal_template)
test_thread_is_silent_once_a_human_owns_it = shared.test_thread_is_silent_once_a_human_owns_it
test_emergency_on_an_owned_thread_still_gets_crisis_numbers_and_lifts_the_case = (
    shared.test_emergency_on_an_owned_thread_still_gets_crisis_numbers_and_lifts_the_case)
test_duplicate_delivery_is_stored_once_and_answered_once = (
    shared.test_duplicate_delivery_is_stored_once_and_answered_once)
test_concurrent_messages_on_a_new_thread_open_one_case = (
    shared.test_concurrent_messages_on_a_new_thread_open_one_case)
# Leases (the SKIP LOCKED path) and the outbox, on PostgreSQL.
from tests.triage import test_outbox as outbox  # noqa: E402
from tests.triage.test_outbox import graph, sender  # noqa: E402,F401 - fixtures

test_a_worker_whose_lease_was_taken_over_finishes_nothing = (
    outbox.test_a_worker_whose_lease_was_taken_over_finishes_nothing)
test_lease_next_takes_what_no_live_worker_holds = (
    outbox.test_lease_next_takes_what_no_live_worker_holds)
test_a_renewed_lease_is_not_taken_and_a_lost_one_cannot_be_renewed = (
    outbox.test_a_renewed_lease_is_not_taken_and_a_lost_one_cannot_be_renewed)
test_lease_next_keeps_a_thread_in_order_and_emergencies_first = (
    outbox.test_lease_next_keeps_a_thread_in_order_and_emergencies_first)
test_a_message_stored_first_is_read_for_phi_by_its_worker = (
    outbox.test_a_message_stored_first_is_read_for_phi_by_its_worker)
test_the_sender_sends_each_operation_once_and_records_it = (
    outbox.test_the_sender_sends_each_operation_once_and_records_it)
test_recovery_retries_a_hide_but_never_resends_a_reply = (
    outbox.test_recovery_retries_a_hide_but_never_resends_a_reply)
test_the_database_refuses_a_second_live_private_reply = (
    outbox.test_the_database_refuses_a_second_live_private_reply)
# Poll cursors (Google reviews) on PostgreSQL.
from tests.triage.google import test_poller as poller  # noqa: E402

test_the_cursor_only_moves_forward = poller.test_the_cursor_only_moves_forward
