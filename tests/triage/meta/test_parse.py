"""parse_delivery: every fixture, batches, echoes, ignored events, malformed bodies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from triage.errors import InputError
from triage.meta import MetaEvent, parse_delivery

FIXTURES = Path(__file__).parent / "fixtures"
PAGE = "104598372210345"
IG = "17841405822304914"
POST = f"{PAGE}_812345678901234"
TOP = "812345678901234_1122334455667788"
IG_MEDIA = "17895695668004550"
IG_MID = ("aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDA1ODIyMzA0OTE0OjM0MDI4MjM2Njg0MTcxMDMwMTI0"
          "NDI1OTQ2NjIyMjQ1MDcxNzQ2NzozMTAxNjYxMDM1Mjc3NDYzNzQ2NDEyMzQ1Njc4OTAxMjM0NQZDZD")


def load(name: str) -> bytes:
    return (FIXTURES / f"{name}.json").read_bytes()


def fb_dm(mid, user, text, ts, echo=False):
    return MetaEvent("facebook", "message", "private_message", mid, f"fb:dm:{PAGE}:{user}",
                     PAGE if echo else user, PAGE, text, ts, echo)


def ig_dm(mid, user, text, ts, echo=False):
    return MetaEvent("instagram", "message", "private_message", mid, f"ig:dm:{IG}:{user}",
                     IG if echo else user, IG, text, ts, echo)


def fb_comment(cid, sender, text, ts, parent=None, echo=False):
    return MetaEvent("facebook", "comment", "public_comment", cid, f"fb:comment:{parent or cid}",
                     sender, PAGE, text, ts, echo, comment_id=cid, post_id=POST, parent_id=parent)


def ig_comment(cid, sender, text, ts, parent=None, media=IG_MEDIA, echo=False):
    return MetaEvent("instagram", "comment", "public_comment", cid, f"ig:comment:{parent or cid}",
                     sender, IG, text, ts, echo, comment_id=cid, post_id=media, parent_id=parent)


EXPECTED = {
    "messenger_message": [
        fb_dm("m_AG5Hz2Uq7tuwNEhXfYYKj8mJEM_QPpz5jdCK48PnKAjSdjfipqxqMvK8ma6AC8fplwlq",
              "6812345678901234",
              "Hi, what time does the outpatient pharmacy close on Saturdays?", 1718035199876),
    ],
    "messenger_echo": [
        fb_dm("m_Ech0Hz2Uq7tuwNEhXfYYKj8mJEM_QPpz5jdCK48PnKAjSdjfipqxqMvK8ma6AC8fp",
              "6812345678901234", "Our outpatient pharmacy is open Saturdays 9am-1pm.",
              1718035260123, echo=True),
    ],
    # delivery, read, postback and standby events parse to nothing; the image-only message is
    # kept with text "" (the caller skips it); two entries, all message events, in order
    "messenger_batch": [
        fb_dm("m_batch-1-" + "a" * 46, "6812345678901234", "Do you take Aetna?", 1718035290001),
        fb_dm("m_batch-2-" + "b" * 46, "7723456789012345",
              "My dad was discharged yesterday and his incision is red and leaking, "
              "is that normal?",
              1718035292003),
        fb_dm("m_batch-3-" + "c" * 46, "6812345678901234", "Also Blue Cross PPO?", 1718035293004),
        fb_dm("m_batch-4-" + "e" * 46, "8834567890123456", "", 1718035296007),
        fb_dm("m_batch-5-" + "f" * 46, "7723456789012345", "He also has a fever of 101",
              1718035297008),
    ],
    "fb_comment": [
        fb_comment(TOP, "24681357902468135",
                   "Waited 6 hours in the ER last night and nobody even checked on my mom. "
                   "Unacceptable.", 1718035999000),
    ],
    "fb_comment_reply": [
        fb_comment("812345678901234_2233445566778899", "13579246801357924",
                   "Same here, is the parking garage on Elm St open overnight?", 1718036098000,
                   parent=TOP),
    ],
    "fb_comment_echo": [
        fb_comment("812345678901234_3344556677889900", PAGE,
                   "We're sorry to hear this. Please send us a private message so our patient "
                   "relations team can follow up.", 1718036199000, parent=TOP, echo=True),
    ],
    "fb_comment_edit": [],     # verb edited / remove, and a reaction: all ignored
    "ig_message": [
        ig_dm(IG_MID, "5512345678901234", "how do I get a copy of my medical records?",
              1718037000111),
    ],
    "ig_message_echo": [
        ig_dm(IG_MID[:-1] + "Echo", "5512345678901234",
              "You can request your records through the patient portal.", 1718037060111,
              echo=True),
    ],
    "ig_comment": [
        ig_comment("17865799348089039", "17841400000000001",
                   "Are flu shots available for walk-ins this week?", 1718038000000),
    ],
    "ig_comment_reply": [
        ig_comment("17865799348089040", "17841400000000002", "asking the same, for kids too?",
                   1718038100000, parent="17865799348089039"),
    ],
    "ig_comment_echo": [
        ig_comment("17865799348089041", IG, "Yes! Walk-in flu shots Mon-Fri 8am-6pm.",
                   1718038200000, parent="17865799348089039", echo=True),
    ],
    # a mention change is ignored, an unsent DM and a reaction too
    "ig_batch": [
        ig_comment("17865799348089050", "17841400000000003",
                   "Follow me for free followers!!! link in bio", 1718039000000,
                   media="17895695668004551"),
        ig_comment("17865799348089051", "17841400000000004", "reported", 1718039000000,
                   parent="17865799348089050", media="17895695668004551"),
        ig_dm(IG_MID[:-1] + "Bat1", "5598765432109876", "I can't stop thinking about ending it all",
              1718039000500),
    ],
}


def test_every_fixture_has_an_expectation():
    assert {p.stem for p in FIXTURES.glob("*.json")} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_parses_to_expected_events(name):
    assert parse_delivery(load(name)) == EXPECTED[name]


def test_batch_handles_every_entry_and_event_in_order():
    events = parse_delivery(load("messenger_batch"))
    assert len(events) == 5                                # 2 entries, 9 events, 5 messages
    assert [e.timestamp_ms for e in events] == sorted(e.timestamp_ms for e in events)
    thread = [e.text for e in events if e.thread_key == f"fb:dm:{PAGE}:7723456789012345"]
    assert thread == ["My dad was discharged yesterday and his incision is red and leaking, "
                      "is that normal?", "He also has a fever of 101"]


@pytest.mark.parametrize("name", ["messenger_echo", "ig_message_echo", "fb_comment_echo",
                                  "ig_comment_echo"])
def test_echoes_are_flagged(name):
    [event] = parse_delivery(load(name))
    assert event.is_echo
    assert event.sender_id == event.page_id


def test_echo_dm_threads_with_the_user_not_the_page():
    [echo] = parse_delivery(load("messenger_echo"))
    [inbound] = parse_delivery(load("messenger_message"))
    assert echo.thread_key == inbound.thread_key


def test_replies_share_the_top_level_comment_thread():
    top, reply, echo = (parse_delivery(load(n))[0]
                        for n in ("fb_comment", "fb_comment_reply", "fb_comment_echo"))
    assert top.thread_key == reply.thread_key == echo.thread_key == f"fb:comment:{TOP}"
    assert top.parent_id is None and reply.parent_id == TOP
    ig_top, ig_reply = (parse_delivery(load(n))[0] for n in ("ig_comment", "ig_comment_reply"))
    assert ig_top.thread_key == ig_reply.thread_key == "ig:comment:17865799348089039"


def test_no_names_are_kept():
    for name in EXPECTED:
        for event in parse_delivery(load(name)):
            for value in vars(event).values():
                assert "Example" not in str(value) and "example." not in str(value)


def test_mixed_page_entries_and_integer_ids():
    body = json.dumps({"object": "page", "entry": [
        {"id": 104598372210345, "time": 1718040000, "changes": [{"field": "feed", "value": {
            "from": {"id": 111}, "post_id": "1_2", "comment_id": "2_3", "item": "comment",
            "verb": "add", "parent_id": "1_2", "message": "hello"}}]},
        {"id": "104598372210345", "time": 1718040001000, "messaging": [
            {"sender": {"id": "222"}, "recipient": {"id": "104598372210345"},
             "timestamp": 1718040001000, "message": {"mid": "m_x", "text": "hi"}}]},
    ]}).encode()
    comment, dm = parse_delivery(body)
    assert (comment.kind, comment.sender_id, comment.page_id, comment.timestamp_ms) == (
        "comment", "111", PAGE, 1718040000000)          # no created_time: entry time, seconds
    assert (dm.kind, dm.thread_key) == ("message", f"fb:dm:{PAGE}:222")


def test_comment_without_from_is_kept_with_empty_sender():
    body = json.dumps({"object": "instagram", "entry": [{"id": IG, "time": 1, "changes": [
        {"field": "comments", "value": {"id": "9", "text": "hi"}}]}]}).encode()
    [event] = parse_delivery(body)
    assert (event.sender_id, event.post_id, event.is_echo) == ("", None, False)


def test_empty_entry_list_is_no_events():
    assert parse_delivery(b'{"object":"page","entry":[]}') == []


# --------------------------------------------------------------------------- malformed bodies

SECRET_TEXT = "SECRET-PATIENT-TEXT"


def _page(entry) -> bytes:
    return json.dumps({"object": "page", "entry": entry}).encode()


def _dm(**overrides) -> dict:
    event = {"sender": {"id": "1"}, "recipient": {"id": "2"}, "timestamp": 5,
             "message": {"mid": "m_1", "text": SECRET_TEXT}}
    event.update(overrides)
    return event


MALFORMED = [
    ("not-json", b"{" + SECRET_TEXT.encode(), "not valid JSON"),
    ("empty", b"", "empty"),
    ("bad-utf8", b'{"object":"page","entry":[],"x":"\xff\xfe' + SECRET_TEXT.encode() + b'"}',
     "UTF-8"),
    ("list", json.dumps([{"object": "page", "entry": []}]).encode(), "body: expected an object"),
    ("string", json.dumps(SECRET_TEXT).encode(), "body: expected an object"),
    ("no-object", b'{"entry":[]}', "object: missing"),
    ("unknown-object", json.dumps({"object": SECRET_TEXT, "entry": []}).encode(),
     "object: unsupported"),
    ("object-not-string", b'{"object":1,"entry":[]}', "object: unsupported"),
    ("missing-entry", b'{"object":"page"}', "entry: missing"),
    ("entry-object", b'{"object":"page","entry":{}}', "entry: expected a list"),
    ("entry-item-list", _page([[]]), "entry[0]: expected an object"),
    ("entry-no-id", _page([{"time": 1, "messaging": []}]), "entry[0].id: missing"),
    ("entry-bad-time", _page([{"id": "1", "time": "soon", "messaging": []}]),
     "entry[0].time: expected an integer"),
    ("messaging-object", _page([{"id": "1", "messaging": {}}]),
     "entry[0].messaging: expected a list"),
    ("event-string", _page([{"id": "1", "messaging": [SECRET_TEXT]}]),
     "entry[0].messaging[0]: expected an object"),
    ("message-string", _page([{"id": "1", "messaging": [_dm(message=SECRET_TEXT)]}]),
     "entry[0].messaging[0].message: expected an object"),
    ("no-mid", _page([{"id": "1", "messaging": [_dm(message={"text": SECRET_TEXT})]}]),
     "entry[0].messaging[0].message.mid: missing"),
    ("no-sender", _page([{"id": "1", "messaging": [_dm(sender=None)]}]),
     "entry[0].messaging[0].sender: expected an object"),
    ("bool-timestamp", _page([{"id": "1", "messaging": [_dm(timestamp=True)]}]),
     "entry[0].messaging[0].timestamp: expected an integer"),
    ("text-number", _page([{"id": "1", "messaging": [_dm(message={"mid": "m", "text": 5})]}]),
     "entry[0].messaging[0].message.text: expected a string"),
    ("echo-string", _page([{"id": "1", "messaging": [
        _dm(message={"mid": "m", "text": SECRET_TEXT, "is_echo": "yes"})]}]),
     "message.is_echo: expected true or false"),
    ("second-event-bad", _page([{"id": "1", "messaging": [_dm(), _dm(recipient={})]}]),
     "entry[0].messaging[1].recipient.id: missing"),
    ("changes-object", _page([{"id": "1", "changes": {"field": "feed"}}]),
     "entry[0].changes: expected a list"),
    ("change-no-field", _page([{"id": "1", "changes": [{"value": {}}]}]),
     "entry[0].changes[0].field: expected a string"),
    ("feed-value-list", _page([{"id": "1", "changes": [{"field": "feed", "value": []}]}]),
     "entry[0].changes[0].value: expected an object"),
    ("comment-no-id", _page([{"id": "1", "time": 1, "changes": [{"field": "feed", "value": {
        "item": "comment", "verb": "add", "post_id": "1_2", "message": SECRET_TEXT}}]}]),
     "entry[0].changes[0].value.comment_id: missing"),
    ("comment-from-string", _page([{"id": "1", "time": 1, "changes": [{"field": "feed", "value": {
        "item": "comment", "verb": "add", "post_id": "1_2", "comment_id": "2_3",
        "from": SECRET_TEXT}}]}]),
     "entry[0].changes[0].value.from: expected an object"),
    ("comment-no-time", _page([{"id": "1", "changes": [{"field": "feed", "value": {
        "item": "comment", "verb": "add", "post_id": "1_2", "comment_id": "2_3"}}]}]),
     "created_time: missing"),
    ("ig-comment-text-list", json.dumps({"object": "instagram", "entry": [
        {"id": "1", "time": 1, "changes": [{"field": "comments", "value": {
            "id": "5", "text": [SECRET_TEXT]}}]}]}).encode(),
     "entry[0].changes[0].value.text: expected a string"),
]


@pytest.mark.parametrize("body, reason", [(b, r) for _, b, r in MALFORMED],
                         ids=[i for i, _, _ in MALFORMED])
def test_malformed_bodies_raise_input_error_with_reason(body, reason):
    with pytest.raises(InputError) as exc:
        parse_delivery(body)
    message = str(exc.value)
    assert reason in message
    assert SECRET_TEXT not in message


def test_oversized_body_is_rejected_before_parsing():
    body = _page([{"id": "1", "messaging": [_dm()]}])
    with pytest.raises(InputError, match="over the 100-byte limit"):
        parse_delivery(body, max_bytes=100)
    assert len(parse_delivery(body, max_bytes=len(body))) == 1
    with pytest.raises(InputError, match="limit"):
        parse_delivery(b" " * 1_000_001)


def test_deeply_nested_body_is_input_error():
    with pytest.raises(InputError):
        parse_delivery(b"[" * 100_000 + b"]" * 100_000)


def test_non_bytes_body_is_input_error():
    with pytest.raises(InputError, match="raw bytes"):
        parse_delivery('{"object":"page","entry":[]}')
