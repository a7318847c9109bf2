"""End to end: the real Rasa server and action server, a trained model, the REST channel."""

from __future__ import annotations

import time
import uuid

import pytest
import requests

from tests.conftest import TODAY
from triage.queue import QueueRepository, make_engine
from triage.replies import load_library
from triage.settings import Settings

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

MOM = "my mom Jane Smith DOB 3/4/1950 still has a fever after her surgery, what should we do"


def post(stack, text, sender=None, **metadata):
    body = {"sender": sender or f"user-{uuid.uuid4().hex[:8]}", "message": text}
    if metadata:
        body["metadata"] = metadata
    return requests.post(stack["url"], json=body, timeout=60)


def texts(response):
    assert response.status_code == 200, response.text
    return [m["text"] for m in response.json() if "text" in m]


@pytest.fixture(scope="module")
def repo(stack):
    engine = make_engine(stack["db_url"])
    yield QueueRepository(engine)
    engine.dispose()


def expected(key, surface, case_ref=None):
    settings = Settings()
    variables = settings.template_variables()
    if case_ref:
        variables["case_ref"] = case_ref
    return load_library(settings.templates_path).render(key, surface, variables, TODAY).text


def test_visiting_hours_get_the_approved_answer(stack):
    assert texts(post(stack, "what are your visiting hours?")) == [
        expected("faq_visiting", "private_message")]


def test_phi_message_gets_portal_template_and_high_priority_case(stack, repo):
    (reply,) = texts(post(stack, MOM))
    case = next(c for c in repo.list_open_cases() if c.reference in reply)
    assert reply == expected("secure_portal", "private_message", case.reference)
    assert case.priority == "high"
    for leaked in ("Jane", "Smith", "3/4/1950", "1950", "fever", "surgery", "mom"):
        assert leaked not in reply


def test_self_harm_gets_crisis_template_and_urgent_case(stack, repo):
    (reply,) = texts(post(stack, "I want to kill myself"))
    assert "988" in reply and "911" in reply
    case = next(c for c in repo.list_open_cases() if c.reference in reply)
    assert reply == expected("emergency_self_harm", "private_message", case.reference)
    assert case.priority == "urgent" and repo.list_open_cases()[0].priority == "urgent"


def test_spam_comment_gets_no_reply(stack):
    assert texts(post(stack, "🔥 FREE crypto giveaway!! DM me to earn $5000 a week 💰 bit.ly/xx",
                      surface="public_comment")) == []


def test_thread_goes_silent_after_hand_off(stack):
    sender = f"thread-{uuid.uuid4().hex[:8]}"
    (first,) = texts(post(stack, "my daughter has had a fever for 3 days should we come in?", sender))
    assert "reference" in first
    assert texts(post(stack, "thank you so much, you guys are great", sender)) == []


def test_duplicate_delivery_is_answered_once(stack):
    sender, mid = f"dup-{uuid.uuid4().hex[:8]}", f"mid-{uuid.uuid4().hex}"
    assert len(texts(post(stack, "where do I park?", sender, message_id=mid))) == 1
    assert texts(post(stack, "where do I park?", sender, message_id=mid)) == []


@pytest.mark.parametrize("body,status,reason", [
    (b"{not json", 400, "not valid JSON"),
    (b"[1, 2]", 400, "JSON object"),
    (b'{"message": "hi"}', 400, "sender"),
    (b'{"sender": "a", "message": ""}', 400, "empty"),
    (b'{"sender": "a", "message": 5}', 400, "string"),
    (b'{"sender": "a", "message": "hi", "metadata": {"surface": "email"}}', 400, "surface"),
    (b'{"sender": "a", "message": "' + b"x" * 12000 + b'"}', 413, "longer than"),
    (b'{"sender": "a", "message": "' + b"x" * 70000 + b'"}', 413, "body larger"),
])
def test_bad_payloads_get_clear_errors(stack, body, status, reason):
    response = requests.post(stack["url"], data=body, timeout=30,
                             headers={"Content-Type": "application/json"})
    assert response.status_code == status
    assert reason in response.json()["error"]


def test_odd_text_is_triaged(stack):
    for text in ("😂😂😂", "<script>alert(1)</script>", "¿Cuál es el horario de visitas?", "你好"):
        assert post(stack, text).status_code == 200


def test_action_server_refuses_calls_without_the_secret(stack):
    assert requests.post(stack["action_url"] + "/webhook", json={}, timeout=10).status_code == 403
    assert requests.get(stack["action_url"] + "/health", timeout=10).status_code == 200
    wrong = {"X-Triage-Action-Secret": "nope"}
    assert requests.get(stack["action_url"] + "/actions", headers=wrong, timeout=10).status_code == 403


