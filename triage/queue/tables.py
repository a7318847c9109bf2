"""The queue's schema. Portable: the same tables run on SQLite and PostgreSQL.

Times are naive UTC (SQLite has no time zones; every writer uses `utcnow()`).
This is the model the migrations must produce: `tests/triage/queue/test_migrations.py`
compares a migrated database with it, so a change here needs a new revision.
"""

from __future__ import annotations

import sqlalchemy as sa

from triage.queue.status import OPEN_STATUSES, Role

metadata = sa.MetaData()

_ROLES = ", ".join(f"'{r.value}'" for r in Role)

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("username", sa.String(64), nullable=False, unique=True),
    # An argon2/bcrypt hash made by the portal; this package never sees a password.
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("failed_logins", sa.Integer, nullable=False, server_default="0"),
    sa.Column("locked_until", sa.DateTime),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("last_login_at", sa.DateTime),
    # Every portal session carries the generation it was issued under; bumping it (sign-out,
    # password reset, role change, lock, deactivation) ends all of the user's sessions at once.
    sa.Column("session_generation", sa.Integer, nullable=False, server_default="0"),
    sa.Column("deactivated_at", sa.DateTime),
    # TOTP (RFC 6238): the shared secret (base32), when it was confirmed, and the last
    # time-step accepted, so one code signs in once.
    sa.Column("totp_secret", sa.String(64)),
    sa.Column("totp_enabled_at", sa.DateTime),
    sa.Column("totp_last_step", sa.Integer),
    sa.CheckConstraint(f"role IN ({_ROLES})", name="ck_users_role"),
)

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
    # NULL from the webhook's store until a worker de-identifies the message.
    sa.Column("redacted_text", sa.Text),
    sa.Column("phi_types", sa.String(200), nullable=False, default=""),
    # The crisis phrase the text matched (triage.safety.Crisis), if any: the redacted text
    # hides crisis statements, and urgency must not depend on reading it.
    sa.Column("crisis", sa.String(16)),
    # A review's stars (1-5; Google reviews), which count beside its text; NULL elsewhere.
    sa.Column("rating", sa.SmallInteger),
    sa.Column("received_at", sa.DateTime, nullable=False),
    # received -> processing (under a lease) -> triaged (answered or escalated). A worker
    # that dies leaves `received` or an expired lease; the recovery loop picks it up.
    sa.Column("status", sa.String(16), nullable=False, default="received"),
    sa.Column("category", sa.String(32)),
    sa.Column("confidence", sa.Float),
    sa.Column("action", sa.String(16)),
    sa.Column("reason", sa.String(24)),
    sa.Column("template_id", sa.String(64)),
    sa.Column("processed_at", sa.DateTime),
    sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id")),
    # The lease of the worker handling the message: its token fences a late finisher.
    sa.Column("lease_token", sa.String(36)),
    sa.Column("lease_expires_at", sa.DateTime),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    # Where a reply goes (Meta): enough to plan the delivery again after a crash.
    sa.Column("platform", sa.String(16)),
    sa.Column("sender_id", sa.String(200)),
    sa.Column("comment_id", sa.String(200)),
    # The platform's time of the message (the 24-hour window and 7-day rules count from it).
    sa.Column("sent_at", sa.DateTime),
    sa.UniqueConstraint("channel", "message_key", name="uq_inbound_channel_message"),
)
sa.Index("ix_inbound_status", inbound_messages.c.status, inbound_messages.c.received_at)
# Workers take only the oldest unfinished message of a thread (`lease_next`).
sa.Index("ix_inbound_thread", inbound_messages.c.channel, inbound_messages.c.thread_key,
         inbound_messages.c.id)

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
    # The moderator holding the case (kept on resolve, as the record of who closed it).
    sa.Column("assignee_id", sa.Integer, sa.ForeignKey("users.id", name="fk_cases_assignee")),
    sa.Column("claimed_at", sa.DateTime),
    # The SLA clock stops at the first human reply (or at resolution, if none was sent).
    sa.Column("first_response_at", sa.DateTime),
    sa.Column("resolved_at", sa.DateTime),
    # Set when a moderator hands the thread back to the bot (release also resolves).
    sa.Column("released_at", sa.DateTime),
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
sa.Index("ix_cases_assignee", cases.c.assignee_id, cases.c.status)

