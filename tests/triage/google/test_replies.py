"""Replies to Google reviews: what the policy answers a review, what is held for a moderator,
what the outbox posts to the fake Business Profile server, and what the check refuses."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
import sqlalchemy as sa

from tests.fakes.business_profile_server import FakeBusinessProfile
from tests.fakes.graph_server import FakeGraph
from triage.errors import InputError, TemplateError
from triage.google import HttpBusinessProfileApi, OAuthCredentials
from triage.google.client import GoogleRejected
from triage.google.intake import CHANNEL, review_inbound
from triage.google.replies import PLATFORM, REPLY, ReplyToReview, refusal_reason, review_reply
from triage.graph import HttpGraphApi
from triage.parse import Parse
from triage.policy import Action, ThreadState, decide
from triage.queue import NewOperation, ReplyContext
from triage.queue.tables import deliveries, inbound_messages
from triage.replies import Rendered
from triage.sender import OutboxSender
from triage.taxonomy import ChannelRules

LOCATION = "accounts/1/locations/2"
REVIEW_ONLY = ChannelRules(private_replies=False, public_replies="automatic")
MODERATED = ChannelRules(private_replies=False, public_replies="moderator")


# -- the policy ----------------------------------------------------------------------------
@pytest.mark.parametrize("category, phi, rules, action, template, surface, held", [
    # Where nothing goes privately, a complaint and a PHI review get the generic
    # acknowledgement in public; nothing is hidden (a review cannot be).
    ("negative_review", (), REVIEW_ONLY, Action.ESCALATE, "review_ack", "public_comment", False),
    ("negative_review", ("HEALTH",), REVIEW_ONLY, Action.ESCALATE, "review_ack",
     "public_comment", False),
    ("praise", ("NAME",), REVIEW_ONLY, Action.ESCALATE, "review_ack", "public_comment", False),
    ("clinical_request", (), REVIEW_ONLY, Action.ESCALATE, "review_ack", "public_comment", False),
    ("praise", (), REVIEW_ONLY, Action.REPLY, "praise_thanks", "public_comment", False),
    # A moderator approves each reply; a plain reply, with no case to approve it on, is not sent.
    ("negative_review", (), MODERATED, Action.ESCALATE, "review_ack", "public_comment", True),
    ("praise", ("DOB",), MODERATED, Action.ESCALATE, "review_ack", "public_comment", True),
    ("praise", (), MODERATED, Action.IGNORE, None, None, False),
    # The emergency numbers wait too (an urgent case): never posted on a false alarm.
    ("emergency", (), MODERATED, Action.ESCALATE, "emergency_medical", "public_comment", True),
    ("emergency", (), REVIEW_ONLY, Action.ESCALATE, "emergency_medical", "public_comment", False),
    # Facebook and Instagram as before (the defaults).
    ("negative_review", (), ChannelRules(), Action.ESCALATE, "complaint_ack", "public_comment",
     False),
    ("praise", ("NAME",), ChannelRules(), Action.ESCALATE, "secure_portal", "private_message",
     False),
])
def test_what_a_review_is_answered(taxonomy, category, phi, rules, action, template, surface,
                                   held):
    decision = decide(category, 0.9, phi, "public_comment", ThreadState(), taxonomy,
                      channel=rules)
    assert (decision.action, decision.template_key, decision.reply_surface, decision.held) == (
        action, template, surface, held)
    if not rules.private_replies:
        assert not decision.hide and not decision.also_private


def test_the_shipped_taxonomy_holds_review_replies_for_a_moderator(taxonomy):
    assert taxonomy.channel(CHANNEL) == MODERATED
    assert taxonomy.channel("meta_facebook") == ChannelRules()


# -- the check -----------------------------------------------------------------------------
@pytest.mark.parametrize("text, refused", [
    ("Thank you for your kind words! We'll share them with our team.", False),
    ("Please call our Patient Relations team at 555-0100 so we can follow up.", False),
    ("We're sorry your visit was disappointing.", True),
    ("We hope your recovery is going well.", True),
    ("Thank you for choosing us for your mother's care.", True),
])
def test_a_review_reply_is_refused_if_it_could_confirm_a_patient(text, refused):
    assert (refusal_reason(text) is not None) is refused


def _rendered(text: str, surface: str = "public_comment", template_id: str = "t.public"):
    return Rendered(template_id, 1, surface, text)


def test_the_planner_skips_a_refused_reply_and_takes_the_public_one_only():
    to = ReplyContext(PLATFORM, comment_id=f"{LOCATION}/reviews/r1")
    private = _rendered("Your reference is 1.", "private_message", "t.private")
    op = review_reply(7, to, (private, _rendered("Thank you for sharing this.")), "in7")
    assert (op.operation, op.target_id, op.status, op.body) == (
        REPLY, f"{LOCATION}/reviews/r1", "pending", "Thank you for sharing this.")
    assert review_reply(7, to, (private,), "in7") is None
    refused = review_reply(7, to, (_rendered("We hope your stay was restful."),), "in7")
    assert refused.status == "skipped" and "your stay" in refused.reason and refused.body is None


def test_the_last_guard_refuses_before_any_call():
    class NoCalls:
        def put_reply(self, name, text):
            raise AssertionError("posted")

    with pytest.raises(GoogleRejected, match="(?i)your doctor"):
        ReplyToReview("r", "Your doctor will call you.").apply(NoCalls())


# -- through the queue and the outbox, against the fake server -------------------------------
@pytest.fixture
def fake():
    with FakeBusinessProfile(refresh_token="r") as server:
        yield server


@pytest.fixture
def api(fake):
    return HttpBusinessProfileApi(OAuthCredentials("client-id", "client-secret", "r",
                                                   token_url=fake.token_url),
                                  base_url=fake.url, sleep=lambda _s: None)


@pytest.fixture
def sender(service, api):
    return OutboxSender(service.repository, api, platforms=(PLATFORM,), sla_hours=24,
                        retry_backoff=dt.timedelta(0))


def _review(fake, api, review_id: str, stars: str, text: str):
    return api.get_review(fake.add_review(LOCATION, review_id, stars, text))


def _triage(service, review, category: str, phi=()):
    stored = service.accept(review_inbound(review))
    lease = service.lease(stored.id)
    text = service.prepare(service.repository.get_inbound(stored.id), lease)
    return service.handle(lease, text, Parse(category, 0.9, tuple(phi)))


def _puts(fake):
    return [c for c in fake.calls if c.method == "PUT"]


def _automatic(service):
    channels = {CHANNEL: REVIEW_ONLY}
    service.taxonomy = dataclasses.replace(service.taxonomy, channels=channels)


def test_with_automatic_replies_praise_is_thanked_and_a_complaint_acknowledged_once(
        service, sender, fake, api):
    _automatic(service)
    praise = _review(fake, api, "p1", "FIVE", "Lovely staff, spotless rooms.")
    complaint = _review(fake, api, "c1", "ONE", "Waited three hours, nobody told us anything.")
    assert _triage(service, praise, "praise").planned == 1
    outcome = _triage(service, complaint, "negative_review")
    assert outcome.planned == 1 and outcome.case_reference
    assert sender.run() == 2 and sender.run() == 0
    puts = {c.path: c.json["comment"] for c in _puts(fake)}
    assert set(puts) == {f"/v4/{praise.name}/reply", f"/v4/{complaint.name}/reply"}
    assert puts[f"/v4/{complaint.name}/reply"].startswith("Thank you for taking the time")
    assert all(refusal_reason(text) is None for text in puts.values())
    assert fake.review(complaint.name)["reviewReply"]["comment"] == puts[
        f"/v4/{complaint.name}/reply"]
    assert {d.status for d in service.repository.list_deliveries()} == {"sent"}


def test_by_default_nothing_is_posted_until_a_moderator_approves(service, sender, fake, api):
    complaint = _review(fake, api, "c2", "TWO", "Rude front desk.")
    outcome = _triage(service, complaint, "negative_review")
    assert outcome.planned == 0 and outcome.replies == () and outcome.case_reference
    case = service.repository.get_case(outcome.case_reference)
    (msg,) = service.repository.thread_messages(case.id)
    assert msg.template_id == "review_ack.public"  # what the case page offers to post
    assert sender.run() == 0 and _puts(fake) == []
    # The moderator approves it (what action_moderator_reply does for the portal).
    msg_id = msg.id
    rendered = service.render(dataclasses.replace(outcome.decision, held=False), case.reference)
    assert service.plan_reply(msg_id, rendered[0], "mod-1") == 1
    assert sender.run() == 1
    assert [c.json["comment"] for c in _puts(fake)] == [rendered[0].text]


def test_a_moderator_reply_that_could_confirm_a_patient_is_refused_and_nothing_planned(
        service, fake, api):
    complaint = _review(fake, api, "c3", "ONE", "Never again.")
    outcome = _triage(service, complaint, "negative_review")
    case = service.repository.get_case(outcome.case_reference)
    msg_id = service.repository.thread_messages(case.id)[-1].id
    with pytest.raises(TemplateError, match="your visit"):
        service.plan_reply(msg_id, _rendered("We're sorry your visit was disappointing."), "m")
    with pytest.raises(InputError, match="public reply only"):
        service.plan_reply(msg_id, _rendered("Hi", "private_message"), "m2")
    assert service.repository.list_deliveries() == []


def test_a_refused_text_in_the_outbox_is_never_posted_and_lands_on_a_case(
        service, sender, fake, api):
    praise = _review(fake, api, "p2", "FIVE", "Great!")
    _automatic(service)
    _triage(service, praise, "other")  # ignored: no case, no reply
    assert service.repository.list_deliveries() == []
    with service.repository.engine.begin() as conn:
        inbound_id = conn.execute(sa.select(inbound_messages.c.id).where(
            inbound_messages.c.message_key == praise.version_key)).scalar_one()
    # Written around the planner, as a bug or a hand-edited row would.
    service.repository.plan_operations([NewOperation(
        inbound_id, REPLY, PLATFORM, praise.name, "bad:0", body="Thanks for your stay!",
        template_id="t.public")], 24)
    assert sender.run() == 1
    assert _puts(fake) == []
    (row,) = service.repository.list_deliveries()
    assert row.status == "failed" and "your stay" in row.reason and row.case_id is not None


def test_a_429_then_success_posts_once_and_a_crash_mid_post_is_posted_again(
        service, sender, fake, api):
    _automatic(service)
    praise = _review(fake, api, "p3", "FOUR", "Quick and kind.")
    _triage(service, praise, "praise")
    fake.fail_next(1, 429, path=f"/v4/{praise.name}/reply", retry_after="0")
    assert sender.run() == 1
    assert [c.status for c in _puts(fake)] == [429, 200]
    assert service.repository.list_deliveries()[0].status == "sent"
    # A sender that died mid-call: the PUT replaces the reply, so it is simply retried.
    praise2 = _review(fake, api, "p4", "FIVE", "Kind nurses.")
    _triage(service, praise2, "praise")
    (claimed,) = service.repository.claim_operations(dt.timedelta(seconds=-1),
                                                     platforms=(PLATFORM,))
    assert sender.recover() == {"retried": 1, "unknown": 0}
    assert sender.run() == 1
    assert [d.status for d in service.repository.list_deliveries()] == ["sent", "sent"]


def test_the_meta_sender_leaves_review_replies_alone(service, fake, api):
    _automatic(service)
    _triage(service, _review(fake, api, "p5", "FIVE", "Thanks all."), "praise")
    with FakeGraph() as graph:
        api = HttpGraphApi(graph.url, "PAGE", "t", sleep=lambda _s: None)
        meta = OutboxSender(service.repository, api, sla_hours=24)
        assert meta.run() == 0
    with service.repository.engine.begin() as conn:
        assert conn.execute(sa.select(deliveries.c.status)).scalars().all() == ["pending"]
