"""Store first, read later: the webhook stores a message before anyone reads it for PHI, so
its redacted text is NULL until a worker de-identifies it; workers take the oldest unfinished
message of each thread, which an index on (channel, thread_key, id) serves.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("inbound_messages") as batch:
        batch.alter_column("redacted_text", existing_type=sa.Text, nullable=True)
    op.create_index("ix_inbound_thread", "inbound_messages", ["channel", "thread_key", "id"])


def downgrade() -> None:
    op.drop_index("ix_inbound_thread", table_name="inbound_messages")
    op.execute("UPDATE inbound_messages SET redacted_text = '' WHERE redacted_text IS NULL")
    with op.batch_alter_table("inbound_messages") as batch:
        batch.alter_column("redacted_text", existing_type=sa.Text, nullable=False)
