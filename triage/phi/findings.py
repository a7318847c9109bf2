"""PHI types and the `Finding` span record, plus overlap resolution.

A `Finding` deliberately holds offsets only, never the matched text, so a finding can be
logged, counted or put in parse data without leaking the identifier it points at.
"""

from __future__ import annotations

import enum
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["IDENTIFIER_TYPES", "Finding", "PhiType", "phi_types", "resolve_overlaps"]


class PhiType(str, enum.Enum):
    """Kinds of PHI; each value is also the placeholder name used in redacted text."""

    NAME = "NAME"
    DOB = "DOB"
    DATE = "DATE"
    PHONE = "PHONE"
    EMAIL = "EMAIL"
    ADDRESS = "ADDRESS"
    ID = "ID"
    SSN = "SSN"
    HEALTH = "HEALTH"

    @property
    def placeholder(self) -> str:
        """The typed placeholder that replaces a span of this type, e.g. ``[NAME]``."""
        return f"[{self.value}]"


# Health details are PHI only together with an identifier; everything else identifies a person.
IDENTIFIER_TYPES: frozenset[PhiType] = frozenset(t for t in PhiType if t is not PhiType.HEALTH)


@dataclass(frozen=True)
class Finding:
    """One detected span ``text[start:end]`` of a PHI type; it carries no text."""

    type: PhiType
    start: int
    end: int
    score: float
    detector: str

    @property
    def length(self) -> int:
        return self.end - self.start


def _rank(finding: Finding) -> tuple[int, bool, float, int]:
    # Longer spans first; on equal length an identifier beats HEALTH, then the higher score.
    return (-finding.length, finding.type is PhiType.HEALTH, -finding.score, finding.start)


def resolve_overlaps(findings: Iterable[Finding]) -> list[Finding]:
    """Keep a non-overlapping subset, preferring longer spans; return it sorted by start."""
    starts: list[int] = []
    ends: list[int] = []
    kept: list[Finding] = []
    for finding in sorted(set(findings), key=_rank):
        # Accepted intervals are disjoint and kept sorted, so only the neighbours can overlap.
        i = bisect_right(starts, finding.start)
        if i > 0 and ends[i - 1] > finding.start:
            continue
        if i < len(starts) and starts[i] < finding.end:
            continue
        starts.insert(i, finding.start)
        ends.insert(i, finding.end)
        kept.insert(i, finding)
    return kept


def phi_types(findings: Iterable[Finding]) -> list[str]:
    """Sorted unique type values of `findings`, e.g. ``["DOB", "NAME"]``."""
    return sorted({f.type.value for f in findings})
