"""The delivery log: what the bot sent to a platform, failed to send, or skipped, and why.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("inbound_id", sa.Integer, sa.ForeignKey("inbound_messages.id",
                                                          name="fk_deliveries_inbound")),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id", name="fk_deliveries_case")),
        sa.Column("operation", sa.String(24), nullable=False),
        sa.Column("target_id", sa.String(200), nullable=False),
        sa.Column("template_id", sa.String(64)),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("reason", sa.String(200)),
        sa.Column("platform_id", sa.String(200)),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.CheckConstraint("status IN ('sent', 'failed', 'skipped')", name="ck_deliveries_status"),
    )
    op.create_index("ix_deliveries_inbound", "deliveries", ["inbound_id"])
    where = sa.text("operation = 'private_reply' AND status = 'sent'")
    op.create_index("uq_deliveries_private_reply", "deliveries", ["target_id"], unique=True,
                    sqlite_where=where, postgresql_where=where)


def downgrade() -> None:
    op.drop_index("uq_deliveries_private_reply", table_name="deliveries")
    op.drop_index("ix_deliveries_inbound", table_name="deliveries")
    op.drop_table("deliveries")
