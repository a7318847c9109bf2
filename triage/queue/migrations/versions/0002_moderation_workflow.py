"""The moderators' workflow: users, assignment and SLA columns on cases, an append-only
audit log, notes, labels and human replies.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_CASE_TIMES = ("claimed_at", "first_response_at", "resolved_at", "released_at")
_APPEND_ONLY = "audit_events is append-only"


def _user_fk(name: str) -> sa.ForeignKey:
    return sa.ForeignKey("users.id", name=name)


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("failed_logins", sa.Integer, nullable=False, server_default="0"),
        sa.Column("locked_until", sa.DateTime),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("last_login_at", sa.DateTime),
        sa.CheckConstraint("role IN ('moderator', 'supervisor', 'admin')", name="ck_users_role"),
    )

    # SQLite cannot ALTER in a named constraint, but accepts REFERENCES on ADD COLUMN.
    if sqlite:
        op.execute("ALTER TABLE cases ADD COLUMN assignee_id INTEGER "
                   "CONSTRAINT fk_cases_assignee REFERENCES users (id)")
    else:
        op.add_column("cases", sa.Column("assignee_id", sa.Integer))
        op.create_foreign_key("fk_cases_assignee", "cases", "users", ["assignee_id"], ["id"])
    for name in _CASE_TIMES:
        op.add_column("cases", sa.Column(name, sa.DateTime))
    op.create_index("ix_cases_assignee", "cases", ["assignee_id", "status"])

    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("actor_id", sa.Integer, _user_fk("fk_audit_actor")),
        sa.Column("actor_role", sa.String(16), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id", name="fk_audit_case")),
        sa.Column("target_user_id", sa.Integer, _user_fk("fk_audit_target_user")),
        sa.Column("from_status", sa.String(24)),
        sa.Column("to_status", sa.String(24)),
        sa.Column("detail", sa.String(200), nullable=False, server_default=""),
    )
    op.create_index("ix_audit_case", "audit_events", ["case_id", "id"])
    op.create_index("ix_audit_created", "audit_events", ["created_at"])

    op.create_table(
        "case_notes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id", name="fk_notes_case"),
                  nullable=False),
        sa.Column("author_id", sa.Integer, _user_fk("fk_notes_author"), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_case_notes_case", "case_notes", ["case_id", "id"])

    op.create_table(
        "case_labels",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id", name="fk_labels_case"),
                  nullable=False),
        sa.Column("inbound_id", sa.Integer,
                  sa.ForeignKey("inbound_messages.id", name="fk_labels_inbound"), nullable=False),
        sa.Column("old_category", sa.String(32)),
        sa.Column("new_category", sa.String(32), nullable=False),
        sa.Column("labelled_by", sa.Integer, _user_fk("fk_labels_user"), nullable=False),
        sa.Column("labelled_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_case_labels_inbound", "case_labels", ["inbound_id", "id"])

    op.create_table(
        "case_replies",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id", name="fk_replies_case"),
                  nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("template_id", sa.String(64)),
        sa.Column("template_version", sa.Integer),
        sa.Column("body", sa.Text),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("author_id", sa.Integer, _user_fk("fk_replies_author"), nullable=False),
        sa.Column("approved_by", sa.Integer, _user_fk("fk_replies_approver")),
        sa.Column("decided_at", sa.DateTime),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("sent_by", sa.Integer, _user_fk("fk_replies_sender")),
        sa.Column("sent_at", sa.DateTime),
        sa.CheckConstraint("kind IN ('template', 'free_text')", name="ck_replies_kind"),
        sa.CheckConstraint(
            "kind <> 'template' OR (template_id IS NOT NULL AND template_version IS NOT NULL"
            " AND body IS NULL)", name="ck_replies_template"),
        sa.CheckConstraint("kind <> 'free_text' OR body IS NOT NULL", name="ck_replies_free_text"),
        sa.CheckConstraint("kind <> 'free_text' OR sent_at IS NULL OR approved_by IS NOT NULL",
                           name="ck_replies_free_text_approved"),
        sa.CheckConstraint("approved_by IS NULL OR approved_by <> author_id",
                           name="ck_replies_four_eyes"),
    )
    op.create_index("ix_case_replies_case", "case_replies", ["case_id", "id"])

    # The audit log is append-only in the database too, whoever connects.
    if sqlite:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_events_no_{event.lower()} BEFORE {event} ON audit_events "
                f"BEGIN SELECT RAISE(ABORT, '{_APPEND_ONLY}'); END"
            )
    else:
        op.execute(
            "CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{_APPEND_ONLY}' USING ERRCODE = 'insufficient_privilege'; "
            "END $$"
        )
        op.execute("CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events "
                   "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()")
        op.execute("CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
                   "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()")


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute("DROP TRIGGER audit_events_no_update")
        op.execute("DROP TRIGGER audit_events_no_delete")
    else:
        op.execute("DROP TRIGGER audit_events_no_truncate ON audit_events")
        op.execute("DROP TRIGGER audit_events_no_change ON audit_events")
        op.execute("DROP FUNCTION audit_events_append_only()")
    for table in ("case_replies", "case_labels", "case_notes", "audit_events"):
        op.drop_table(table)
    op.drop_index("ix_cases_assignee", table_name="cases")
    if sqlite:
        # SQLite cannot drop a column that references another table: copy the table
        # (triage.queue.db runs migrations with foreign keys off and checks them after).
        with op.batch_alter_table("cases", recreate="always") as batch:
            for name in ("assignee_id",) + _CASE_TIMES:
                batch.drop_column(name)
    else:
        op.drop_constraint("fk_cases_assignee", "cases", type_="foreignkey")
        for name in ("assignee_id",) + _CASE_TIMES:
            op.drop_column("cases", name)
    op.drop_table("users")
