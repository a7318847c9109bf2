"""The routing policy's safety rules, table-driven."""

import pytest

from triage.policy import Action, Reason, ThreadState, decide, required_templates
from triage.safety import Crisis
from triage.taxonomy import Priority

PUB, PRIV = "public_comment", "private_message"
FREE, OWNED = ThreadState(), ThreadState(human_owned=True)

# category, confidence, phi, surface, thread, crisis, faq ->
#   action, reason, priority, template, reply surface
CASES = [
    # emergencies: urgent, template at once, on any surface, even on an owned thread
    ("emergency", 0.9, (), PUB, FREE, None, None,
     Action.ESCALATE, Reason.EMERGENCY, Priority.URGENT, "emergency_medical", PUB),
    ("emergency", 0.3, (), PRIV, FREE, None, None,
     Action.ESCALATE, Reason.EMERGENCY, Priority.URGENT, "emergency_medical", PRIV),
    # the top guess is emergency, however unsure, even with a low crisis score
    ("emergency", 0.2, ("NAME",), PRIV, FREE, None, None,
     Action.ESCALATE, Reason.EMERGENCY, Priority.URGENT, "emergency_medical", PRIV),
    ("other", 0.9, (), PRIV, FREE, Crisis.SELF_HARM, None,
     Action.ESCALATE, Reason.EMERGENCY, Priority.URGENT, "emergency_self_harm", PRIV),
    ("praise", 0.99, ("NAME",), PUB, OWNED, Crisis.MEDICAL, None,
     Action.ESCALATE, Reason.EMERGENCY, Priority.URGENT, "emergency_medical", PUB),
    # a human owns the thread: silence, the message joins the case
    ("praise", 0.99, (), PUB, OWNED, None, None,
     Action.ESCALATE, Reason.HUMAN_OWNED, None, None, None),
    ("clinical_request", 0.99, ("HEALTH",), PRIV, OWNED, None, None,
     Action.ESCALATE, Reason.HUMAN_OWNED, None, None, None),
    # PHI or clinical: high priority, secure portal, always private
    ("clinical_request", 0.9, (), PUB, FREE, None, None,
     Action.ESCALATE, Reason.CLINICAL, Priority.HIGH, "secure_portal", PRIV),
    ("praise", 0.95, ("NAME", "HEALTH"), PUB, FREE, None, None,
     Action.ESCALATE, Reason.PHI, Priority.HIGH, "secure_portal", PRIV),
    ("appointment_request", 0.9, ("DOB",), PRIV, FREE, None, None,
     Action.ESCALATE, Reason.PHI, Priority.HIGH, "secure_portal", PRIV),
    ("general_question", 0.2, ("PHONE",), PUB, FREE, None, "hours",
     Action.ESCALATE, Reason.PHI, Priority.HIGH, "secure_portal", PRIV),
    # spam the model is sure of: a promoter's phone, e-mail, name or testimonial is not PHI
    ("spam", 0.99, ("EMAIL",), PUB, FREE, None, None,
     Action.IGNORE, Reason.SPAM, None, None, None),
    ("spam", 0.8, ("NAME", "PHONE", "HEALTH"), PRIV, FREE, None, None,
     Action.IGNORE, Reason.SPAM, None, None, None),
    # ... identifiers a patient gives need a near-certain model (a phishing template) ...
    ("spam", 0.99, ("PHONE", "DOB"), PUB, FREE, None, None,
     Action.IGNORE, Reason.SPAM, None, None, None),
    ("spam", 0.9, ("PHONE", "DOB"), PUB, FREE, None, None,
     Action.ESCALATE, Reason.PHI, Priority.HIGH, "secure_portal", PRIV),
    ("spam", 0.8, ("ID",), PRIV, FREE, None, None,
     Action.ESCALATE, Reason.PHI, Priority.HIGH, "secure_portal", PRIV),
    ("spam", 0.9, ("ACCOUNT",), PUB, FREE, None, None,
     Action.ESCALATE, Reason.PHI, Priority.HIGH, "secure_portal", PRIV),
    # profile links and @handles alone are how people tag each other: not a sensitive thread
    ("praise", 0.9, ("HANDLE",), PUB, FREE, None, None,
     Action.REPLY, Reason.CATEGORY, None, "praise_thanks", PUB),
    ("general_question", 0.8, ("URL", "HANDLE"), PRIV, FREE, None, "visiting",
     Action.REPLY, Reason.CATEGORY, None, "faq_visiting", PRIV),
    ("praise", 0.9, ("HANDLE", "HEALTH"), PUB, FREE, None, None,
     Action.ESCALATE, Reason.PHI, Priority.HIGH, "secure_portal", PRIV),
    ("praise", 0.9, ("URL", "ROOM"), PUB, FREE, None, None,
     Action.ESCALATE, Reason.PHI, Priority.HIGH, "secure_portal", PRIV),
    # ... and spam the model is unsure of goes to a human
    ("spam", 0.5, ("PHONE",), PUB, FREE, None, None,
     Action.ESCALATE, Reason.PHI, Priority.HIGH, "secure_portal", PRIV),
    ("appointment_request", 0.9, ("NAME", "PHONE"), PUB, FREE, None, None,
     Action.ESCALATE, Reason.PHI, Priority.HIGH, "secure_portal", PRIV),
    # a complaint with health details: the complaint path, privately
    ("negative_review", 0.8, ("HEALTH",), PUB, FREE, None, None,
     Action.ESCALATE, Reason.PHI, Priority.NORMAL, "secure_portal", PRIV),
    ("negative_review", 0.8, ("NAME", "HEALTH"), PRIV, FREE, None, None,
     Action.ESCALATE, Reason.PHI, Priority.NORMAL, "secure_portal", PRIV),
    # unsure: a human decides; private gets an acknowledgement, public nothing
    ("general_question", 0.3, (), PUB, FREE, None, "hours",
     Action.ESCALATE, Reason.LOW_CONFIDENCE, Priority.NORMAL, None, None),
    ("praise", 0.3, (), PRIV, FREE, None, None,
     Action.ESCALATE, Reason.LOW_CONFIDENCE, Priority.NORMAL, "handoff_ack", PRIV),
    # complaints: public acknowledgement plus a normal case
    ("negative_review", 0.8, (), PUB, FREE, None, None,
     Action.ESCALATE, Reason.COMPLAINT, Priority.NORMAL, "complaint_ack", PUB),
    ("negative_review", 0.8, (), PRIV, FREE, None, None,
     Action.ESCALATE, Reason.COMPLAINT, Priority.NORMAL, "complaint_ack", PRIV),
    # spam: no reply, hidden
    ("spam", 0.9, (), PUB, FREE, None, None,
     Action.IGNORE, Reason.SPAM, None, None, None),
    # the plain answers
    ("general_question", 0.8, (), PUB, FREE, None, "visiting",
     Action.REPLY, Reason.CATEGORY, None, "faq_visiting", PUB),
    ("general_question", 0.8, (), PRIV, FREE, None, "no_such_topic",
     Action.REPLY, Reason.CATEGORY, None, "faq_general", PRIV),
    ("appointment_request", 0.8, (), PUB, FREE, None, None,
     Action.REPLY, Reason.CATEGORY, None, "appointment", PUB),
    ("praise", 0.8, (), PUB, FREE, None, None,
     Action.REPLY, Reason.CATEGORY, None, "praise_thanks", PUB),
    # other: ignored in public, never left unanswered in private
    ("other", 0.8, (), PUB, FREE, None, None,
     Action.IGNORE, Reason.CATEGORY, None, None, None),
    ("other", 0.8, (), PRIV, FREE, None, None,
     Action.ESCALATE, Reason.CATEGORY, Priority.LOW, "handoff_ack", PRIV),
]


