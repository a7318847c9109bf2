"""Checks the template library and the bot's domain against it.

Each check returns a list of problems (empty means fine) so the CLI can print them
all at once rather than stopping at the first.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Iterable, List, Tuple

import yaml

from triage.replies.confirmation import refusal
from triage.replies.library import ALLOWED_VARIABLES, TemplateLibrary, variables_of


def check_library(
    library: TemplateLibrary,
    today: dt.date,
    required: Iterable[Tuple[str, str]] = (),
) -> List[str]:
    """Unapproved, expired, unknown-variable and missing templates, and public ones that could
    confirm a patient (`triage.replies.confirmation`)."""
    problems: List[str] = []
    for template in library.templates:
        if not template.approved_by.strip():
            problems.append(f"{template.id}: no approver")
        if template.approved_on > today:
            problems.append(f"{template.id}: approval date {template.approved_on} is in the future")
        if template.review_due <= today:
            problems.append(f"{template.id}: review was due {template.review_due}")
        unknown = sorted(set(template.variables) - ALLOWED_VARIABLES)
        if unknown:
            problems.append(f"{template.id}: unknown variables {unknown}")
        if template.surface == "public_comment":
            if "case_ref" in template.variables:
                problems.append(f"{template.id}: a public reply must not carry a case reference")
            problems += refusal(template.id, template.text)
    for key, surface in required:
        if not library.has(key, surface):
            problems.append(f"missing template {key!r} for {surface}")
    return problems


def _domain_files(domain: Path) -> List[Path]:
    if domain.is_dir():
        return sorted(p for p in domain.rglob("*") if p.suffix in (".yml", ".yaml"))
    return [domain]


def domain_response_texts(domain: Path) -> List[Tuple[str, str]]:
    """(response name, text) for every text response in a Rasa domain file or folder."""
    found: List[Tuple[str, str]] = []
    for path in _domain_files(domain):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for name, variants in (data.get("responses") or {}).items():
            for variant in variants or []:
                if isinstance(variant, dict) and "text" in variant:
                    found.append((name, str(variant["text"])))
    return found


def check_domain_responses(library: TemplateLibrary, domain: Path) -> List[str]:
    """Every text a Rasa response could send must be an approved template text."""
    approved = {" ".join(t.text.split()) for t in library.templates}
    problems: List[str] = []
    for name, text in domain_response_texts(domain):
        if " ".join(text.split()) not in approved:
            problems.append(f"domain response {name} is not an approved template")
        unknown = sorted(set(variables_of(text)) - ALLOWED_VARIABLES)
        if unknown:
            problems.append(f"domain response {name}: unknown variables {unknown}")
    return problems
