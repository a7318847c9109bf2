"""Detection entry point and redaction: spans become typed placeholders such as ``[NAME]``."""

from __future__ import annotations

from collections.abc import Iterable

from triage.phi.findings import Finding, PhiType, resolve_overlaps
from triage.phi.registry import default_registry

__all__ = ["deidentify", "detect", "redact"]

# A placeholder can give its neighbours a context they lacked ("1950MY SON JAKE" becomes
# "[DOB]MY SON JAKE"), so scanning repeats until nothing changes; that is what makes
# redact(redact(x)) == redact(x). Two passes settle real messages; the cap bounds the cost.
_MAX_PASSES = 4


def detect(text: str) -> list[Finding]:
    """PHI findings of the default registry, overlaps resolved, sorted by start."""
    return default_registry().detect(text)


def redact(
    text: str,
    findings: Iterable[Finding] | None = None,
    keep: frozenset[PhiType] = frozenset(),
) -> str:
    """Replace every finding whose type is not in `keep` with its placeholder.

    With ``findings=None`` the default registry scans `text` (again after each change,
    see `_MAX_PASSES`). Kept types are dropped before overlaps are resolved, so a kept
    HEALTH span never shields an identifier.
    """
    if findings is not None:
        return _replace(text, findings, keep)
    registry = default_registry()
    for _ in range(_MAX_PASSES):
        redacted = _replace(text, registry.detect(text, resolve=False), keep)
        if redacted == text:
            break
        text = redacted
    return text


def deidentify(text: str) -> str:
    """Redact identifiers only; health details stay (the training-data convention)."""
    return redact(text, keep=frozenset({PhiType.HEALTH}))


def _replace(text: str, findings: Iterable[Finding], keep: frozenset[PhiType]) -> str:
    parts: list[str] = []
    pos = 0
    for finding in resolve_overlaps(f for f in findings if f.type not in keep):
        if not 0 <= finding.start < finding.end <= len(text):
            raise ValueError("finding offsets fall outside the text")
        parts.append(text[pos : finding.start])
        parts.append(finding.type.placeholder)
        pos = finding.end
    parts.append(text[pos:])
    return "".join(parts)
