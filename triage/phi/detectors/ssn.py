"""US Social Security numbers: 3-2-4 digit groups, or any 9 (or last 4) digits after an SSN cue."""

from __future__ import annotations

import re
from typing import ClassVar

from triage.phi.detectors.base import Pattern, PatternDetector
from triage.phi.findings import PhiType

__all__ = ["SsnDetector"]

_GROUPED = re.compile(r"(?<![\d-])(?P<v>\d{3}(?P<sep>[- ])\d{2}(?P=sep)\d{4})(?![\d-])")
_CUE = r"\b(?:ssn|ss\s?#|social\s+security(?:\s+(?:number|no\.?|num|#))?|social)"
_WITH_CUE = re.compile(
    _CUE + r"\s{0,3}(?:(?:is|was|of|:|#|=|-)\s{0,3}){0,2}"
    r"(?P<v>\d{3}[- ]?\d{2}[- ]?\d{4}|\d{4})(?![\d-])",
    re.IGNORECASE,
)


class SsnDetector(PatternDetector):
    name = "ssn"
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("grouped", _GROUPED, PhiType.SSN, 0.75),
        Pattern("with_cue", _WITH_CUE, PhiType.SSN, 0.95),
    )

    def validate_result(self, text: str, match: re.Match[str], pattern: Pattern) -> bool:
        # With an explicit SSN cue the writer meant an SSN even if the number is invalid
        # (recall first); without one, only numbers the SSA could have issued count.
        if pattern.name == "with_cue":
            return True
        digits = re.sub(r"\D", "", match.group("v"))
        area, group, serial = digits[:3], digits[3:5], digits[5:]
        if area in ("000", "666") or area.startswith("9"):
            return False
        return group != "00" and serial != "0000"
