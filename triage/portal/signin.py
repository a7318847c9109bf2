"""Sign-in, the second factor, and sign-out: the portal's routes for who you are.

1. `POST /login`: the password, under the sign-in limits (`UsersMixin.login_wait`), with
   the same argon2 work for unknown names. A correct password alone signs in only a
   moderator without a second factor. Anyone with one goes to step 2. A supervisor or admin
   without one must set it up first (step 3). The password step leaves a short-lived signed
   cookie (5 minutes) naming the user and their session generation, never a session.
2. `/login/second-factor`: a TOTP code (each time-step once), or a single-use recovery code.
   Failures count against the same limits as passwords.
3. `/login/second-factor/setup`: the QR code (inline SVG) and the secret; a correct code turns
   it on and shows 10 recovery codes once. `/account/second-factor` is the same for a
   signed-in user who chooses to turn it on.
Every sign-in step is a POST with the login-CSRF token.
"""

from __future__ import annotations

import dataclasses
import hmac
import math
import secrets
import time
from typing import Callable, Optional

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from triage.errors import PermissionDenied
from triage.portal import mfa
from triage.portal.auth import hash_password, needs_rehash, verify_password
from triage.portal.offloop import off_the_loop

__all__ = ["Web", "register", "PUBLIC_PATHS", "DUMMY_HASH"]

LOGIN_CSRF_COOKIE = "triage_login_csrf"
DEVICE_COOKIE = "triage_device"
PENDING_COOKIE = "triage_pending"
PENDING_SECONDS = 300
PUBLIC_PATHS = ("/login", "/login/second-factor", "/login/second-factor/setup")
# Verified against when there is no real hash to check, so every refusal costs the same.
DUMMY_HASH = hash_password(secrets.token_urlsafe(32))
FAILURE = "Wrong username or password."


@dataclasses.dataclass(frozen=True)
class Web:
    """What the sign-in routes need from the portal app."""

    config: object
    render: Callable[..., HTTPResponse]
    cookie: Callable[[HTTPResponse, str, str, int], None]
    set_session: Callable[[HTTPResponse, object], None]
    redirect: Callable[..., HTTPResponse]


