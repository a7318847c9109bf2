"""The fault test: a replay of signed Meta deliveries, each sent three times at once, bad
signatures mixed in, while the Rasa server and the action server are each killed with
SIGKILL and restarted. After the recovery interval nothing is lost, pending or stored
twice, and no Graph operation ran twice. The figures print in the test output."""

from __future__ import annotations

import collections
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import sqlalchemy as sa

from tests.e2e.conftest import running_stack
from tests.e2e.test_meta_replay import policy_hides
from tests.fakes.graph_server import FakeGraph
from tests.triage.meta.replay import IG_ID, PAGE_ID, build_replay
from triage.meta import parse_delivery
from triage.queue import QueueRepository, make_engine
from triage.queue.tables import deliveries, inbound_messages

pytestmark = [pytest.mark.slow, pytest.mark.e2e]
SECRET, TOKEN = "fault-app-secret", "fault-page-token"
SENDS = {"send_message", "reply_to_comment", "private_reply"}
KILL_RASA_AT, KILL_ACTIONS_AT = 60, 130


def _post(url, delivery):
    headers = {"Content-Type": "application/json"}
    if delivery.signature:
        headers["X-Hub-Signature-256"] = delivery.signature
    try:
        return requests.post(url, data=delivery.body, headers=headers, timeout=30).status_code
    except requests.RequestException:
        return None  # the server was down: Meta delivers again later


def _expected_keys(deliveries):
    keys = set()
    for d in deliveries:
        if d.expect == "ok":
            keys |= {(f"meta_{e.platform}", e.message_key) for e in parse_delivery(d.body)
                     if not e.is_echo and e.text.strip()}
    return keys


def send_figures(repo, graph):
    """(Graph sends the fake answered, operations recorded as sent, operations of unknown
    outcome): a send beyond the recorded and the unknown ones went out twice."""
    ops = repo.list_deliveries()
    send_calls = [c for c in graph.calls if c.status == 200 and c.method == "POST" and (
        c.path.endswith("/messages") or c.path.endswith("/comments")
        or c.path.endswith("/replies"))]
    sent = [o for o in ops if o.operation in SENDS and o.status == "sent"]
    unknown = [o for o in ops if o.status == "unknown"]
    return send_calls, sent, unknown


def _settled(repo) -> bool:
    with repo.engine.begin() as conn:
        busy = conn.execute(sa.select(sa.func.count()).select_from(deliveries).where(
            deliveries.c.status.in_(("pending", "sending")))).scalar_one()
    return not repo.pending_inbound() and busy == 0


@pytest.fixture(scope="module")
def faulted(small_model, tmp_path_factory):
    env = {"META_PAGE_ID": PAGE_ID, "META_INSTAGRAM_ID": IG_ID, "META_APP_SECRET": SECRET,
           "META_VERIFY_TOKEN": "v", "META_ACCESS_TOKEN": TOKEN,
           # Short intervals so the test does not wait minutes for leases to run out.
           "TRIAGE_LEASE_SECONDS": "8",
           "TRIAGE_RECOVERY_INTERVAL_SECONDS": "1"}
    with FakeGraph(access_token=TOKEN, app_secret=SECRET) as graph:
        env["META_GRAPH_URL"] = graph.url
        with running_stack(small_model, tmp_path_factory.mktemp("faults"), env) as stack:
            replay = build_replay(SECRET, seed=7, base_ms=int((time.time() - 600) * 1000))
            statuses, retry, kills = [], [], []
            with ThreadPoolExecutor(3) as pool:
                for i, d in enumerate(replay):
                    if i in (KILL_RASA_AT, KILL_ACTIONS_AT):
                        name = "rasa" if i == KILL_RASA_AT else "actions"
                        stack["restart"](name, kill=True)
                        kills.append(name)
                    copies = list(pool.map(lambda d: _post(stack["meta_url"], d), [d] * 3))
                    statuses.append(copies)
                    if d.expect == "ok" and 200 not in copies:
                        retry.append(d)
            for d in retry:  # Meta's redelivery of what never got a 200
                statuses.append([_post(stack["meta_url"], d)])
            engine = make_engine(stack["db_url"])
            repo = QueueRepository(engine)
            deadline = time.monotonic() + 600
            while not _settled(repo) and time.monotonic() < deadline:
                time.sleep(1)
            time.sleep(3)
            yield {"replay": replay, "statuses": statuses, "repo": repo, "graph": graph,
                   "kills": kills}
            engine.dispose()


