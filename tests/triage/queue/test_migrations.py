"""Alembic migrations: an empty database reaches exactly `metadata`, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from triage.queue import QueueRepository, create_schema, downgrade_schema, head_revision
from triage.queue.db import BASELINE_REVISION, current_revision
from triage.queue.tables import metadata


def drift(engine):
    with engine.connect() as conn:
        return compare_metadata(MigrationContext.configure(conn), metadata)


@pytest.fixture
def empty(db):
    engine = db.engine()
    yield engine
    engine.dispose()


def test_migrating_an_empty_database_matches_the_metadata(empty):
    create_schema(empty)
    assert current_revision(empty) == head_revision()
    assert drift(empty) == []
    create_schema(empty)  # idempotent
    assert current_revision(empty) == head_revision()


def test_downgrade_to_base_and_up_again(empty):
    create_schema(empty)
    downgrade_schema(empty, "base")
    assert current_revision(empty) is None
    assert set(sa.inspect(empty).get_table_names()) == {"alembic_version"}
    create_schema(empty)
    assert drift(empty) == []


def test_a_database_from_before_migrations_is_adopted_with_its_data(empty):
    # The old create_all() schema is exactly the baseline revision, without a version table.
    create_schema(empty, BASELINE_REVISION)
    with empty.begin() as conn:
        conn.execute(sa.text("DROP TABLE alembic_version"))
        conn.execute(sa.text(
            "INSERT INTO cases (reference, channel, thread_key, surface, category, priority,"
            " priority_rank, status, reason, redacted_text, original_text, phi_types,"
            " sla_due_at, created_at, updated_at) VALUES ('IT-OLD001', 'rest', 't', "
            "'private_message', 'praise', 'low', 3, 'new', 'category', 'r', 'o', '', "
            "'2026-01-01 00:00:00', '2026-01-01 00:00:00', '2026-01-01 00:00:00')"))
    create_schema(empty)
    assert current_revision(empty) == head_revision() and drift(empty) == []
    old = QueueRepository(empty).get_case("IT-OLD001")
    assert (old.status, old.assignee_id) == ("new", None)


def test_concurrent_start_ups_migrate_once(empty):
    errors = []

    def start():
        try:
            create_schema(empty)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert current_revision(empty) == head_revision() and drift(empty) == []