# Append-only: the repository has no update or delete for it, and a trigger on each
# database refuses both (migration 0002). `detail` holds ids and codes, never user text.
audit_events = sa.Table(
    "audit_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
    # NULL actor = the system (the bot's escalation path, a login attempt).
    sa.Column("actor_id", sa.Integer, sa.ForeignKey("users.id", name="fk_audit_actor")),
    sa.Column("actor_role", sa.String(16), nullable=False),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id", name="fk_audit_case")),
    sa.Column("target_user_id", sa.Integer, sa.ForeignKey("users.id", name="fk_audit_target_user")),
    sa.Column("from_status", sa.String(24)),
    sa.Column("to_status", sa.String(24)),
    sa.Column("detail", sa.String(200), nullable=False, server_default=""),
)
sa.Index("ix_audit_case", audit_events.c.case_id, audit_events.c.id)
sa.Index("ix_audit_created", audit_events.c.created_at)

case_notes = sa.Table(
    "case_notes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id", name="fk_notes_case"),
              nullable=False),
    sa.Column("author_id", sa.Integer, sa.ForeignKey("users.id", name="fk_notes_author"),
              nullable=False),
    # Internal only, never sent; may hold PHI, so it never reaches the audit detail.
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
)
sa.Index("ix_case_notes_case", case_notes.c.case_id, case_notes.c.id)

# The moderators' categories, one row per correction (or confirmation): retraining input.
case_labels = sa.Table(
    "case_labels",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id", name="fk_labels_case"),
              nullable=False),
    sa.Column("inbound_id", sa.Integer,
              sa.ForeignKey("inbound_messages.id", name="fk_labels_inbound"), nullable=False),
    sa.Column("old_category", sa.String(32)),
    sa.Column("new_category", sa.String(32), nullable=False),
    sa.Column("labelled_by", sa.Integer, sa.ForeignKey("users.id", name="fk_labels_user"),
              nullable=False),
    sa.Column("labelled_at", sa.DateTime, nullable=False),
)
sa.Index("ix_case_labels_inbound", case_labels.c.inbound_id, case_labels.c.id)

# Outgoing human replies. A template reply names the approved template id and version;
# free text needs a supervisor other than its author before it may be marked sent.
case_replies = sa.Table(
    "case_replies",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id", name="fk_replies_case"),
              nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("template_id", sa.String(64)),
    sa.Column("template_version", sa.Integer),
    sa.Column("body", sa.Text),
    # template: sent. free_text: pending_approval -> approved -> sent, or rejected.
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("author_id", sa.Integer, sa.ForeignKey("users.id", name="fk_replies_author"),
              nullable=False),
    sa.Column("approved_by", sa.Integer, sa.ForeignKey("users.id", name="fk_replies_approver")),
    sa.Column("decided_at", sa.DateTime),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("sent_by", sa.Integer, sa.ForeignKey("users.id", name="fk_replies_sender")),
    sa.Column("sent_at", sa.DateTime),
    sa.CheckConstraint("kind IN ('template', 'free_text')", name="ck_replies_kind"),
    sa.CheckConstraint(
        "kind <> 'template' OR (template_id IS NOT NULL AND template_version IS NOT NULL"
        " AND body IS NULL)", name="ck_replies_template"),
    sa.CheckConstraint("kind <> 'free_text' OR body IS NOT NULL", name="ck_replies_free_text"),
    # The database itself refuses free text marked sent without an approver.
    sa.CheckConstraint("kind <> 'free_text' OR sent_at IS NULL OR approved_by IS NOT NULL",
                       name="ck_replies_free_text_approved"),
    sa.CheckConstraint("approved_by IS NULL OR approved_by <> author_id",
                       name="ck_replies_four_eyes"),
)
sa.Index("ix_case_replies_case", case_replies.c.case_id, case_replies.c.id)

