"""100 Google reviews through the fake server, the poller, notifications delivered twice and the
real queue (issue 13's acceptance, without the model: every text is read as polite praise, the
hardest case for the rating): one stored message and one triage per review version, one case
per negative or PHI review, nothing posted until a moderator approves, then each case's
generic acknowledgement posted once, none failing the "never confirm a patient" check. The
figures print."""

from __future__ import annotations

import collections
import datetime as dt

import pytest
import sqlalchemy as sa

from tests.conftest import TODAY
from tests.fakes.business_profile_server import FakeBusinessProfile
from triage.google import HttpBusinessProfileApi, OAuthCredentials
from triage.google.intake import CHANNEL, store_reviews
from triage.google.poller import ReviewPoller
from triage.google.rating import RATING_ONLY_TEXT
from triage.google.replies import PLATFORM, refusal_reason
from triage.errors import Conflict
from triage.parse import Parse
from triage.sender import OutboxSender
from triage.queue.tables import inbound_messages

LOCATION = "accounts/10/locations/20"
STARS = ["ONE", "TWO", "THREE", "FOUR", "FIVE"]
PHI_TEXTS = ["my son Jake Miller was in room 412 after his appendectomy, great nurses",
             "call me at 312-555-0199 about my mom's biopsy results, thanks",
             "Dr. Patel treated my diabetes so well, DOB 04/12/1961 if you need it"]


def _when(i: int) -> str:
    return f"2026-11-{1 + i // 24:02d}T{i % 24:02d}:30:00Z"


def _text(i: int):
    if i % 20 == 7:
        return None  # stars only
    if i % 5 == 2:
        return PHI_TEXTS[i % 3]
    return f"Visited on a busy day, the staff were polite and the lobby was clean ({i})."


@pytest.fixture
def fake():
    with FakeBusinessProfile(refresh_token="r") as server:
        yield server


def _triage_all(service):
    """What the workers do, with a classifier that reads every text as praise (and, as the
    model's PHI flagger does, the PHI types of the text)."""
    from triage import phi

    triaged = 0
    while True:
        taken = service.repository.lease_next(dt.timedelta(minutes=1), limit=50)
        if not taken:
            return triaged
        for row, lease in taken:
            text = service.prepare(row, lease)
            found = phi.phi_types(phi.detect(service.repository.original_text(row.id)))
            service.handle(lease, text, Parse("praise", 0.8, tuple(found)))
            triaged += 1


def test_100_reviews_one_triage_per_version_one_case_per_negative_or_phi_review(
        fake, service, capsys):
    api = HttpBusinessProfileApi(OAuthCredentials("client-id", "client-secret", "r",
                                                  token_url=fake.token_url),
                                 base_url=fake.url, sleep=lambda _s: None)
    names = [fake.add_review(LOCATION, f"rv{i}", STARS[i % 5], _text(i), when=_when(i))
             for i in range(100)]
    poller = ReviewPoller(api, service.repository, [LOCATION],
                          lambda reviews: store_reviews(service, reviews))
    assert poller.poll() == 100
    # Ten reviews are edited: two stars now, new text; then polled (by a new process).
    for i in range(0, 100, 10):
        fake.edit_review(names[i], "TWO", "Edited: still waiting for a call back.",
                         when=_when(100 + i // 10))
    ReviewPoller(api, service.repository, [LOCATION],
                 lambda reviews: store_reviews(service, reviews)).poll()
    # Pub/Sub delivers some notifications twice; each names a review the service reads.
    for name in names[:15] + names[:15]:
        store_reviews(service, [api.get_review(name)])
    triaged = _triage_all(service)

    with service.repository.engine.begin() as conn:
        rows = conn.execute(sa.select(inbound_messages).where(
            inbound_messages.c.channel == CHANNEL)).all()
    versions = collections.Counter(r.message_key for r in rows)
    cases = service.repository.list_open_cases()
    threads_with_case = {c.thread_key for c in cases}
    by_thread = collections.defaultdict(list)
    for r in rows:
        by_thread[r.thread_key].append(r)
    expected_case = {t for t, rs in by_thread.items()
                     if any(r.rating <= 2 or r.phi_types for r in rs)}
    # Nothing is posted to Google on its own (a moderator approves review replies)...
    assert service.repository.list_deliveries() == []
    # ... and each case offers its acknowledgement; the moderators approve every one (what
    # action_moderator_reply does for the portal), some twice, and the outbox posts them.
    sender = OutboxSender(service.repository, api, platforms=(PLATFORM,), sla_hours=24)
    fake.reset_calls()
    for n, case in enumerate(cases):
        thread = service.repository.thread_messages(case.id)
        latest = thread[-1]
        template = service.library.by_id(next(m.template_id for m in reversed(thread)
                                              if m.template_id))
        rendered = service.library.render(
            template.key, template.surface,
            dict(service.settings.template_variables(), case_ref=case.reference), TODAY)
        for click in range(2 if n % 9 == 0 else 1):
            try:
                service.plan_reply(latest.id, rendered, f"case{case.id}:{template.id}")
            except Conflict:
                assert click == 1  # the same approval twice is planned once
    sender.run()
    puts = [c for c in fake.calls if c.method == "PUT" and c.status == 200]
    per_review = collections.Counter(c.path for c in puts)
    figures = {"reviews": 100, "versions": len(rows), "stored twice": sum(versions.values()) -
               len(versions), "triaged": triaged, "cases": len(cases),
               "negative or PHI reviews": len(expected_case),
               "rating only": sum(1 for r in rows if r.original_text == RATING_ONLY_TEXT),
               "replies posted": len(puts),
               "failing the check": sum(1 for c in puts if refusal_reason(c.json["comment"])),
               "reviews replied twice": sum(1 for v in per_review.values() if v > 1)}
    with capsys.disabled():
        print("\ngoogle reviews: " + ", ".join(f"{k} {v}" for k, v in figures.items()))
    assert len(rows) == 110 and figures["stored twice"] == 0
    assert triaged == 110 and {r.status for r in rows} == {"triaged"}
    assert threads_with_case == expected_case and len(cases) == len(expected_case)
    for r in rows:
        if r.rating <= 2 and not r.phi_types:
            assert r.category == "negative_review", r.message_key
        if r.phi_types:
            assert r.action == "escalate"
    assert figures["replies posted"] == len(cases) and figures["failing the check"] == 0
    assert figures["reviews replied twice"] == 0
    assert {d.status for d in service.repository.list_deliveries()} == {"sent"}


def test_a_rating_outside_one_to_five_is_refused(service):
    from triage.errors import InputError
    from triage.service import Inbound

    for bad in (0, 6, True):
        with pytest.raises(InputError, match="rating"):
            service.accept(Inbound(CHANNEL, f"k{bad}", "t", "public_comment", "hi", rating=bad))
