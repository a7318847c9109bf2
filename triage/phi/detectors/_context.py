"""Whose contact details are these? The organisation's own (published, not PHI) or a person's.

"the hospital's main line is 555-310-2200", "does the pharmacy at 1200 Harbor Blvd take
walk-ins", "llamen al 555-310-4000 pa citas" give the page's public numbers and places;
"call me at", "we live at", "mi cel" give a person's. The nearest cue before the value, in
the same sentence and at most `_WINDOW` characters back, decides; with no cue it is a
person's (recall first).
"""

from __future__ import annotations

import re

__all__ = ["organisation_before"]

_WINDOW = 60
_ORG = (
    r"hospital'?s?|clinic'?s?|pharmacy|office|offices|campus|entrance|center|centre|location"
    r"|website|web\s?site|line|hotline|desk|department|dept|scheduling|registration|lobby"
    r"|garage|er|urgent\s+care|lab|branch|headquarters|foundation|your|you\s+guys|y'?all"
    r"|ustedes|llamen(?:\s+al)?|cl[ií]nica|farmacia|oficina|toll[\s-]?free|main\s+number"
    r"|call\s+(?:us|them)|(?:mail|send)\s+(?:the\s+)?payments?"
)
_PERSON = (
    r"my|me|mine|i|i'?m|im|we|we'?re|our|us|his|her|him|she|he|their|they|mom'?s|dad'?s"
    r"|mi|mis|me|nuestro|nuestra|su|sus|live|lives|living|vivo|vive|vivimos|home|casa|cell|cel"
    r"|celular|mobile|reach|text|whatsapp|personal"
)
_CUE = re.compile(r"\b(?:(?P<org>" + _ORG + r")|(?P<person>" + _PERSON + r"))\b", re.IGNORECASE)
# A promotion names what the number is for right after it: "Call (555) 310-4000 to learn more".
_PROMO_AFTER = re.compile(
    r"[^.!?\n]{0,25}?\b(?:to\s+(?:learn|find\s+out|schedule|book|register|sign\s+up|make)"
    r"|for\s+(?:more|info|information|appointments|details|scheduling)"
    r"|para\s+(?:citas|m[aá]s|informaci[oó]n|agendar)|pa\s+citas)\b",
    re.IGNORECASE,
)


def organisation_before(text: str, start: int, end: int | None = None) -> bool:
    """True when the nearest cue before `start` marks the organisation's own details, or
    (given the value's `end`) a promotion's "to learn more" follows it."""
    if end is not None and _PROMO_AFTER.match(text, end):
        return True
    lo = max(0, start - _WINDOW)
    last = None
    for last in _CUE.finditer(text, lo, start):
        pass
    return last is not None and last.group("org") is not None
