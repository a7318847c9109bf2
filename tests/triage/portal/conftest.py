"""A portal on a per-test SQLite database, with users of every role and a few cases."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from triage.parse import Parse
from triage.portal import PortalConfig, create_app
from triage.portal.auth import SessionCodec, hash_password
from triage.service import Inbound

PASSWORD = "correct horse battery"
NOW = dt.datetime(2026, 11, 23, 12, 0, 0)


class Clock:
    def __init__(self):
        self.now = NOW

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def portal(service, clock):
    repo = service.repository
    repo._clock = clock  # the repository clock, for SLA and lockout times
    for name, role in (("moe", "moderator"), ("sue", "supervisor"), ("ada", "admin")):
        repo.create_user(name, hash_password(PASSWORD), role)
    codec = SessionCodec("test-secret-0123456789", idle_seconds=900,
                         now=lambda: clock().replace(tzinfo=dt.timezone.utc).timestamp())
    config = PortalConfig(repository=repo, library=service.library, codec=codec,
                          template_variables=service.settings.template_variables(),
                          secure_cookies=False, clock=clock,
                          channel_rules=service.taxonomy.channel)
    return create_app(config)


def escalate(service, text, parse, key, thread):
    received = service.receive(Inbound("rest", key, thread, "private_message", text))
    return service.handle(service.lease(received.stored.id), received.deidentified_text, parse).case_reference


@pytest.fixture
def cases(service, portal):
    """An urgent, a high and a normal case."""
    return {
        "normal": escalate(service, "the parking fees are a scam", Parse("negative_review", 0.9), "n1", "tn"),
        "high": escalate(service, "my mom Jane Smith DOB 3/4/1950 has a fever after surgery",
                         Parse("clinical_request", 0.9, ("DOB", "HEALTH", "NAME")), "h1", "th"),
        "urgent": escalate(service, "I want to kill myself", Parse("emergency", 0.95), "u1", "tu"),
    }


class Browserless:
    """Signs in through the login form and keeps the cookie, like a browser would."""

    def __init__(self, app):
        self.app = app
        self.cookies = {}
        self.csrf = None

    def request(self, method, path, **kw):
        kw.setdefault("cookies", self.cookies)
        kw.setdefault("allow_redirects", False)
        _, resp = getattr(self.app.test_client, method)(path, **kw)
        for name, value in resp.cookies.items():
            self.cookies[name] = value
        # As a browser does: a cookie set with Max-Age=0 is deleted.
        for header in resp.headers.get_list("set-cookie"):
            name = header.split("=", 1)[0].strip()
            if re.search(r"max-age=0(;|$)", header, re.I):
                self.cookies.pop(name, None)
        match = re.search(r'name="csrf" value="([^"]+)"', resp.text or "")
        if match:
            self.csrf = match.group(1)
        return resp

    # TOTP secrets of the users this client enrolled, as their phone would keep them.
    secrets = {}

    def totp(self, username, offset=0):
        """The code the user's authenticator shows at the portal's clock."""
        import pyotp

        when = self.app.ctx.config.clock().replace(tzinfo=dt.timezone.utc).timestamp()
        return pyotp.TOTP(Browserless.secrets[username]).at(when + offset)

    def login(self, username, password=PASSWORD, second_factor=True):
        """Sign in as a browser would: the form, the password, then (supervisors and admins,
        or anyone who turned it on) the second factor, enrolling on first use."""
        self.request("get", "/login")  # the form's login-CSRF token and its cookie
        resp = self.request("post", "/login", data={"username": username, "password": password,
                                                    "csrf": self.csrf})
        where = resp.headers.get("location", "") if resp.status == 303 else ""
        if second_factor and where == "/login/second-factor/setup":
            page = self.request("get", where).text
            Browserless.secrets[username] = re.search(r'id="secret">([A-Z2-7]+)<', page).group(1)
            resp = self.request("post", where, data={"code": self.totp(username),
                                                     "csrf": self.csrf})
        elif second_factor and where == "/login/second-factor":
            self.request("get", where)
            resp = self.request("post", where, data={"code": self.totp(username),
                                                     "csrf": self.csrf})
            if resp.status == 401:  # this time-step was used: the next one
                resp = self.request("post", where, data={"code": self.totp(username, 30),
                                                         "csrf": self.csrf})
        if resp.status in (200, 303) and "triage_session" in self.cookies:
            self.request("get", "/")
        return resp

    def flash(self, resp):
        """(kind, text) of the banner the redirect leads to (kept in a signed cookie)."""
        page = self.request("get", resp.headers["location"]).text
        match = re.search(r'<p class="flash ([a-z]*)" role="status">(.*?)</p>', page, re.S)
        return (match.group(1), match.group(2)) if match else None

    def post(self, path, data=None, **kw):
        data = dict(data or {}, csrf=self.csrf)
        return self.request("post", path, data=data, **kw)


@pytest.fixture
def client(portal):
    return Browserless(portal)
