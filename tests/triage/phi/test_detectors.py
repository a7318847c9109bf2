"""Table-driven checks of what each PHI type catches and what it must leave alone."""

from __future__ import annotations

import pytest

from tests.triage.phi.cases import NEGATIVES, POSITIVES
from triage.phi import PhiType, detect


def _found(text: str) -> list[tuple[PhiType, str]]:
    return [(f.type, text[f.start : f.end]) for f in detect(text)]


@pytest.mark.parametrize(("text", "phi_type", "span"), POSITIVES)
def test_positive(text: str, phi_type: PhiType, span: str) -> None:
    assert (phi_type, span) in _found(text)


@pytest.mark.parametrize(("text", "forbidden"), NEGATIVES)
def test_negative(text: str, forbidden: PhiType | None) -> None:
    found = _found(text)
    if forbidden is None:
        assert found == []
    else:
        assert [f for f in found if f[0] is forbidden] == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my son [NAME] has a fever", [("NAME", "[NAME]"), ("HEALTH", "fever")]),
        ("call [PHONE] or email [EMAIL]", [("PHONE", "[PHONE]"), ("EMAIL", "[EMAIL]")]),
        (
            "[DOB] [DATE] [ADDRESS] [SSN]",
            [("DOB", "[DOB]"), ("DATE", "[DATE]"), ("ADDRESS", "[ADDRESS]"), ("SSN", "[SSN]")],
        ),
        ("[name] and [FOO] are not placeholders", []),
    ],
)
def test_placeholders_are_findings(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(t.value, s) for t, s in _found(text)] == expected


def test_staff_title_then_relation_name() -> None:
    # Staff stay as written while the patient next to them is caught.
    text = "Dr. Patel said my daughter Chloe needs stitches"
    assert _found(text) == [(PhiType.NAME, "Chloe"), (PhiType.HEALTH, "stitches")]


def test_id_cue_beats_bare_phone_shape() -> None:
    assert _found("member id 2125550134") == [(PhiType.ID, "2125550134")]


def test_dob_and_date_in_one_message() -> None:
    text = "DOB 1/2/1960, seen on 3/4/2024"
    assert _found(text) == [(PhiType.DOB, "1/2/1960"), (PhiType.DATE, "3/4/2024")]
