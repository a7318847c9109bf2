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
test_a_failed_delivery_opens_a_case_when_there_is_none = (
    shared.test_a_failed_delivery_opens_a_case_when_there_is_none)
test_one_private_reply_per_comment = shared.test_one_private_reply_per_comment
