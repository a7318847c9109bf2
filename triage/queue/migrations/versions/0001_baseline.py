"""Baseline: the intake tables exactly as `metadata.create_all` made them before migrations.

A database made before Alembic is stamped with this revision (see `triage.queue.db`), so
this revision must never change.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_OPEN = "status IN ('new', 'claimed', 'waiting_on_patient')"


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("reference", sa.String(16), nullable=False, unique=True),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("thread_key", sa.String(255), nullable=False),
        sa.Column("surface", sa.String(32), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("priority", sa.String(8), nullable=False),
        sa.Column("priority_rank", sa.Integer, nullable=False),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("reason", sa.String(24), nullable=False),
        sa.Column("confidence", sa.Float),
        sa.Column("redacted_text", sa.Text, nullable=False),
        sa.Column("original_text", sa.Text, nullable=False),
        sa.Column("phi_types", sa.String(200), nullable=False),
        sa.Column("sla_due_at", sa.DateTime, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_index("uq_cases_open_thread", "cases", ["channel", "thread_key"], unique=True,
                    sqlite_where=sa.text(_OPEN), postgresql_where=sa.text(_OPEN))
    op.create_index("ix_cases_queue", "cases", ["status", "priority_rank", "sla_due_at"])
    op.create_table(
        "inbound_messages",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("message_key", sa.String(200), nullable=False),
        sa.Column("thread_key", sa.String(255), nullable=False),
        sa.Column("surface", sa.String(32), nullable=False),
        sa.Column("original_text", sa.Text, nullable=False),
        sa.Column("redacted_text", sa.Text, nullable=False),
        sa.Column("phi_types", sa.String(200), nullable=False),
        sa.Column("received_at", sa.DateTime, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("category", sa.String(32)),
        sa.Column("confidence", sa.Float),
        sa.Column("action", sa.String(16)),
        sa.Column("reason", sa.String(24)),
        sa.Column("template_id", sa.String(64)),
        sa.Column("processed_at", sa.DateTime),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id")),
        sa.UniqueConstraint("channel", "message_key", name="uq_inbound_channel_message"),
    )
    op.create_index("ix_inbound_status", "inbound_messages", ["status", "received_at"])


def downgrade() -> None:
    op.drop_table("inbound_messages")
    op.drop_table("cases")
