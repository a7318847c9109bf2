"""Leases on inbound messages and the outbox: every stored message is finished exactly once,
and every outgoing operation is a row written with the decision and resumed after a crash.

Inbound messages gain `processing` (a lease: token, expiry, attempts) and the reply context
a sender needs (platform, sender, comment, the platform's event time), so a recovered
message needs nothing from the process that stored it. The delivery log becomes the
outbox: `pending` and `sending` rows, the approved text to send, an idempotency key per
operation, attempts and the next retry time; an outcome that a crash left unknown is
`unknown`, never sent again without a person.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_OLD_STATUSES = "status IN ('sent', 'failed', 'skipped')"
_NEW_STATUSES = "status IN ('pending', 'sending', 'sent', 'failed', 'skipped', 'unknown')"
_OLD_PRIVATE = "operation = 'private_reply' AND status = 'sent'"
# A private reply that is planned, in flight, sent or of unknown outcome blocks another.
_NEW_PRIVATE = "operation = 'private_reply' AND status IN ('pending', 'sending', 'sent', 'unknown')"


def upgrade() -> None:
    with op.batch_alter_table("inbound_messages") as batch:
        batch.add_column(sa.Column("lease_token", sa.String(36)))
        batch.add_column(sa.Column("lease_expires_at", sa.DateTime))
        batch.add_column(sa.Column("attempts", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("platform", sa.String(16)))
        batch.add_column(sa.Column("sender_id", sa.String(200)))
        batch.add_column(sa.Column("comment_id", sa.String(200)))
        batch.add_column(sa.Column("sent_at", sa.DateTime))

    op.drop_index("uq_deliveries_private_reply", table_name="deliveries")
    with op.batch_alter_table("deliveries", recreate="always") as batch:
        batch.drop_constraint("ck_deliveries_status", type_="check")
        batch.add_column(sa.Column("idempotency_key", sa.String(64)))
        batch.add_column(sa.Column("platform", sa.String(16)))
        batch.add_column(sa.Column("body", sa.Text))
        batch.add_column(sa.Column("tag", sa.String(24)))
        batch.add_column(sa.Column("attempts", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("lease_expires_at", sa.DateTime))
        batch.add_column(sa.Column("next_attempt_at", sa.DateTime))
        batch.add_column(sa.Column("updated_at", sa.DateTime))
        batch.create_check_constraint("ck_deliveries_status", sa.text(_NEW_STATUSES))
    op.create_index("uq_deliveries_key", "deliveries", ["idempotency_key"], unique=True)
    op.create_index("ix_deliveries_due", "deliveries", ["status", "next_attempt_at"])
    where = sa.text(_NEW_PRIVATE)
    op.create_index("uq_deliveries_private_reply", "deliveries", ["target_id"], unique=True,
                    sqlite_where=where, postgresql_where=where)


def downgrade() -> None:
    op.drop_index("uq_deliveries_private_reply", table_name="deliveries")
    op.drop_index("ix_deliveries_due", table_name="deliveries")
    op.drop_index("uq_deliveries_key", table_name="deliveries")
    # Rows the old log cannot hold (not yet finished) are dropped with the outbox.
    op.execute("DELETE FROM deliveries WHERE status IN ('pending', 'sending', 'unknown')")
    with op.batch_alter_table("deliveries", recreate="always") as batch:
        batch.drop_constraint("ck_deliveries_status", type_="check")
        for name in ("idempotency_key", "platform", "body", "tag", "attempts",
                     "lease_expires_at", "next_attempt_at", "updated_at"):
            batch.drop_column(name)
        batch.create_check_constraint("ck_deliveries_status", sa.text(_OLD_STATUSES))
    where = sa.text(_OLD_PRIVATE)
    op.create_index("uq_deliveries_private_reply", "deliveries", ["target_id"], unique=True,
                    sqlite_where=where, postgresql_where=where)
    op.execute("UPDATE inbound_messages SET status = 'received' WHERE status = 'processing'")
    with op.batch_alter_table("inbound_messages") as batch:
        for name in ("lease_token", "lease_expires_at", "attempts", "platform", "sender_id",
                     "comment_id", "sent_at"):
            batch.drop_column(name)