@pytest.mark.parametrize(
    "category,confidence,phi,surface,thread,crisis,faq,action,reason,priority,template,reply_surface",
    CASES,
)
def test_decide(taxonomy, category, confidence, phi, surface, thread, crisis, faq,
                action, reason, priority, template, reply_surface):
    d = decide(category, confidence, phi, surface, thread, taxonomy, crisis=crisis, faq_topic=faq)
    assert (d.action, d.reason, d.priority, d.template_key, d.reply_surface) == (
        action, reason, priority, template, reply_surface)


def test_spam_is_hidden(taxonomy):
    assert decide("spam", 0.9, (), PUB, FREE, taxonomy).hide is True
    assert decide("spam", 0.9, ("PHONE",), PUB, FREE, taxonomy).hide is True


# What is hidden is the policy's decision; the Meta adapter only carries it out.
HIDE_CASES = [
    ("clinical_request", 0.9, (), PUB, True, True),
    ("praise", 0.9, ("NAME",), PUB, True, True),
    ("negative_review", 0.9, ("HEALTH",), PUB, True, True),
    ("praise", 0.9, ("NAME",), PRIV, True, False),
    ("praise", 0.9, ("NAME",), PUB, False, False),
    ("negative_review", 0.9, (), PUB, True, False),
    ("general_question", 0.9, (), PUB, True, False),
    # a public crisis comment keeps its crisis reply and is hidden if it names someone
    ("emergency", 0.9, ("NAME", "ID"), PUB, True, True),
    ("emergency", 0.9, ("HEALTH",), PUB, True, False),
    ("emergency", 0.9, (), PUB, True, False),
]


