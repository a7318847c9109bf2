"""Engine creation and schema set-up: Alembic migrations, run the same way everywhere.

`create_schema(engine)` is `alembic upgrade head` run in-process, so the service, the
portal, the tests and the CLI all reach the same schema by the same path. Several
processes start at once (`make run`), so the upgrade runs under a lock: SQLite's write
lock (`BEGIN IMMEDIATE`, which also makes the migration one transaction) or a PostgreSQL
advisory lock. The loser waits and finds the schema current.

A database made before migrations existed (tables but no `alembic_version`) is stamped
with the baseline revision, whose tables are exactly that old schema, and then upgraded.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Iterator, Optional

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

from triage.errors import StoreError

__all__ = ["BASELINE_REVISION", "MIGRATIONS_DIR", "alembic_config", "create_schema",
           "current_revision", "downgrade_schema", "head_revision", "make_engine"]

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# The revision whose tables are the schema `metadata.create_all` used to make.
BASELINE_REVISION = "0001"
_LEGACY_TABLES = {"inbound_messages", "cases"}
# Any fixed 64-bit number; the same for every process that migrates this database.
_PG_MIGRATION_LOCK = 0x7472_6961_6765  # "triage"


def make_engine(url: str) -> Engine:
    """A 2.0-style engine; SQLite gets WAL, a busy timeout and enforced foreign keys."""
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
    if url.startswith("sqlite"):
        # Pooled, not SQLAlchemy 1.4's NullPool for files: opening a connection per
        # transaction cost more than the write (the pragmas, and a WAL checkpoint on close).
        pool = {} if url == "sqlite:///:memory:" else {
            "poolclass": sa.pool.QueuePool, "pool_size": 8, "max_overflow": 8}
        engine = sa.create_engine(url, future=True,
                                  connect_args={"timeout": 30, "check_same_thread": False},
                                  **pool)

        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    return sa.create_engine(url, future=True, pool_pre_ping=True)


def alembic_config(connection: Optional[Connection] = None) -> Config:
    """An Alembic config for our scripts; with a connection, env.py migrates on it."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


@contextlib.contextmanager
def _migration_transaction(engine: Engine) -> Iterator[Connection]:
    """One locked transaction for a migration run.

    SQLite: foreign keys are switched off around it (a table copy must drop the old
    table), as SQLite's own ALTER procedure prescribes, and `foreign_key_check` runs
    before the commit. The pragma only works outside a transaction, hence the dance.
    """
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        try:
            with connection.begin():
                if sqlite:
                    # pysqlite would not start a transaction before DDL; take the write lock.
                    connection.exec_driver_sql("BEGIN IMMEDIATE")
                elif connection.dialect.name == "postgresql":
                    connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"),
                                       {"key": _PG_MIGRATION_LOCK})
                yield connection
                if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first():
                    raise StoreError("migration left rows that break a foreign key; rolled back")
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


def create_schema(engine: Engine, revision: str = "head") -> None:
    """Upgrade the database to `revision` (idempotent, safe to run from several processes)."""
    with _migration_transaction(engine) as connection:
        config = alembic_config(connection)
        tables = set(sa.inspect(connection).get_table_names())
        if "alembic_version" not in tables and _LEGACY_TABLES <= tables:
            command.stamp(config, BASELINE_REVISION)
        command.upgrade(config, revision)


def downgrade_schema(engine: Engine, revision: str) -> None:
    """Downgrade to `revision` ("base" drops everything), under the same lock."""
    with _migration_transaction(engine) as connection:
        command.downgrade(alembic_config(connection), revision)
