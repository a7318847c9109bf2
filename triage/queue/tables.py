"""The queue's schema. Portable: the same tables run on SQLite and PostgreSQL.

Times are naive UTC (SQLite has no time zones; every writer uses `utcnow()`).
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

OPEN_STATUSES = ("new", "claimed", "waiting_on_patient")

inbound_messages = sa.Table(
    "inbound_messages",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("channel", sa.String(32), nullable=False),
    # The platform's own id (Meta's mid / comment id); dedupes redeliveries.
    sa.Column("message_key", sa.String(200), nullable=False),
    sa.Column("thread_key", sa.String(255), nullable=False),
    sa.Column("surface", sa.String(32), nullable=False),
    sa.Column("original_text", sa.Text, nullable=False),
    sa.Column("redacted_text", sa.Text, nullable=False),
    sa.Column("phi_types", sa.String(200), nullable=False, default=""),
    sa.Column("received_at", sa.DateTime, nullable=False),
    # received -> triaged (answered or escalated); a crash leaves `received` for replay.
    sa.Column("status", sa.String(16), nullable=False, default="received"),
    sa.Column("category", sa.String(32)),
    sa.Column("confidence", sa.Float),
    sa.Column("action", sa.String(16)),
    sa.Column("reason", sa.String(24)),
    sa.Column("template_id", sa.String(64)),
    sa.Column("processed_at", sa.DateTime),
    sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id")),
    sa.UniqueConstraint("channel", "message_key", name="uq_inbound_channel_message"),
)
sa.Index("ix_inbound_status", inbound_messages.c.status, inbound_messages.c.received_at)

cases = sa.Table(
    "cases",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("reference", sa.String(16), nullable=False, unique=True),
    sa.Column("channel", sa.String(32), nullable=False),
    sa.Column("thread_key", sa.String(255), nullable=False),
    sa.Column("surface", sa.String(32), nullable=False),
    sa.Column("category", sa.String(32), nullable=False),
    sa.Column("priority", sa.String(8), nullable=False),
    # 0 = urgent ... 3 = low; the queue orders on it, then on sla_due_at.
    sa.Column("priority_rank", sa.Integer, nullable=False),
    sa.Column("status", sa.String(24), nullable=False, default="new"),
    sa.Column("reason", sa.String(24), nullable=False),
    sa.Column("confidence", sa.Float),
    sa.Column("redacted_text", sa.Text, nullable=False),
    # Only for authorised staff, through the portal's audited view.
    sa.Column("original_text", sa.Text, nullable=False),
    sa.Column("phi_types", sa.String(200), nullable=False, default=""),
    sa.Column("sla_due_at", sa.DateTime, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
)
# At most one open case per thread, enforced by the database so two replicas racing
# on the same new thread cannot both open one.
sa.Index(
    "uq_cases_open_thread",
    cases.c.channel,
    cases.c.thread_key,
    unique=True,
    sqlite_where=cases.c.status.in_(OPEN_STATUSES),
    postgresql_where=cases.c.status.in_(OPEN_STATUSES),
)
sa.Index("ix_cases_queue", cases.c.status, cases.c.priority_rank, cases.c.sla_due_at)
