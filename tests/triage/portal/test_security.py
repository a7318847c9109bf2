"""Portal security (issue 10): sessions that really end, login CSRF, no text from the URL,
passwords that resist guessing. Each test replays what an attacker would do."""

from __future__ import annotations

import pytest

from tests.triage.portal.conftest import PASSWORD, Browserless
from triage.portal.auth import check_password_policy, hash_password


def _signed_in(portal, username="moe"):
    client = Browserless(portal)
    client.login(username)
    assert "triage_session" in client.cookies
    return client


def _replay(portal, cookies):
    """A request with a copy of an old cookie jar, as a thief with the cookie would make."""
    client = Browserless(portal)
    client.cookies = dict(cookies)
    return client.request("get", "/api/cases")


def test_an_old_cookie_is_dead_after_sign_out_in_every_browser(portal, cases):
    laptop, phone = _signed_in(portal), _signed_in(portal)
    stolen = dict(laptop.cookies)
    assert _replay(portal, stolen).status == 200
    assert laptop.post("/logout").status == 303
    assert _replay(portal, stolen).status == 401
    assert phone.request("get", "/api/cases").status == 401  # sign-out ends them all
    # The stolen cookie cannot write either.
    thief = Browserless(portal)
    thief.cookies, thief.csrf = stolen, laptop.csrf
    assert thief.post(f"/cases/{cases['normal']}/note", {"body": "x"}).status in (303, 401)
    assert portal.ctx.config.repository.list_notes(
        portal.ctx.config.repository.get_case(cases["normal"]).id) == []


# An admin's "lock" is deactivation; failed sign-ins only delay (they never end a session,
# or a stranger's guesses would sign the owner out).
@pytest.mark.parametrize("change", ["password_reset", "role_change", "deactivation",
                                    "admin_ends_sessions"])
def test_an_old_cookie_is_dead_after_an_account_change(portal, service, change):
    repo = service.repository
    client = _signed_in(portal)
    stolen = dict(client.cookies)
    moe = repo.get_user("moe")
    if change == "password_reset":
        repo.set_password_hash("moe", hash_password("a brand new passphrase here"))
    elif change == "role_change":
        repo.set_role("moe", "supervisor")
    elif change == "deactivation":
        repo.set_active("moe", False)
    else:
        repo.end_sessions(moe.id, repo.get_user("ada").actor, "admin")
    assert _replay(portal, stolen).status == 401
    if change == "deactivation":
        assert Browserless(portal).login("moe").status == 401  # and no new sign-in


def test_sign_in_needs_the_forms_csrf_token(portal):
    client = Browserless(portal)
    bare = client.request("post", "/login", data={"username": "moe", "password": PASSWORD})
    assert bare.status == 403 and "triage_session" not in bare.cookies
    client.request("get", "/login")
    forged = client.request("post", "/login", data={"username": "moe", "password": PASSWORD,
                                                    "csrf": "attacker-chosen"})
    assert forged.status == 403
    # Another visitor's valid token does not fit this browser's cookie.
    other = Browserless(portal)
    other.request("get", "/login")
    mixed = client.request("post", "/login", data={"username": "moe", "password": PASSWORD,
                                                   "csrf": other.csrf})
    assert mixed.status == 403
    assert client.login("moe").status == 303


def test_the_banner_never_shows_text_from_the_url(portal, cases):
    client = _signed_in(portal)
    spoof = "Your account is suspended, call 555-0100"
    page = client.request("get", f"/?flash={spoof}&kind=error").text
    assert spoof not in page
    # The server's own messages still show, once.
    resp = client.post(f"/cases/{cases['normal']}/claim")
    assert client.flash(resp) == ("", "Done: claim.")
    assert 'class="flash' not in client.request("get", "/").text


@pytest.mark.parametrize("password", ["aaaaaaaaaaaa", "password1234", "qwertyuiop12",
                                      "moe-moe-moe-moe", "hospital2024!", "123456789012"])
