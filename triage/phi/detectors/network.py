"""IP addresses: dotted IPv4 ("73.22.190.14") and IPv6 ("2601:1c2:4b00:9f0::1a2b").

Version numbers have three parts, or a "version"/"v"/"build" cue; times have two or three
colon groups of digits only. Neither is reported.
"""

from __future__ import annotations

import re
from typing import ClassVar

from triage.phi.detectors.base import Pattern, PatternDetector
from triage.phi.findings import PhiType

__all__ = ["IpDetector"]

_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_IPV4 = re.compile(
    r"(?<![\w.])" + _OCTET + r"(?:(?P<s>[ \t]?\.[ \t]?)" + _OCTET + r")(?:(?P=s)" + _OCTET + r"){2}"
    r"(?![\w]|[ \t]?\.[ \t]?\d)"
)
_H = r"[0-9A-Fa-f]{1,4}"
_IPV6 = re.compile(
    r"(?<![\w:])(?:(?:" + _H + r":){7}" + _H + r"|(?:" + _H + r":){1,6}(?::" + _H + r"){1,6}"
    r"|(?:" + _H + r":){1,7}:|::(?:" + _H + r":){0,6}" + _H + r")(?![\w:])"
)
_VERSION_BEFORE = re.compile(r"\b(?:version|ver|v|build|release|firmware|update|ios|android)\.?\s{0,2}$",
                             re.IGNORECASE)


class IpDetector(PatternDetector):
    name = "network"
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("ipv4", _IPV4, PhiType.IP, 0.85),
        Pattern("ipv6", _IPV6, PhiType.IP, 0.85),
    )

    def validate_result(self, text: str, match: re.Match[str], pattern: Pattern) -> bool:
        if _VERSION_BEFORE.search(text, max(0, match.start() - 12), match.start()):
            return False
        if pattern.name == "ipv6":
            token = match.group(0)
            groups = [g for g in token.split(":") if g]
            # Times and ratios are digits only with few groups ("10:30:45").
            return len(groups) >= 3 and (any(len(g) == 4 for g in groups) or "::" in token) and (
                any(c.isalpha() for c in token) or len(groups) >= 5
            )
        return True
