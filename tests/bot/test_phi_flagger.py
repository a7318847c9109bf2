"""The PHI flagger component: types and spans into the parse data, identifiers out of TEXT."""

from pathlib import Path

from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.phi_flagger import PhiFlagger

MOM = "my mom Jane Smith DOB 3/4/1950 still has a fever after her surgery"


def test_process_flags_types_and_spans_without_values():
    (message,) = PhiFlagger({}).process([Message(data={TEXT: MOM})])
    phi = message.get("phi")
    assert {"NAME", "DOB", "HEALTH"} <= set(phi["types"])
    assert all(set(span) == {"type", "start", "end"} for span in phi["spans"])
    assert "Jane" not in str(phi) and "1950" not in str(phi)
    text = message.get(TEXT)
    assert "Jane" not in text and "1950" not in text and "[NAME]" in text and "fever" in text
    assert "phi" in message.as_dict(only_output_properties=True)


def test_clean_text_is_untouched():
    (message,) = PhiFlagger({}).process([Message(data={TEXT: "where do I park?"})])
    assert message.get(TEXT) == "where do I park?" and message.get("phi")["types"] == []


def test_training_examples_are_deidentified():
    data = TrainingData([Message(data={TEXT: "book my son Jake in, his dob is 03/04/2015",
                                       "intent": "appointment_request"})])
    PhiFlagger({}).process_training_data(data)
    text = data.training_examples[0].get(TEXT)
    assert "Jake" not in text and "2015" not in text


def test_placeholders_from_the_channel_still_count_as_phi():
    (message,) = PhiFlagger({}).process([Message(data={TEXT: "my mom [NAME] DOB [DOB] has a fever"})])
    assert {"NAME", "DOB"} <= set(message.get("phi")["types"])


def test_the_cache_key_follows_the_detectors(tmp_path):
    # Rasa reuses a cached node when its key is unchanged; the key must change with any
    # detector file, word lists included, so stale de-identified training text is never reused.
    import shutil

    from triage.phi import registry

    assert PhiFlagger.fingerprint_addon({}) == registry.source_fingerprint()
    copy = tmp_path / "phi"
    shutil.copytree(Path(registry.__file__).parent, copy, ignore=shutil.ignore_patterns("__pycache__"))
    before = registry.source_fingerprint(copy)
    assert before == registry.source_fingerprint()
    words = copy / "detectors" / "data" / "first_names.txt"
    words.write_text(words.read_text(encoding="utf-8") + "zorbeth\n", encoding="utf-8")
    assert registry.source_fingerprint(copy) != before
