"""Vehicle identifiers: licence plates after a cue ("plate 7ABC123", "tags ABC-1234",
"placas XYZ 221 B"), a plate-shaped code in capitals right after a car word ("my
Civic 8KLM552 got towed"), and VINs (17 characters, no I, O or Q).
"""

from __future__ import annotations

import re
from typing import ClassVar

from triage.phi.detectors._lexicon import STATE_ABBR as _STATES
from triage.phi.detectors._lexicon import STATE_NAME
from triage.phi.detectors._values import cued, digit_count
from triage.phi.detectors.base import Pattern, PatternDetector
from triage.phi.findings import PhiType

__all__ = ["VehicleDetector"]

_PLATE_CUE = cued(r"(?:licen[cs]e\s+|lic\.?\s+)?plates?|\btags?|placas?|matr[ií]cula|vin")
# Plates read in chunks with a letters-only middle ("3 LMW 448", "6-TRB-339").
_PLATE_CHUNKS = re.compile(
    r"(?<![A-Za-z])(?:(?:licen[cs]e|lic\.?)[ \t]+)?(?:plates?|tags?|placas?)(?:[ \t]{0,3}(?:is|are|es|#|:|no\.?|number))*"
    r"[ \t]{0,3}(?:(?:(?-i:" + _STATES + r")|" + STATE_NAME + r")[ \t]{1,3})?"
    r"(?P<v>(?-i:[A-Z0-9](?:[ ][A-Z0-9]){3,7}|[A-Z0-9]{1,4}(?:[ -][A-Z0-9]{1,5}){1,2}))(?![A-Za-z0-9])",
    re.IGNORECASE,
)
_CAR = re.compile(
    r"\b(?:car|truck|van|minivan|suv|vehicle|jeep|pickup|camry|civic|corolla|accord|prius"
    r"|tahoe|silverado|f-?150|altima|sentra|rogue|elantra|sonata|tesla|honda|toyota|ford"
    r"|chevy|chevrolet|nissan|hyundai|kia|subaru|mazda|dodge|ram|gmc|bmw|audi|lexus|volvo"
    r"|carro|camioneta|coche)\b[^.!?\n]{0,30}?(?<![A-Za-z0-9])"
    r"(?P<v>(?-i:[A-Z0-9]{2,4}[ -]?[A-Z0-9]{2,4}))(?![A-Za-z0-9])",
    re.IGNORECASE,
)
_VIN = re.compile(r"(?<![A-Za-z0-9])[A-HJ-NPR-Z0-9]{17}(?![A-Za-z0-9])")
_YEAR = re.compile(r"(?:19|20)\d\d")


class VehicleDetector(PatternDetector):
    name = "vehicles"
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("plate_cue", _PLATE_CUE, PhiType.VEHICLE, 0.85),
        Pattern("plate_chunks", _PLATE_CHUNKS, PhiType.VEHICLE, 0.85),
        Pattern("after_car", _CAR, PhiType.VEHICLE, 0.6),
        Pattern("vin", _VIN, PhiType.VEHICLE, 0.7),
    )

    def validate_result(self, text: str, match: re.Match[str], pattern: Pattern) -> bool:
        if pattern.name == "vin":
            token = match.group(0)
            return digit_count(token) >= 3 and any(c.isalpha() for c in token)
        token = match.group("v")
        alnum = [c for c in token if c.isalnum()]
        if not 4 <= len(alnum) <= 10 or digit_count(token) < 1:
            return False
        if pattern.name == "after_car":
            # Letters and digits both, and not a model and year ("CRV 2019").
            parts = re.split(r"[ -]", token)
            return any(c.isalpha() for c in token) and not any(_YEAR.fullmatch(p) for p in parts)
        return True
