"""Meta webhooks end to end: the real Rasa server with the Meta channel, the real action
server and queue, and a fake Graph API server on 127.0.0.1 that records calls and fails
on demand (Meta's API itself is the only thing faked)."""

from __future__ import annotations

import json
import time
import uuid

import pytest
import requests

from tests.e2e.conftest import portal_sign_in, running_stack
from tests.fakes.graph_server import FakeGraph
from triage.meta import sign
from triage.queue import QueueRepository, make_engine

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

PAGE, SECRET, VERIFY, TOKEN = "104598372210345", "app-secret-for-tests", "verify-me", "page-token"


@pytest.fixture(scope="module")
def graph():
    with FakeGraph(access_token=TOKEN) as fake:
        yield fake


@pytest.fixture(scope="module")
def meta(small_model, tmp_path_factory, graph):
    env = {"META_PAGE_ID": PAGE, "META_APP_SECRET": SECRET, "META_VERIFY_TOKEN": VERIFY,
           "META_ACCESS_TOKEN": TOKEN, "META_GRAPH_URL": graph.url}
    with running_stack(small_model, tmp_path_factory.mktemp("meta"), env) as stack:
        engine = make_engine(stack["db_url"])
        stack["repo"] = QueueRepository(engine)
        yield stack
        engine.dispose()


@pytest.fixture(autouse=True)
def fresh_graph(graph):
    graph.reset()


def uid() -> str:
    return uuid.uuid4().hex[:12]


def dm(text, user=None, mid=None, ts_ms=None, echo=False):
    message = {"mid": mid or f"m_{uid()}", "text": text}
    if echo:
        message["is_echo"] = True
    user = user or f"psid{uid()}"
    sender, recipient = ({"id": PAGE}, {"id": user}) if echo else ({"id": user}, {"id": PAGE})
    return {"sender": sender, "recipient": recipient,
            "timestamp": ts_ms or int(time.time() * 1000), "message": message}


def comment(text, comment_id=None, from_id=None):
    post = f"{PAGE}_{uid()}"
    return {"field": "feed", "value": {
        "from": {"id": from_id or f"u{uid()}", "name": "Someone"}, "item": "comment",
        "verb": "add", "post_id": post, "parent_id": post,
        "comment_id": comment_id or f"{uid()}_{uid()}", "message": text,
        "created_time": int(time.time())}}


def delivery(messaging=(), changes=()):
    entry = {"id": PAGE, "time": int(time.time() * 1000)}
    if messaging:
        entry["messaging"] = list(messaging)
    if changes:
        entry["changes"] = list(changes)
    return json.dumps({"object": "page", "entry": [entry]}).encode()


def post(meta, body, signature=None):
    headers = {"Content-Type": "application/json",
               "X-Hub-Signature-256": signature if signature is not None else sign(body, SECRET)}
    return requests.post(meta["meta_url"], data=body, headers=headers, timeout=30)


def wait_triaged(meta, keys, timeout=60.0):
    """Wait (bounded) until the stored messages with these keys are triaged."""
    repo, deadline = meta["repo"], time.monotonic() + timeout
    while time.monotonic() < deadline:
        pending = {m.message_key for m in repo.pending_inbound()}
        if not set(keys) & pending:
            break
        time.sleep(0.2)
    time.sleep(0.5)  # the delivery runs just after the action returns


def deliveries_for(meta, key):
    repo = meta["repo"]
    import sqlalchemy as sa
    from triage.queue.tables import inbound_messages

    with repo.engine.begin() as conn:
        row = conn.execute(sa.select(inbound_messages.c.id, inbound_messages.c.case_id)
                           .where(inbound_messages.c.message_key == key)).one()
    return row.case_id, repo.list_deliveries(inbound_id=row.id)


