"""The approved template library and its check."""

import dataclasses
import datetime as dt

import pytest

from triage.cli import main
from triage.errors import ConfigError, TemplateError
from triage.replies import check_domain_responses, check_library, TemplateLibrary
from triage.replies.library import load_library
from triage.settings import REPO_ROOT
from tests.conftest import TODAY

VARS = {"org_name": "Org", "org_phone": "555", "portal_url": "https://p", "case_ref": "IT-1"}


def test_every_template_is_current(library):
    assert check_library(library, TODAY) == []


def test_render_uses_only_allowed_variables(library):
    rendered = library.render("secure_portal", "private_message", VARS, TODAY)
    assert "IT-1" in rendered.text and "https://p" in rendered.text
    assert rendered.template_id == "secure_portal.private"
    with pytest.raises(TemplateError):
        library.render("secure_portal", "private_message", {**VARS, "text": "x"}, TODAY)


def test_render_refuses_expired_and_unknown(library):
    with pytest.raises(TemplateError):
        library.render("praise_thanks", "public_comment", VARS, dt.date(2030, 1, 1))
    with pytest.raises(TemplateError):
        library.render("no_such_key", "public_comment", VARS, TODAY)


def test_public_templates_carry_no_case_reference(library):
    for t in library.templates:
        if t.surface == "public_comment":
            assert "case_ref" not in t.variables, t.id


def _variant(library, **changes):
    first = dataclasses.replace(library.templates[0], **changes)
    return TemplateLibrary((first,) + library.templates[1:])


@pytest.mark.parametrize("changes,problem", [
    ({"approved_by": " "}, "no approver"),
    ({"review_due": dt.date(2026, 1, 1)}, "review was due"),
    ({"approved_on": dt.date(2027, 1, 1)}, "in the future"),
    ({"text": "Hi {first_name}"}, "unknown variables"),
])
def test_check_finds_bad_templates(library, changes, problem):
    problems = check_library(_variant(library, **changes), TODAY)
    assert any(problem in p for p in problems), problems


def test_check_finds_missing_required(library):
    assert check_library(library, TODAY, [("nope", "public_comment")]) == [
        "missing template 'nope' for public_comment"]


def test_domain_responses_must_be_approved(library, tmp_path):
    assert check_domain_responses(library, REPO_ROOT / "bot" / "domain") == []
    (tmp_path / "d.yml").write_text(
        'responses:\n  utter_x:\n  - text: "Take two aspirin and call me"\n')
    assert check_domain_responses(library, tmp_path) == [
        "domain response utter_x is not an approved template"]


def test_loader_rejects_missing_fields(tmp_path):
    path = tmp_path / "t.yml"
    path.write_text("templates:\n- id: a\n  key: a\n  surface: public_comment\n  text: hi\n")
    with pytest.raises(ConfigError, match="missing"):
        load_library(path)


def test_check_command_passes_on_the_repo(capsys):
    assert main(["check-templates", "--today", TODAY.isoformat()]) == 0
    assert "templates OK" in capsys.readouterr().out


def test_check_command_fails_when_expired(capsys):
    assert main(["check-templates", "--today", "2031-01-01"]) == 1
    assert "review was due" in capsys.readouterr().out
