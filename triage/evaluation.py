"""Classification metrics for held-out evaluation (pure Python, no model imports)."""

from __future__ import annotations

import dataclasses
from typing import Dict, Iterable, List, Sequence, Tuple


@dataclasses.dataclass(frozen=True)
class ClassScores:
    precision: float
    recall: float
    f1: float
    support: int


@dataclasses.dataclass(frozen=True)
class Report:
    labels: Tuple[str, ...]
    per_class: Dict[str, ClassScores]
    macro_f1: float
    accuracy: float
    # confusion[true][predicted] = count
    confusion: Dict[str, Dict[str, int]]


def _ratio(a: int, b: int) -> float:
    return a / b if b else 0.0


def evaluate(pairs: Iterable[Tuple[str, str]], labels: Sequence[str]) -> Report:
    """Scores from (true, predicted) pairs; predictions outside `labels` count as errors."""
    pairs = list(pairs)
    columns = list(labels) + sorted({p for _, p in pairs} - set(labels))
    confusion = {t: {p: 0 for p in columns} for t in labels}
    for true, pred in pairs:
        confusion.setdefault(true, {p: 0 for p in columns})[pred] += 1
    per_class: Dict[str, ClassScores] = {}
    for label in labels:
        tp = confusion[label][label]
        support = sum(confusion[label].values())
        predicted = sum(row.get(label, 0) for row in confusion.values())
        precision, recall = _ratio(tp, predicted), _ratio(tp, support)
        f1 = _ratio(2 * precision * recall, precision + recall) if precision + recall else 0.0
        per_class[label] = ClassScores(precision, recall, f1, support)
    scored = [s.f1 for s in per_class.values() if s.support]
    correct = sum(1 for t, p in pairs if t == p)
    return Report(tuple(labels), per_class, sum(scored) / len(scored) if scored else 0.0,
                  _ratio(correct, len(pairs)), confusion)


def format_report(report: Report) -> str:
    """A Markdown table: one row per class, then macro-F1 and accuracy."""
    lines: List[str] = ["| category | precision | recall | F1 | n |", "|---|---:|---:|---:|---:|"]
    for label in report.labels:
        s = report.per_class[label]
        lines.append(f"| {label} | {s.precision:.2f} | {s.recall:.2f} | {s.f1:.2f} | {s.support} |")
    lines.append(f"| **macro-F1** | | | **{report.macro_f1:.3f}** | |")
    lines.append(f"| accuracy | | | {report.accuracy:.3f} | |")
    return "\n".join(lines)
