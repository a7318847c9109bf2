"""The portal in real headless Chromium (Debian's /usr/bin/chromium), against a real portal process."""

from __future__ import annotations

import dataclasses
import subprocess

import pytest

from tests.conftest import TODAY
from tests.rasa_support import REPO_ROOT, VENV_BIN, Server, free_port, service_env
from triage.parse import Parse
from triage.service import Inbound, build_services
from triage.settings import Settings

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery"
XSS = '<script>alert("x")</script><img src=x onerror=alert("y")>'
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("portal")
    db_url = f"sqlite:///{tmp / 'queue.db'}"
    env = service_env(db_url, {"TRIAGE_PORTAL_SECRET": "browser-test-secret-123456"})
    for name, role in (("moe", "moderator"), ("ada", "admin")):
        subprocess.run([str(VENV_BIN / "python"), "-m", "triage", "users", "create", "--username",
                        name, "--role", role, "--password-stdin"], input=PASSWORD + "\n",
                       text=True, env=env, cwd=REPO_ROOT, check=True, capture_output=True)
    service = build_services(dataclasses.replace(Settings(), database_url=db_url))
    service._today = lambda: TODAY
    refs = {}
    for key, text, parse in (
        ("normal", "waited 3 hours, terrible", Parse("negative_review", 0.9)),
        ("xss", XSS, Parse("negative_review", 0.9)),
        ("urgent", "I want to kill myself", Parse("emergency", 0.95)),
    ):
        received = service.receive(Inbound("rest", key, f"t-{key}", "private_message", text))
        refs[key] = service.handle(service.lease(received.stored.id), received.deidentified_text, parse).case_reference
    port = free_port()
    server = Server("portal", [str(VENV_BIN / "python"), "-m", "triage", "portal", "--port", str(port)],
                    env, tmp, f"http://127.0.0.1:{port}/login")
    yield {"url": f"http://127.0.0.1:{port}", "refs": refs, "service": service, "server": server}
    server.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                     args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.dialogs = dialogs
    yield page
    context.close()


SECRETS = {}


def sign_in(page, portal, username):
    """The form, then the second factor where there is one: set up on first use (the QR
    page's key, as a phone would read it), a fresh code afterwards."""
    import pyotp

    page.goto(portal["url"] + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    if page.url.endswith("/login/second-factor/setup"):
        assert page.locator("#qr svg").count() == 1
        SECRETS[username] = page.inner_text("#secret")
        page.fill("input[name=code]", pyotp.TOTP(SECRETS[username]).now())
        page.click("button[type=submit]")
        assert page.locator("#recovery-codes li").count() == 10
        page.click("text=Continue")
    elif page.url.endswith("/login/second-factor"):
        import time

        time.sleep(30 - time.time() % 30 + 0.5)  # a code is accepted once: the next step's
        page.fill("input[name=code]", pyotp.TOTP(SECRETS[username]).now())
        page.click("button[type=submit]")
    page.wait_for_url(portal["url"] + "/")


def test_sign_in_urgent_first_claim_reply_resolve(page, portal):
    sign_in(page, portal, "moe")
    first = page.locator("#queue tbody tr").first
    assert first.get_attribute("data-reference") == portal["refs"]["urgent"]
    assert "urgent" in first.get_attribute("class")
    page.click(f"text={portal['refs']['normal']}")
    page.click("button[value=claim]")
    assert "Done: claim" in page.inner_text(".flash")
    page.select_option("select[name=template_id]", "complaint_ack.private")
    page.click("text=Preview")
    preview = page.inner_text("#preview")
    assert portal["refs"]["normal"] in preview and "Patient Relations" in preview
    page.click("text=Send this reply")
    assert "complaint_ack.private" in page.inner_text(".flash")
    page.click("button[value=resolve]")
    case = portal["service"].repository.get_case(portal["refs"]["normal"])
    assert case.status == "resolved"
    assert [r.template_id for r in portal["service"].repository.list_replies(case.id)] == [
        "complaint_ack.private"]


def test_xss_payload_renders_as_text(page, portal):
    sign_in(page, portal, "moe")
    ref = portal["refs"]["xss"]
    page.goto(f"{portal['url']}/cases/{ref}")
    assert '<script>alert("x")</script>' in page.inner_text("#thread")
    page.click("button[value=claim]")  # the original text is for the case's holder
    page.click("text=Show original text")
    assert '<script>alert("x")</script>' in page.inner_text("#thread")
    page.goto(portal["url"] + "/")
    assert page.dialogs == []
    assert page.locator("#thread img, #queue img").count() == 0


def test_moderator_cannot_reach_admin_pages(page, portal):
    sign_in(page, portal, "moe")
    response = page.goto(portal["url"] + "/admin/users")
    assert response.status == 403
    assert "Add a user" not in page.content()
    assert page.locator("a[href='/admin/users']").count() == 0


def test_admin_reaches_admin_pages(page, portal):
    sign_in(page, portal, "ada")
    assert page.goto(portal["url"] + "/admin/users").status == 200
    assert "Add a user" in page.content()


def test_signed_out_visitor_sees_no_case_text(page, portal):
    for path in ("/", f"/cases/{portal['refs']['urgent']}", "/dashboard"):
        page.goto(portal["url"] + path)
        assert page.url.endswith("/login")
        assert "kill" not in page.content() and portal["refs"]["urgent"] not in page.content()


def test_dashboard_screenshot(page, portal, tmp_path):
    sign_in(page, portal, "moe")
    page.goto(portal["url"] + "/dashboard")
    assert page.locator("svg").count() == 2
    page.screenshot(path=str(REPO_ROOT / "var" / "dashboard.png"), full_page=True)


def test_an_untriaged_crisis_message_is_above_the_queue_and_on_needs_attention(page, portal):
    service = portal["service"]
    stored = service.receive(Inbound("rest", "pending-crisis", "t-pending", "private_message",
                                     "I took all my pills, tell my mom sorry")).stored
    sign_in(page, portal, "moe")
    banner = page.locator("#urgent-pending")
    assert "tell my mom sorry" in banner.inner_text()
    assert banner.bounding_box()["y"] < page.locator("#queue").bounding_box()["y"]
    page.click("nav >> text=Needs attention")
    page.wait_for_url(portal["url"] + "/attention")
    # Under a minute old: not yet on the list (the recovery loop has it), but the page works.
    assert page.locator("#pending").count() == 1 and page.locator("#operations").count() == 1
    assert service.repository.get_inbound(stored.id).status == "received"



def test_break_glass_asks_for_a_reason_before_showing_phi(page, portal):
    sign_in(page, portal, "moe")
    ref = portal["refs"]["urgent"]  # nobody holds it
    page.goto(f"{portal['url']}/cases/{ref}")
    page.click("text=Break glass")  # the browser refuses: a reason is required
    assert page.url.endswith(f"/cases/{ref}") and page.locator(".original").count() == 0
    page.select_option("select[name=reason]", "safety_concern")
    page.click("text=Break glass")
    assert "kill myself" in page.inner_text("#thread")
    audit = portal["service"].repository.list_audit(
        portal["service"].repository.get_case(ref).id)
    assert audit[-1].action == "viewed_break_glass" and "reason=safety_concern" in audit[-1].detail
