"""The promotion gate: safety recalls never drop; macro-F1 within the tolerance."""

from __future__ import annotations

import pytest

from tests.triage.retraining.conftest import make_report
from triage.errors import InputError
from triage.evaluation import evaluate
from triage.retraining import decide
from triage.taxonomy import CATEGORIES

CURRENT = make_report({})  # 8 of 10 right in every category

GATE = [
    # candidate's correct counts, promote?, failing checks
    pytest.param({c: 9 for c in CATEGORIES}, True, [], id="better-everywhere"),
    pytest.param({}, True, [], id="identical"),
    pytest.param({"emergency": 7, "spam": 10, "praise": 10}, False, ["recall emergency"],
                 id="lower-emergency-recall-refused-even-with-better-macro-f1"),
    pytest.param({"clinical_request": 7}, False, ["recall clinical_request"],
                 id="lower-clinical-recall-refused"),
    pytest.param({"praise": 3, "negative_review": 3}, False, ["macro-F1"],
                 id="macro-f1-drop-beyond-tolerance"),
    pytest.param({"praise": 7}, True, [], id="macro-f1-drop-within-tolerance"),
    pytest.param({"emergency": 6, "clinical_request": 6, "spam": 2}, False,
                 ["recall emergency", "recall clinical_request", "macro-F1"],
                 id="everything-worse-lists-every-failure"),
]


@pytest.mark.parametrize("correct, promote, failing", GATE)
def test_gate(correct, promote, failing):
    candidate = make_report(correct)
    decision = decide(CURRENT, candidate, tolerance=0.02)
    assert decision.promote is promote
    assert [c.name for c in decision.failed] == failing
    assert [c.name for c in decision.checks] == ["recall emergency", "recall clinical_request",
                                                 "macro-F1"]
    macro = decision.checks[-1]
    assert (macro.current, macro.candidate) == (CURRENT.macro_f1, candidate.macro_f1)
    assert macro.threshold == pytest.approx(CURRENT.macro_f1 - 0.02)


def test_within_tolerance_case_really_is_a_small_drop():
    drop = CURRENT.macro_f1 - make_report({"praise": 7}).macro_f1
    assert 0 < drop < 0.02
    assert CURRENT.macro_f1 - make_report({"praise": 3, "negative_review": 3}).macro_f1 > 0.02


def test_tolerance_is_a_parameter():
    candidate = make_report({"praise": 3, "negative_review": 3})
    assert decide(CURRENT, candidate, tolerance=0.2).promote
    assert not decide(CURRENT, candidate, tolerance=0.0).promote


def test_describe_lists_every_check_with_both_figures():
    text = decide(CURRENT, make_report({"emergency": 7})).describe()
    assert text.splitlines()[0] == "REFUSE"
    assert "FAIL recall emergency: candidate 0.700, current 0.800, needs >= 0.800" in text
    assert "pass recall clinical_request: candidate 0.800, current 0.800" in text
    assert decide(CURRENT, CURRENT).as_dict()["promote"] is True


def test_a_guarded_category_without_held_out_examples_refuses():
    pairs = [(c, c) for c in CATEGORIES if c != "emergency"]
    report = evaluate(pairs, CATEGORIES)
    decision = decide(report, report)
    assert not decision.promote
    assert decision.failed[0].note == "no held-out examples: cannot check"


def test_reports_on_different_held_out_sets_are_refused():
    with pytest.raises(InputError, match="not on the same held-out set"):
        decide(CURRENT, make_report({}, n=11))
    with pytest.raises(InputError, match="tolerance"):
        decide(CURRENT, CURRENT, tolerance=-0.1)
