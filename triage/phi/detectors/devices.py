"""Device identifiers: serial numbers ("S/N 4471-992-ZQ", "serial # PT88213A"), IMEI and
device ids, and a long code right after a device word ("my cpap 22918834471").

A model name alone ("Dexcom G7", "780G") is not an identifier and has too few digits.
"""

from __future__ import annotations

import re
from typing import ClassVar

from triage.phi.detectors._values import cued, digit_count
from triage.phi.detectors.base import Pattern, PatternDetector
from triage.phi.findings import PhiType

__all__ = ["DeviceDetector"]

_SERIAL = cued(
    r"serial(?:\s+(?:number|no\.?|#))?|(?-i:S/N|SN)|s/n|sn#|ser\.?\s*(?:no\.?|#)|imei|meid|udid"
    r"|device\s*(?:id|number|#|no\.?)|(?:n[uú]mero\s+de\s+)?serie"
)
_DEVICE_WORD = cued(
    r"pump|cpap|bipap|apap|pacemaker|defibrillator|icd|implant|hearing\s+aids?|cgm|monitor"
    r"|meter|concentrator|nebuli[sz]er|wheelchair|walker|device|machine|sensor|transmitter"
    r"|aparato|bomba|m[aá]quina"
)


class DeviceDetector(PatternDetector):
    name = "devices"
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("serial", _SERIAL, PhiType.DEVICE, 0.85),
        Pattern("device_word", _DEVICE_WORD, PhiType.DEVICE, 0.6),
    )

    def validate_result(self, text: str, match: re.Match[str], pattern: Pattern) -> bool:
        token = match.group("v")
        needed = 3 if pattern.name == "serial" else 5
        return sum(c.isalnum() for c in token) >= 5 and digit_count(token) >= needed
