"""The moderators' portal: a sanic app with server-rendered pages and a small JSON API.

`create_app(config)` builds it from injected parts, so tests pass their own repository
and clock. Every page but /login needs a signed-in user; every POST needs the session's
CSRF token. Case lists show redacted text only. Original text is shown on request, and
each showing writes an audit row in the same transaction as the read.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import itertools
import logging
from pathlib import Path
from typing import Any, Callable, Dict, Optional

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from triage import phi
from triage.errors import (
    Conflict, InputError, NotFound, PermissionDenied, TemplateError, TransitionError, TriageError,
)
from triage.outbound import DeliveryError
from triage.portal.auth import (
    Session, SessionCodec, check_password_policy, csrf_ok, hash_password,
)
from triage.portal import signin
from triage.portal.attention import attention_context, urgent_pending
from triage.portal.dashboard import dashboard_context
from triage.portal.offloop import off_the_loop
from triage.queue import CaseFilter, QueueRepository, utcnow
from triage.queue.status import ACCESS_REASONS
from triage.replies import TemplateLibrary
from triage.replies.confirmation import patient_confirmations, refusal
from triage.taxonomy import CATEGORIES, ChannelRules, Priority

log = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
COOKIE = "triage_session"
FLASH_COOKIE = "triage_flash"
_names = itertools.count()

# Buttons on the case page: form action -> repository method.
CASE_ACTIONS = {
    "claim": "claim", "unclaim": "unclaim", "await-patient": "await_patient",
    "resolve": "resolve", "reopen": "reopen", "release": "release",
}
ACTIONS_BY_STATUS = {
    "new": ("claim", "resolve", "release"),
    "claimed": ("unclaim", "await-patient", "resolve", "release"),
    "waiting_on_patient": ("resolve", "release"),
    "resolved": ("reopen",),
}


@dataclasses.dataclass(frozen=True)
class PortalConfig:
    repository: QueueRepository
    library: TemplateLibrary
    codec: SessionCodec
    template_variables: Dict[str, str]
    org_name: str = "inbox-triage"
    secure_cookies: bool = True
    clock: Callable[[], dt.datetime] = utcnow
    # Sends replies and releases through the Rasa server (triage.outbound.RasaOutbound);
    # None: replies are recorded only, and the page says so.
    outbound: Optional[Any] = None
    # A channel's rules (the taxonomy's): public-only channels take public templates only,
    # checked for words that could confirm a patient; held replies are offered on the case.
    channel_rules: Callable[[str], ChannelRules] = lambda _channel: ChannelRules()


def _sla_text(case, now: dt.datetime) -> str:
    remaining = case.sla_remaining(now)
    if remaining is None:
        return "met" if not case.sla_breached(now) else "missed"
    minutes = int(remaining.total_seconds() // 60)
    if minutes < 0:
        return f"overdue {-minutes // 60}h {-minutes % 60:02d}m"
    return f"{minutes // 60}h {minutes % 60:02d}m left"


def _highlight(text: str):
    """(part, phi type or None) pieces, so the template can mark PHI without raw HTML."""
    parts, last = [], 0
    for finding in phi.detect(text):
        if finding.start > last:
            parts.append((text[last:finding.start], None))
        parts.append((text[finding.start:finding.end], finding.type.value))
        last = finding.end
    parts.append((text[last:], None))
    return parts


def create_app(config: PortalConfig) -> Sanic:
    app = Sanic(f"triage_portal_{next(_names)}", configure_logging=False)
    app.ctx.config = config
    app.config.REQUEST_MAX_SIZE = 256 * 1024
    env = Environment(loader=FileSystemLoader(str(HERE / "html")),
                      autoescape=select_autoescape(["html"], default=True))
    repo = config.repository
    app.static("/static", str(HERE / "static"), name="static")

    def _cookie(resp: HTTPResponse, name: str, value: str, max_age: int) -> None:
        resp.cookies[name] = value
        resp.cookies[name]["max-age"] = max_age
        resp.cookies[name]["httponly"] = True
        resp.cookies[name]["samesite"] = "Strict"
        resp.cookies[name]["path"] = "/"
        if config.secure_cookies:
            resp.cookies[name]["secure"] = True

    def render(request: Request, name: str, status: int = 200, **context) -> HTTPResponse:
        # The banner shows only what the server put in its own signed cookie, never text
        # from the URL (no content spoofing through a link).
        flash = config.codec.unseal(request.cookies.get(FLASH_COOKIE))
        if isinstance(flash, list) and len(flash) == 2:
            context.setdefault("flash", str(flash[0]))
            context.setdefault("flash_kind", str(flash[1]))
        html = env.get_template(name).render(session=request.ctx.session,
                                             org_name=config.org_name, **context)
        resp = response.html(html, status=status)
        if flash is not None:
            _cookie(resp, FLASH_COOKIE, "", 0)
        return resp

    def redirect(path: str, flash: Optional[str] = None, kind: str = "") -> HTTPResponse:
        resp = response.redirect(path, status=303)
        if flash:
            _cookie(resp, FLASH_COOKIE, config.codec.seal([flash, kind]), 60)
        return resp

    def set_cookie(resp: HTTPResponse, session: Optional[Session]) -> None:
        if session is None:
            resp.cookies[COOKIE] = ""
            resp.cookies[COOKIE]["max-age"] = 0
        else:
            resp.cookies[COOKIE] = config.codec.encode(session)
        resp.cookies[COOKIE]["httponly"] = True
        resp.cookies[COOKIE]["samesite"] = "Strict"
        resp.cookies[COOKIE]["path"] = "/"
        if config.secure_cookies:
            resp.cookies[COOKIE]["secure"] = True

    @app.middleware("request")
    async def load_session(request: Request):
        request.ctx.session = None
        session = config.codec.decode(request.cookies.get(COOKIE))
        if session is not None:
            user = await asyncio.get_running_loop().run_in_executor(
                None, repo.get_user_by_id, session.user_id)
            # Revocation is server-side: sign-out, a password reset, a role change, a lock
            # or a deactivation bumps the user's generation and ends every session at once.
            if (user is not None and user.active and not user.is_locked(config.clock())
                    and user.role == session.role
                    and user.session_generation == session.generation):
                request.ctx.session = config.codec.touch(session)
        public = request.path in signin.PUBLIC_PATHS or request.path.startswith("/static/")
        if request.ctx.session is None and not public:
            if request.path.startswith("/api/"):
                return response.json({"error": "sign in first"}, status=401)
            return response.redirect("/login", status=303)
        # The sign-in steps check the login-CSRF token themselves (there is no session yet).
        if request.method == "POST" and request.path not in signin.PUBLIC_PATHS:
            given = request.headers.get("X-CSRF-Token") or (request.form or {}).get("csrf")
            if isinstance(given, list):
                given = given[0]
            if not csrf_ok(request.ctx.session, given):
                return response.json({"error": "missing or wrong CSRF token"}, status=403)
        return None

    @app.middleware("response")
    async def harden(request: Request, resp: HTTPResponse):
        resp.headers["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
            "frame-ancestors 'none'; base-uri 'none'")
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["Referrer-Policy"] = "no-referrer"
        resp.headers["Cache-Control"] = "no-store"
        session = getattr(request.ctx, "session", None)
        if session is not None and COOKIE not in resp.cookies:
            set_cookie(resp, session)  # rolling idle timeout

    def actor(request: Request):
        return repo.get_user_by_id(request.ctx.session.user_id).actor

    def case_or_404(reference: str):
        case = repo.get_case(reference)
        if case is None:
            raise NotFound("no such case")
        return case

    @app.exception(TriageError)
    async def triage_error(request: Request, exc: TriageError):
        status = {NotFound: 404, PermissionDenied: 403, Conflict: 409, TransitionError: 409,
                  InputError: 400, TemplateError: 400, DeliveryError: 502}.get(type(exc), 500)
        if status == 500:
            log.error("portal.error path=%s error=%s", request.path, type(exc).__name__)
        message = str(exc) if status != 500 else "internal error"
        if request.path.startswith("/api/") or request.method != "POST":
            return response.json({"error": message}, status=status)
        return redirect(request.path.rsplit("/", 1)[0] if "/cases/" in request.path else "/",
                        message, "error")

    # -- sign in, second factor, sign out (triage/portal/signin.py) ---------------------
    signin.register(app, signin.Web(config=config, render=render, cookie=_cookie,
                                    set_session=set_cookie, redirect=redirect))

    def queue_filter(request: Request) -> CaseFilter:
        def one(name, allowed):
            value = request.args.get(name) or ""
            return (value,) if value in allowed else ()
        statuses = one("status", ("new", "claimed", "waiting_on_patient", "resolved"))
        return CaseFilter(
            statuses=statuses or CaseFilter().statuses,
            categories=one("category", CATEGORIES),
            priorities=one("priority", [p.value for p in Priority]),
            channels=one("channel", repo.channels()),
        )

    @app.get("/")
    @off_the_loop
    def queue(request: Request):
        now = config.clock()
        cases = repo.list_cases(queue_filter(request))
        rows = [{"case": c, "breached": c.sla_breached(now), "sla_text": _sla_text(c, now)}
                for c in cases]
        options = [("status", ["new", "claimed", "waiting_on_patient", "resolved"]),
                   ("category", list(CATEGORIES)), ("priority", [p.value for p in Priority]),
                   ("channel", repo.channels())]
        filters = {k: request.args.get(k) for k in ("status", "category", "priority", "channel")}
        return render(request, "queue.html", rows=rows, filter_options=options, filters=filters,
                      urgent_pending=urgent_pending(repo, now))

    @app.post("/cases/claim-next")
    @off_the_loop
    def claim_next(request: Request):
        case = repo.claim_next(actor(request))
        if case is None:
            return redirect("/", "No unclaimed case is waiting.")
        return redirect(f"/cases/{case.reference}", f"You now own {case.reference}.")

    def case_page(request: Request, reference: str, originals=None, preview=None,
                  status: int = 200) -> HTTPResponse:
        case = case_or_404(reference)
        now = config.clock()
        rules = config.channel_rules(case.channel)
        templates = [t for t in config.library.templates if t.is_current(now.date())
                     and (rules.private_replies or t.surface == "public_comment")]
        messages = repo.thread_messages(case.id)
        replies = repo.list_replies(case.id)
        if preview is None and rules.public_replies == "moderator" and not replies:
            # The reply the bot held for a moderator: the thread's latest planned template.
            held = next((m.template_id for m in reversed(messages) if m.template_id), None)
            preview = rendered_reply(case, held) if held else None
        refusal = None
        if preview is not None and not rules.private_replies:
            found = patient_confirmations(preview.text)
            refusal = found[0].phrase if found else None
        return render(
            request, "case.html", status=status, case=case, breached=case.sla_breached(now),
            sla_text=_sla_text(case, now), messages=messages, public_only=not rules.private_replies,
            originals=originals, preview=preview, refusal=refusal, templates=templates,
            simple_actions=ACTIONS_BY_STATUS.get(case.status, ()), categories=CATEGORIES,
            notes=repo.list_notes(case.id), replies=replies,
            labels=repo.list_labels(case.id), deliveries=repo.list_deliveries(case_id=case.id),
            holds=case.assignee_id == request.ctx.session.user_id,
            supervisor=request.ctx.session.role in ("supervisor", "admin"),
            reasons=ACCESS_REASONS,
        )

    @app.get("/cases/<reference>")
    @off_the_loop
    def case_view(request: Request, reference: str):
        return case_page(request, reference)

    @app.post("/cases/<reference>/original")
    @off_the_loop
    def case_original(request: Request, reference: str):
        case = case_or_404(reference)
        originals = [
            {"received_at": m.received_at, "phi_types": m.phi_types,
             "parts": _highlight(m.original_text)}
            for m in repo.original_messages(actor(request), case.id,
                                            request.form.get("reason") or None)
        ]
        return case_page(request, reference, originals=originals)

    def rendered_reply(case, template_id: str):
        template = config.library.by_id(template_id)
        variables = dict(config.template_variables, case_ref=case.reference)
        return config.library.render(template.key, template.surface, variables, config.clock().date())

    @app.post("/cases/<reference>/reply-preview")
    @off_the_loop
    def reply_preview(request: Request, reference: str):
        case = case_or_404(reference)
        rendered = rendered_reply(case, request.form.get("template_id") or "")
        return case_page(request, reference, preview=rendered)

    def check_public_only(case, rendered) -> None:
        """A public-only channel (a review) takes a public reply that confirms no patient;
        the bot checks again before it posts."""
        if config.channel_rules(case.channel).private_replies:
            return
        if rendered.surface != "public_comment":
            raise InputError(f"a {case.channel} thread takes a public reply only")
        problems = refusal(rendered.template_id, rendered.text)
        if problems:
            raise TemplateError(f"{problems[0]}; it cannot be posted")

    @app.post("/cases/<reference>/reply")
    @off_the_loop
    def reply(request: Request, reference: str):
        case = case_or_404(reference)
        rendered = rendered_reply(case, request.form.get("template_id") or "")
        check_public_only(case, rendered)
        who = actor(request)
        if config.outbound is None:
            repo.record_template_reply(who, case.id, rendered.template_id, rendered.template_version)
            return redirect(f"/cases/{reference}",
                            f"Reply {rendered.template_id} recorded. Delivery through the bot is "
                            "not configured: send it from the page inbox.")
        repo.check_can_reply(who, case.id)
        # Sent first, recorded after: a reply the bot refused is never recorded as sent.
        config.outbound.send_template(case.thread_key, rendered.template_id)
        repo.record_template_reply(who, case.id, rendered.template_id, rendered.template_version)
        return redirect(f"/cases/{reference}", f"Reply {rendered.template_id} sent.")

    @app.post("/cases/<reference>/note")
    @off_the_loop
    def note(request: Request, reference: str):
        case = case_or_404(reference)
        repo.add_note(actor(request), case.id, request.form.get("body") or "")
        return redirect(f"/cases/{reference}", "Note added.")

    @app.post("/cases/<reference>/relabel")
    @off_the_loop
    def relabel(request: Request, reference: str):
        case = case_or_404(reference)
        messages = repo.thread_messages(case.id)
        if not messages:
            raise NotFound("the case has no message to relabel")
        repo.relabel(actor(request), case.id, messages[0].id, request.form.get("category") or "",
                     request.form.get("reason") or None)
        return redirect(f"/cases/{reference}", "Label stored for retraining.")

    @app.post("/cases/<reference>/<action>")
    @off_the_loop
    def case_action(request: Request, reference: str, action: str):
        method = CASE_ACTIONS.get(action)
        if method is None:
            raise NotFound("no such action")
        case = case_or_404(reference)
        getattr(repo, method)(actor(request), case.id)
        if action == "release" and config.outbound is not None:
            config.outbound.record_release(case.thread_key)
        return redirect(f"/cases/{reference}", f"Done: {action.replace('-', ' ')}.")

    # -- dashboard and admin -----------------------------------------------------
    @app.get("/dashboard")
    @off_the_loop
    def dashboard(request: Request):
        now = config.clock()
        return render(request, "dashboard.html", **dashboard_context(repo, now),
                      attention=attention_context(repo, now))

    @app.get("/attention")
    @off_the_loop
    def attention(request: Request):
        return render(request, "attention.html", **attention_context(repo, config.clock()))

    def require_admin(request: Request) -> None:
        if request.ctx.session.role != "admin":
            raise PermissionDenied("admins only")

    @app.get("/admin/users")
    @off_the_loop
    def users_page(request: Request):
        require_admin(request)
        return render(request, "users.html", users=repo.list_users(),
                      roles=("moderator", "supervisor", "admin"))

    @app.post("/admin/users/<username>/reset-second-factor")
    @off_the_loop
    def users_reset_second_factor(request: Request, username: str):
        require_admin(request)
        repo.reset_second_factor(username, actor=actor(request))
        return redirect("/admin/users", f"Second factor of {username} removed; their "
                        "sessions ended.")

    @app.post("/admin/users")
    @off_the_loop
    def users_create(request: Request):
        require_admin(request)
        password = request.form.get("password") or ""
        username = request.form.get("username") or ""
        problem = check_password_policy(password, username)
        if problem:
            raise InputError(problem)
        repo.create_user(username, hash_password(password),
                         request.form.get("role") or "", actor=actor(request))
        return redirect("/admin/users", "User created.")

    # -- JSON API (redacted text only) ---------------------------------------------
    def case_json(case, now) -> Dict[str, Any]:
        return {
            "reference": case.reference, "category": case.category, "priority": case.priority,
            "status": case.status, "channel": case.channel, "surface": case.surface,
            "reason": case.reason, "redacted_text": case.redacted_text,
            "phi_types": [t for t in case.phi_types.split(",") if t],
            "sla_due_at": case.sla_due_at.isoformat() + "Z", "sla_breached": case.sla_breached(now),
            "assignee": case.assignee_name, "created_at": case.created_at.isoformat() + "Z",
        }

    @app.get("/api/cases")
    @off_the_loop
    def api_cases(request: Request):
        now = config.clock()
        return response.json([case_json(c, now) for c in repo.list_cases(queue_filter(request))])

    @app.get("/api/cases/<reference>")
    @off_the_loop
    def api_case(request: Request, reference: str):
        return response.json(case_json(case_or_404(reference), config.clock()))

    return app