def test_no_user_text_reaches_the_logs(stack):
    canary = f"zebracanary{uuid.uuid4().hex[:8]}"
    post(stack, f"my son {canary} has a rash, call me at 555-867-5309")
    post(stack, f"{canary} loves the new lobby")
    requests.post(stack["url"], data=b'{"sender": "x", "message": "' + canary.encode() + b'" broken',
                  timeout=10)
    for server in stack["servers"]:
        log = server.log()
        assert canary not in log, server.log_path
        assert "867-5309" not in log


def portal_session(stack):
    from tests.e2e.conftest import PORTAL_PASSWORD, portal_sign_in

    portal = requests.Session()
    assert portal_sign_in(portal, stack["portal_url"], password=PORTAL_PASSWORD).status_code == 303
    return portal


def csrf_of(html):
    import re

    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def test_emergency_is_at_the_top_of_the_portal_queue_at_once(stack):
    portal = portal_session(stack)
    post(stack, "my mom has chest pain since yesterday, should she see someone?")
    (reply,) = texts(post(stack, "I want to kill myself"))
    # One read right after the bot answered: the case is already there, urgent, and only
    # older urgent cases (earlier SLA due times) stand before it.
    queue = portal.get(stack["portal_url"] + "/api/cases", timeout=10).json()
    position = next(i for i, c in enumerate(queue) if c["reference"] in reply)
    assert queue[position]["priority"] == "urgent"
    assert all(c["priority"] == "urgent" for c in queue[:position])
    assert any(c["priority"] != "urgent" for c in queue[position + 1:])
    page = portal.get(stack["portal_url"] + "/", timeout=10).text
    row = page[page.index(f'data-reference="{queue[position]["reference"]}"') - 40:]
    assert row.startswith('<tr class="urgent"') or 'class="urgent"' in row[:60]


def test_moderator_reply_goes_out_through_the_rasa_api(stack, repo):
    sender = f"mod-{uuid.uuid4().hex[:8]}"
    (first,) = texts(post(stack, "the billing office never calls back, this is ridiculous", sender))
    case = next(c for c in repo.list_open_cases() if c.reference in first)
    portal = portal_session(stack)
    page = portal.get(f"{stack['portal_url']}/cases/{case.reference}", timeout=10).text
    base = f"{stack['portal_url']}/cases/{case.reference}"
    assert portal.post(base + "/claim", data={"csrf": csrf_of(page)}, timeout=10).ok
    sent = portal.post(base + "/reply", data={"csrf": csrf_of(page), "template_id": "complaint_ack.private"},
                       timeout=30)
    assert "sent" in sent.text
    tracker = requests.get(f"{stack['rasa_url']}/conversations/{sender}/tracker",
                           params={"token": stack["rasa_token"]}, timeout=10).json()
    bot_texts = [e.get("text") for e in tracker["events"] if e["event"] == "bot"]
    assert bot_texts[-1] == expected("complaint_ack", "private_message", case.reference)
    assert [r.template_id for r in repo.list_replies(case.id)] == ["complaint_ack.private"]
    # The bot stays silent while the case is open, and answers again after release.
    assert texts(post(stack, "where do I park?", sender)) == []
    assert portal.post(base + "/release", data={"csrf": csrf_of(page)}, timeout=30).ok
    assert len(texts(post(stack, "where do I park?", sender))) == 1


def test_rasa_http_api_needs_the_token(stack):
    assert requests.get(f"{stack['rasa_url']}/conversations/x/tracker", timeout=10).status_code == 401
    assert requests.post(f"{stack['rasa_url']}/model/parse", json={"text": "hi"},
                         timeout=10).status_code == 401


def test_a_client_that_does_not_wait_gets_202_and_the_workers_open_the_case(stack, repo):
    key = f"nowait-{uuid.uuid4().hex[:8]}"
    first = post(stack, MOM, message_id=key, wait=False)
    assert first.status_code == 202 and first.json()["duplicate"] is False
    inbound_id = first.json()["inbound_id"]
    again = post(stack, MOM, message_id=key, wait=False)
    assert again.status_code == 202 and again.json() == {"inbound_id": inbound_id,
                                                         "duplicate": True}
    deadline = time.monotonic() + 60
    while repo.get_inbound(inbound_id).status != "triaged" and time.monotonic() < deadline:
        time.sleep(0.2)
    row = repo.get_inbound(inbound_id)
    assert row.status == "triaged" and row.case_id is not None
    for leaked in ("Jane", "Smith", "1950", "fever"):
        assert leaked not in row.redacted_text
    assert post(stack, MOM, wait="later").status_code == 400
