"""HttpGraphApi against the fake Graph server over HTTP: shapes, retries, errors, logs."""

from __future__ import annotations

import logging
import socket

import pytest

from tests.triage.graph.conftest import IG_ID, PAGE_ID, TOKEN
from triage.errors import TriageError
from triage.graph import GraphError, GraphRejected, GraphUnavailable, HttpGraphApi

TEXT = "Please use our secure patient portal for anything about your care."

# operation, platform, call, expected path, expected JSON body
SHAPES = [
    ("send_message", "facebook",
     lambda api: api.send_message(None, "psid-1", TEXT, platform="facebook"),
     f"/{PAGE_ID}/messages",
     {"recipient": {"id": "psid-1"}, "messaging_type": "RESPONSE", "message": {"text": TEXT}}),
    ("send_message", "instagram",
     lambda api: api.send_message(None, "igsid-1", TEXT, platform="instagram"),
     f"/{IG_ID}/messages",
     {"recipient": {"id": "igsid-1"}, "message": {"text": TEXT}}),
    ("reply_to_comment", "facebook",
     lambda api: api.reply_to_comment("111_222", TEXT, platform="facebook"),
     "/111_222/comments", {"message": TEXT}),
    ("reply_to_comment", "instagram",
     lambda api: api.reply_to_comment("1790001", TEXT, platform="instagram"),
     "/1790001/replies", {"message": TEXT}),
    ("private_reply", "facebook",
     lambda api: api.private_reply("111_222", TEXT, platform="facebook"),
     f"/{PAGE_ID}/messages",
     {"recipient": {"comment_id": "111_222"}, "message": {"text": TEXT}}),
    ("private_reply", "instagram",
     lambda api: api.private_reply("1790001", TEXT, platform="instagram"),
     f"/{IG_ID}/messages",
     {"recipient": {"comment_id": "1790001"}, "message": {"text": TEXT}}),
    ("hide_comment", "facebook",
     lambda api: api.hide_comment("111_222", platform="facebook"),
     "/111_222", {"is_hidden": True}),
    ("hide_comment", "instagram",
     lambda api: api.hide_comment("1790001", platform="instagram"),
     "/1790001", {"hide": True}),
]


@pytest.mark.parametrize("op, platform, call, path, body", SHAPES,
                         ids=[f"{s[0]}-{s[1]}" for s in SHAPES])
def test_request_shape(graph, api, op, platform, call, path, body):
    result = call(api)
    [sent] = graph.calls
    assert (sent.method, sent.path, sent.version) == ("POST", path, "v19.0")
    assert sent.json == body
    assert sent.token == TOKEN and sent.query == {}  # bearer header, never in the URL
    assert sent.status == 200
    if op in ("send_message", "private_reply"):
        assert result.startswith("m_")
    elif op == "reply_to_comment":
        assert result.startswith(path.split("/")[1] + "_")
    else:
        assert result == path.lstrip("/")


def test_unhide(graph, api):
    api.hide_comment("111_222", False, platform="facebook")
    assert graph.calls[0].json == {"is_hidden": False}


def test_page_token_overrides_the_client_token(graph, api):
    graph.access_token = "other-page-token"
    try:
        api.send_message("other-page-token", "psid-1", TEXT, platform="facebook")
        assert graph.calls[0].token == "other-page-token"
    finally:
        graph.access_token = TOKEN


def test_unknown_platform_is_a_programming_error(api):
    with pytest.raises(ValueError):
        api.send_message(None, "psid-1", TEXT, platform="tiktok")


@pytest.mark.parametrize("status", [500, 502, 503, 429])
def test_transient_failure_is_retried_and_delivered_once(graph, api, sleeps, status):
    graph.fail_next(1, status=status, path=f"/{PAGE_ID}/messages")
    message_id = api.send_message(None, "psid-1", TEXT, platform="facebook")
    assert [c.status for c in graph.calls] == [status, 200]
    assert sum(c.status == 200 for c in graph.calls) == 1
    assert message_id.startswith("m_")
    assert sleeps == [0.5]


def test_failure_is_scoped_to_its_path_prefix(graph, api, sleeps):
    graph.fail_next(3, status=500, path="/other")
    api.hide_comment("111_222", platform="facebook")
    assert [c.status for c in graph.calls] == [200] and sleeps == []


@pytest.mark.parametrize("status, code, subcode, flag", [
    (400, 10, 2018278, "outside_window"),
    (400, 551, None, "user_unavailable"),
    (403, 200, None, None),
    (404, 100, 33, None),
])
def test_4xx_is_not_retried_and_carries_meta_codes(graph, api, sleeps, status, code, subcode,
                                                   flag):
    graph.fail_with(status=status, code=code, subcode=subcode)
    with pytest.raises(GraphRejected) as info:
        api.send_message(None, "psid-1", TEXT, platform="facebook")
    err = info.value
    assert isinstance(err, GraphError) and isinstance(err, TriageError)
    assert (err.status, err.code, err.subcode, err.attempts) == (status, code, subcode, 1)
    assert err.operation == "send_message" and err.fbtrace_id
    assert len(graph.calls) == 1 and sleeps == []
    assert err.outside_window == (flag == "outside_window")
    assert err.user_unavailable == (flag == "user_unavailable")


def test_gives_up_after_max_attempts(graph, api, sleeps):
    graph.fail_with(status=503, code=2, subcode=None)
    with pytest.raises(GraphUnavailable) as info:
        api.private_reply("111_222", TEXT, platform="facebook")
    assert len(graph.calls) == 4
    assert (info.value.status, info.value.attempts, info.value.code) == (503, 4, 2)
    assert sleeps == [0.5, 1.0, 2.0]  # exponential backoff between the 4 attempts


