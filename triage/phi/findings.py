"""PHI types and the `Finding` span record, plus overlap resolution.

A `Finding` deliberately holds offsets only, never the matched text, so a finding can be
logged, counted or put in parse data without leaking the identifier it points at.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, replace

__all__ = ["IDENTIFIER_TYPES", "LINK_TYPES", "Finding", "PhiType", "phi_types", "resolve_overlaps"]


class PhiType(str, enum.Enum):
    """Kinds of PHI; each value is also the placeholder name used in redacted text.

    Together they cover the HIPAA Safe Harbor identifiers (45 CFR 164.514(b)(2)) that can
    appear in a message, plus health details about a person.
    """

    NAME = "NAME"
    DOB = "DOB"
    DATE = "DATE"  # admission, discharge, appointment, death: any date but a year alone
    AGE = "AGE_90+"  # Safe Harbor removes ages of 90 and over only
    PHONE = "PHONE"  # phone and fax
    EMAIL = "EMAIL"
    ADDRESS = "ADDRESS"  # street, apartment or unit, ZIP, town: units smaller than a state
    ROOM = "ROOM"  # hospital room and bed numbers
    SSN = "SSN"
    ID = "ID"  # medical record, patient and health-plan numbers (MBI, member ids)
    ACCOUNT = "ACCOUNT"  # billing account, claim, invoice and card numbers
    LICENSE = "LICENSE"  # licence, certificate and permit numbers
    VEHICLE = "VEHICLE"  # licence plates, VINs
    DEVICE = "DEVICE"  # serial numbers and ids of devices (pumps, implants, phones)
    URL = "URL"  # links to a person's profile, photos, fundraiser or files
    IP = "IP"
    HANDLE = "HANDLE"  # a private person's social-media handle
    HEALTH = "HEALTH"

    @property
    def placeholder(self) -> str:
        """The typed placeholder that replaces a span of this type, e.g. ``[NAME]``."""
        return f"[{self.value}]"


# Health details are PHI only together with an identifier; everything else identifies a person.
IDENTIFIER_TYPES: frozenset[PhiType] = frozenset(t for t in PhiType if t is not PhiType.HEALTH)
# Pointers to a person's public presence. They are redacted like any identifier, but on a
# social page they are how people tag and link each other, so alone they do not make a
# thread sensitive (`triage.policy`).
LINK_TYPES: frozenset[PhiType] = frozenset({PhiType.URL, PhiType.HANDLE})


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
    """Disjoint findings sorted by start: overlapping ones merge into one span over their
    union, so no piece of either is left in the clear ("Signed, Arthur" and "Arthur Meeks"
    hide "Signed, Arthur Meeks"). The merged span takes the type, score and detector of
    its best member: the longest, an identifier before HEALTH, then the higher score."""
    merged: list[tuple[int, int, list[Finding]]] = []
    for finding in sorted(set(findings), key=lambda f: (f.start, -f.end)):
        if merged and finding.start < merged[-1][1]:
            lo, hi, members = merged[-1]
            members.append(finding)
            merged[-1] = (lo, max(hi, finding.end), members)
        else:
            merged.append((finding.start, finding.end, [finding]))
    kept = []
    for lo, hi, members in merged:
        best = min(members, key=_rank)
        if best.type is PhiType.HEALTH:
            best = min(members, key=lambda f: (f.type is PhiType.HEALTH, *_rank(f)))
        kept.append(best if (best.start, best.end) == (lo, hi) else replace(best, start=lo, end=hi))
    return kept


def phi_types(findings: Iterable[Finding]) -> list[str]:
    """Sorted unique type values of `findings`, e.g. ``["DOB", "NAME"]``."""
    return sorted({f.type.value for f in findings})