def register(app: Sanic, web: Web) -> None:
    config = web.config
    repo = config.repository
    codec = config.codec

    def page(request: Request, name: str, status: int = 200, **context) -> HTTPResponse:
        # One login-CSRF token per browser: a second load of a page keeps it.
        token = codec.unseal(request.cookies.get(LOGIN_CSRF_COOKIE))
        if not isinstance(token, str):
            token = secrets.token_urlsafe(24)
        resp = web.render(request, name, status=status, login_csrf=token, **context)
        web.cookie(resp, LOGIN_CSRF_COOKIE, codec.seal(token), 3600)
        return resp

    def csrf_refused(request: Request) -> Optional[HTTPResponse]:
        expected = codec.unseal(request.cookies.get(LOGIN_CSRF_COOKIE))
        given = request.form.get("csrf") or ""
        if isinstance(expected, str) and hmac.compare_digest(expected, given):
            return None
        return response.json({"error": "missing or wrong CSRF token; reload the sign-in page"},
                             status=403)

    def held_back(request: Request, wait: float, template: str, **context):
        seconds = math.ceil(wait)
        resp = page(request, template, 429,
                    error=f"Too many attempts: try again in {seconds} seconds.", **context)
        resp.headers["Retry-After"] = str(seconds)
        return resp

    def known_device(request: Request, user) -> bool:
        device = codec.unseal(request.cookies.get(DEVICE_COOKIE))
        return user is not None and isinstance(device, dict) and device.get("u") == user.id

    def pending(user, stage: str) -> HTTPResponse:
        path = "/login/second-factor" + ("/setup" if stage == "enrol" else "")
        resp = response.redirect(path, status=303)
        web.cookie(resp, PENDING_COOKIE, codec.seal({"u": user.id, "g": user.session_generation,
                                                     "s": stage, "t": time.time()}),
                   PENDING_SECONDS)
        return resp

    def pending_user(request: Request, stage: str):
        data = codec.unseal(request.cookies.get(PENDING_COOKIE))
        if not isinstance(data, dict) or data.get("s") != stage:
            return None
        if not isinstance(data.get("t"), (int, float)) or time.time() - data["t"] > PENDING_SECONDS:
            return None
        user = repo.get_user_by_id(int(data.get("u") or 0))
        if user is None or not user.active or user.session_generation != data.get("g"):
            return None
        return user

    def signed_in(request: Request, user, ip: str,
                  resp: Optional[HTTPResponse] = None) -> HTTPResponse:
        user = repo.record_login_success(user.username, ip)
        resp = resp or response.redirect("/", status=303)
        web.set_session(resp, codec.new(user.id, user.username, user.role,
                                        user.session_generation))
        # This browser has signed in to this account: others' guesses do not hold it up.
        web.cookie(resp, DEVICE_COOKIE, codec.seal({"u": user.id}), 90 * 24 * 3600)
        web.cookie(resp, PENDING_COOKIE, "", 0)
        return resp

    # -- 1. the password ---------------------------------------------------------------
    @app.get("/login")
    @off_the_loop
    def login_page(request: Request):
        if request.ctx.session is not None:
            return response.redirect("/", status=303)
        return page(request, "login.html")

    @app.post("/login")
    @off_the_loop
    def login(request: Request):
        refused = csrf_refused(request)
        if refused:
            return refused
        username = (request.form.get("username") or "").strip()
        password = request.form.get("password") or ""
        ip = request.ip or "unknown"
        user = repo.get_user(username) if username else None
        wait = repo.login_wait(username, ip, known_device=known_device(request, user))
        if wait > 0:
            verify_password(DUMMY_HASH, password)  # the same work as a real check
            return held_back(request, wait, "login.html")
        if user is None or not user.active:
            # Unknown and deactivated names cost the same argon2 work: timing tells nothing.
            verify_password(DUMMY_HASH, password)
            repo.record_login_failure(username, ip)
            return page(request, "login.html", 401, error=FAILURE)
        if not verify_password(user.password_hash, password):
            repo.record_login_failure(username, ip)
            return page(request, "login.html", 401, error=FAILURE)
        if needs_rehash(user.password_hash):
            repo.set_password_hash(username, hash_password(password))
            user = repo.get_user(username)
        if user.has_second_factor:
            return pending(user, "verify")
        if user.role in mfa.ROLES_REQUIRING:
            return pending(user, "enrol")
        return signed_in(request, user, ip)

    # -- 2. the second factor ----------------------------------------------------------
    @app.get("/login/second-factor")
    @off_the_loop
    def second_factor_page(request: Request):
        if pending_user(request, "verify") is None:
            return response.redirect("/login", status=303)
        return page(request, "second_factor.html")

    @app.post("/login/second-factor")
    @off_the_loop
    def second_factor(request: Request):
        refused = csrf_refused(request)
        if refused:
            return refused
        user = pending_user(request, "verify")
        if user is None:
            return response.redirect("/login", status=303)
        ip = request.ip or "unknown"
        wait = repo.login_wait(user.username, ip, known_device=known_device(request, user))
        if wait > 0:
            return held_back(request, wait, "second_factor.html")
        code = (request.form.get("code") or "").strip()
        step = mfa.matching_step(user.totp_secret or "", code, config.clock())
        if step is not None and repo.accept_totp_step(user.id, step):
            return signed_in(request, user, ip)
        if step is None and len(code) > 6 and repo.use_recovery_code(
                user.id, mfa.hash_recovery_code(code)):
            return signed_in(request, user, ip)
        repo.record_login_failure(user.username, ip)
        return page(request, "second_factor.html", 401,
                    error="That code is wrong or was used already.")

    # -- 3. setting it up --------------------------------------------------------------
    def setup_user(request: Request, stage_user):
        user = stage_user or (repo.get_user_by_id(request.ctx.session.user_id)
                              if request.ctx.session else None)
        if user is None:
            return None
        if user.totp_secret is None or user.has_second_factor:
            if user.has_second_factor and stage_user is None:
                return user
            repo.start_second_factor(user.id, mfa.new_secret())
            user = repo.get_user_by_id(user.id)
        return user

    def setup_page(request: Request, user, action: str, status: int = 200,
                   error: Optional[str] = None) -> HTTPResponse:
        return page(request, "second_factor_setup.html", status, error=error, action=action,
                    qr=mfa.qr_svg(user.totp_secret, user.username), secret=user.totp_secret,
                    required=user.role in mfa.ROLES_REQUIRING)

    def confirm(request: Request, user, action: str):
        step = mfa.matching_step(user.totp_secret or "",
                                 request.form.get("code") or "", config.clock())
        if step is None:
            repo.record_login_failure(user.username, request.ip or "unknown")
            return None, setup_page(request, user, action, 401,
                                    "That code does not match; check the phone's clock.")
        codes, hashes = mfa.new_recovery_codes()
        repo.confirm_second_factor(user.id, step, hashes)
        return codes, None

    @app.get("/login/second-factor/setup")
    @off_the_loop
    def setup_at_sign_in_page(request: Request):
        user = setup_user(request, pending_user(request, "enrol"))
        if user is None:
            return response.redirect("/login", status=303)
        return setup_page(request, user, "/login/second-factor/setup")

    @app.post("/login/second-factor/setup")
    @off_the_loop
    def setup_at_sign_in(request: Request):
        refused = csrf_refused(request)
        if refused:
            return refused
        user = pending_user(request, "enrol")
        if user is None:
            return response.redirect("/login", status=303)
        codes, failed = confirm(request, user, "/login/second-factor/setup")
        if failed:
            return failed
        # The codes are shown once, on the page that also signs the user in.
        resp = web.render(request, "recovery_codes.html", codes=codes, next_url="/")
        return signed_in(request, repo.get_user_by_id(user.id), request.ip or "unknown", resp)

    @app.get("/account/second-factor")
    @off_the_loop
    def account_second_factor_page(request: Request):
        user = setup_user(request, None)
        if user.has_second_factor:
            return web.render(request, "second_factor_on.html")
        return setup_page(request, user, "/account/second-factor")

    @app.post("/account/second-factor")
    @off_the_loop
    def account_second_factor(request: Request):
        user = repo.get_user_by_id(request.ctx.session.user_id)
        if user.has_second_factor or user.totp_secret is None:
            raise PermissionDenied("start the set-up from the page first")
        codes, failed = confirm(request, user, "/account/second-factor")
        if failed:
            return failed
        return web.render(request, "recovery_codes.html", codes=codes, next_url="/")

    # -- sign-out ------------------------------------------------------------------------
    @app.post("/logout")
    @off_the_loop
    def logout(request: Request):
        # Ends this and every other session of the user (other browsers too), server-side.
        user = repo.get_user_by_id(request.ctx.session.user_id)
        repo.end_sessions(user.id, user.actor, "sign_out")
        resp = response.redirect("/login", status=303)
        web.set_session(resp, None)
        return resp