@pytest.mark.parametrize("max_attempts, backoff, expected", [
    (1, 0.5, []),
    (2, 0.25, [0.25]),
    (5, 1.0, [1.0, 2.0, 4.0, 8.0]),
])
def test_backoff_schedule(graph, max_attempts, backoff, expected):
    sleeps = []
    api = HttpGraphApi(graph.url, PAGE_ID, TOKEN, sleep=sleeps.append,
                       max_attempts=max_attempts, backoff=backoff)
    graph.fail_with(status=500, code=2, subcode=None)
    with pytest.raises(GraphUnavailable):
        api.hide_comment("111_222", platform="facebook")
    assert sleeps == expected and len(graph.calls) == max_attempts


def test_connection_errors_are_retried_then_give_up():
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    sleeps = []
    api = HttpGraphApi(f"http://127.0.0.1:{port}", PAGE_ID, TOKEN, sleep=sleeps.append,
                       max_attempts=3, backoff=0.1)
    with pytest.raises(GraphUnavailable) as info:
        api.send_message(None, "psid-1", TEXT, platform="facebook")
    assert info.value.attempts == 3 and info.value.status is None
    assert sleeps == [0.1, 0.2]


def test_wrong_token_is_rejected_with_code_190(graph):
    api = HttpGraphApi(graph.url, PAGE_ID, "wrong", sleep=lambda s: None)
    with pytest.raises(GraphRejected) as info:
        api.hide_comment("111_222", platform="facebook")
    assert info.value.code == 190


def test_logs_carry_operation_status_attempt_but_no_token_or_text(graph, api, caplog):
    caplog.set_level(logging.DEBUG)
    graph.fail_next(1, status=500)
    api.send_message(None, "psid-1", TEXT, platform="facebook")
    graph.fail_with(status=400, code=10, subcode=2018278)
    with pytest.raises(GraphRejected) as info:
        api.private_reply("111_222", TEXT, platform="facebook")
    ours = [r.getMessage() for r in caplog.records if r.name == "triage.graph.client"]
    assert ours == [
        "graph.call op=send_message status=500 attempt=1 code=2",
        "graph.call op=send_message status=200 attempt=2",
        "graph.call op=private_reply status=400 attempt=1 code=10 subcode=2018278",
    ]
    everything = caplog.text + str(info.value) + repr(api)
    assert TOKEN not in everything and TEXT not in everything
    assert "Please use" not in everything


@pytest.mark.parametrize("code", [4, 17, 32, 613])
def test_throttling_codes_sent_as_400_are_retried(graph, api, sleeps, code):
    graph.fail_next(2, status=400, code=code, path=f"/{PAGE_ID}/messages")
    assert api.send_message(None, "psid-1", TEXT, platform="facebook").startswith("m_")
    assert [c.status for c in graph.calls] == [400, 400, 200]
    assert sleeps == [0.5, 1.0]


def test_retry_after_is_obeyed_and_capped(graph, sleeps):
    api = HttpGraphApi(graph.url, PAGE_ID, TOKEN, sleep=sleeps.append, max_retry_after=30)
    graph.fail_next(1, status=429, path=f"/{PAGE_ID}/messages", retry_after="7")
    graph.fail_next(1, status=503, path=f"/{PAGE_ID}/messages", retry_after="3600")
    api.send_message(None, "psid-1", TEXT, platform="facebook")
    assert sleeps == [7.0, 30.0]


def test_every_call_carries_appsecret_proof(sleeps):
    import hashlib
    import hmac

    from tests.fakes.graph_server import FakeGraph

    with FakeGraph(access_token=TOKEN, app_secret="s3cret") as fake:
        api = HttpGraphApi(fake.url, PAGE_ID, TOKEN, sleep=sleeps.append, app_secret="s3cret")
        api.send_message(None, "psid-1", TEXT, platform="facebook")
        api.hide_comment("111_222", platform="facebook")
        proof = hmac.new(b"s3cret", TOKEN.encode(), hashlib.sha256).hexdigest()
        assert [c.query.get("appsecret_proof") for c in fake.calls] == [proof, proof]
        assert all(c.status == 200 for c in fake.calls)
        # Without the proof Meta refuses the call (code 100), and it is not retried.
        bare = HttpGraphApi(fake.url, PAGE_ID, TOKEN, sleep=sleeps.append)
        with pytest.raises(GraphRejected) as info:
            bare.send_message(None, "psid-1", TEXT, platform="facebook")
        assert info.value.code == 100


def test_human_agent_tag(graph, api):
    api.send_message(None, "psid-1", TEXT, platform="facebook", tag="HUMAN_AGENT")
    assert graph.calls[-1].json == {"recipient": {"id": "psid-1"}, "message": {"text": TEXT},
                                    "messaging_type": "MESSAGE_TAG", "tag": "HUMAN_AGENT"}


def test_a_read_timeout_is_an_unknown_outcome(sleeps):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    try:
        port = listener.getsockname()[1]
        api = HttpGraphApi(f"http://127.0.0.1:{port}", PAGE_ID, TOKEN, sleep=sleeps.append,
                           timeout=0.3)
        with pytest.raises(GraphUnavailable) as info:
            api.send_message(None, "psid-1", TEXT, platform="facebook")
        assert info.value.outcome_unknown and sleeps == []
    finally:
        listener.close()
