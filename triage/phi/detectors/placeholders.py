"""Typed placeholders already in the text (``[NAME]``, ``[DOB]``...) are findings of that type.

This keeps redaction idempotent and lets redacted training text still report its PHI types.
"""

from __future__ import annotations

import re
from typing import ClassVar

from triage.phi.detectors.base import Pattern, PatternDetector
from triage.phi.findings import PhiType

__all__ = ["PlaceholderDetector"]

_PLACEHOLDER = re.compile(r"\[(" + "|".join(re.escape(t.value) for t in PhiType) + r")\]")


class PlaceholderDetector(PatternDetector):
    name = "placeholders"
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        # The type is read from the match, so the pattern's own type is only a default.
        Pattern("placeholder", _PLACEHOLDER, PhiType.NAME, 1.0),
    )

    def result_type(self, text: str, match: re.Match[str], pattern: Pattern) -> PhiType:
        return PhiType(match.group(1))
