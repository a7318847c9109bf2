"""The webhook receiver (`python -m triage ingest`): verify, store, answer; nothing else."""

from __future__ import annotations

import dataclasses
import json
import time

import pytest

from triage.ingest.app import create_app
from triage.meta import sign

PAGE, SECRET, VERIFY = "104598372210345", "receiver-secret", "verify-me"
_apps = iter(range(10_000))


@pytest.fixture
def client(settings, service):
    # Sanic keeps a registry of app names; each test gets its own.
    configured = dataclasses.replace(settings, meta_app_secret=SECRET, meta_verify_token=VERIFY)
    app = create_app(configured, service)
    app.name = f"ingest_{next(_apps)}"
    return app.test_client


def _delivery(*texts, mid_prefix="m", echo=False):
    events = []
    for n, text in enumerate(texts):
        message = {"mid": f"{mid_prefix}{n}", "text": text}
        if echo:
            message["is_echo"] = True
        events.append({"sender": {"id": f"psid{n}"}, "recipient": {"id": PAGE},
                       "timestamp": int(time.time() * 1000), "message": message})
    return json.dumps({"object": "page", "entry": [{"id": PAGE, "time": 1,
                                                    "messaging": events}]}).encode()


def _post(client, body, signature=None):
    _, resp = client.post("/webhooks/meta/webhook", content=body, headers={
        "Content-Type": "application/json",
        "X-Hub-Signature-256": sign(body, SECRET) if signature is None else signature})
    return resp


def test_a_delivery_is_stored_unread_and_answered(client, service):
    resp = _post(client, _delivery("my son Jake has a fever of 104", "where do I park?"))
    assert resp.status == 200 and resp.json == {"received": 2, "duplicates": 0, "ignored": 0}
    pending = service.repository.pending_inbound()
    assert [m.status for m in pending] == ["received", "received"]
    # Not read for PHI yet: that is the worker's job, after the answer.
    assert all(m.redacted_text is None for m in pending)


def test_a_crisis_is_marked_at_once_so_the_backlog_is_worked_emergencies_first(client, service):
    _post(client, _delivery("what are your hours", "i took all my pills an hour ago"))
    assert [m.crisis is not None for m in service.repository.pending_inbound()] == [False, True]


def test_redelivery_is_a_duplicate_and_echoes_are_ignored(client, service):
    body = _delivery("where do I park?")
    assert _post(client, body).json["received"] == 1
    assert _post(client, body).json == {"received": 0, "duplicates": 1, "ignored": 0}
    assert _post(client, _delivery("thanks!", mid_prefix="e", echo=True)).json["ignored"] == 1
    assert len(service.repository.pending_inbound()) == 1


@pytest.mark.parametrize(("signature", "status"), [("", 403), ("sha256=" + "0" * 64, 403)])
def test_bad_signatures_are_refused_and_nothing_stored(client, service, signature, status):
    assert _post(client, _delivery("hello"), signature=signature).status == status
    assert service.repository.pending_inbound() == []


@pytest.mark.parametrize(("body", "status"), [(b"{not json", 400), (b"[]", 400),
                                              (b"x" * 1_000_001, 413)])
def test_malformed_or_oversized_bodies_get_a_reason(client, service, body, status):
    resp = _post(client, body)
    assert resp.status == status and resp.json["error"]
    assert service.repository.pending_inbound() == []


def test_the_subscription_handshake(client):
    _, ok = client.get("/webhooks/meta/webhook", params={
        "hub.mode": "subscribe", "hub.verify_token": VERIFY, "hub.challenge": "1234"})
    _, bad = client.get("/webhooks/meta/webhook", params={
        "hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1234"})
    assert (ok.status, ok.text, bad.status) == (200, "1234", 403)


def test_without_its_secrets_it_answers_503_naming_them(settings, service):
    app = create_app(settings, service)
    app.name = f"ingest_{next(_apps)}"
    _, resp = app.test_client.post("/webhooks/meta/webhook", content=b"{}")
    assert resp.status == 503 and "META_APP_SECRET" in resp.json["error"]
    _, health = app.test_client.get("/health")
    assert health.status == 200