def test_common_and_guessable_passwords_are_refused(password):
    assert check_password_policy(password, "moe") is not None


@pytest.mark.parametrize("password", ["river kettle orbit lantern", "tr0ub4dor&3xx-plaid"])
def test_long_unguessable_passwords_pass_without_composition_rules(password):
    assert check_password_policy(password, "moe") is None


def test_an_admin_cannot_create_a_user_with_a_weak_password(portal, service):
    admin = _signed_in(portal, "ada")
    resp = admin.post("/admin/users", {"username": "newbie", "password": "aaaaaaaaaaaa",
                                       "role": "moderator"})
    assert admin.flash(resp)[0] == "error"
    assert service.repository.get_user("newbie") is None



def test_a_moderator_cannot_relabel_note_or_read_a_case_another_holds(portal, service, cases):
    repo = service.repository
    sue = _signed_in(portal, "sue")  # a supervisor holds the normal case
    sue.post(f"/cases/{cases['normal']}/claim")
    moe = _signed_in(portal)
    ref = cases["normal"]
    case_id = repo.get_case(ref).id
    for path, data in ((f"/cases/{ref}/relabel", {"category": "spam"}),
                       (f"/cases/{ref}/note", {"body": "not my case"}),
                       (f"/cases/{ref}/original", {})):
        resp = moe.post(path, data)
        assert moe.flash(resp)[0] == "error", path
    assert repo.list_labels(case_id) == [] and repo.list_notes(case_id) == []
    assert repo.get_case(ref).category == "negative_review"
    # Break glass: with a reason, the original is shown and the audit says why.
    page = moe.post(f"/cases/{ref}/original", {"reason": "covering_colleague"}).text
    assert "parking fees are a scam" in page
    assert repo.list_audit(case_id)[-1].detail == "what=original_text reason=covering_colleague"


def test_a_supervisor_relabel_of_a_held_case_needs_a_reason_and_keeps_both(portal, service,
                                                                          cases):
    repo = service.repository
    moe = _signed_in(portal)
    ref = cases["high"]
    moe.post(f"/cases/{ref}/claim")
    sue = _signed_in(portal, "sue")
    assert sue.flash(sue.post(f"/cases/{ref}/relabel", {"category": "spam"}))[0] == "error"
    resp = sue.post(f"/cases/{ref}/relabel", {"category": "praise", "reason": "quality_review"})
    assert sue.flash(resp)[0] == ""
    page = sue.request("get", f"/cases/{ref}").text
    assert "clinical_request (the bot's; labelled <strong>praise</strong>)" in page
    assert repo.get_case(ref).category == "clinical_request"



def test_a_strangers_guesses_do_not_keep_the_owner_out(portal, clock):
    owner = Browserless(portal)
    assert owner.login("moe").status == 303  # this browser is now known for moe
    owner.post("/logout")
    attacker = Browserless(portal)
    for _ in range(8):
        attacker.login("moe", "wrong password!!")
    assert attacker.login("moe").status == 429
    assert owner.login("moe").status == 303  # the known browser is not held up


def test_unknown_and_deactivated_names_cost_the_same_work(portal, service, monkeypatch):
    import triage.portal.signin as app_module

    calls = []
    real = app_module.verify_password
    monkeypatch.setattr(app_module, "verify_password",
                        lambda h, p: calls.append(h == app_module.DUMMY_HASH) or real(h, p))
    service.repository.set_active("sue", False)
    for name in ("nobody", "sue", "moe"):
        assert Browserless(portal).login(name, "wrong password!!").status == 401
    assert calls == [True, True, False]  # one argon2 verify each, real or dummy
    events = [e for e in service.repository.list_audit() if e.action == "login_failed"]
    assert len(events) == 3



