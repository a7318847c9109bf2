"""Dataset building: redaction first, near-duplicates, conflicts, the stratified split."""

from __future__ import annotations

import logging
import random

import pytest

from triage.errors import InputError
from triage.retraining import LabeledRow, build_dataset, load_nlu_examples, normalise, text_hash
from triage.settings import REPO_ROOT
from triage.taxonomy import CATEGORIES

NLU_DIR = REPO_ROOT / "data" / "nlu"


def row(text, intent, n=2):
    return LabeledRow(text, intent, n)


NORMALISE = [
    ("What ARE your hours??", "what are your hours"),
    ("what are   your\nhours", "what are your hours"),
    ("what are your hours 🙏🙏", "what are your hours"),
    ("what-are_your...hours!", "what are your hours"),
    ("  Ｈｏｕｒｓ？  ", "hours"),  # full-width forms fold (NFKC)
    ("¿A qué hora abre?", "a qué hora abre"),  # accents are letters, kept
    ("my son [NAME] has a fever", "my son name has a fever"),
    ("😂😂😂", ""),
]


@pytest.mark.parametrize("text, expected", NORMALISE)
def test_normalise(text, expected):
    assert normalise(text) == expected


def test_text_hash_is_short_stable_and_not_the_text():
    h = text_hash("my son name has a fever")
    assert h == text_hash("my son name has a fever") and len(h) == 12
    assert "fever" not in h


def test_load_nlu_examples_reads_the_hand_written_data():
    examples = load_nlu_examples(NLU_DIR)
    assert len(examples) > 700
    assert {c for _, c in examples} == set(CATEGORIES)  # sub-intents folded into categories
    assert ("hours?", "general_question") in examples
    assert all(not t.startswith("- ") and t for t, _ in examples)


def test_load_nlu_examples_forms_and_exclusions(tmp_path):
    (tmp_path / "a.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: praise\n  examples: |\n    - thanks [Dr. Li](staff)!\n'
        "    - great team\n- synonym: ER\n  examples: |\n    - emergency room\n"
        "- intent: general_question/parking\n  examples:\n  - text: where do I park\n"
        "    metadata: {source: x}\n", encoding="utf-8")
    (tmp_path / "generated").mkdir()
    skipped = tmp_path / "generated" / "old.yml"
    skipped.write_text('nlu:\n- intent: spam\n  examples: |\n    - buy now\n', encoding="utf-8")
    (tmp_path / "empty.yml").write_text("", encoding="utf-8")
    assert load_nlu_examples(tmp_path, exclude=[skipped]) == [
        ("thanks Dr. Li!", "praise"), ("great team", "praise"),
        ("where do I park", "general_question")]


def test_every_text_is_deidentified_and_on_one_line():
    data = build_dataset([
        row("my son Jake Morrison has a fever, his dob is 03/04/2019", "clinical_request"),
        row("call me at 555-201-3344\nabout my\r\nappointment", "appointment_request"),
        row("great nurses on 5 East", "praise"),
    ], heldout_fraction=0.0)
    texts = {e.text for e in data.train}
    assert texts == {"my son [NAME] has a fever, his dob is [DOB]",
                     "call me at [PHONE] about my appointment", "great nurses on 5 East"}
    assert data.summary.redacted == 2  # collapsing lines alone is not a redaction


def test_duplicates_against_existing_training_data_are_dropped():
    existing = load_nlu_examples(NLU_DIR)
    data = build_dataset([
        row("HOURS???", "general_question/hours", 2),       # "hours?" in general_question.yml
        row("hours 🙏", "general_question", 3),
        row("what is the parking rate for the lot by the new wing", "general_question/parking", 4),
    ], existing, heldout_fraction=0.0)
    assert [e.text for e in data.train] == ["what is the parking rate for the lot by the new wing"]
    assert data.summary.duplicates_of_existing == 2
    assert data.summary.conflicts == ()


def test_duplicates_within_the_export_keep_one_preferring_a_topic():
    data = build_dataset([
        row("Where can I park?", "general_question", 2),
        row("where can i park", "general_question/parking", 3),
        row("WHERE CAN I PARK!!", "general_question", 4),
    ], heldout_fraction=0.0)
    assert [(e.text, e.intent) for e in data.train] == [("where can i park",
                                                         "general_question/parking")]
    assert data.summary.duplicates_in_export == 2


