"""Licence, certificate, permit and passport numbers, after a cue: "DL# D123-4567-8901",
"RN license 2234918", "birth certificate no. 2019-000123", "licencia A1234567".

"License plate" belongs to `vehicles`.
"""

from __future__ import annotations

import re
from typing import ClassVar

from triage.phi.detectors._values import cued, digit_count
from triage.phi.detectors.base import Pattern, PatternDetector
from triage.phi.findings import PhiType

__all__ = ["LicenseDetector"]

_NOT_PLATE = r"(?![ \t]{0,2}(?:plates?|tags?)\b)"
_CUE = (
    r"(?:driver'?s?|drivers|driving|nursing|medical|professional|state|dea|npi|rn|lpn|cna)?"
    r"[ \t]?(?:licen[cs]e|lic\.?)" + _NOT_PLATE
    + r"|\bdl|\bcdl|permit|certificate|cert\.?|passport|state\s+id"
    r"|licencia(?:\s+de\s+conducir)?|certificado|acta(?:\s+de\s+(?:nacimiento|defunci[oó]n))?"
    r"|pasaporte"
)
_WITH_CUE = cued(_CUE)


class LicenseDetector(PatternDetector):
    name = "licenses"
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (Pattern("with_cue", _WITH_CUE, PhiType.LICENSE, 0.85),)

    def validate_result(self, text: str, match: re.Match[str], pattern: Pattern) -> bool:
        token = match.group("v")
        return sum(c.isalnum() for c in token) >= 5 and digit_count(token) >= 4
