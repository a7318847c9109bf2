"""Notes, relabelling, human replies and audited views, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.triage.queue.conftest import add_message, open_case
from triage.errors import InputError, NotFound, PermissionDenied, TemplateError, TransitionError
from triage.queue.tables import case_replies

SECRET = "Jane Smith DOB 3/4/1950"


@pytest.fixture
def held(repo, staff):
    """A clinical case held by "mod", opened by a message containing PHI."""
    case = open_case(repo, priority="high", category="clinical_request",
                     text=f"my mom {SECRET} has a fever",
                     redacted="my mom [NAME] DOB [DOB] has a [HEALTH]")
    return repo.claim(staff["mod"], case.id)


def test_notes_are_kept_and_stay_out_of_the_audit_log(repo, staff, held):
    note = repo.add_note(staff["mod"], held.id, f"called back, {SECRET} confirmed")
    assert repo.list_notes(held.id) == [note]
    event = repo.list_audit(held.id)[-1]
    assert (event.action, event.detail) == ("note_added", f"note={note.id}")
    assert all(SECRET not in e.detail for e in repo.list_audit())
    with pytest.raises(InputError):
        repo.add_note(staff["mod"], held.id, "   ")


def test_relabel_stores_a_label_row_for_retraining(repo, staff, held, clock):
    (first,) = repo.thread_messages(held.id)
    label = repo.relabel(staff["mod"], held.id, first.id, "emergency")
    assert (label.case_id, label.inbound_id, label.old_category, label.new_category,
            label.labelled_by, label.labelled_at) == (
        held.id, first.id, "clinical_request", "emergency", staff["mod"].user_id, clock.now)
    assert repo.list_labels(held.id) == [label]
    # The case keeps the bot's category; the label sits beside it (the page shows both).
    assert repo.get_case_by_id(held.id).category == "clinical_request"
    # A second correction records the previous label as its old category. A supervisor
    # relabelling a case another moderator holds gives a reason, audited with it.
    with pytest.raises(PermissionDenied, match="reason"):
        repo.relabel(staff["sup"], held.id, first.id, "clinical_request")
    again = repo.relabel(staff["sup"], held.id, first.id, "clinical_request", "quality_review")
    assert (again.old_category, again.new_category) == ("emergency", "clinical_request")
    assert repo.list_audit(held.id)[-1].detail == (
        f"inbound={first.id} from=emergency to=clinical_request "
        f"holder={staff['mod'].user_id} reason=quality_review")


@pytest.mark.parametrize("action", ["note", "relabel", "view"])
def test_a_moderator_works_only_the_cases_they_hold(repo, staff, held, action):
    (first,) = repo.thread_messages(held.id)
    calls = {"note": lambda: repo.add_note(staff["mod2"], held.id, "not mine"),
             "relabel": lambda: repo.relabel(staff["mod2"], held.id, first.id, "spam"),
             "view": lambda: repo.original_messages(staff["mod2"], held.id)}
    before = len(repo.list_audit(held.id))
    with pytest.raises(PermissionDenied):
        calls[action]()
    assert repo.list_notes(held.id) == [] and repo.list_labels() == []
    assert len(repo.list_audit(held.id)) == before


def test_break_glass_reads_the_original_with_a_reason_on_record(repo, staff, held):
    with pytest.raises(PermissionDenied, match="break glass"):
        repo.original_messages(staff["mod2"], held.id, "just curious")
    (original,) = repo.original_messages(staff["mod2"], held.id, "patient_contact")
    assert SECRET in original.original_text
    event = repo.list_audit(held.id)[-1]
    assert (event.action, event.actor_id, event.detail) == (
        "viewed_break_glass", staff["mod2"].user_id, "what=original_text reason=patient_contact")
    # Supervisors read any case; it is audited as a plain view.
    repo.original_messages(staff["sup"], held.id)
    assert repo.list_audit(held.id)[-1].action == "viewed"


def test_relabelling_a_later_message_leaves_the_case_category(repo, staff, held):
    later = add_message(repo, held, "thank you so much", category="praise")
    label = repo.relabel(staff["mod"], held.id, later, "praise")  # a confirmation is kept too
    assert (label.old_category, label.new_category) == ("praise", "praise")
    assert repo.get_case_by_id(held.id).category == "clinical_request"
    assert len(repo.list_labels()) == 1


@pytest.mark.parametrize("category,inbound,error", [
    ("not_a_category", None, InputError),
    ("praise", 999999, NotFound),  # not a message of this case
])
def test_relabel_refusals(repo, staff, held, category, inbound, error):
    inbound = inbound or repo.thread_messages(held.id)[0].id
    with pytest.raises(error):
        repo.relabel(staff["mod"], held.id, inbound, category)
    assert repo.list_labels() == []


def test_template_reply_records_id_version_author_and_time(repo, staff, held, clock):
    reply = repo.record_template_reply(staff["mod"], held.id, "secure_portal.private", 3)
    assert (reply.kind, reply.status, reply.template_id, reply.template_version, reply.body,
            reply.author_id, reply.sent_by, reply.sent_at) == (
        "template", "sent", "secure_portal.private", 3, None,
        staff["mod"].user_id, staff["mod"].user_id, clock.now)
    assert repo.list_audit(held.id)[-1].detail == (
        f"reply={reply.id} template=secure_portal.private version=3")


@pytest.mark.parametrize("who,status,error", [
    ("mod2", "claimed", PermissionDenied),  # not the holder
    ("mod", "new", TransitionError),  # nobody holds it yet
    ("mod", "resolved", TransitionError),
])
def test_template_reply_refusals(repo, staff, who, status, error):
    case = open_case(repo)
    if status != "new":
        repo.claim(staff["mod"], case.id)
    if status == "resolved":
        repo.resolve(staff["mod"], case.id)
    with pytest.raises(error):
        repo.record_template_reply(staff[who], case.id, "complaint_ack.private", 1)
    assert repo.list_replies(case.id) == []


def test_free_text_is_never_sent_without_a_supervisors_approval(repo, staff, held):
    draft = repo.propose_free_text(staff["mod"], held.id, "We have called your mother back.")
    assert (draft.status, draft.approved_by) == ("pending_approval", None)
    with pytest.raises(TransitionError):
        repo.record_free_text_sent(staff["mod"], draft.id)
    with pytest.raises(PermissionDenied):
        repo.approve_free_text(staff["mod2"], draft.id)  # a moderator cannot approve
    assert repo.get_case_by_id(held.id).first_response_at is None

    approved = repo.approve_free_text(staff["sup"], draft.id)
    assert (approved.status, approved.approved_by) == ("approved", staff["sup"].user_id)
    sent = repo.record_free_text_sent(staff["mod"], draft.id)
    assert (sent.status, sent.sent_by, sent.approved_by) == (
        "sent", staff["mod"].user_id, staff["sup"].user_id)
    assert repo.get_case_by_id(held.id).first_response_at is not None
    actions = [e.action for e in repo.list_audit(held.id)][-3:]
    assert actions == ["free_text_proposed", "free_text_approved", "reply_sent"]
    assert all("mother" not in e.detail for e in repo.list_audit())
    with pytest.raises(TransitionError):
        repo.record_free_text_sent(staff["mod"], draft.id)  # once only


def test_a_supervisor_cannot_approve_their_own_free_text(repo, staff, held):
    draft = repo.propose_free_text(staff["sup"], held.id, "Supervisor's own words.")
    with pytest.raises(PermissionDenied):
        repo.approve_free_text(staff["sup"], draft.id)
    assert repo.approve_free_text(staff["sup2"], draft.id).status == "approved"


@pytest.mark.parametrize("surface, body, refused", [
    ("public_comment", "We're sorry your visit was disappointing.", True),
    ("public_comment", "When you were here we should have explained the wait.", True),
    ("public_comment", "We'd like to hear more: please call Patient Relations.", False),
    # A private message to the writer may speak of their visit.
    ("private_message", "We're sorry your visit was disappointing.", False),
])
def test_free_text_for_a_public_reply_is_checked_before_it_can_be_approved(
        repo, staff, surface, body, refused):
    case = repo.claim(staff["mod"], open_case(repo, surface=surface).id)
    draft = repo.propose_free_text(staff["mod"], case.id, body)
    if refused:
        with pytest.raises(TemplateError, match="could confirm a patient"):
            repo.approve_free_text(staff["sup"], draft.id)
        assert repo.list_replies(case.id)[0].status == "pending_approval"
    else:
        assert repo.approve_free_text(staff["sup"], draft.id).status == "approved"


def test_rejected_free_text_cannot_be_sent(repo, staff, held):
    draft = repo.propose_free_text(staff["mod"], held.id, "Something off-script.")
    assert repo.reject_free_text(staff["sup"], draft.id).status == "rejected"
    with pytest.raises(TransitionError):
        repo.approve_free_text(staff["sup"], draft.id)
    with pytest.raises(TransitionError):
        repo.record_free_text_sent(staff["mod"], draft.id)


def test_the_database_itself_refuses_unapproved_free_text_marked_sent(engine, repo, staff, held):
    draft = repo.propose_free_text(staff["mod"], held.id, "Bypass attempt.")
    with pytest.raises(sa.exc.IntegrityError):
        with engine.begin() as conn:
            conn.execute(sa.update(case_replies).where(case_replies.c.id == draft.id)
                         .values(status="sent", sent_at=sa.func.now()))


def test_record_view_writes_an_audit_row(repo, staff, held, clock):
    repo.record_view(staff["mod"], held.id, "original_text")
    event = repo.list_audit(held.id)[-1]
    assert (event.action, event.actor_id, event.actor_role, event.case_id, event.detail,
            event.created_at) == ("viewed", staff["mod"].user_id, "moderator", held.id,
                                  "what=original_text", clock.now)
    with pytest.raises(PermissionDenied):
        repo.record_view(staff["mod2"], held.id, "original_text")
    for bad in ("Jane Smith", "", "x" * 80):
        with pytest.raises(InputError):
            repo.record_view(staff["mod"], held.id, bad)
    with pytest.raises(NotFound):
        repo.record_view(staff["mod"], 999999, "original_text")


def test_original_text_comes_only_with_an_audit_row(repo, staff, held):
    assert all(SECRET not in repr(m) for m in repo.thread_messages(held.id))
    assert SECRET not in repr(repo.get_case_by_id(held.id))
    before = len(repo.list_audit(held.id))
    (original,) = repo.original_messages(staff["mod"], held.id)
    assert SECRET in original.original_text
    assert len(repo.list_audit(held.id)) == before + 1
    assert repo.list_audit(held.id)[-1].detail == "what=original_text"
