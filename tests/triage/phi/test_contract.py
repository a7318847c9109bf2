"""One contract every detector in the default registry must honour (presidio style)."""

from __future__ import annotations

import pytest

from tests.triage.phi.cases import POSITIVES
from triage.phi import Detector, Finding, PhiType, Registry, default_registry

ODD_INPUTS = [
    "",
    " ",
    "\n\n",
    "😀😀 my son Jake 😀 has a fever 🤒",
    "<script>alert('my son Jake')</script><b>DOB 3/4/1950</b>",
    "我的儿子发烧了, 电话 555-123-4567",
    "ابني مريض، رقم الهاتف 555-123-4567",
    "Ünïcödé Zoë Ångström my mom José Núñez",
    "\x00\x1b[31m control chars \u200b\ufeff",
    "my mom Jane Smith DOB 3/4/1950 still has a fever after her surgery, call 555-123-4567",
    "[NAME] [DOB] [HEALTH]" * 3,
    "[AGE_90+] [ROOM] [HANDLE] [URL] [IP]",
    "https://" + "a" * 400 + " @" + "b" * 200 + " 1 2 3 4 5 6 7 8 9 " * 20,
    "room " * 200 + "apt " * 200 + "plate " * 200,
]
DETECTORS = default_registry().detectors


def test_registry_lists_one_detector_per_entity() -> None:
    names = {d.name for d in DETECTORS}
    assert names == {
        "placeholders",
        "names",
        "dates",
        "ages",
        "phone",
        "email",
        "address",
        "rooms",
        "ids",
        "accounts",
        "licenses",
        "vehicles",
        "devices",
        "ssn",
        "split_numbers",
        "urls",
        "network",
        "handles",
        "health",
        "crisis",
    }


def test_every_type_and_detector_has_its_table() -> None:
    # Each PHI type has positives in the shared table, and every detector finds one of them.
    by_type = {t: [row for row in POSITIVES if row[1] is t] for t in PhiType}
    assert all(len(rows) >= 3 for rows in by_type.values()), {
        t.value: len(rows) for t, rows in by_type.items() if len(rows) < 3
    }
    credited = {f.detector for text, _, _ in POSITIVES for f in default_registry().detect(text)}
    assert credited == {d.name for d in DETECTORS}


@pytest.mark.parametrize("detector", DETECTORS, ids=lambda d: d.name)
@pytest.mark.parametrize("text", ODD_INPUTS)
def test_detector_contract(detector: Detector, text: str) -> None:
    assert isinstance(detector, Detector)
    findings = detector.detect(text)
    assert isinstance(findings, list)
    for finding in findings:
        assert isinstance(finding, Finding)
        assert isinstance(finding.type, PhiType)
        assert 0 <= finding.start < finding.end <= len(text)
        assert finding.detector == detector.name != ""
        assert 0.0 < finding.score <= 1.0


def test_registry_rejects_duplicate_names() -> None:
    with pytest.raises(ValueError):
        Registry([DETECTORS[0], DETECTORS[0]])


def test_custom_registry_runs_only_its_detectors() -> None:
    registry = Registry([d for d in DETECTORS if d.name == "email"])
    findings = registry.detect("my son Jake, jake@example.com")
    assert [(f.type, f.detector) for f in findings] == [(PhiType.EMAIL, "email")]


@pytest.mark.parametrize("detector", DETECTORS, ids=lambda d: d.name)
def test_detector_is_stateless(detector: Detector) -> None:
    text = ODD_INPUTS[-2]
    assert detector.detect(text) == detector.detect(text)
