"""Work on a case that is not a status change: notes, relabelling, human replies, views.

Replies: a template reply records the approved template's id and version. Free text goes
pending_approval -> approved (by a supervisor who is not its author) -> sent, or rejected;
the database's CHECK constraints refuse a free-text row marked sent without an approver.
The first reply sent stops the case's SLA clock (`first_response_at`).
"""

from __future__ import annotations

import re
from typing import List, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session

from triage.errors import InputError, NotFound, PermissionDenied, TemplateError, TransitionError
from triage.queue._store import Store, row_to
from triage.queue.models import Actor, Label, Note, Reply
from triage.queue.status import ACCESS_REASONS, Status
from triage.queue.tables import case_labels, case_notes, case_replies, cases, inbound_messages
from triage.replies.confirmation import refusal
from triage.taxonomy import CATEGORIES

__all__ = ["CaseworkMixin", "MAX_FREE_TEXT_CHARS", "MAX_NOTE_CHARS"]

MAX_NOTE_CHARS = 10_000
MAX_FREE_TEXT_CHARS = 2_000
# `what` goes into the audit detail, so it must be a code ("original_text"), not text.
_VIEW_WHAT = re.compile(r"[a-z][a-z0-9_.:-]{0,63}")
_REPLYABLE = (Status.CLAIMED.value, Status.WAITING_ON_PATIENT.value)


