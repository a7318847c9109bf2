"""Public text never confirms that the reader is or was a patient (issue 13, item 3)."""

from __future__ import annotations

import pytest
import yaml

from triage.cli import main
from triage.replies.confirmation import patient_confirmations
from triage.settings import Settings
from tests.conftest import TODAY

REFUSED = [
    ("We're sorry your visit was disappointing.", "your visit"),
    ("We hope your stay was comfortable.", "your stay"),
    ("We're glad your procedure went well!", "your procedure"),
    ("Please share this with your doctor.", "your doctor"),
    ("Your results are available in the portal.", "Your results"),
    ("We're sorry about your recent ER visit.", "your recent ER visit"),
    ("We hope your mother's care met your expectations.", "your mother's care"),
    ("We hope your mother\u2019s surgery went well.", "your mother's surgery"),
    ("Thank you for trusting us with the care of your father.", "care of your father"),
    ("We're sorry things were hard when you were here.", "when you were here"),
    ("While you were admitted our staff did their best.", "While you were admitted"),
    ("We're sorry you were treated that way.", "you were treated"),
    ("Our nurses cared for you as best they could.", "Our nurses cared for you"),
    ("As a patient you deserve better.", "As a patient"),
    ("Our records show no complaint.", "Our records show"),
    ("We're sorry about your experience with us.", "your experience with us"),
    ("Everyone in our care matters.", "in our care"),
    ("We're sorry for the wait during your appointment.", "during your"),
    ("Your last visit was in March.", "Your last visit"),
    ("YOUR BILL will be corrected.", "YOUR BILL"),
]

ALLOWED = [
    "Thank you for your feedback. Please contact Patient Relations at (555) 010-2000.",
    "Thanks for your kind words! We'll share them with the team.",
    "For your privacy, please don't share personal or health details in comments.",
    "Please check your coverage before your visit.",
    "Call us to schedule your appointment.",
    "We'd like to hear more. Please send us a private message.",
    "Thanks for your question! Visiting hours are 8 a.m. to 8 p.m.",
    "We take every concern seriously and would like to talk with you.",
    "Our doctors and nurses are proud to serve this community.",
    "Thank you for your interest in joining our team.",
]


@pytest.mark.parametrize("text, phrase", REFUSED)
def test_phrases_that_confirm_a_patient_are_found(text, phrase):
    found = [c.phrase for c in patient_confirmations(text)]
    assert found and found[0].lower() == phrase.lower().replace("\u2019", "'"), found


@pytest.mark.parametrize("text", ALLOWED)
def test_generic_replies_pass(text):
    assert patient_confirmations(text) == []


def test_every_public_template_passes(library):
    for template in library.templates:
        if template.surface == "public_comment":
            assert patient_confirmations(template.text) == [], template.id


def test_check_templates_refuses_a_public_template_that_confirms_a_visit(tmp_path, monkeypatch,
                                                                         capsys):
    path = Settings().templates_path
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    public = next(t for t in data["templates"] if t["id"] == "complaint_ack.public")
    public["text"] = "We're sorry your visit was disappointing. Please call {org_phone}."
    changed = tmp_path / "templates.yml"
    changed.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    monkeypatch.setenv("TRIAGE_TEMPLATES", str(changed))
    assert main(["check-templates", "--today", TODAY.isoformat()]) == 1
    out = capsys.readouterr().out
    assert "FAIL complaint_ack.public: could confirm a patient in public: 'your visit'" in out


def test_a_private_template_may_speak_of_the_visit(library):
    # Only public text is checked: a private message goes to the writer alone.
    from triage.replies import check_library

    assert check_library(library, TODAY) == []