def test_conflicts_are_reported_by_hash_and_dropped(caplog):
    existing = [("I want to kill myself", "emergency")]
    rows = [
        row("Thank you!!", "praise", 2), row("thank you", "other", 3),
        row("thank you 🙏", "praise", 4),
        row("i want to KILL myself", "other", 5),          # conflicts with existing data
        row("i want to kill myself.", "emergency", 6),     # same group: dropped with it
        row("nice lobby", "praise", 7),
    ]
    with caplog.at_level(logging.INFO, logger="triage.retraining"):
        data = build_dataset(rows, existing, heldout_fraction=0.0)
    s = data.summary
    assert [(c.text_hash, c.labels, c.count, c.with_existing) for c in s.conflicts] == [
        (text_hash("thank you"), ("other", "praise"), 3, False),
        (text_hash("i want to kill myself"), ("emergency", "other"), 2, True),
    ]
    assert s.conflict_rows_dropped == 5
    assert [e.text for e in data.train] == ["nice lobby"]
    logged = caplog.text.lower()
    assert text_hash("thank you") in logged
    assert "thank you" not in logged and "kill" not in logged


def test_empty_after_cleaning_is_dropped():
    data = build_dataset([row("😂😂", "other"), row("...", "other"), row("ok", "other")],
                         heldout_fraction=0.0)
    assert data.summary.empty_dropped == 2 and len(data.train) == 1


def _rows(counts):
    out = []
    for category, n in counts.items():
        out += [row(f"{category} example number {i}", category, len(out) + 2) for i in range(n)]
    return out


SPLITS = [
    # n per class -> held-out per class at 20%
    pytest.param({"spam": 10}, {"spam": 2}, id="20-percent"),
    pytest.param({"spam": 2}, {"spam": 1}, id="two-gives-one"),
    pytest.param({"spam": 3}, {"spam": 1}, id="at-least-one"),
    pytest.param({"spam": 1}, {"spam": 0}, id="a-single-example-trains"),
    pytest.param({"spam": 12, "emergency": 5, "praise": 1}, {"spam": 2, "emergency": 1,
                                                             "praise": 0}, id="mixed"),
]


@pytest.mark.parametrize("counts, heldout", SPLITS)
def test_split_is_stratified(counts, heldout):
    data = build_dataset(_rows(counts), heldout_fraction=0.2, seed=7)
    for category, n in counts.items():
        assert data.summary.per_class[category] == (n - heldout[category], heldout[category])
    assert len(data.train) + len(data.heldout) == sum(counts.values())
    assert not {e.text for e in data.train} & {e.text for e in data.heldout}


def test_split_is_deterministic_and_independent_of_row_order():
    rows = _rows({"spam": 20, "praise": 15, "emergency": 9})
    first = build_dataset(rows, seed=42)
    shuffled = rows[:]
    random.Random(1).shuffle(shuffled)
    again = build_dataset(shuffled, seed=42)
    assert sorted(e.text for e in first.heldout) == sorted(e.text for e in again.heldout)
    assert first.heldout == build_dataset(rows, seed=42).heldout
    other_seed = build_dataset(rows, seed=43)
    assert sorted(e.text for e in other_seed.heldout) != sorted(e.text for e in first.heldout)


def test_summary_counts_and_dict_hold_no_text():
    data = build_dataset([row("Jane Doe says thanks", "praise"), row("thanks", "praise"),
                          row("thanks!", "praise")], skipped_unknown={"FYI": 2})
    d = data.summary.as_dict()
    assert d["rows_in"] == 3 and d["duplicates_in_export"] == 1
    assert d["skipped_unknown"] == {"FYI": 2}
    assert d["per_class"]["praise"] == {"train": 1, "heldout": 1}
    assert "thanks" not in repr(d).lower()


def test_bad_fraction():
    with pytest.raises(InputError):
        build_dataset([row("a", "spam")], heldout_fraction=1.0)
