"""Scoring a detector registry on a labelled red-team set (``tests/phi/*.jsonl``).

Each line is ``{"id", "text", "spans": [{"type", "text"}], "lang"}``; a message without
spans is clean. The figures are about redaction, what the product does with findings:

* message recall: PHI messages with at least one finding;
* span recall per type: a labelled identifier counts as redacted when every letter and
  digit of it lies inside some finding, of any type (a room number redacted as ``[ID]``
  is still hidden; a leading article, "the 11th of November", is not part of the value);
  "typed" counts those whose covering findings are all of the right type. A HEALTH span, a phrase with fuzzy edges, counts when a finding overlaps it;
* false alarms: clean messages with any finding.

A folder's ``published.json`` (file name -> list of contacts) names the organisation
each file was written about, with its published phone, e-mail, handle and address: a
deployment configures those (``TRIAGE_ORG_PUBLISHED``), so the file is scored with them.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from triage.phi.detectors import ALL_DETECTORS
from triage.phi.findings import Finding, PhiType
from triage.phi.published import Published
from triage.phi.registry import Registry, default_registry

__all__ = ["FLOORS", "Example", "Floors", "Report", "Span", "evaluate", "load_examples"]


@dataclass(frozen=True)
class Floors:
    """What `make test` holds the default registry to on the red-team set (issue 11)."""

    message_recall: float = 0.98
    span_recall: float = 0.95  # for every type
    false_alarm_rate: float = 0.05

    def failures(self, report: "Report") -> list[str]:
        """Plain-language reasons `report` falls short; empty when it holds."""
        out = []
        if report.message_recall < self.message_recall:
            out.append(f"message recall {report.message_recall:.3f} < {self.message_recall}")
        for phi_type in sorted(report.spans):
            if report.span_recall(phi_type) < self.span_recall:
                out.append(
                    f"{phi_type} span recall {report.span_recall(phi_type):.3f} < {self.span_recall}"
                )
        if report.false_alarm_rate > self.false_alarm_rate:
            out.append(f"false alarms {report.false_alarm_rate:.3f} > {self.false_alarm_rate}")
        return out


FLOORS = Floors()


@dataclass(frozen=True)
class Span:
    type: PhiType
    start: int
    end: int


@dataclass(frozen=True)
class Example:
    id: str
    text: str
    spans: tuple[Span, ...]
    source: str  # the file it came from
    published: tuple[str, ...] = ()  # its organisation's published contacts, if any are named

    @property
    def clean(self) -> bool:
        return not self.spans


@dataclass
class Report:
    """Counts behind the printed figures; `missed` lists (example id, type, span text)."""

    phi_messages: int = 0
    flagged: int = 0
    fully_redacted: int = 0
    clean_messages: int = 0
    false_alarms: int = 0
    spans: Counter[str] = field(default_factory=Counter)
    redacted: Counter[str] = field(default_factory=Counter)
    typed: Counter[str] = field(default_factory=Counter)
    missed: list[tuple[str, str, str]] = field(default_factory=list)
    alarms: list[tuple[str, str, str]] = field(default_factory=list)

    @classmethod
    def combine(cls, parts: Iterable["Report"]) -> "Report":
        """One report of several, as if their examples had been scored together."""
        total = cls()
        for part in parts:
            for name in ("phi_messages", "flagged", "fully_redacted", "clean_messages",
                         "false_alarms"):
                setattr(total, name, getattr(total, name) + getattr(part, name))
            for name in ("spans", "redacted", "typed"):
                getattr(total, name).update(getattr(part, name))
            total.missed.extend(part.missed)
            total.alarms.extend(part.alarms)
        return total

    @property
    def message_recall(self) -> float:
        return self.flagged / self.phi_messages if self.phi_messages else 1.0

    @property
    def false_alarm_rate(self) -> float:
        return self.false_alarms / self.clean_messages if self.clean_messages else 0.0

    def span_recall(self, phi_type: str) -> float:
        return self.redacted[phi_type] / self.spans[phi_type] if self.spans[phi_type] else 1.0

    def lines(self, title: str = "") -> list[str]:
        """The report as printable lines."""
        out = [title] if title else []
        out.append(
            f"PHI messages {self.phi_messages}: flagged {self.flagged} "
            f"({self.message_recall:.3f}), fully redacted {self.fully_redacted} "
            f"({self.fully_redacted / max(1, self.phi_messages):.3f})"
        )
        out.append(
            f"clean messages {self.clean_messages}: false alarms {self.false_alarms} "
            f"({self.false_alarm_rate:.3f})"
        )
        out.append(f"{'type':<9} {'spans':>5} {'redacted':>9} {'recall':>7} {'typed':>6}")
        for phi_type in sorted(self.spans, key=lambda t: (-self.spans[t], t)):
            n = self.spans[phi_type]
            out.append(
                f"{phi_type:<9} {n:>5} {self.redacted[phi_type]:>9} "
                f"{self.span_recall(phi_type):>7.3f} {self.typed[phi_type] / n:>6.3f}"
            )
        return out


def load_examples(paths: Iterable[Path]) -> list[Example]:
    """Examples of every ``.jsonl`` file in `paths` (files or directories), in order.

    Raises ValueError naming the file and line of a malformed example: a span whose text
    does not occur in its message, an unknown type or a repeated id.
    """
    files: list[Path] = []
    for path in paths:
        files.extend(sorted(path.glob("*.jsonl")) if path.is_dir() else [path])
    examples: list[Example] = []
    seen: set[str] = set()
    for file in files:
        published = _published_of(file)
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            where = f"{file.name}:{number}"
            try:
                row = json.loads(line)
                example = _example(row, file.stem, published)
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"{where}: {exc}") from exc
            if example.id in seen:
                raise ValueError(f"{where}: repeated id {example.id!r}")
            seen.add(example.id)
            examples.append(example)
    return examples


def _published_of(file: Path) -> tuple[str, ...]:
    """The contacts ``published.json`` beside `file` lists for it (none without one)."""
    sidecar = file.parent / "published.json"
    if not sidecar.is_file():
        return ()
    try:
        contacts = json.loads(sidecar.read_text(encoding="utf-8")).get(file.name, [])
        Published.parse(contacts)
    except (ValueError, AttributeError) as exc:
        raise ValueError(f"{sidecar.name}: {exc}") from exc
    return tuple(contacts)


@cache
def _registry_for(published: tuple[str, ...]) -> Registry:
    return Registry((cls() for cls in ALL_DETECTORS), Published.parse(published))


def _example(row: dict, source: str, published: tuple[str, ...] = ()) -> Example:
    text = row["text"]
    spans: list[Span] = []
    next_from: dict[str, int] = {}  # the k-th listing of a string is its k-th occurrence
    previous_end = 0  # writers list spans in reading order; look after the last one first
    for item in row["spans"]:
        value = item["text"]
        if not value:
            raise ValueError("empty span")
        start = _occurrence(text, value, max(next_from.get(value, 0), previous_end))
        if start < 0:
            start = _occurrence(text, value, next_from.get(value, 0))
        if start < 0:
            raise ValueError(f"span {value!r} does not occur in the message")
        next_from[value] = start + 1
        previous_end = start + len(value)
        spans.append(Span(PhiType(item["type"]), start, start + len(value)))
    return Example(str(row["id"]), text, tuple(spans), source, published)


def _occurrence(text: str, value: str, after: int) -> int:
    """First occurrence of `value` at or after `after` that is not part of a longer word or
    number ("4" in "room 4", not in "2:14am"); any occurrence if there is no such one."""
    start = text.find(value, after)
    first = start
    if start < 0:
        return -1
    while start >= 0:
        before = text[start - 1] if start > 0 else " "
        behind = text[start + len(value)] if start + len(value) < len(text) else " "
        if not (value[0].isalnum() and before.isalnum()) and not (
            value[-1].isalnum() and behind.isalnum()
        ):
            return start
        start = text.find(value, start + 1)
    return first


def evaluate(examples: Sequence[Example], registry: Registry | None = None) -> Report:
    """Score `registry` on `examples`; unless one is given, the default registry, with the
    organisation's contacts of each example's file."""
    report = Report()
    for example in examples:
        scorer = registry or (_registry_for(example.published) if example.published
                              else default_registry())
        findings = scorer.detect(example.text)
        if example.clean:
            report.clean_messages += 1
            if findings:
                report.false_alarms += 1
                report.alarms.extend(
                    (example.id, f.type.value, example.text[f.start : f.end]) for f in findings
                )
            continue
        report.phi_messages += 1
        report.flagged += bool(findings)
        all_hidden = True
        for span in example.spans:
            hidden, typed = _covered(example.text, span, findings)
            report.spans[span.type.value] += 1
            report.redacted[span.type.value] += hidden
            report.typed[span.type.value] += typed
            if not hidden:
                all_hidden = False
                report.missed.append(
                    (example.id, span.type.value, example.text[span.start : span.end])
                )
        report.fully_redacted += all_hidden
    return report


_ARTICLE = re.compile(r"(?:the|a|an|el|la|los|las|del)\s+", re.IGNORECASE)


def _covered(text: str, span: Span, findings: Sequence[Finding]) -> tuple[bool, bool]:
    """(hidden by any finding, hidden by findings of the span's own type only)."""
    overlapping = [f for f in findings if f.start < span.end and span.start < f.end]
    if span.type is PhiType.HEALTH:
        return bool(overlapping), any(f.type is PhiType.HEALTH for f in overlapping)
    # A leading article is the writer's framing, not the value: "the 11th of November".
    lead = _ARTICLE.match(text, span.start, span.end)
    first = lead.end() if lead else span.start
    positions = [i for i in range(first, span.end) if text[i].isalnum()]
    if not positions:
        return True, True

    def hides(fs: Sequence[Finding]) -> bool:
        return all(any(f.start <= i < f.end for f in fs) for i in positions)

    return hides(overlapping), hides([f for f in overlapping if f.type is span.type])
