"""Generated Rasa NLU YAML: loads in Rasa, one line per example, never over hand-written files."""

from __future__ import annotations

import datetime as dt

import pytest
from rasa.shared.nlu.training_data.loading import load_data

from triage.errors import ConfigError
from triage.retraining import (
    GENERATED_MARK,
    Example,
    escape_example,
    write_heldout_yaml,
    write_training_yaml,
)

TODAY = dt.date(2026, 11, 24)

ESCAPES = [
    ("[NAME](my son) has a fever", "[NAME] (my son) has a fever"),
    ("[NAME][DOB] fever", "[NAME] [DOB] fever"),
    ("account [ID]{balance} wrong", "account [ID] {balance} wrong"),
    ("[NAME] (my son) is fine", "[NAME] (my son) is fine"),
    ("line one\nline two\r\nthree\u2028four", "line one line two three four"),
    ("tab\there", "tab here"),
    ("\ufeffbom and \x00nul\x07 bell", "bom and nul bell"),
    ("  spaced  ", "spaced"),
    ("emoji 👩‍⚕️ stays", "emoji 👩‍⚕️ stays"),
]


@pytest.mark.parametrize("text, expected", ESCAPES)
def test_escape_example(text, expected):
    assert escape_example(text) == expected


# Texts a YAML block must carry through unchanged (after one-lining).
AWKWARD = [
    "- starts with a dash",
    "# not a comment",
    "* star, & ampersand, ! bang",
    "'single' and \"double\" quotes",
    "{not: a mapping}",
    "[bracket at start] then words",
    "| pipe > greater",
    ": colon start, key: value",
    "@mention %percent `backtick`",
    "ends with a colon:",
    "true",
    "123",
    "Qué hora es? ¿abren? 😀",
]

EXAMPLES = [
    Example("my son [NAME](dob [DOB]) has a fever", "clinical_request"),
    Example("[NAME][PHONE] call me", "appointment_request"),
    Example("where do I park\nfor the clinic", "general_question/parking"),
    Example("are you open", "general_question"),
] + [Example(t, "other") for t in AWKWARD]


def test_generated_training_yaml_loads_in_rasa(tmp_path):
    path = write_training_yaml(EXAMPLES, tmp_path / "nlu" / "generated" / "export.yml",
                               "team/export.csv", TODAY)
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == (f"{GENERATED_MARK} from export.csv on 2026-11-24; "
                                    "do not edit")
    data = load_data(str(path))
    assert data.entities == set()  # no placeholder was read as an entity annotation
    got = sorted((m.get("text"), m.get_full_intent()) for m in data.training_examples)
    want = sorted((escape_example(e.text), e.intent) for e in EXAMPLES)
    assert got == want


def test_held_out_yaml_loads_and_must_be_outside_data(tmp_path):
    data_dir = tmp_path / "data"
    (data_dir / "nlu").mkdir(parents=True)
    with pytest.raises(ConfigError, match="outside the training data"):
        write_heldout_yaml(EXAMPLES, data_dir / "nlu" / "heldout.yml", "x.csv", data_dir, TODAY)
    with pytest.raises(ConfigError, match="outside the training data"):
        write_heldout_yaml(EXAMPLES, data_dir / "heldout.yml", "x.csv", data_dir, TODAY)
    path = write_heldout_yaml(EXAMPLES, tmp_path / "var" / "heldout.yml", "x.csv", data_dir,
                              TODAY)
    assert "never train" in path.read_text(encoding="utf-8").splitlines()[1]
    assert len(load_data(str(path)).training_examples) == len(EXAMPLES)


def test_never_writes_outside_a_generated_folder_or_over_hand_written_files(tmp_path):
    with pytest.raises(ConfigError, match="'generated' folder"):
        write_training_yaml(EXAMPLES, tmp_path / "nlu" / "praise.yml", "x.csv", TODAY)
    hand = tmp_path / "nlu" / "generated" / "mine.yml"
    hand.parent.mkdir(parents=True)
    hand.write_text('version: "3.1"\nnlu: []\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="not a generated file"):
        write_training_yaml(EXAMPLES, hand, "x.csv", TODAY)
    assert hand.read_text(encoding="utf-8") == 'version: "3.1"\nnlu: []\n'
    own = tmp_path / "nlu" / "generated" / "x.yml"
    write_training_yaml(EXAMPLES, own, "x.csv", TODAY)
    write_training_yaml(EXAMPLES[:1], own, "x.csv", TODAY)  # its own file: replaced
    assert len(load_data(str(own)).training_examples) == 1


def test_no_examples_is_still_valid(tmp_path):
    path = write_training_yaml([], tmp_path / "generated" / "empty.yml", "x.csv", TODAY)
    assert load_data(str(path)).training_examples == []
