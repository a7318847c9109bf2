"""E-mail addresses."""

from __future__ import annotations

import re
from typing import ClassVar

from triage.phi.detectors.base import Pattern, PatternDetector
from triage.phi.findings import PhiType

__all__ = ["EmailDetector"]

# Domain labels are separated by a literal dot, so the bounded repeats cannot overlap and
# the pattern stays linear on long inputs.
_EMAIL = re.compile(
    r"(?<![\w.%+-])[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9-]{1,63}\.){1,8}[A-Za-z]{2,24}(?![\w-])"
)


class EmailDetector(PatternDetector):
    name = "email"
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (Pattern("email", _EMAIL, PhiType.EMAIL, 0.95),)

    def validate_result(self, text: str, match: re.Match[str], pattern: Pattern) -> bool:
        local = match.group(0).split("@", 1)[0]
        return not (local.startswith(".") or local.endswith(".") or ".." in local)
