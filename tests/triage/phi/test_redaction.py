"""Redaction, de-identification, overlap resolution and the leak-free `Finding`."""

from __future__ import annotations

import itertools

import pytest

from tests.triage.phi.cases import POSITIVES
from triage.phi import (
    IDENTIFIER_TYPES,
    Finding,
    PhiType,
    deidentify,
    detect,
    phi_types,
    redact,
)
from triage.phi.findings import resolve_overlaps

EXAMPLE = "my mom Jane Smith DOB 3/4/1950 still has a fever after her surgery, what should we do"


def test_example_redact() -> None:
    out = redact(EXAMPLE)
    for secret in ("Jane", "Smith", "1950", "fever", "surgery"):
        assert secret not in out
    assert "[NAME]" in out and "[DOB]" in out and "[HEALTH]" in out
    assert out == (
        "my mom [NAME] DOB [DOB] still has a [HEALTH] after her [HEALTH], what should we do"
    )


def test_example_deidentify_keeps_health() -> None:
    out = deidentify(EXAMPLE)
    assert out == "my mom [NAME] DOB [DOB] still has a fever after her surgery, what should we do"


def test_phi_types_of_example() -> None:
    assert phi_types(detect(EXAMPLE)) == ["DOB", "HEALTH", "NAME"]
    assert phi_types([]) == []


# Words glued to a span: the placeholder gives the neighbour a new context ("[DOB]MY SON").
GLUED = [
    "dob: 03-04-1950MY SON JAKE HAS A FEVER",
    "+1 555.123.4567I'm Priya and I need help",
    "my dad still coughs+44 20 7946 0958",
    "I live at 42 Elm Street. surgery is October 3, 2024. Patient name: maria garcia",
]


@pytest.mark.parametrize("text", [row[0] for row in POSITIVES] + [EXAMPLE] + GLUED)
def test_redaction_is_idempotent(text: str) -> None:
    once = redact(text)
    assert redact(once) == once
    assert deidentify(deidentify(text)) == deidentify(text)


@pytest.mark.parametrize("text", [row[0] for row in POSITIVES] + [EXAMPLE])
def test_rescanning_redacted_text_reports_the_same_types(text: str) -> None:
    assert phi_types(detect(redact(text))) == phi_types(detect(text))


def test_deidentify_example_with_every_identifier() -> None:
    text = (
        "Hi, this is Maria Lopez, DOB 04/12/1961, MRN 00123456, ssn 123-45-6789. "
        "I live at 42 Elm Street, call 555-123-4567 or maria@example.com. "
        "My biopsy on Oct 3rd came back and I'm scared"
    )
    assert deidentify(text) == (
        "Hi, this is [NAME], DOB [DOB], MRN [ID], ssn [SSN]. "
        "I live at [ADDRESS], call [PHONE] or [EMAIL]. "
        "My biopsy on [DATE] came back and I'm scared"
    )


def test_redact_with_explicit_findings_and_keep() -> None:
    text = "call 555-123-4567 about my fever"
    findings = detect(text)
    assert redact(text, findings) == "call [PHONE] about my [HEALTH]"
    kept = redact(text, findings, keep=frozenset({PhiType.PHONE}))
    assert kept == "call 555-123-4567 about my [HEALTH]"
    assert redact(text, []) == text


def test_redact_rejects_out_of_range_findings() -> None:
    with pytest.raises(ValueError):
        redact("short", [Finding(PhiType.NAME, 2, 50, 0.9, "test")])


def test_findings_are_sorted_and_disjoint() -> None:
    findings = detect(EXAMPLE + " call 555-123-4567 or jane@example.com")
    assert findings == sorted(findings, key=lambda f: f.start)
    for a, b in itertools.pairwise(findings):
        assert a.end <= b.start


def test_finding_repr_holds_no_text() -> None:
    text = "my mom Jane Smith DOB 3/4/1950 lives at 42 Elm Street, jane@example.com"
    findings = detect(text)
    assert phi_types(findings) == ["ADDRESS", "DOB", "EMAIL", "NAME"]
    dump = repr(findings) + str(findings)
    for secret in ("Jane", "Smith", "3/4/1950", "1950", "Elm", "example.com"):
        assert secret not in dump
    assert not hasattr(findings[0], "text")


def test_longer_span_wins_and_identifier_beats_health_on_tie() -> None:
    short = Finding(PhiType.NAME, 0, 4, 0.9, "a")
    long = Finding(PhiType.ADDRESS, 0, 10, 0.5, "b")
    health = Finding(PhiType.HEALTH, 20, 25, 1.0, "c")
    ident = Finding(PhiType.ID, 20, 25, 0.1, "d")
    apart = Finding(PhiType.EMAIL, 30, 40, 0.5, "e")
    assert resolve_overlaps([short, health, long, apart, ident]) == [long, ident, apart]


