"""Detector interface and the regex-driven base most detectors build on (presidio style)."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar

from triage.phi.detectors._context import organisation_before
from triage.phi.findings import Finding, PhiType

__all__ = ["Detector", "Pattern", "PatternDetector"]


class Detector(ABC):
    """Finds spans of PHI in a text. Subclasses set `name` and implement `detect`."""

    name: ClassVar[str] = ""

    @abstractmethod
    def detect(self, text: str) -> list[Finding]:
        """Return findings whose offsets index into `text`; may overlap each other."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


@dataclass(frozen=True)
class Pattern:
    """A named regex for one PHI type; group ``v``, when present, is the reported span."""

    name: str
    regex: re.Pattern[str]
    type: PhiType
    score: float


class PatternDetector(Detector):
    """Runs class-level `PATTERNS`; `CONTEXT` words just before a match raise its score.

    Subclasses override `validate_result` for checksums and plausibility checks, and
    `result_type` when the type depends on the surroundings (DOB versus DATE).
    """

    PATTERNS: ClassVar[tuple[Pattern, ...]] = ()
    CONTEXT: ClassVar[re.Pattern[str] | None] = None
    CONTEXT_WINDOW: ClassVar[int] = 40
    CONTEXT_BOOST: ClassVar[float] = 0.15
    # Contact details (phones, e-mails, addresses) that the organisation publishes are not
    # PHI: a detector that sets this drops matches whose nearest cue is the organisation's.
    PUBLIC_CONTACT: ClassVar[bool] = False

    def detect(self, text: str) -> list[Finding]:
        findings: list[Finding] = []
        for pattern in self.PATTERNS:
            for match in pattern.regex.finditer(text):
                if not self.validate_result(text, match, pattern):
                    continue
                start, end = self.result_span(text, match, pattern)
                if start >= end:
                    continue
                if self.PUBLIC_CONTACT and organisation_before(text, start, end):
                    continue
                score = min(1.0, pattern.score + self._context_boost(text, start))
                phi_type = self.result_type(text, match, pattern)
                findings.append(Finding(phi_type, start, end, round(score, 3), self.name))
        return findings

    def validate_result(self, text: str, match: re.Match[str], pattern: Pattern) -> bool:
        """Return False to drop a match (failed checksum, impossible value)."""
        return True

    def result_span(self, text: str, match: re.Match[str], pattern: Pattern) -> tuple[int, int]:
        """Offsets to report: group ``v`` when the pattern has one, else the whole match."""
        return match.span("v" if "v" in pattern.regex.groupindex else 0)

    def result_type(self, text: str, match: re.Match[str], pattern: Pattern) -> PhiType:
        """The type to report for a validated match; defaults to the pattern's type."""
        return pattern.type

    def _context_boost(self, text: str, start: int) -> float:
        if self.CONTEXT is None:
            return 0.0
        window = text[max(0, start - self.CONTEXT_WINDOW) : start]
        return self.CONTEXT_BOOST if self.CONTEXT.search(window) else 0.0
