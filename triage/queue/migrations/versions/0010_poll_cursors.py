"""Poll cursors: how far a polling channel (Google reviews) has stored, per source.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "poll_cursors",
        sa.Column("name", sa.String(255), primary_key=True),
        sa.Column("position", sa.String(255), nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("poll_cursors")
