"""Whose contact details are these? The organisation's own (published, not PHI) or a person's.

"the hospital's main line is 555-310-2200", "does the pharmacy at 1200 Harbor Blvd take
walk-ins", "llamen al 555-310-4000 pa citas" give the page's public numbers and places;
"call me at", "we live at", "mi cel" give a person's. The nearest cue at most `_WINDOW`
characters before the value decides; with none, a promotion's "to learn more" after it
makes it the organisation's, and otherwise it is a person's (recall first).
"""

from __future__ import annotations

import re

__all__ = ["organisation_before"]

_WINDOW = 80
_ORG = (
    r"hospital'?s?|clinic'?s?|pharmacy|office|offices|campus|entrance|center|centre|location"
    r"|website|web\s?site|(?:main|nurse|advice|help|appointment|scheduling|billing|phone|crisis"
    r"|information|info)\s+line|hotline|desk|department|dept|scheduling|registration|lobby"
    r"|garage|er|urgent\s+care|lab|branch|headquarters|foundation|your|you\s+guys|y'?all"
    r"|ustedes|llamen(?:\s+al)?|cl[ií]nica|farmacia|oficina|toll[\s-]?free|main\s+number"
    r"|call\s+(?:us|them)|(?:mail|send)\s+(?:the\s+)?payments?"
    r"|the\s+(?:main\s+)?(?:fax|number|phone(?:\s+number)?|line|email|e-mail|address)\s+(?:is|for|at)"
    r"|(?:the|your)\s+fax|info(?:rmation|rmaci[oó]n)?|questions|preguntas|register|reg[ií]strate"
    r"|phone\s+bank|radiothon|helpline|receptionist|operator|switchboard|the\s+address\s+(?:to|for)"
    r"|anuncio|flyer|poster|billboard|commercial|(?:ad|post)\s+(?:says|said|dice|with|con)"
)
_PERSON = (
    r"my|me|mine|i|i'?m|im|we|we'?re|our|us|his|her|him|she|he|their|they|mom'?s|dad'?s"
    r"|mi|mis|me|nuestro|nuestra|su|sus|live|lives|living|vivo|vive|vivimos|home|casa|cell|cel"
    r"|celular|mobile|reach|text|whatsapp|personal|deliver(?:ed)?\s+to|send\s+(?:it\s+)?to"
    r"|mail\s+(?:it\s+)?to|ship\s+(?:it\s+)?to|pick\s+(?:me|us|her|him)\s+up"
)
_CUE = re.compile(r"\b(?:(?P<org>" + _ORG + r")|(?P<person>" + _PERSON + r"))\b", re.IGNORECASE)
# A promotion names what the number is for right after it: "Call (555) 310-4000 to learn more".
_PROMO_AFTER = re.compile(
    r"[^.!?\n]{0,25}?\b(?:to\s+(?:learn|find\s+out|schedule|book|register|sign\s+up|make)"
    r"|for\s+(?:more|info|information|appointments|details|scheduling)"
    r"|para\s+(?:citas|m[aá]s|informaci[oó]n|agendar)|pa\s+citas"
    r"|for\s+(?:the\s+)?(?:front\s+desk|billing|records|scheduling|appointments|pharmacy|donations)"
    r"|(?:is\s+)?(?:still\s+)?(?:the|your|ur)\s+(?:main|right|correct|new|old|general)\s+(?:line|number)"
    r"|is\s+that\s+(?:the|your|ur)\s+(?:right|correct|real)\s+(?:number|line))\b",
    re.IGNORECASE,
)
# A place of the organisation named right after the address: "the 2200 Riverside Pkwy entrance".
_PLACE_AFTER = re.compile(
    r"[ \t]{1,2}(?:entrance|campus|location|garage|parking\s+(?:lot|garage)|lobby|clinic|office"
    r"|building|tower|pavilion)\b",
    re.IGNORECASE,
)


def organisation_before(text: str, start: int, end: int | None = None) -> bool:
    """True when the nearest cue before `start` marks the organisation's own details, or,
    with no cue before, (given the value's `end`) a promotion's "to learn more" follows."""
    if end is not None and _PLACE_AFTER.match(text, end):
        return True
    last = None
    for last in _CUE.finditer(text, max(0, start - _WINDOW), start):
        pass
    if last is not None:
        return last.group("org") is not None
    return end is not None and _PROMO_AFTER.match(text, end) is not None
