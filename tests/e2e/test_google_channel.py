"""Google reviews end to end: the real Rasa server with the Google reviews channel, the action
server, the portal and the queue, and a fake Business Profile server on 127.0.0.1 (Google's
API is the only thing faked). Pushes, the poll, an edit, a restart between polls, and a
moderator's approved reply posted once."""

from __future__ import annotations

import base64
import collections
import json
import re
import time
import uuid

import pytest
import requests
import sqlalchemy as sa

from tests.e2e.conftest import portal_sign_in, running_stack
from tests.fakes.business_profile_server import FakeBusinessProfile, push_body
from triage.queue import QueueRepository, make_engine
from triage.queue.tables import inbound_messages

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

LOCATION, PUSH_TOKEN = "accounts/7/locations/8", "push-token-for-tests"


@pytest.fixture(scope="module")
def fake():
    with FakeBusinessProfile(refresh_token="refresh-for-tests") as server:
        yield server


@pytest.fixture(scope="module")
def google(small_model, tmp_path_factory, fake):
    env = {"GOOGLE_CLIENT_ID": fake.client_id, "GOOGLE_CLIENT_SECRET": fake.client_secret,
           "GOOGLE_REFRESH_TOKEN": "refresh-for-tests", "GOOGLE_LOCATIONS": LOCATION,
           "GOOGLE_PUSH_TOKEN": PUSH_TOKEN, "GOOGLE_API_URL": fake.url,
           "GOOGLE_TOKEN_URL": fake.token_url, "GOOGLE_POLL_SECONDS": "2",
           "TRIAGE_RECOVERY_INTERVAL_SECONDS": "1"}
    with running_stack(small_model, tmp_path_factory.mktemp("google"), env) as stack:
        engine = make_engine(stack["db_url"])
        stack["repo"] = QueueRepository(engine)
        stack["push_url"] = stack["rasa_url"] + "/webhooks/google_reviews/push"
        yield stack
        engine.dispose()


def push(google, review_name, token=PUSH_TOKEN, kind="NEW_REVIEW", body=None):
    body = body if body is not None else push_body(kind, review_name, uuid.uuid4().hex)
    return requests.post(google["push_url"], params={"token": token} if token else None,
                         data=body, headers={"Content-Type": "application/json"}, timeout=30)


def rows(google):
    with google["repo"].engine.begin() as conn:
        return conn.execute(sa.select(inbound_messages).where(
            inbound_messages.c.channel == "google_reviews").order_by(inbound_messages.c.id)).all()


def wait_for(predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError("timed out")


def triaged(google, review_name):
    return [r for r in rows(google) if r.thread_key == f"google:review:{review_name}"
            and r.status == "triaged"]


def test_bad_pushes_are_refused_and_store_nothing(google, fake):
    name = fake.add_review(LOCATION, "bad1", "ONE", "never again")
    before = len(rows(google))
    assert push(google, name, token="wrong").status_code == 403
    assert push(google, name, token=None).status_code == 403
    assert push(google, name, body=b"{not json").status_code == 400
    garbage = json.dumps({"message": {"messageId": "1", "data": base64.b64encode(
        b"[]").decode()}}).encode()
    assert push(google, name, body=garbage).status_code == 200  # not a review notification
    other = fake.add_review("accounts/7/locations/999", "x1", "ONE", "elsewhere")
    assert push(google, other).json() == {"status": "ignored"}
    assert len([r for r in rows(google) if "locations/999" in r.thread_key]) == 0
    assert len(rows(google)) >= before  # the poll may store bad1 meanwhile, pushes did not


def test_a_negative_review_pushed_twice_is_one_case_and_nothing_is_posted(google, fake):
    fake.reset_calls()
    name = fake.add_review(LOCATION, "neg1", "ONE", "Waited five hours in the lobby, nobody "
                           "came to tell us anything. Worst evening of my life.")
    assert push(google, name).status_code == 200
    assert push(google, name).status_code == 200  # Pub/Sub delivers at least once
    (row,) = wait_for(lambda: triaged(google, name))
    assert row.category == "negative_review" and row.case_id is not None
    assert row.rating == 1
    time.sleep(2.5)  # a sweep or two: a held reply stays held
    assert [c for c in fake.calls if c.method == "PUT"] == []
    assert google["repo"].list_deliveries(inbound_id=row.id) == []


def test_a_review_without_a_notification_is_found_by_the_poll_and_an_edit_joins_its_thread(
        google, fake):
    name = fake.add_review(LOCATION, "quiet1", "FIVE", "Lovely nurses on the fourth floor.")
    (first,) = wait_for(lambda: triaged(google, name))
    fake.edit_review(name, "TWO", "Changed my mind: billing sent me three wrong invoices.")
    both = wait_for(lambda: len(triaged(google, name)) == 2 and triaged(google, name))
    assert [r.rating for r in both] == [5, 2]
    assert len({r.message_key for r in both}) == 2 and both[1].case_id is not None


def test_a_restart_between_polls_neither_misses_nor_repeats_a_review(google, fake):
    google["restart_rasa"]()
    while_down = fake.add_review(LOCATION, "down1", "FOUR", "Parking was easy this time.")
    wait_for(lambda: triaged(google, while_down))
    google["restart_rasa"]()
    time.sleep(5)  # more than two polls
    keys = collections.Counter(r.message_key for r in rows(google))
    assert keys and max(keys.values()) == 1
    assert {r.status for r in rows(google)} == {"triaged"}


def test_a_moderator_posts_the_held_acknowledgement_once(google, fake):
    name = fake.add_review(LOCATION, "neg2", "TWO", "The front desk was rude to my dad.")
    push(google, name)
    (row,) = wait_for(lambda: triaged(google, name))
    ref = google["repo"].get_case_by_id(row.case_id).reference
    portal = requests.Session()
    assert portal_sign_in(portal, google["portal_url"]).status_code == 303
    base = f"{google['portal_url']}/cases/{ref}"
    page = portal.get(base, timeout=10).text
    assert "2 of 5 stars" in page and "The public reply that would be posted" in page
    template = re.search(r'name="template_id" value="([^"]+)"', page.split('id="preview"')[1])
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    portal.post(base + "/claim", data={"csrf": csrf}, timeout=10)
    fake.reset_calls()
    sent = portal.post(base + "/reply", timeout=60,
                       data={"csrf": csrf, "template_id": template.group(1)})
    flash = re.search(r"<p class=\"flash[^>]*>(.*?)</p>", sent.text, re.S)
    assert f"{template.group(1)} sent" in sent.text, flash and flash.group(1)
    wait_for(lambda: [c for c in fake.calls if c.method == "PUT"])
    time.sleep(2.5)  # later sweeps post nothing more
    (put,) = [c for c in fake.calls if c.method == "PUT"]
    assert put.path == f"/v4/{name}/reply" and put.status == 200
    assert put.json["comment"].startswith("Thank you for taking the time")
    assert fake.review(name)["reviewReply"]["comment"] == put.json["comment"]
    assert "delivered" in portal.get(base, timeout=10).text
