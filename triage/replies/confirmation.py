"""Public text must never confirm that the reader is or was a patient.

HHS's Office for Civil Rights has settled with providers whose replies to online reviews
confirmed that the reviewer was their patient. A reply that says "your visit", "your stay",
"your doctor", "when you were here" or "your mother's care" does that, however kind. This module
finds such phrases; `check_library` refuses a public template that has one, and every reply to a
public review is checked again before it is posted.

A visit spoken of as still to come ("check your coverage before your visit") confirms nothing
and is allowed; "your last visit" or "your visit was disappointing" is not.
"""

from __future__ import annotations

import dataclasses
import re
from typing import List

__all__ = ["Confirmation", "patient_confirmations", "refusal"]

_CARE = (r"visits?|stay|procedures?|surgery|surgeries|operation|appointments?|admission|"
         r"discharge|treatments?|care|diagnosis|results?|tests?|labs?|lab work|blood ?work|"
         r"scans?|x-?rays?|mri|ct|ultrasound|exams?|examination|bills?|invoice|statement|charts?|"
         r"records?|prescriptions?|medications?|meds|doctors?|physicians?|surgeons?|nurses?|"
         r"providers?|care team|therapist|dentist|hygienist|specialist|delivery|"
         r"(?:er|ed|emergency room|urgent care) visit|hospitali[sz]ation|recovery|condition|"
         r"injury|illness|case|file")
_RELATIVE = (r"mother|mom|mum|father|dad|parents?|son|daughter|child|children|kids?|baby|"
             r"wife|husband|partner|spouse|brother|sister|grandmother|grandfather|grandma|"
             r"grandpa|aunt|uncle|family member|loved one|friend")
_SEEN = r"seen|treated|admitted|discharged|examined|operated on|cared for|a patient|our patient"

_PATTERNS = [
    # your (last) visit / stay / doctor / results ...
    rf"\byour\s+(?:(?:recent|last|latest|previous|prior|first|second|hospital|clinic|office)\s+)?"
    rf"(?:{_CARE})\b",
    # your time / experience here, with us, at ...
    r"\byour\s+(?:time|experience|treatment|care)\s+(?:here|with us|at\b|in our\b|in the\b)",
    # your mother's care, your son's surgery, the care of your mother
    rf"\byour\s+(?:{_RELATIVE})'?s?'?\s+(?:{_CARE})\b",
    rf"\b(?:care|treatment|stay|visit|surgery)\s+of\s+your\s+(?:{_RELATIVE})\b",
    # when / while / since you were here, admitted, a patient ...
    rf"\b(?:when|while|since|after|before)\s+you\s+(?:were|was|came|visited|stayed)\s+"
    rf"(?:here|with us|in\b|at\b|{_SEEN})",
    rf"\byou\s+(?:were|have been|are)\s+(?:{_SEEN}|in our care|here)\b",
    rf"\b(?:he|she|they|your \w+)\s+(?:was|were|is)\s+(?:{_SEEN}|in our care)\b",
    # we treated / saw / discharged you (or him, her, them)
    r"\b(?:we|our (?:team|staff|doctors?|nurses?))\s+(?:treated|saw|examined|admitted|discharged|"
    r"operated on|cared for|took care of)\s+(?:you|your|him|her|them)\b",
    r"\b(?:as|being)\s+(?:a|our)\s+patient\b",
    r"\bour\s+(?:records|chart|files|system)\s+(?:show|shows|indicate|indicates|say|says)\b",
    r"\bin\s+our\s+care\b",
    r"\bduring\s+your\b",
]
_FOUND = re.compile("|".join(f"(?:{p})" for p in _PATTERNS), re.IGNORECASE)
# A visit still to come: "before your visit", "to schedule your appointment".
_AHEAD = re.compile(r"\b(?:before|ahead of|to (?:schedule|book|plan|prepare for)|for)\s+$",
                    re.IGNORECASE)
_AHEAD_NOUNS = re.compile(r"^your\s+(?:first\s+)?(?:visits?|appointments?)$", re.IGNORECASE)


@dataclasses.dataclass(frozen=True)
class Confirmation:
    """Where a text could confirm a patient, and the phrase (our own text, never a writer's)."""

    start: int
    end: int
    phrase: str


def patient_confirmations(text: str) -> List[Confirmation]:
    """Every phrase of `text` that could confirm the reader, or someone named, was a patient."""
    plain = text.replace("\u2019", "'").replace("\u2018", "'")
    found = []
    for match in _FOUND.finditer(plain):
        phrase = " ".join(match.group(0).split())
        if _AHEAD_NOUNS.match(phrase) and _AHEAD.search(plain[max(0, match.start() - 24):
                                                             match.start()]):
            continue
        found.append(Confirmation(match.start(), match.end(), phrase))
    return found


def refusal(name: str, text: str) -> List[str]:
    """Problems for a public text, each naming `name` and the phrase (empty means fine)."""
    return [f"{name}: could confirm a patient in public: {c.phrase!r}"
            for c in patient_confirmations(text)]
