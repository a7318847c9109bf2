"""Google reviews in the portal: stars in the queue and on the case, the held public reply
shown as it would be posted, public templates only, and the "never confirm a patient" check
before anything is handed to the bot; posting is audited."""

from __future__ import annotations

import dataclasses

import pytest

from tests.triage.portal.conftest import Browserless
from triage.google.intake import CHANNEL, review_inbound
from triage.google.reviews import parse_review
from triage.parse import Parse
from triage.portal import create_app
from triage.replies import load_library
from triage.settings import Settings

NAME = "accounts/1/locations/2/reviews/rv1"


def _review(stars="ONE", text="Waited four hours and nobody explained anything."):
    return parse_review({"name": NAME, "reviewId": "rv1", "starRating": stars, "comment": text,
                         "createTime": "2026-11-22T10:00:00Z",
                         "updateTime": "2026-11-22T10:00:00Z"})


@pytest.fixture
def review_case(service, portal):
    stored = service.accept(review_inbound(_review()))
    lease = service.lease(stored.id)
    text = service.prepare(service.repository.get_inbound(stored.id), lease)
    return service.handle(lease, text, Parse("negative_review", 0.9)).case_reference


class RecordingOutbound:
    """Stands in for the Rasa server (the bot's action plans and posts the reply)."""

    def __init__(self):
        self.calls = []

    def send_template(self, thread_key, template_id):
        self.calls.append((thread_key, template_id))
        return []


def _client(portal, **changes):
    client = Browserless(create_app(dataclasses.replace(portal.ctx.config, **changes)))
    client.login("moe")
    return client


def test_the_queue_and_the_case_show_the_stars_and_the_reply_that_would_be_posted(
        client, review_case):
    client.login("moe")
    queue = client.request("get", "/").text
    assert "★☆☆☆☆" in queue and CHANNEL in queue
    page = client.request("get", f"/cases/{review_case}").text
    assert "1 of 5 stars" in page
    assert "The public reply that would be posted: review_ack.public" in page
    assert "Thank you for taking the time to share this." in page
    assert "Post this reply (recorded in the audit log)" in page
    # A review takes a public reply only: no private template is offered.
    assert ".private" not in page.split('name="template_id"')[1].split("</select>")[0]


def test_posting_hands_the_reply_to_the_bot_and_is_audited(portal, review_case, service):
    outbound = RecordingOutbound()
    client = _client(portal, outbound=outbound)
    client.post(f"/cases/{review_case}/claim")
    resp = client.post(f"/cases/{review_case}/reply", {"template_id": "review_ack.public"})
    assert "sent" in client.flash(resp)[1]
    case = service.repository.get_case(review_case)
    assert outbound.calls == [(case.thread_key, "review_ack.public")]
    audit = [e for e in service.repository.list_audit(case.id) if e.action == "reply_sent"]
    assert len(audit) == 1 and "template=review_ack.public" in audit[0].detail
    # Once answered, the case no longer offers the held reply.
    assert "would be posted" not in client.request("get", f"/cases/{review_case}").text


def test_a_private_template_is_refused_for_a_review(portal, review_case, service):
    outbound = RecordingOutbound()
    client = _client(portal, outbound=outbound)
    client.post(f"/cases/{review_case}/claim")
    resp = client.post(f"/cases/{review_case}/reply", {"template_id": "complaint_ack.private"})
    kind, text = client.flash(resp)
    assert kind == "error" and "public reply only" in text and outbound.calls == []


def test_a_template_that_could_confirm_a_patient_is_shown_refused_and_never_sent(
        portal, review_case, service, tmp_path):
    shipped = Settings().templates_path.read_text(encoding="utf-8")
    bad = shipped.replace("- id: handoff_ack.private", """- id: sorry.public
  key: sorry
  category: negative_review
  surface: public_comment
  text: We're sorry your visit was disappointing.
  version: 1
  approved_by: Someone
  approved_on: '2026-11-20'
  review_due: '2027-11-20'
- id: handoff_ack.private""")
    path = tmp_path / "templates.yml"
    path.write_text(bad, encoding="utf-8")
    outbound = RecordingOutbound()
    client = _client(portal, outbound=outbound, library=load_library(path))
    client.post(f"/cases/{review_case}/claim")
    page = client.post(f"/cases/{review_case}/reply-preview", {"template_id": "sorry.public"})
    assert "could confirm that the reviewer is a patient" in page.text
    assert "Post this reply" not in page.text.split('id="preview"')[1]
    resp = client.post(f"/cases/{review_case}/reply", {"template_id": "sorry.public"})
    kind, text = client.flash(resp)
    assert kind == "error" and "your visit" in text and outbound.calls == []
    assert service.repository.list_replies(service.repository.get_case(review_case).id) == []
