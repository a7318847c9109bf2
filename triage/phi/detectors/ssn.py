"""US Social Security numbers: 3-2-4 digit groups, or any 9 (or last 4) digits after an SSN cue."""

from __future__ import annotations

import re
from typing import ClassVar

from triage.phi.detectors._lexicon import DIGIT_WORDS
from triage.phi.detectors.base import Pattern, PatternDetector
from triage.phi.findings import PhiType

__all__ = ["SsnDetector"]

_GROUPED = re.compile(r"(?<![\d-])(?P<v>\d{3}(?P<sep>[- ])\d{2}(?P=sep)\d{4})(?![\d-])")
_CUE = r"\b(?:ssn|ss\s?#|social\s+security(?:\s+(?:number|no\.?|num|#))?|social)"
_WITH_CUE = re.compile(
    _CUE + r"\s{0,3}(?:(?:is|was|of|:|#|=|-)\s{0,3}){0,2}"
    r"(?P<v>\d{3}(?:[ ]?-[ ]?|[ ])?\d{2}(?:[ ]?-[ ]?|[ ])?\d{4}|\d{4})(?![\d-])",
    re.IGNORECASE,
)


# "her ssn ends in 2291", "last 4 which is 6620", "los ultimos 4 del seguro social, son 7 7 3 1".
_LAST_FOUR = re.compile(
    r"\b(?:ends?\s+(?:in|with)|ending\s+(?:in|with)|last\s+(?:4|four)|[uú]ltimos\s+(?:4|cuatro))"
    r"[^.\n\d]{0,60}?(?P<v>\d{4}|\d(?:[ .-]\d){3})(?![\d])",
    re.IGNORECASE,
)
_NEAR_CUE = re.compile(_CUE, re.IGNORECASE)
# "xxx-xx-7319": a masked SSN still shows its last four.
_MASKED = re.compile(r"(?<![\w-])[xX*#]{3}[- ]?[xX*#]{2}[- ]?(?P<v>\d{4})(?![\d-])")
_DIGIT_WORD = r"(?:" + "|".join(DIGIT_WORDS) + r")"
_SPELLED_FOUR = re.compile(
    _CUE + r"[^.\n\d]{0,20}?\b(?P<v>" + _DIGIT_WORD + r"(?:[ \t,-]{1,2}" + _DIGIT_WORD + r"){3})\b",
    re.IGNORECASE,
)


class SsnDetector(PatternDetector):
    name = "ssn"
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("grouped", _GROUPED, PhiType.SSN, 0.75),
        Pattern("with_cue", _WITH_CUE, PhiType.SSN, 0.95),
        Pattern("last_four", _LAST_FOUR, PhiType.SSN, 0.9),
        Pattern("masked", _MASKED, PhiType.SSN, 0.9),
        Pattern("spelled_four", _SPELLED_FOUR, PhiType.SSN, 0.85),
    )

    def validate_result(self, text: str, match: re.Match[str], pattern: Pattern) -> bool:
        # With an explicit SSN cue the writer meant an SSN even if the number is invalid
        # (recall first); without one, only numbers the SSA could have issued count.
        if pattern.name in ("with_cue", "masked", "spelled_four"):
            return True
        if pattern.name == "last_four":
            return bool(_NEAR_CUE.search(text, max(0, match.start() - 100), match.end()))
        digits = re.sub(r"\D", "", match.group("v"))
        area, group, serial = digits[:3], digits[3:5], digits[5:]
        if area in ("000", "666") or area.startswith("9"):
            return False
        return group != "00" and serial != "0000"
