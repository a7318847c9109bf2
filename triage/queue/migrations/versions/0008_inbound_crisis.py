"""The crisis phrase a message matched, stored with it: the redacted text now hides crisis
statements ("I [HEALTH] an hour ago"), so the portal's urgent banner and the recovery loop's
order read this column instead of scanning the text.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("inbound_messages") as batch:
        batch.add_column(sa.Column("crisis", sa.String(16)))


def downgrade() -> None:
    with op.batch_alter_table("inbound_messages") as batch:
        batch.drop_column("crisis")
