"""Telephone numbers: North American formats (with +1, dots, dashes, spaces, parentheses,
extensions), 7-digit local numbers with a separator, and +CC international numbers.

Short service numbers (911, 988), prices and years never have enough digits to match.
"""

from __future__ import annotations

import re
from typing import ClassVar

from triage.phi.detectors.base import Pattern, PatternDetector
from triage.phi.findings import PhiType

__all__ = ["TOLL_FREE_CODES", "PhoneDetector"]

_EXT = r"(?:[ \t]{0,2}(?:x|ext\.?|extension)[ \t]{0,2}\d{1,6})?"

# Area codes never start with 0 or 1; the exchange is not checked because made-up
# numbers such as 555-123-4567 are common in real messages too.
# Guards look at digits only: a number glued to a word ("coughs+44 20 7946 0958") is still
# a number, and a match must not depend on whether its neighbour was already redacted.
_NANP = re.compile(
    r"(?<![\d+$.])(?:\+?1[ \t.-]{0,2})?(?:\([2-9]\d{2}\)|[2-9]\d{2})"
    r"[ \t.-]{0,2}\d{3}[ \t.-]{0,2}\d{4}"
    + _EXT
    + r"(?![\d-]|[.,]\d)",
    re.IGNORECASE,
)
_LOCAL = re.compile(r"(?<![\d+$.,/-])\d{3}[-.]\d{4}(?![\d-]|[.,/]\d)")
# Every group after the country code starts with the same separator, so the groups cannot
# split the same digits in several ways (no catastrophic backtracking) and a number that
# follows with another separator ("+44 20 7946 0958 123-45-6789") is not swallowed.
_INTERNATIONAL = re.compile(
    r"(?<![\d+])\+[2-9]\d{0,2}"
    r"(?:(?P<isep>[ \t.-])\(?\d{1,5}\)?(?:(?P=isep)\(?\d{1,5}\)?){1,5}|\d{7,12})"
    + _EXT
    + r"(?![\d-])",
    re.IGNORECASE,
)
_DIGIT_RUN = re.compile(r"\d+")
# Toll-free area codes: a business's line, never a patient's phone.
TOLL_FREE_CODES: tuple[str, ...] = ("800", "833", "844", "855", "866", "877", "888")
_TOLL_FREE = re.compile(r"(?:\+?1[ \t.-]{0,2})?\(?(?:" + "|".join(TOLL_FREE_CODES) + r")\)?[ \t.-]")
_MAX_DIGITS = 15  # E.164
_CONTEXT = re.compile(
    r"\b(?:phone|cell|mobile|tel|telephone|call|text|reach|contact|number|fax|whatsapp)\b",
    re.IGNORECASE,
)


class PhoneDetector(PatternDetector):
    name = "phone"
    PUBLIC_CONTACT = True
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("nanp", _NANP, PhiType.PHONE, 0.7),
        Pattern("local", _LOCAL, PhiType.PHONE, 0.5),
        Pattern("international", _INTERNATIONAL, PhiType.PHONE, 0.7),
    )
    CONTEXT = _CONTEXT

    def validate_result(self, text: str, match: re.Match[str], pattern: Pattern) -> bool:
        if pattern.name == "nanp" and _TOLL_FREE.match(match.group(0)):
            return False  # 800, 888, 877...: a business's line, never a patient's phone
        if pattern.name != "international":
            return True
        return sum(c.isdigit() for c in match.group(0)) >= 8

    def result_span(self, text: str, match: re.Match[str], pattern: Pattern) -> tuple[int, int]:
        start, end = match.span()
        if pattern.name != "international":
            return start, end
        # Too many digits means another number follows with the same separator: keep the
        # longest run of groups that still fits E.164 rather than dropping the phone.
        runs = [run.span() for run in _DIGIT_RUN.finditer(text, start, end)]
        if sum(b - a for a, b in runs) <= _MAX_DIGITS:
            return start, end
        keep, count = start, 0
        for a, b in runs:
            count += b - a
            if count > _MAX_DIGITS:
                break
            keep = b
        return start, keep
