"""`actions/triage_action.meta_delivery`: the adapter carries out the policy's decision,
hiding exactly what the policy hides, and adds no rule of its own."""

import pytest

from actions.triage_action import meta_delivery
from triage.policy import ThreadState, decide
from triage.replies import Rendered
from triage.service import Outcome

META = {"inbound_id": 7, "platform": "facebook", "surface": "public_comment",
        "sender_id": "u1", "comment_id": "c1", "timestamp_ms": 1}


def _outcome(decision, reply=None):
    return Outcome(decision, None, (reply,) if reply else ())


@pytest.mark.parametrize("category,phi,hidden", [
    ("clinical_request", (), True), ("praise", ("NAME",), True), ("spam", ("PHONE",), True),
    ("negative_review", ("HEALTH",), True), ("emergency", ("NAME",), True),
    ("negative_review", (), False), ("emergency", (), False),
])
def test_hide_comes_from_the_decision(taxonomy, category, phi, hidden):
    decision = decide(category, 0.9, phi, "public_comment", ThreadState(), taxonomy)
    reply = Rendered("x.private", 1, "private_message", "approved text")
    delivery = meta_delivery(_outcome(decision, reply), META)
    assert delivery["hide"] is decision.hide is hidden


def test_nothing_to_do_gives_none(taxonomy):
    decision = decide("other", 0.9, (), "public_comment", ThreadState(), taxonomy)
    assert not decision.hide
    assert meta_delivery(_outcome(decision), META) is None


def test_the_delivery_carries_the_rendered_reply_only(taxonomy):
    decision = decide("praise", 0.9, (), "public_comment", ThreadState(), taxonomy)
    reply = Rendered("praise_thanks.public", 1, "public_comment", "Thank you!")
    delivery = meta_delivery(_outcome(decision, reply), META)
    assert (delivery["text"], delivery["template_id"], delivery["reply_surface"]) == (
        "Thank you!", "praise_thanks.public", "public_comment")
    assert delivery["comment_id"] == "c1" and delivery["hide"] is False