def _rows(repo):
    with repo.engine.begin() as conn:
        return conn.execute(sa.select(inbound_messages).where(
            inbound_messages.c.channel.like("meta_%"))).all()


def test_figures(faulted, capsys):
    repo, graph = faulted["repo"], faulted["graph"]
    rows = _rows(repo)
    expected = _expected_keys(faulted["replay"])
    stored = collections.Counter((r.channel, r.message_key) for r in rows)
    send_calls, sent, unknown = send_figures(repo, graph)
    figures = {
        "deliveries": len(faulted["replay"]), "posts": sum(len(s) for s in faulted["statuses"]),
        "events": len(expected), "kills": ",".join(faulted["kills"]),
        "lost": len(expected - set(stored)), "pending": len(repo.pending_inbound()),
        "stored twice": sum(n - 1 for n in stored.values()),
        "sends": len(send_calls), "sends recorded": len(sent), "unknown outcome": len(unknown),
        "double sends": max(0, len(send_calls) - len(sent) - len(unknown)),
    }
    with capsys.disabled():
        print("\nfault test: " + ", ".join(f"{k} {v}" for k, v in figures.items()))
    assert faulted["kills"] == ["rasa", "actions"]
    assert figures["lost"] == figures["pending"] == figures["stored twice"] == 0
    assert figures["double sends"] == 0
    assert len(sent) <= len(send_calls)  # every recorded send happened


def test_bad_signatures_are_refused_and_the_rest_accepted(faulted):
    for d, copies in zip(faulted["replay"], faulted["statuses"]):
        if d.expect == "rejected":
            assert copies == [403, 403, 403]
        else:
            assert set(copies) <= {200, None, 503}


def test_every_message_is_triaged_once(faulted):
    rows = _rows(faulted["repo"])
    assert {r.status for r in rows} == {"triaged"}
    assert len(rows) == len(_expected_keys(faulted["replay"]))


def test_every_emergency_got_the_crisis_template_once_or_is_on_an_urgent_case(faulted):
    repo = faulted["repo"]
    emergencies = [r for r in _rows(repo) if r.reason == "emergency"]
    assert emergencies
    for row in emergencies:
        replies = [o for o in repo.list_deliveries(inbound_id=row.id) if o.operation in SENDS]
        crisis = [o for o in replies if (o.template_id or "").startswith("emergency_")]
        assert crisis and all(o.status in ("sent", "unknown") for o in crisis), row.id
        public = [o for o in crisis if o.operation != "private_reply"]
        assert len(public) <= 1 and len([o for o in crisis if o.operation == "private_reply"]) <= 1
        case = repo.get_case_by_id(row.case_id)
        assert case.priority == "urgent"


def test_phi_comments_are_hidden_and_answered_privately_at_most_once(faulted):
    repo, graph = faulted["repo"], faulted["graph"]
    hidden_ok = {c.path.strip("/") for c in graph.calls
                 if c.status == 200 and c.json and ("is_hidden" in c.json or "hide" in c.json)}
    private = collections.Counter(
        c.json["recipient"]["comment_id"] for c in graph.calls
        if c.status == 200 and c.json and "comment_id" in (c.json.get("recipient") or {}))
    checked = 0
    for row in _rows(repo):
        if policy_hides(row):
            assert row.comment_id in hidden_ok, row.id
            checked += 1
    assert checked and all(n == 1 for n in private.values())
