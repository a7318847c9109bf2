"""Meta's delivery rules and the delivery plan, as tables; then one plan run over HTTP."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.triage.graph.conftest import PAGE_ID
from triage.graph import (
    ALREADY_REPLIED, PRIVATE_REPLY_EXPIRED, WINDOW_CLOSED, DeliveryPlan, HideComment,
    PrivateReply, ReplyToComment, SendMessage, Skipped, messaging_window_open, plan_delivery,
    private_reply_allowed,
)

NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.timezone.utc)
H = dt.timedelta(hours=1)
M = dt.timedelta(minutes=1)
D = dt.timedelta(days=1)


@pytest.mark.parametrize("last, expected", [
    (NOW, True),
    (NOW - 23 * H - 59 * M, True),
    (NOW - 24 * H + dt.timedelta(seconds=1), True),
    (NOW - 24 * H, False),
    (NOW - 24 * H - M, False),
    (NOW - 3 * D, False),
    (NOW + M, True),  # clock skew: a message "from the future" is just now
    (None, False),    # no user message known: nothing may be sent
])
def test_messaging_window(last, expected):
    assert messaging_window_open(last, NOW) is expected


@pytest.mark.parametrize("created, already, expected", [
    (NOW - M, False, (True, "allowed")),
    (NOW - 7 * D + M, False, (True, "allowed")),
    (NOW - 7 * D, False, (False, PRIVATE_REPLY_EXPIRED)),
    (NOW - 7 * D - M, False, (False, PRIVATE_REPLY_EXPIRED)),
    (NOW - M, True, (False, ALREADY_REPLIED)),
    (NOW - 8 * D, True, (False, ALREADY_REPLIED)),
])
def test_private_reply_allowed(created, already, expected):
    assert private_reply_allowed(created, already, NOW) == expected


COMMENT = dict(surface="public_comment", platform="facebook", comment_id="111_222", now=NOW,
               comment_created_at=NOW - 5 * M)
DM = dict(surface="private_message", platform="instagram", sender_id="igsid-1", now=NOW)

PLANS = [
    ("PHI comment, hiding on",
     dict(COMMENT, reply_surface="private_message", text="secure", hide=True),
     (HideComment("facebook", "111_222"), PrivateReply("facebook", "111_222", "secure"))),
    ("PHI comment, hiding off",
     dict(COMMENT, reply_surface="private_message", text="secure", hide=False),
     (PrivateReply("facebook", "111_222", "secure"),)),
    ("PHI comment, private reply already sent",
     dict(COMMENT, reply_surface="private_message", text="secure", hide=True,
          already_private_replied=True),
     (HideComment("facebook", "111_222"), Skipped("private_reply", ALREADY_REPLIED))),
    ("PHI comment, 8 days old",
     dict(COMMENT, reply_surface="private_message", text="secure", hide=True,
          comment_created_at=NOW - 8 * D),
     (HideComment("facebook", "111_222"), Skipped("private_reply", PRIVATE_REPLY_EXPIRED))),
    ("PHI comment, creation time unknown (just arrived)",
     dict(COMMENT, reply_surface="private_message", text="secure", hide=False,
          comment_created_at=None),
     (PrivateReply("facebook", "111_222", "secure"),)),
    ("negative review comment",
     dict(COMMENT, reply_surface="public_comment", text="ack", hide=False),
     (ReplyToComment("facebook", "111_222", "ack"),)),
    ("spam comment",
     dict(COMMENT, reply_surface=None, text=None, hide=True),
     (HideComment("facebook", "111_222"),)),
    ("ignored comment",
     dict(COMMENT, reply_surface=None, text=None, hide=False),
     ()),
    ("DM, window open",
     dict(DM, reply_surface="private_message", text="hours", hide=False,
          last_user_message_at=NOW - 23 * H - 59 * M),
     (SendMessage("instagram", "igsid-1", "hours"),)),
    ("DM, window closed",
     dict(DM, reply_surface="private_message", text="hours", hide=False,
          last_user_message_at=NOW - 24 * H - M),
     (Skipped("send_message", WINDOW_CLOSED),)),
    ("spam DM: nothing to hide",
     dict(DM, reply_surface=None, text=None, hide=True, last_user_message_at=NOW),
     ()),
]


@pytest.mark.parametrize("kwargs, expected", [p[1:] for p in PLANS], ids=[p[0] for p in PLANS])
def test_delivery_plan(kwargs, expected):
    plan = plan_delivery(**kwargs)
    assert plan.steps == expected
    assert plan.operations == tuple(s for s in expected if not isinstance(s, Skipped))
    assert plan.skipped == tuple(s for s in expected if isinstance(s, Skipped))
    assert bool(plan) is bool(expected)


def test_window_closed_reason_is_the_documented_one():
    plan = plan_delivery(**DM, reply_surface="private_message", text="x", hide=False,
                         last_user_message_at=None)
    assert plan.skipped[0].reason == "messaging window closed"


@pytest.mark.parametrize("kwargs", [
    dict(DM, reply_surface="public_comment", text="x", hide=False),       # DM answered in public
    dict(DM, reply_surface="private_message", text=None, hide=False),     # reply without text
    dict(COMMENT, reply_surface="private_message", text="", hide=False),  # empty text
    dict(COMMENT, reply_surface="somewhere", text="x", hide=False),
    dict(COMMENT, reply_surface=None, text=None, hide=True, comment_id=None),
    dict(DM, reply_surface="private_message", text="x", hide=False, sender_id=None),
    dict(COMMENT, reply_surface=None, text=None, hide=False, platform="tiktok"),
    dict(COMMENT, reply_surface=None, text=None, hide=False, surface="email"),
])
def test_plan_rejects_impossible_decisions(kwargs):
    with pytest.raises(ValueError):
        plan_delivery(**kwargs)


def test_text_stays_out_of_reprs():
    plan = plan_delivery(**COMMENT, reply_surface="private_message", text="about [NAME]",
                         hide=True)
    assert "[NAME]" not in repr(plan)


def test_plan_applied_to_the_fake_graph(graph, api):
    """PHI on a public comment: hidden first, then exactly one private reply."""
    plan = plan_delivery(**COMMENT, reply_surface="private_message", text="secure", hide=True)
    ids = [op.apply(api) for op in plan.operations]
    assert [(c.path, c.json) for c in graph.calls] == [
        ("/111_222", {"is_hidden": True}),
        (f"/{PAGE_ID}/messages", {"recipient": {"comment_id": "111_222"},
                                  "message": {"text": "secure"}}),
    ]
    assert ids[0] == "111_222" and ids[1].startswith("m_")
    assert isinstance(plan, DeliveryPlan) and plan.names == ("hide_comment", "private_reply")
