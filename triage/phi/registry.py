"""A registry runs a set of detectors over a text and merges their findings."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from triage.phi.detectors import ALL_DETECTORS, Detector
from triage.phi.findings import Finding, resolve_overlaps

__all__ = ["Registry", "default_registry"]


class Registry:
    """An ordered, immutable set of detectors with unique names."""

    def __init__(self, detectors: Iterable[Detector]) -> None:
        self.detectors: tuple[Detector, ...] = tuple(detectors)
        names = [d.name for d in self.detectors]
        if len(set(names)) != len(names) or not all(names):
            raise ValueError("detector names must be non-empty and unique")

    def detect(self, text: str, *, resolve: bool = True) -> list[Finding]:
        """Findings of every detector, overlaps resolved (longest wins) unless not `resolve`."""
        findings = [f for detector in self.detectors for f in detector.detect(text)]
        if resolve:
            return resolve_overlaps(findings)
        return sorted(findings, key=lambda f: (f.start, f.end, f.type.value))

    def __repr__(self) -> str:
        return f"Registry({[d.name for d in self.detectors]!r})"


@lru_cache(maxsize=1)
def default_registry() -> Registry:
    """The shared registry of all built-in detectors (built on first use, then reused)."""
    return Registry(cls() for cls in ALL_DETECTORS)