def test_overlapping_findings_merge_so_no_piece_is_left() -> None:
    # "Signed, Arthur" and "Arthur Meeks" from two cues: one placeholder over both.
    first = Finding(PhiType.NAME, 0, 14, 0.7, "a")
    second = Finding(PhiType.NAME, 8, 20, 0.9, "b")
    merged = resolve_overlaps([first, second])
    assert [(f.type, f.start, f.end) for f in merged] == [(PhiType.NAME, 0, 20)]
    # A HEALTH phrase over part of an identifier: the identifier's type names the whole.
    health = Finding(PhiType.HEALTH, 30, 45, 0.6, "c")
    room = Finding(PhiType.ROOM, 40, 48, 0.8, "d")
    assert [(f.type, f.start, f.end) for f in resolve_overlaps([health, room])] == [
        (PhiType.ROOM, 30, 48)]
    assert redact("Our home is 52 Poplar Street, Lakeview. Signed, Arthur Meeks") == (
        "Our home is [ADDRESS]. Signed, [NAME]")


def test_identifier_types() -> None:
    assert frozenset(PhiType) - {PhiType.HEALTH} == IDENTIFIER_TYPES
    assert [t.value for t in PhiType] == [
        "NAME", "DOB", "DATE", "AGE_90+", "PHONE", "EMAIL", "ADDRESS", "ROOM", "SSN", "ID",
        "ACCOUNT", "LICENSE", "VEHICLE", "DEVICE", "URL", "IP", "HANDLE", "HEALTH",
    ]
    assert PhiType.AGE.placeholder == "[AGE_90+]"
    assert redact("my 93yo nana in room 412") == "my [AGE_90+]yo nana in room [ROOM]"
    assert redact(redact("my 93yo nana in room 412")) == redact("my 93yo nana in room 412")


@pytest.mark.parametrize("text", ["", "   ", "😀", "<script>alert(1)</script>", "我的儿子发烧了"])
def test_odd_input_round_trips(text: str) -> None:
    assert redact(text) == text
    assert deidentify(text) == text


def test_large_input_completes() -> None:
    chunk = EXAMPLE + " call 555-123-4567 or mail jane@example.com. 123 Main St. MRN 00123456. "
    text = (chunk * (200_000 // len(chunk) + 1))[:200_000]
    findings = detect(text)
    assert findings and all(0 <= f.start < f.end <= len(text) for f in findings)
    assert "Jane" not in redact(text, findings)


PATHOLOGICAL = {
    "letters": "a" * 200_000,
    "digits": "1 " * 100_000,
    "plus-ones": "+1 " * 70_000,
    "at-signs": "a@" * 100_000,
    "relation-cues": "my mom " * 30_000,
    "health-terms": "fever " * 33_000,
    "date-shards": "3/4/" * 50_000,
    "street-shards": "12 Main Oak Elm " * 12_500,
}


@pytest.mark.parametrize("text", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_pathological_inputs_complete(text: str) -> None:
    assert isinstance(detect(text), list)


def test_reused_scans_give_the_same_results_and_end_with_their_block() -> None:
    from concurrent.futures import ThreadPoolExecutor

    from triage.phi import registry, reuse_scans

    texts = [text for text, _, _ in itertools.islice(POSITIVES, 40)] + [EXAMPLE]
    plain = [(detect(t), deidentify(t), redact(t)) for t in texts]
    with reuse_scans():
        reused = [(detect(t), deidentify(t), redact(t)) for t in texts]
        assert registry._scans.get()  # the block holds its scans...
        # ...for its own thread only: another thread starts with none.
        with ThreadPoolExecutor(1) as pool:
            assert pool.submit(registry._scans.get).result() is None
    assert reused == plain
    assert registry._scans.get() is None  # ...and forgets them when it ends


def test_a_block_inside_another_joins_it() -> None:
    from triage.phi import registry, reuse_scans

    with reuse_scans():
        detect(EXAMPLE)
        outer = registry._scans.get()
        with reuse_scans():
            assert registry._scans.get() is outer  # the flagger's block inside a batch chunk's
            deidentify(EXAMPLE)
        assert registry._scans.get() is outer and len(outer) >= 2
    assert registry._scans.get() is None


def test_what_deidentify_returns_was_scanned_last_so_the_model_needs_no_scan_of_its_own() -> None:
    # The channels rely on it: inside one block, Rasa's PHI flagger finds the scan of the
    # text it is given (deidentify's last pass) instead of scanning again.
    import asyncio

    from triage.phi import registry, reuse_scans

    texts = [text for text, _, _ in itertools.islice(POSITIVES, 40)] + [EXAMPLE, "no phi"]
    with reuse_scans():
        given = [deidentify(t) for t in texts]
        scanned = set(registry._scans.get())
        assert all((id(registry.default_registry()), g) in scanned for g in given)

    async def channel(text: str) -> list:
        with reuse_scans():  # as bot/channels/rest.py: store in a thread, then the turn
            clean = await asyncio.to_thread(deidentify, text)
            before = len(registry._scans.get())
            found = detect(clean)
            assert len(registry._scans.get()) == before  # nothing scanned again
            return found

    assert asyncio.run(channel(EXAMPLE)) == detect(deidentify(EXAMPLE))
