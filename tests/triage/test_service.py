"""The service end to end on a real database: store first, decide, escalate, render."""

from __future__ import annotations

import threading

import pytest

from triage.errors import InputError
from triage.parse import Parse
from triage.policy import Action, Reason
from triage.service import Inbound

MOM = "my mom Jane Smith DOB 3/4/1950 still has a fever after her surgery, what should we do"


def _inbound(text, key="m1", thread="t1", surface="private_message"):
    return Inbound("rest", key, thread, surface, text)


def _handle(service, inbound_id, text, parse):
    return service.handle(service.lease(inbound_id), text, parse)


def _receive_and_handle(service, text, parse, **kw):
    received = service.receive(_inbound(text, **kw))
    return received, _handle(service, received.stored.id, received.deidentified_text, parse)


def test_phi_message_opens_high_priority_case_and_sends_portal_template(service):
    received, outcome = _receive_and_handle(
        service, MOM, Parse("clinical_request", 0.9, ("DOB", "HEALTH", "NAME")))
    assert "Jane" not in received.deidentified_text and "1950" not in received.deidentified_text
    assert outcome.decision.reason is Reason.PHI
    case = service.repository.get_case(outcome.case_reference)
    assert case.priority == "high" and case.status == "new"
    assert "Jane" not in case.redacted_text and "fever" not in case.redacted_text
    assert set(case.phi_types.split(",")) >= {"NAME", "DOB"}
    (reply,) = outcome.replies
    assert reply.template_id == "secure_portal.private"
    assert outcome.case_reference in reply.text
    for word in ("Jane", "Smith", "1950", "fever", "surgery"):
        assert word not in reply.text


def test_thread_is_silent_once_a_human_owns_it(service):
    _, first = _receive_and_handle(service, "my son has a rash what cream", Parse("clinical_request", 0.9))
    _, second = _receive_and_handle(service, "thank you so much!!", Parse("praise", 0.95), key="m2")
    assert second.decision.reason is Reason.HUMAN_OWNED
    assert second.replies == () and second.case_reference == first.case_reference
    case = service.repository.get_case(first.case_reference)
    assert [m.message_key for m in service.repository.thread_messages(case.id)] == ["m1", "m2"]


def test_emergency_on_an_owned_thread_still_gets_crisis_numbers_and_lifts_the_case(service):
    _, first = _receive_and_handle(service, "the parking is a joke", Parse("negative_review", 0.9))
    _, second = _receive_and_handle(service, "honestly i want to kill myself", Parse("other", 0.6), key="m2")
    assert second.decision.reason is Reason.EMERGENCY
    assert "988" in second.replies[0].text
    assert service.repository.get_case(first.case_reference).priority == "urgent"


def test_reply_needs_no_case(service):
    received, outcome = _receive_and_handle(
        service, "what are your visiting hours?", Parse("general_question", 0.8, (), "visiting"))
    assert outcome.decision.action is Action.REPLY and outcome.case_reference is None
    assert outcome.replies[0].template_id == "faq_visiting.private"
    assert service.repository.get_inbound(received.stored.id).status == "triaged"


def test_spam_gets_nothing(service):
    _, outcome = _receive_and_handle(service, "DM me to earn $5k a week", Parse("spam", 0.9),
                                     surface="public_comment")
    assert outcome.replies == () and outcome.decision.hide


def test_duplicate_delivery_is_stored_once_and_answered_once(service):
    first = service.receive(_inbound("hello"))
    again = service.receive(_inbound("hello"))
    assert (again.stored.id, again.stored.duplicate) == (first.stored.id, True)
    lease = service.lease(first.stored.id)
    assert service.lease(first.stored.id) is None  # held: a second worker gets nothing
    service.handle(lease, "hello", Parse("other", 0.9))
    repeat = service.handle(lease, "hello", Parse("other", 0.9))
    assert repeat.replies == () and repeat.decision.reason is Reason.DUPLICATE
    assert service.lease(first.stored.id) is None  # finished: nobody gets it again


def test_crash_before_answer_leaves_message_pending(service):
    import datetime as dt

    received = service.receive(_inbound("is the pharmacy open"))
    pending = service.repository.pending_inbound(dt.timedelta(0))
    assert [m.id for m in pending] == [received.stored.id]


@pytest.mark.parametrize("text,error", [
    ("", "empty"), ("   \n", "empty"), (None, "string"), (12, "string"), ("x" * 10001, "longer"),
])
def test_bad_text_is_refused(service, text, error):
    with pytest.raises(InputError, match=error):
        service.receive(_inbound(text))


def test_odd_text_is_accepted(service):
    for i, text in enumerate(["😂😂🙏", "<img src=x onerror=alert(1)>", "مرحبا كيف حالك", "你好\x00世界"]):
        assert not service.receive(_inbound(text, key=f"k{i}")).stored.duplicate


def test_concurrent_messages_on_a_new_thread_open_one_case(service):
    ids = [service.receive(_inbound(f"my chest hurts {i}", key=f"c{i}")).stored.id for i in range(8)]
    refs, errors = [], []

    def work(inbound_id):
        try:
            refs.append(_handle(service, inbound_id, "my chest hurts",
                                Parse("clinical_request", 0.9)).case_reference)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(set(refs)) == 1
    assert len(service.repository.list_open_cases()) == 1


# Spam is not PHI: a promoter's contact details are not a patient's (policy rule 3).
PROMO = "Cheap Ozempic no prescription!! WhatsApp +1 (555) 201-3344 or write rx.deals@promo-mail.com"
REQUEST = "hi my name is Maria Lopez, please call me at (555) 201-3344 to move my appointment"


def test_spam_with_a_business_phone_is_hidden_and_opens_no_case(service):
    received = service.receive(_inbound(PROMO, surface="public_comment"))
    assert {"PHONE", "EMAIL"} <= set(received.phi_types)  # the detector does see them
    outcome = _handle(service, received.stored.id, received.deidentified_text,
                             Parse("spam", 0.93, received.phi_types))
    assert outcome.decision.action is Action.IGNORE and outcome.decision.hide
    assert outcome.case_reference is None and outcome.replies == ()
    assert service.repository.get_inbound(received.stored.id).status == "triaged"


def test_a_real_request_with_the_same_phone_still_escalates(service):
    received = service.receive(_inbound(REQUEST, key="m2", thread="t2"))
    assert "PHONE" in received.phi_types
    outcome = _handle(service, received.stored.id, received.deidentified_text,
                             Parse("appointment_request", 0.9, received.phi_types))
    assert outcome.decision.reason is Reason.PHI and outcome.case_reference
    assert outcome.replies[0].template_id == "secure_portal.private"


def test_a_complaint_with_health_details_gets_the_private_complaint_path(service):
    text = "2 stars. my chemo nurse on 4 West ignored my call light for an hour during my infusion"
    received = service.receive(_inbound(text, key="m3", thread="t3", surface="public_comment"))
    outcome = _handle(service, received.stored.id, received.deidentified_text,
                             Parse("negative_review", 0.9, ("HEALTH",)))
    case = service.repository.get_case(outcome.case_reference)
    assert case.category == "negative_review" and case.priority == "normal"
    assert round((case.sla_due_at - case.created_at).total_seconds() / 3600) == 24
    assert outcome.decision.hide and outcome.replies[0].template_id == "secure_portal.private"