def _text(value: object, field: str, max_chars: int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{field} must be a non-empty string")
    if len(value) > max_chars:
        raise InputError(f"{field} is longer than {max_chars} characters")
    return value


class CaseworkMixin(Store):
    # -- notes -----------------------------------------------------------------------
    def add_note(self, actor: Actor, case_id: int, body: str) -> Note:
        """An internal note; never sent, and its text never reaches the audit log."""
        body = _text(body, "note", MAX_NOTE_CHARS)
        with self._begin() as session:
            row = self._load_case(session, case_id)
            self._authorise(actor, "note", row)
            now = self._now()
            note_id = session.execute(
                sa.insert(case_notes).values(case_id=case_id, author_id=actor.user_id,
                                             body=body, created_at=now)
            ).inserted_primary_key[0]
            self._audit(session, actor, "note_added", case_id=case_id, detail=f"note={note_id}",
                        now=now)
            return Note(note_id, case_id, actor.user_id, body, now)

    def list_notes(self, case_id: int) -> List[Note]:
        with self._begin() as session:
            rows = session.execute(
                sa.select(case_notes).where(case_notes.c.case_id == case_id)
                .order_by(case_notes.c.id)
            ).all()
            return [row_to(Note, r) for r in rows]

    # -- labels ----------------------------------------------------------------------
    def relabel(self, actor: Actor, case_id: int, inbound_id: int, new_category: str,
                reason: Optional[str] = None) -> Label:
        """Store the moderator's category for one message of the case (for retraining).

        `old_category` is the message's category until now: its latest label, else the
        bot's. The case keeps the bot's category; the page shows both. The same category
        again is kept too: it confirms the bot's guess. A moderator relabels the cases they
        hold; a supervisor relabelling a case another moderator holds gives a reason
        (`ACCESS_REASONS`), audited with the label.
        """
        if new_category not in CATEGORIES:
            raise InputError(f"unknown category {new_category!r}")
        with self._begin() as session:
            row = self._load_case(session, case_id)
            self._authorise(actor, "relabel", row)
            override = row.assignee_id is not None and row.assignee_id != actor.user_id
            if override and reason not in ACCESS_REASONS:
                raise PermissionDenied("another moderator holds this case: relabelling it "
                                       "needs a reason")
            msg = session.execute(
                sa.select(inbound_messages.c.id, inbound_messages.c.category).where(
                    inbound_messages.c.id == inbound_id, inbound_messages.c.case_id == case_id)
            ).first()
            if msg is None:
                raise NotFound(f"message {inbound_id} is not in case {case_id}")
            latest = session.execute(
                sa.select(case_labels.c.new_category)
                .where(case_labels.c.inbound_id == inbound_id)
                .order_by(case_labels.c.id.desc()).limit(1)
            ).scalar()
            old = latest if latest is not None else msg.category
            now = self._now()
            label_id = session.execute(
                sa.insert(case_labels).values(
                    case_id=case_id, inbound_id=inbound_id, old_category=old,
                    new_category=new_category, labelled_by=actor.user_id, labelled_at=now)
            ).inserted_primary_key[0]
            session.execute(sa.update(cases).where(cases.c.id == case_id).values(updated_at=now))
            detail = f"inbound={inbound_id} from={old} to={new_category}"
            if override:
                detail += f" holder={row.assignee_id} reason={reason}"
            self._audit(session, actor, "relabel", case_id=case_id, now=now, detail=detail)
            return Label(label_id, case_id, inbound_id, old, new_category, actor.user_id, now)

    def list_labels(self, case_id: Optional[int] = None) -> List[Label]:
        """Labels, oldest first: one case's, or all (the retraining export reads these)."""
        query = sa.select(case_labels).order_by(case_labels.c.id)
        if case_id is not None:
            query = query.where(case_labels.c.case_id == case_id)
        with self._begin() as session:
            return [row_to(Label, r) for r in session.execute(query).all()]

    # -- replies ---------------------------------------------------------------------
    def check_can_reply(self, actor: Actor, case_id: int) -> None:
        """Raise as record_template_reply would, without writing: check before sending."""
        with self._begin() as session:
            self._replyable_case(session, actor, case_id)

    def record_template_reply(self, actor: Actor, case_id: int, template_id: str,
                              template_version: int) -> Reply:
        """Record that the actor sent this approved template (id and version) on the case."""
        if not isinstance(template_id, str) or not template_id or len(template_id) > 64:
            raise InputError("template_id must be a non-empty string of at most 64 characters")
        if not isinstance(template_version, int) or template_version < 1:
            raise InputError("template_version must be a positive integer")
        with self._begin() as session:
            row = self._replyable_case(session, actor, case_id)
            now = self._now()
            reply_id = session.execute(
                sa.insert(case_replies).values(
                    case_id=case_id, kind="template", template_id=template_id,
                    template_version=template_version, status="sent", author_id=actor.user_id,
                    created_at=now, sent_by=actor.user_id, sent_at=now)
            ).inserted_primary_key[0]
            self._first_response(session, case_id, now)
            self._audit(session, actor, "reply_sent", case_id=case_id, now=now,
                        from_status=row.status, to_status=row.status,
                        detail=f"reply={reply_id} template={template_id} "
                               f"version={template_version}")
            return self._reply(session, reply_id)

    def propose_free_text(self, actor: Actor, case_id: int, body: str) -> Reply:
        """A free-text reply waiting for a supervisor's approval; nothing is sent."""
        body = _text(body, "reply", MAX_FREE_TEXT_CHARS)
        with self._begin() as session:
            self._replyable_case(session, actor, case_id)
            now = self._now()
            reply_id = session.execute(
                sa.insert(case_replies).values(
                    case_id=case_id, kind="free_text", body=body, status="pending_approval",
                    author_id=actor.user_id, created_at=now)
            ).inserted_primary_key[0]
            self._audit(session, actor, "free_text_proposed", case_id=case_id, now=now,
                        detail=f"reply={reply_id}")
            return self._reply(session, reply_id)

    def approve_free_text(self, actor: Actor, reply_id: int) -> Reply:
        """A supervisor (never the author) approves a pending free-text reply."""
        return self._decide_free_text(actor, reply_id, "approved")

    def reject_free_text(self, actor: Actor, reply_id: int) -> Reply:
        return self._decide_free_text(actor, reply_id, "rejected")

    def record_free_text_sent(self, actor: Actor, reply_id: int) -> Reply:
        """Record an approved free-text reply as sent; anything unapproved is refused."""
        with self._begin() as session:
            reply = self._load_reply(session, reply_id)
            self._replyable_case(session, actor, reply.case_id)
            if reply.kind != "free_text" or reply.status != "approved":
                raise TransitionError(f"reply {reply_id} is {reply.status}, not an approved "
                                      "free-text reply")
            now = self._now()
            done = session.execute(
                sa.update(case_replies)
                .where(case_replies.c.id == reply_id, case_replies.c.status == "approved")
                .values(status="sent", sent_by=actor.user_id, sent_at=now)
            ).rowcount
            if done != 1:
                raise TransitionError(f"reply {reply_id} changed meanwhile")
            self._first_response(session, reply.case_id, now)
            self._audit(session, actor, "reply_sent", case_id=reply.case_id, now=now,
                        detail=f"reply={reply_id} free_text approved_by={reply.approved_by}")
            return self._reply(session, reply_id)

    def list_replies(self, case_id: int) -> List[Reply]:
        with self._begin() as session:
            rows = session.execute(
                sa.select(case_replies).where(case_replies.c.case_id == case_id)
                .order_by(case_replies.c.id)
            ).all()
            return [row_to(Reply, r) for r in rows]

    def _decide_free_text(self, actor: Actor, reply_id: int, decision: str) -> Reply:
        with self._begin() as session:
            reply = self._load_reply(session, reply_id)
            case_row = self._load_case(session, reply.case_id)
            self._authorise(actor, "approve_free_text", case_row)
            if reply.author_id == actor.user_id:
                raise PermissionDenied("free text needs a supervisor other than its author")
            if reply.kind != "free_text" or reply.status != "pending_approval":
                raise TransitionError(f"reply {reply_id} is {reply.status}, not pending approval")
            problems = refusal(f"reply {reply_id}", reply.body) if (
                decision == "approved" and case_row.surface == "public_comment") else []
            if problems:
                raise TemplateError(f"{problems[0]}: reword it")
            now = self._now()
            values = dict(status=decision, decided_at=now)
            if decision == "approved":
                values["approved_by"] = actor.user_id
            done = session.execute(
                sa.update(case_replies)
                .where(case_replies.c.id == reply_id,
                       case_replies.c.status == "pending_approval")
                .values(**values)
            ).rowcount
            if done != 1:
                raise TransitionError(f"reply {reply_id} was decided meanwhile")
            self._audit(session, actor, f"free_text_{decision}", case_id=reply.case_id, now=now,
                        detail=f"reply={reply_id} author={reply.author_id}")
            return self._reply(session, reply_id)

    def _replyable_case(self, session: Session, actor: Actor, case_id: int) -> Row:
        row = self._load_case(session, case_id)
        self._check_actor(actor)
        if row.status not in _REPLYABLE:
            raise TransitionError(f"cannot reply on a case that is {row.status}; claim it first")
        self._authorise(actor, "reply", row)
        return row

    @staticmethod
    def _first_response(session: Session, case_id: int, now) -> None:
        session.execute(
            sa.update(cases).where(cases.c.id == case_id).values(
                first_response_at=sa.func.coalesce(cases.c.first_response_at, now),
                updated_at=now)
        )

    @staticmethod
    def _load_reply(session: Session, reply_id: int) -> Row:
        row = session.execute(sa.select(case_replies).where(case_replies.c.id == reply_id)).first()
        if row is None:
            raise NotFound(f"no reply {reply_id}")
        return row

    @staticmethod
    def _reply(session: Session, reply_id: int) -> Reply:
        row = session.execute(sa.select(case_replies).where(case_replies.c.id == reply_id)).one()
        return row_to(Reply, row)

    # -- views -----------------------------------------------------------------------
    def record_view(self, actor: Actor, case_id: int, what: str) -> None:
        """Record that the actor looked at something sensitive (e.g. "original_text")."""
        if not isinstance(what, str) or not _VIEW_WHAT.fullmatch(what):
            raise InputError("what must be a short lower-case code such as original_text")
        with self._begin() as session:
            row = self._load_case(session, case_id)
            self._authorise(actor, "view", row)
            self._audit(session, actor, "viewed", case_id=case_id, detail=f"what={what}")
