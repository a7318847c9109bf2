"""Sign-in attempts, for limits per IP address and growing delays per name (instead of a
lock anyone can trigger). The name is kept as a hash: unknown names are counted too.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_attempts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("ip", sa.String(64), nullable=False),
        sa.Column("name_hash", sa.String(32), nullable=False),
        sa.Column("ok", sa.Boolean, nullable=False),
    )
    op.create_index("ix_login_attempts_ip", "login_attempts", ["ip", "at"])
    op.create_index("ix_login_attempts_name", "login_attempts", ["name_hash", "at"])


def downgrade() -> None:
    op.drop_index("ix_login_attempts_name", table_name="login_attempts")
    op.drop_index("ix_login_attempts_ip", table_name="login_attempts")
    op.drop_table("login_attempts")
