"""Alembic environment for the queue database.

In-process (`triage.queue.db.create_schema`) the caller passes a connection that already
holds the migration lock. From the command line (`alembic -c triage/queue/migrations/
alembic.ini ...`) the URL comes from `-x url=...` or TRIAGE_DATABASE_URL.
"""

from __future__ import annotations

import os

from alembic import context

from triage.queue.db import make_engine
from triage.queue.tables import metadata

config = context.config


def _url() -> str:
    url = context.get_x_argument(as_dictionary=True).get("url") or os.environ.get(
        "TRIAGE_DATABASE_URL")
    if not url:
        raise SystemExit("set TRIAGE_DATABASE_URL or pass -x url=...")
    return url


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=metadata, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    context.configure(url=_url(), target_metadata=metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
elif config.attributes.get("connection") is not None:
    _run(config.attributes["connection"])
else:
    engine = make_engine(_url())
    with engine.begin() as conn:
        _run(conn)
    engine.dispose()
