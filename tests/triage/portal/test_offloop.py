"""The portal's blocking work runs off its event loop: while one moderator's page waits on a
slow database call, the others' pages are served (a real server on 127.0.0.1, real requests)."""

from __future__ import annotations

import datetime as dt
import re
import threading

import pytest
import requests

from tests.fakes.threaded import ThreadedServer
from tests.triage.portal.conftest import PASSWORD
from triage.portal import PortalConfig, create_app
from triage.portal.auth import SessionCodec, hash_password
from triage.queue import QueueRepository


class HeldRepository(QueueRepository):
    """The real repository, whose case list waits until the test lets it go (a slow query)."""

    def __init__(self, engine):
        super().__init__(engine)
        self.entered, self.release = threading.Event(), threading.Event()

    def list_cases(self, *args, **kwargs):
        self.entered.set()
        self.release.wait(30)
        return super().list_cases(*args, **kwargs)


@pytest.fixture
def served(service):
    repo = HeldRepository(service.repository.engine)
    repo.create_user("moe", hash_password(PASSWORD), "moderator")
    config = PortalConfig(repository=repo, library=service.library,
                          codec=SessionCodec("test-secret-0123456789", idle_seconds=900),
                          template_variables=service.settings.template_variables(),
                          secure_cookies=False, clock=lambda: dt.datetime.utcnow())
    with ThreadedServer("portal-under-test", create_app(config)) as server:
        yield server, repo
    repo.release.set()


def _signed_in(url):
    session = requests.Session()
    form = session.get(url + "/login", timeout=10).text
    token = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
    done = session.post(url + "/login", data={"username": "moe", "password": PASSWORD,
                                              "csrf": token}, allow_redirects=False, timeout=10)
    assert done.status_code == 303, done.text[:300]
    return session


def test_a_page_waiting_on_the_database_does_not_hold_up_the_others(served):
    server, repo = served
    first, second = _signed_in(server.url), _signed_in(server.url)
    answers = {}
    waiting = threading.Thread(target=lambda: answers.setdefault(
        "queue", first.get(server.url + "/", timeout=30).status_code))
    waiting.start()
    assert repo.entered.wait(10)
    # Meanwhile: another moderator's pages, and a sign-in (a slow password hash).
    assert second.get(server.url + "/attention", timeout=10).status_code == 200
    assert _signed_in(server.url)
    assert waiting.is_alive() and "queue" not in answers
    repo.release.set()
    waiting.join(30)
    assert answers == {"queue": 200}
