"""Sessions that really end: a per-user session generation the portal checks on every
request (sign-out, a password reset, a role change, a lock or a deactivation bump it), and
deactivated accounts.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("session_generation", sa.Integer, nullable=False,
                                   server_default="0"))
        batch.add_column(sa.Column("deactivated_at", sa.DateTime))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("deactivated_at")
        batch.drop_column("session_generation")