@pytest.mark.parametrize("category,confidence,phi,surface,hide_setting,hidden", HIDE_CASES)
def test_hide_rule(taxonomy, category, confidence, phi, surface, hide_setting, hidden):
    d = decide(category, confidence, phi, surface, FREE, taxonomy, hide_phi_comments=hide_setting)
    assert d.hide is hidden


@pytest.mark.parametrize("phi,surface,hidden,also_private", [
    (("NAME", "ID"), PUB, True, True), (("HEALTH",), PUB, False, False), ((), PUB, False, False),
    (("NAME",), PRIV, False, False),
])
def test_a_public_emergency_with_identifiers_is_answered_in_both_places_and_hidden(
        taxonomy, phi, surface, hidden, also_private):
    d = decide("emergency", 0.9, phi, surface, FREE, taxonomy, crisis=Crisis.MEDICAL)
    assert (d.template_key, d.reply_surface) == ("emergency_medical", surface)
    assert (d.hide, d.also_private) == (hidden, also_private)


@pytest.mark.parametrize("phi,hidden", [(("NAME",), True), ((), False)])
def test_a_public_phi_comment_on_an_owned_thread_is_hidden_in_silence(taxonomy, phi, hidden):
    d = decide("praise", 0.9, phi, PUB, OWNED, taxonomy)
    assert (d.reason, d.template_key, d.hide) == (Reason.HUMAN_OWNED, None, hidden)


def test_complaint_with_health_details_keeps_the_24h_sla(taxonomy):
    d = decide("negative_review", 0.9, ("HEALTH",), PUB, FREE, taxonomy)
    assert (d.category, d.sla_hours, d.template_key, d.reply_surface) == (
        "negative_review", 24, "secure_portal", PRIV)


def test_no_public_reply_ever_for_phi(taxonomy):
    for category in taxonomy.categories:
        if category == "emergency":
            continue
        for confidence in (0.1, 0.5, 0.99):
            d = decide(category, confidence, ("NAME",), PUB, FREE, taxonomy)
            assert d.reply_surface in (None, PRIV), (category, confidence)


def test_sla_follows_priority(taxonomy):
    emergency = decide("emergency", 0.9, (), PUB, FREE, taxonomy)
    phi_praise = decide("praise", 0.9, ("NAME",), PUB, FREE, taxonomy)
    complaint = decide("negative_review", 0.9, (), PUB, FREE, taxonomy)
    assert emergency.sla_hours == 0.25
    assert phi_praise.sla_hours == taxonomy["clinical_request"].sla_hours
    assert complaint.sla_hours == 24


def test_unknown_surface_is_refused(taxonomy):
    with pytest.raises(ValueError):
        decide("praise", 0.9, (), "email", FREE, taxonomy)


def test_every_policy_template_exists(taxonomy, library):
    for key, surface in required_templates(taxonomy):
        assert library.has(key, surface), (key, surface)


def test_a_likely_emergency_ranked_second_is_still_an_emergency(taxonomy):
    d = decide("praise", 0.46, (), PRIV, FREE, taxonomy, emergency_score=0.30)
    assert (d.reason, d.priority, d.template_key) == (
        Reason.EMERGENCY, Priority.URGENT, "emergency_medical")
    assert decide("praise", 0.46, (), PRIV, FREE, taxonomy, emergency_score=0.10).reason is Reason.CATEGORY


def test_emergency_score_is_read_from_the_ranking():
    from triage.parse import parse_from_nlu

    parse = parse_from_nlu({"intent": {"name": "praise", "confidence": 0.46},
                            "intent_ranking": [{"name": "praise", "confidence": 0.46},
                                               {"name": "emergency", "confidence": 0.31}]})
    assert (parse.category, parse.emergency_score) == ("praise", 0.31)