def test_verify_token(meta):
    ok = requests.get(meta["meta_url"], timeout=10, params={
        "hub.mode": "subscribe", "hub.verify_token": VERIFY, "hub.challenge": "12345"})
    assert (ok.status_code, ok.text) == (200, "12345")
    bad = requests.get(meta["meta_url"], timeout=10, params={
        "hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "12345"})
    assert bad.status_code == 403


@pytest.mark.parametrize("signature", ["", "sha256=" + "0" * 64, "sha1=abc"])
def test_bad_or_missing_signature_is_refused_and_nothing_stored(meta, signature):
    event = dm("where do I park?")
    response = post(meta, delivery([event]), signature=signature)
    assert response.status_code == 403
    assert meta["repo"].pending_inbound() == []
    assert not any(m.message_key == event["message"]["mid"]
                   for m in meta["repo"].pending_inbound())


@pytest.mark.parametrize("body,status", [(b"{not json", 400), (b"[]", 400)])
def test_malformed_bodies(meta, body, status):
    assert post(meta, body).status_code == status


def test_phi_comment_is_hidden_and_gets_one_private_reply_and_a_case(meta, graph):
    c = comment("my mom Jane Smith DOB 3/4/1950 still has a fever after her surgery, what do we do")
    key = c["value"]["comment_id"]
    assert post(meta, delivery(changes=[c])).status_code == 200
    wait_triaged(meta, [key])
    case_id, sent = deliveries_for(meta, key)
    assert case_id is not None
    assert [(d.operation, d.status) for d in sent] == [("hide_comment", "sent"), ("private_reply", "sent")]
    paths = [call.path for call in graph.calls]
    assert any(key in p for p in paths)  # the hide
    private = [c for c in graph.calls if c.path.endswith("/messages")]
    assert len(private) == 1 and private[0].json["recipient"] == {"comment_id": key}
    assert "Jane" not in json.dumps(private[0].json)
    assert not any(p.endswith("/comments") for p in paths)  # nothing public


def test_negative_review_comment_gets_a_public_acknowledgement_and_a_case(meta, graph):
    c = comment("waited 5 hours in the ER and nobody told us anything, disgraceful")
    key = c["value"]["comment_id"]
    post(meta, delivery(changes=[c]))
    wait_triaged(meta, [key])
    case_id, sent = deliveries_for(meta, key)
    assert case_id is not None and [d.operation for d in sent] == ["reply_to_comment"]
    (public,) = graph.calls_to(f"/{key}/comments")
    assert "Patient Relations" in public.json["message"]


def test_spam_comment_is_hidden_without_reply(meta, graph):
    c = comment("🔥 FREE crypto giveaway!! DM me to earn $5000 a week 💰 bit.ly/xx")
    key = c["value"]["comment_id"]
    post(meta, delivery(changes=[c]))
    wait_triaged(meta, [key])
    _, sent = deliveries_for(meta, key)
    assert [d.operation for d in sent] == ["hide_comment"]
    assert len(graph.calls) == 1


def test_batch_echo_and_duplicates(meta, graph):
    events = [dm("what are your visiting hours?"), dm("where do I park?"),
              dm("thanks for the help", echo=True)]
    body = delivery(events)
    first = post(meta, body).json()
    assert (first["received"], first["ignored"]) == (2, 1)
    again = post(meta, body).json()
    # Stored already (finished or not): the workers have them, each under one lease.
    assert (again["received"], again["duplicates"]) == (0, 2)
    wait_triaged(meta, [e["message"]["mid"] for e in events[:2]])
    late = post(meta, body).json()
    assert (late["received"], late["duplicates"]) == (0, 2)
    time.sleep(1)
    assert len(graph.calls_to(f"/{PAGE}/messages")) == 2


def test_graph_500_then_success_delivers_once(meta, graph):
    graph.fail_next(1, status=500)
    event = dm("what are your visiting hours?")
    post(meta, delivery([event]))
    wait_triaged(meta, [event["message"]["mid"]])
    _, sent = deliveries_for(meta, event["message"]["mid"])
    assert [(d.operation, d.status) for d in sent] == [("send_message", "sent")]
    assert [c.status for c in graph.calls] == [500, 200]


def test_graph_400_flags_the_case(meta, graph):
    graph.fail_with(status=400, code=551, subcode=None)
    event = dm("what are your visiting hours?")
    post(meta, delivery([event]))
    wait_triaged(meta, [event["message"]["mid"]])
    case_id, sent = deliveries_for(meta, event["message"]["mid"])
    assert [(d.operation, d.status) for d in sent] == [("send_message", "failed")]
    assert "code=551" in sent[0].reason
    assert meta["repo"].get_case_by_id(case_id).reason == "delivery_failed"
    assert len(graph.calls) == 1  # a 4xx is not retried


def test_messaging_window_closed(meta, graph):
    two_days_ago = int((time.time() - 2 * 86400) * 1000)
    event = dm("what are your visiting hours?", ts_ms=two_days_ago)
    post(meta, delivery([event]))
    wait_triaged(meta, [event["message"]["mid"]])
    case_id, sent = deliveries_for(meta, event["message"]["mid"])
    assert [(d.status, d.reason) for d in sent] == [("skipped", "messaging window closed")]
    assert case_id is not None and graph.calls == []


def test_duplicate_after_a_restart_is_dropped(meta, graph):
    event = dm("where do I park?")
    body = delivery([event])
    assert post(meta, body).json()["received"] == 1
    wait_triaged(meta, [event["message"]["mid"]])
    meta["restart_rasa"]()
    graph.reset()
    assert post(meta, body).json() == {"received": 0, "duplicates": 1, "ignored": 0}
    time.sleep(1)
    assert graph.calls == []


def test_moderator_reply_on_a_comment_thread_goes_out_as_a_private_reply(meta, graph):
    import re

    c = comment("billing sent me to collections for a bill I already paid, nobody calls back")
    key = c["value"]["comment_id"]
    post(meta, delivery(changes=[c]))
    wait_triaged(meta, [key])
    case_id, _ = deliveries_for(meta, key)
    ref = meta["repo"].get_case_by_id(case_id).reference
    graph.reset()
    portal = requests.Session()
    assert portal_sign_in(portal, meta["portal_url"]).status_code == 303
    page = portal.get(f"{meta['portal_url']}/cases/{ref}", timeout=10).text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    base = f"{meta['portal_url']}/cases/{ref}"
    portal.post(base + "/claim", data={"csrf": csrf}, timeout=10)
    sent = portal.post(base + "/reply", timeout=60,
                       data={"csrf": csrf, "template_id": "complaint_ack.private"})
    assert "complaint_ack.private sent" in sent.text
    (private,) = [call for call in graph.calls if call.path.endswith("/messages")]
    assert private.json["recipient"] == {"comment_id": key} and ref in private.json["message"]["text"]
    case_page = portal.get(base, timeout=10).text
    assert "private reply complaint_ack.private: <strong>delivered</strong>" in case_page