# -- the second factor ------------------------------------------------------------------------
def test_a_supervisor_cannot_sign_in_without_a_second_factor(portal, service):
    client = Browserless(portal)
    resp = client.login("sue", second_factor=False)
    assert resp.headers["location"] == "/login/second-factor/setup"
    assert "triage_session" not in client.cookies
    assert client.request("get", "/api/cases").status == 401  # the password alone gives nothing
    # Setting it up signs in and shows ten recovery codes once.
    page = client.request("get", "/login/second-factor/setup").text
    assert "<svg" in page and "<script" not in page
    secret = page.split('id="secret">')[1].split("<")[0]
    Browserless.secrets["sue"] = secret
    done = client.request("post", "/login/second-factor/setup",
                          data={"code": client.totp("sue"), "csrf": client.csrf})
    assert done.status == 200 and done.text.count("<li><code>") == 10
    assert client.request("get", "/api/cases").status == 200
    assert service.repository.get_user("sue").has_second_factor
    # The next sign-in asks for a code, and a wrong one is refused.
    again = Browserless(portal)
    assert again.login("sue", second_factor=False).headers["location"] == "/login/second-factor"
    again.request("get", "/login/second-factor")
    wrong = again.request("post", "/login/second-factor", data={"code": "000000",
                                                                "csrf": again.csrf})
    assert wrong.status == 401 and "triage_session" not in again.cookies


def test_a_code_works_once_and_a_recovery_code_once(portal, service, clock):
    import datetime as dt

    first = Browserless(portal)
    codes_page = None
    first.login("sue", second_factor=False)
    page = first.request("get", "/login/second-factor/setup").text
    Browserless.secrets["sue"] = page.split('id="secret">')[1].split("<")[0]
    codes_page = first.request("post", "/login/second-factor/setup",
                               data={"code": first.totp("sue"), "csrf": first.csrf}).text
    recovery = codes_page.split("<li><code>")[1].split("<")[0]
    clock.now += dt.timedelta(seconds=30)
    used = first.totp("sue")
    second = Browserless(portal)
    second.login("sue", second_factor=False)
    second.request("get", "/login/second-factor")
    assert second.request("post", "/login/second-factor",
                          data={"code": used, "csrf": second.csrf}).status == 303
    replay = Browserless(portal)
    replay.login("sue", second_factor=False)
    replay.request("get", "/login/second-factor")
    assert replay.request("post", "/login/second-factor",
                          data={"code": used, "csrf": replay.csrf}).status == 401
    assert replay.request("post", "/login/second-factor",
                          data={"code": recovery, "csrf": replay.csrf}).status == 303
    last = Browserless(portal)
    last.login("sue", second_factor=False)
    last.request("get", "/login/second-factor")
    assert last.request("post", "/login/second-factor",
                        data={"code": recovery, "csrf": last.csrf}).status == 401


def test_a_moderator_who_turned_it_on_needs_it_too(portal, service):
    moe = _signed_in(portal)  # moderators may sign in with the password alone ...
    page = moe.request("get", "/account/second-factor").text
    Browserless.secrets["moe"] = page.split('id="secret">')[1].split("<")[0]
    moe.post("/account/second-factor", {"code": moe.totp("moe")})
    assert service.repository.get_user("moe").has_second_factor
    later = Browserless(portal)  # ... until they turn it on
    assert later.login("moe", second_factor=False).headers["location"] == "/login/second-factor"
    assert "triage_session" not in later.cookies


def test_an_admin_resets_a_second_factor_audited_and_it_ends_sessions(portal, service):
    sue = _signed_in(portal, "sue")
    ada = _signed_in(portal, "ada")
    resp = ada.post("/admin/users/sue/reset-second-factor")
    assert resp.status == 303
    user = service.repository.get_user("sue")
    assert not user.has_second_factor
    assert sue.request("get", "/api/cases").status == 401
    event = [e for e in service.repository.list_audit() if e.action == "mfa_reset"][-1]
    assert event.actor_id == service.repository.get_user("ada").id
    # A moderator cannot.
    moe = _signed_in(portal)
    assert moe.post("/admin/users/ada/reset-second-factor").status in (303, 403)
    assert service.repository.get_user("ada").has_second_factor
