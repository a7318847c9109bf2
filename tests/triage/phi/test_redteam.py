"""The PHI detectors on the red-team set (tests/phi), held to issue 11's floors.

The set was written by several writers apart from the detectors' own tables (see
tests/phi/README.md). The figures print with ``-s`` and in `make test`'s output.
"""

from __future__ import annotations

import json

import pytest

from triage.cli import PHI_BELOW_FLOOR_DIR, PHI_HELDOUT_DIR, PHI_SET_DIR
from triage.phi import Detector, Finding, PhiType, Registry, default_registry
from triage.phi.redteam import FLOORS, Example, Report, Span, evaluate, load_examples

EXAMPLES = load_examples([PHI_SET_DIR])


def test_the_set_is_large_enough_and_covers_every_type() -> None:
    phi = [e for e in EXAMPLES if not e.clean]
    assert len(phi) >= 200 and len(EXAMPLES) - len(phi) >= 100
    counts = {t: sum(s.type is t for e in phi for s in e.spans) for t in PhiType}
    assert all(n >= 10 for n in counts.values()), counts


def test_redteam_floors(capsys: pytest.CaptureFixture[str]) -> None:
    report = evaluate(EXAMPLES)
    with capsys.disabled():
        print("\n" + "\n".join(report.lines(f"PHI red-team set ({len(EXAMPLES)} messages)")))
    assert FLOORS.failures(report) == []


@pytest.mark.parametrize(("directory", "what"), [
    (PHI_HELDOUT_DIR, "held-out files, never tuned on"),
    (PHI_BELOW_FLOOR_DIR, "files studied once, below the floors"),
])
def test_files_kept_apart_are_scored_apart(directory, what,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    # Their figures are the honest estimate; the guard catches a collapse only.
    apart = load_examples([directory])
    others = load_examples([PHI_HELDOUT_DIR if directory != PHI_HELDOUT_DIR else PHI_BELOW_FLOOR_DIR])
    ids = {e.id for e in apart}
    assert len(apart) >= 150 and not ids & {e.id for e in EXAMPLES} and not ids & {e.id for e in others}
    report = evaluate(apart)
    with capsys.disabled():
        print("\n" + "\n".join(report.lines(f"PHI {what} ({len(apart)} messages)")))
    identifiers = [t for t in report.spans if t != "HEALTH"]
    hidden = sum(report.redacted[t] for t in identifiers) / sum(report.spans[t] for t in identifiers)
    assert report.message_recall >= 0.95 and hidden >= 0.85 and report.false_alarm_rate <= 0.2


def test_reports_of_parts_add_up_to_the_whole() -> None:
    sources = sorted({e.source for e in EXAMPLES})
    whole = evaluate(EXAMPLES)
    parts = Report.combine(evaluate([e for e in EXAMPLES if e.source == s]) for s in sources)
    assert parts.lines() == whole.lines() and sorted(parts.missed) == sorted(whole.missed)


def test_an_empty_registry_fails_the_floors() -> None:
    # The floors mean something: finding nothing is far below them.
    assert FLOORS.failures(evaluate(EXAMPLES, Registry([])))


def test_malformed_examples_are_refused_with_file_and_line(tmp_path) -> None:
    bad = tmp_path / "bad.jsonl"
    good = {"id": "x1", "text": "call 555-201-3344", "spans": [{"type": "PHONE", "text": "555-201-3344"}]}
    rows = [good, {**good, "id": "x2", "spans": [{"type": "PHONE", "text": "not there"}]}]
    bad.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.jsonl:2: span 'not there'"):
        load_examples([bad])
    bad.write_text(json.dumps({**good, "spans": [{"type": "NOPE", "text": "555"}]}), encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.jsonl:1"):
        load_examples([bad])
    bad.write_text(json.dumps(good) + "\n" + json.dumps(good), encoding="utf-8")
    with pytest.raises(ValueError, match="repeated id"):
        load_examples([bad])


def test_coverage_counts_characters_not_types() -> None:
    # A room number hidden under another type is still hidden; "typed" tells them apart.
    text = "she is in room 412"
    example = Example("t", text, (Span(PhiType.ROOM, 15, 18),), "t")
    rooms = Registry([d for d in default_registry().detectors if d.name == "rooms"])
    as_room = evaluate([example], rooms)
    assert (as_room.redacted["ROOM"], as_room.typed["ROOM"]) == (1, 1)
    as_id = evaluate([example], Registry([_Everything()]))
    assert (as_id.redacted["ROOM"], as_id.typed["ROOM"]) == (1, 0)
    nothing = evaluate([example], Registry([]))
    assert nothing.redacted["ROOM"] == 0 and nothing.missed == [("t", "ROOM", "412")]


class _Everything(Detector):
    """Calls the whole text an ID."""

    name = "everything"

    def detect(self, text: str) -> list[Finding]:
        return [Finding(PhiType.ID, 0, len(text), 0.5, self.name)]
