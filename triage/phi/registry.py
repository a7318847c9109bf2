"""A registry runs a set of detectors over a text and merges their findings."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path

from triage.phi.detectors import ALL_DETECTORS, Detector
from triage.phi.findings import Finding, resolve_overlaps
from triage.phi.published import Published

__all__ = ["Registry", "default_registry", "publish", "reuse_scans", "source_fingerprint"]

# Findings of the texts scanned inside the current `reuse_scans` block (None outside one).
_scans: ContextVar[dict[tuple[int, str], tuple[Finding, ...]] | None] = ContextVar(
    "phi_scans", default=None)


@contextmanager
def reuse_scans() -> Iterator[None]:
    """Inside the block, each text is scanned once: flagging, de-identifying and redacting
    one message scan the same texts. The findings are forgotten when the outermost block
    ends, so no text outlives its message's (or batch chunk's) handling. A block opened inside
    another joins it: the model's PHI flagger opens one per message, and in batch triage it
    runs inside the chunk's block, whose later redaction reuses the flagger's scans.
    Per thread (a context variable): concurrent messages never share a block."""
    if _scans.get() is not None:
        yield
        return
    token = _scans.set({})
    try:
        yield
    finally:
        _scans.reset(token)


class Registry:
    """An ordered, immutable set of detectors with unique names, and the organisation's
    `published` contacts, whose findings it drops."""

    def __init__(self, detectors: Iterable[Detector], published: Published | None = None) -> None:
        self.detectors: tuple[Detector, ...] = tuple(detectors)
        self.published = published or Published()
        names = [d.name for d in self.detectors]
        if len(set(names)) != len(names) or not all(names):
            raise ValueError("detector names must be non-empty and unique")

    def detect(self, text: str, *, resolve: bool = True) -> list[Finding]:
        """Findings of every detector, overlaps resolved (longest wins) unless not `resolve`."""
        scans = _scans.get()
        found = scans.get((id(self), text)) if scans is not None else None
        if found is None:
            found = tuple(f for detector in self.detectors for f in detector.detect(text))
            if self.published:
                found = tuple(f for f in found
                              if not self.published.covers(f.type, text[f.start : f.end]))
            if scans is not None:
                scans[(id(self), text)] = found
        findings = list(found)
        if resolve:
            return resolve_overlaps(findings)
        return sorted(findings, key=lambda f: (f.start, f.end, f.type.value))

    def __repr__(self) -> str:
        return f"Registry({[d.name for d in self.detectors]!r})"


_published = Published()


def publish(published: Published) -> None:
    """Make `published` the organisation's contacts for the default registry (the service's
    wiring does this from its settings; the registry is rebuilt on next use)."""
    global _published
    if published != _published:
        _published = published
        default_registry.cache_clear()


@lru_cache(maxsize=1)
def default_registry() -> Registry:
    """The shared registry of all built-in detectors (built on first use, then reused)."""
    return Registry((cls() for cls in ALL_DETECTORS), _published)


def source_fingerprint(root: Path | None = None) -> str:
    """A hash of the detectors' code and word lists (``triage/phi`` by default).

    What the detectors do depends on nothing else, so two equal fingerprints redact alike;
    the Rasa component adds it to its cache key (`PhiFlagger.fingerprint_addon`).
    """
    root = root or Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".py", ".txt")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
