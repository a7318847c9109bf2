"""The portal over HTTP: sign-in, roles, CSRF, the queue, the case page, the audit trail."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.triage.portal.conftest import PASSWORD, Browserless

PAGES = ["/", "/dashboard", "/admin/users", "/cases/IT-000000", "/api/cases"]


@pytest.mark.parametrize("path", PAGES)
def test_signed_out_visitors_see_nothing(client, cases, path):
    resp = client.request("get", path)
    assert resp.status in (303, 401)
    assert "kill" not in (resp.text or "") and "Jane" not in (resp.text or "")


def test_sign_in_and_see_urgent_first(client, cases):
    assert client.login("moe").status == 303
    resp = client.request("get", "/")
    assert resp.status == 200
    order = [cases["urgent"], cases["high"], cases["normal"]]
    positions = [resp.text.index(ref) for ref in order]
    assert positions == sorted(positions)
    assert "Jane" not in resp.text and "[NAME]" in resp.text  # redacted text only
    assert 'class="urgent"' in resp.text


def test_cookie_flags(portal):
    client = Browserless(portal)
    resp = client.login("moe")
    header = next(v for k, v in resp.headers.items() if k.lower() == "set-cookie")
    assert "HttpOnly" in header and "SameSite=Strict" in header


def test_wrong_passwords_bring_growing_delays_not_a_lock(client, clock):
    for _ in range(5):
        assert client.login("moe", "wrong password!!").status == 401
    held = client.login("moe")  # the right password, but within the delay
    assert held.status == 429 and int(held.headers["retry-after"]) == 2
    clock.now += dt.timedelta(seconds=2)
    assert client.login("moe", "wrong password!!").status == 401
    assert int(client.login("moe").headers["retry-after"]) == 4  # it grows ...
    clock.now += dt.timedelta(seconds=4)
    assert client.login("moe").status == 303  # ... and never locks the owner out


def test_idle_session_expires(client, clock, cases):
    client.login("moe")
    clock.now += dt.timedelta(minutes=16)
    assert client.request("get", "/").status == 303


def test_post_without_csrf_is_refused(client, cases):
    client.login("moe")
    resp = client.request("post", f"/cases/{cases['normal']}/claim", data={})
    assert resp.status == 403
    resp = client.request("post", f"/cases/{cases['normal']}/claim", data={"csrf": "forged"})
    assert resp.status == 403


def test_claim_reply_resolve(client, cases, service):
    client.login("moe")
    ref = cases["high"]
    assert client.post(f"/cases/{ref}/claim").status == 303
    page = client.request("get", f"/cases/{ref}")
    assert "moe" in page.text and "claimed" in page.text
    preview = client.post(f"/cases/{ref}/reply-preview", {"template_id": "secure_portal.private"})
    assert preview.status == 200 and ref in preview.text and "Send this reply" in preview.text
    assert client.post(f"/cases/{ref}/reply", {"template_id": "secure_portal.private"}).status == 303
    assert client.post(f"/cases/{ref}/resolve").status == 303
    case = service.repository.get_case(ref)
    assert case.status == "resolved" and case.first_response_at is not None
    (reply,) = service.repository.list_replies(case.id)
    assert reply.template_id == "secure_portal.private"


def test_unknown_template_is_refused(client, cases):
    client.login("moe")
    client.post(f"/cases/{cases['high']}/claim")
    resp = client.post(f"/cases/{cases['high']}/reply", {"template_id": "free text please"})
    assert resp.status == 303 and client.flash(resp)[0] == "error"


def test_original_text_view_is_audited(client, cases, service):
    client.login("sue")
    ref = cases["high"]
    case = service.repository.get_case(ref)
    before = [e for e in service.repository.list_audit(case.id) if e.action == "viewed"]
    page = client.request("get", f"/cases/{ref}")
    assert "Jane" not in page.text  # not without asking
    for expected_rows in (1, 2):
        shown = client.post(f"/cases/{ref}/original")
        assert "Jane" in shown.text and '<mark class="phi"' in shown.text
        views = [e for e in service.repository.list_audit(case.id) if e.action == "viewed"]
        assert len(views) - len(before) == expected_rows


def test_relabel_and_note(client, cases, service):
    client.login("moe")
    ref = cases["normal"]
    client.post(f"/cases/{ref}/claim")
    assert client.post(f"/cases/{ref}/relabel", {"category": "praise"}).status == 303
    assert client.post(f"/cases/{ref}/note", {"body": "called back, left a message"}).status == 303
    case = service.repository.get_case(ref)
    assert [l.new_category for l in service.repository.list_labels(case.id)] == ["praise"]
    assert service.repository.list_notes(case.id)[0].body == "called back, left a message"


def test_release_hands_the_thread_back(client, cases, service):
    client.login("moe")
    ref = cases["normal"]
    client.post(f"/cases/{ref}/claim")
    client.post(f"/cases/{ref}/release")
    assert service.repository.open_case_for_thread("rest", "tn") is None


@pytest.mark.parametrize("user,status", [("moe", 403), ("sue", 403), ("ada", 200)])
def test_only_admins_reach_admin_pages(client, user, status):
    client.login(user)
    assert client.request("get", "/admin/users").status == status


def test_admin_creates_a_user(client):
    client.login("ada")
    assert client.post("/admin/users", {"username": "newbie", "role": "moderator",
                                         "password": "a long enough secret"}).status == 303
    fresh = Browserless(client.app)
    assert fresh.login("newbie", "a long enough secret").status == 303


def test_user_text_is_inert(client, service, cases):
    from tests.triage.portal.conftest import escalate
    from triage.parse import Parse

    ref = escalate(service, '<script>alert(1)</script><img src=x onerror=alert(2)>',
                   Parse("negative_review", 0.9), "x1", "tx")
    client.login("sue")
    for page in (client.request("get", "/"), client.request("get", f"/cases/{ref}"),
                 client.post(f"/cases/{ref}/original")):
        assert "<script>alert" not in page.text and "<img src=x" not in page.text
        assert "&lt;script&gt;" in page.text
        assert "script-src" not in page.headers["content-security-policy"]


def test_json_api(client, cases):
    client.login("moe")
    resp = client.request("get", "/api/cases")
    assert resp.status == 200
    assert resp.json[0]["priority"] == "urgent"
    assert all("original" not in key for row in resp.json for key in row)
    assert "Jane" not in resp.text


def test_dashboard(client, cases):
    client.login("moe")
    page = client.request("get", "/dashboard")
    assert page.status == 200 and "<svg" in page.text and "Escalations by reason" in page.text


class RefusingOutbound:
    """Stands in for the Rasa server at the true external edge: it refuses every reply."""

    def __init__(self):
        self.calls = []

    def send_template(self, thread_key, template_id):
        from triage.outbound import DeliveryError

        self.calls.append((thread_key, template_id))
        raise DeliveryError("the bot refused the reply (HTTP 500)")


def test_a_refused_delivery_is_not_recorded_as_sent(portal, cases, service):
    import dataclasses as dc

    from triage.portal import create_app

    outbound = RefusingOutbound()
    app = create_app(dc.replace(portal.ctx.config, outbound=outbound))
    client = Browserless(app)
    client.login("moe")
    ref = cases["normal"]
    client.post(f"/cases/{ref}/claim")
    resp = client.post(f"/cases/{ref}/reply", {"template_id": "complaint_ack.private"})
    assert resp.status == 303 and "refused" in client.flash(resp)[1]
    assert outbound.calls == [("tn", "complaint_ack.private")]
    assert service.repository.list_replies(service.repository.get_case(ref).id) == []


def test_a_moderator_cannot_send_on_a_case_they_do_not_hold(portal, cases, service):
    import dataclasses as dc

    from triage.portal import create_app

    outbound = RefusingOutbound()
    client = Browserless(create_app(dc.replace(portal.ctx.config, outbound=outbound)))
    client.login("moe")
    resp = client.post(f"/cases/{cases['normal']}/reply", {"template_id": "complaint_ack.private"})
    assert client.flash(resp)[0] == "error" and outbound.calls == []


@pytest.mark.parametrize("query,expected", [
    ("priority=urgent", ["urgent"]), ("category=negative_review", ["normal"]),
    ("channel=rest", ["urgent", "high", "normal"]), ("channel=nope", ["urgent", "high", "normal"]),
    ("status=resolved", []),
])
def test_queue_filters(client, cases, query, expected):
    client.login("moe")
    rows = client.request("get", "/api/cases?" + query).json
    assert [r["reference"] for r in rows] == [cases[k] for k in expected]
