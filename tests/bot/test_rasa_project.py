"""The Rasa project as Rasa sees it: data validation, held-out scores, conversations."""

from __future__ import annotations

import subprocess

import pytest

from bot.evaluate import evaluate_model, score_dev
from tests.rasa_support import REPO_ROOT, VENV_BIN, train_small_model
from triage import phi
from triage.evaluation import format_crisis_threshold, format_dev_figures, format_report
from triage.parse import parse_from_nlu

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def small_model():
    return train_small_model()


def test_rasa_data_validate():
    result = subprocess.run(
        [str(VENV_BIN / "rasa"), "data", "validate", "--domain", "bot/domain", "--data", "data",
         "--config", "config.yml"],
        cwd=REPO_ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def _routed(service, text, parsed, reasons):
    decision = service.assess(phi.deidentify(text), parse_from_nlu(parsed), "private_message")
    return decision.reason.value in reasons


def test_heldout_scores(small_model, service, capsys):
    result = evaluate_model(small_model, REPO_ROOT / "tests" / "nlu" / "heldout.yml")
    # What the user experiences: the model plus the policy and its crisis backstop.
    emergencies = [(t, p) for t, c, p in result.parses if c == "emergency"]
    others = [(t, p) for t, c, p in result.parses if c != "emergency"]
    clinical = [(t, p) for t, c, p in result.parses if c == "clinical_request"]
    system_recall = sum(_routed(service, t, p, {"emergency"}) for t, p in emergencies) / len(emergencies)
    false_alarms = sum(_routed(service, t, p, {"emergency"}) for t, p in others)
    clinical_routed = sum(_routed(service, t, p, {"phi", "clinical", "emergency"})
                          for t, p in clinical) / len(clinical)
    with capsys.disabled():
        print(f"\nHeld-out ({result.examples} examples), small test model:\n"
              f"{format_report(result.report)}\n"
              f"median parse {result.median_parse_ms:.1f} ms, p95 {result.p95_parse_ms:.1f} ms\n"
              f"with the policy: emergency routed {system_recall:.2f}, "
              f"false emergencies {false_alarms}/{len(others)}, "
              f"clinical sent to a human {clinical_routed:.2f}")
    # Floors under the measured figures (README): they catch a broken model or data,
    # not noise. Emergency routing is the figure that matters most.
    assert result.report.macro_f1 >= 0.84
    assert system_recall >= 0.90
    assert clinical_routed >= 0.90


DEV = REPO_ROOT / "tests" / "nlu" / "dev"
# Floors a few points under the targets (README, "How well it triages"): a regression
# in the data, the model or the policy stops CI; noise does not.
DEV_FLOORS = {"macro_f1": 0.82, "register_f1": 0.72, "crisis_routed": 0.96,
              "false_crisis": 0.07, "negative_recall": 0.82, "to_human": 0.95,
              "spam_ignored": 0.92}


def test_dev_set_scores(small_model, taxonomy, capsys):
    result, figures, rows = score_dev(small_model, DEV, taxonomy)
    with capsys.disabled():
        print(f"\nDevelopment set ({result.examples} messages, tests/nlu/dev), shipped pipeline:\n"
              f"{format_dev_figures(figures)}\n"
              f"{format_crisis_threshold(rows, taxonomy.emergency_threshold)}\n"
              f"- median parse {result.median_parse_ms:.1f} ms, p95 {result.p95_parse_ms:.1f} ms")
    assert figures.overall.macro_f1 >= DEV_FLOORS["macro_f1"]
    for register, report in figures.by_register.items():
        assert report.macro_f1 >= DEV_FLOORS["register_f1"], register
    assert figures.crisis_routed.value >= DEV_FLOORS["crisis_routed"]
    assert figures.false_crisis.value <= DEV_FLOORS["false_crisis"]
    assert figures.overall.per_class["negative_review"].recall >= DEV_FLOORS["negative_recall"]
    assert figures.to_human.value >= DEV_FLOORS["to_human"]
    assert figures.spam_ignored.value >= DEV_FLOORS["spam_ignored"]


def test_conversation_stories(small_model, tmp_path):
    result = subprocess.run(
        [str(VENV_BIN / "python"), "-m", "bot", "test", "core", "--model", str(small_model),
         "--stories", "tests/conversations", "--out", str(tmp_path), "--fail-on-prediction-errors"],
        cwd=REPO_ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