# The outbox and delivery log in one: every operation on a platform on the bot's or a
# moderator's behalf (a DM, a public or private reply, hiding a comment). It is written in
# the transaction that made the decision (`pending`), claimed by a sender (`sending`, with a
# lease), and ends `sent`, `failed`, `skipped` (Meta's rules forbid it) or `unknown` (a crash
# between the call and its record: never sent again without a person). Failed, skipped and
# unknown operations land on a case. The rows keep Meta's one-private-reply rule.
OPERATION_STATUSES = ("pending", "sending", "sent", "failed", "skipped", "unknown")
deliveries = sa.Table(
    "deliveries",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("inbound_id", sa.Integer, sa.ForeignKey("inbound_messages.id",
                                                      name="fk_deliveries_inbound")),
    sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id", name="fk_deliveries_case")),
    sa.Column("operation", sa.String(24), nullable=False),
    # The comment, conversation or user the operation targets.
    sa.Column("target_id", sa.String(200), nullable=False),
    sa.Column("template_id", sa.String(64)),
    sa.Column("status", sa.String(12), nullable=False),
    sa.Column("reason", sa.String(200)),
    sa.Column("platform_id", sa.String(200)),
    sa.Column("created_at", sa.DateTime, nullable=False),
    # One row per planned operation: a second plan of the same operation is refused.
    sa.Column("idempotency_key", sa.String(64)),
    sa.Column("platform", sa.String(16)),
    # The rendered approved template (never user text); NULL for a hide.
    sa.Column("body", sa.Text),
    # Meta's message tag, e.g. HUMAN_AGENT for a moderator's reply after 24 hours.
    sa.Column("tag", sa.String(24)),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("lease_expires_at", sa.DateTime),
    sa.Column("next_attempt_at", sa.DateTime),
    sa.Column("updated_at", sa.DateTime),
    sa.CheckConstraint("status IN (" + ", ".join(f"'{s}'" for s in OPERATION_STATUSES) + ")",
                       name="ck_deliveries_status"),
)
sa.Index("ix_deliveries_inbound", deliveries.c.inbound_id)
sa.Index("uq_deliveries_key", deliveries.c.idempotency_key, unique=True)
sa.Index("ix_deliveries_due", deliveries.c.status, deliveries.c.next_attempt_at)
# One private reply per comment, enforced by the database: planned, in flight, sent or of
# unknown outcome, it blocks a second one.
_PRIVATE_REPLY_HELD = sa.and_(
    deliveries.c.operation == "private_reply",
    deliveries.c.status.in_(("pending", "sending", "sent", "unknown")))
sa.Index(
    "uq_deliveries_private_reply",
    deliveries.c.target_id,
    unique=True,
    sqlite_where=_PRIVATE_REPLY_HELD,
    postgresql_where=_PRIVATE_REPLY_HELD,
)

# Sign-in attempts (the portal's limits per IP address and per name). The name is a keyed
# hash, so unknown names are counted without storing what someone typed.
login_attempts = sa.Table(
    "login_attempts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime, nullable=False),
    sa.Column("ip", sa.String(64), nullable=False),
    sa.Column("name_hash", sa.String(32), nullable=False),
    sa.Column("ok", sa.Boolean, nullable=False),
)
sa.Index("ix_login_attempts_ip", login_attempts.c.ip, login_attempts.c.at)
sa.Index("ix_login_attempts_name", login_attempts.c.name_hash, login_attempts.c.at)

# Single-use recovery codes for the second factor, stored as SHA-256 hashes (the codes are
# long random strings, so a fast hash is enough; they are shown once).
recovery_codes = sa.Table(
    "recovery_codes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", name="fk_recovery_user"),
              nullable=False),
    sa.Column("code_hash", sa.String(64), nullable=False),
    sa.Column("used_at", sa.DateTime),
)
sa.Index("ix_recovery_codes_user", recovery_codes.c.user_id)

# Where a polling channel has read up to (e.g. a Google location's reviews: the newest
# updateTime whose reviews are all stored), so a restart neither misses nor repeats.
poll_cursors = sa.Table(
    "poll_cursors",
    metadata,
    sa.Column("name", sa.String(255), primary_key=True),
    sa.Column("position", sa.String(255), nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
)
