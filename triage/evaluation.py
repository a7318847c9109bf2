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


# -- the development set: figures per register and what the policy does -----------------

SHORT, LONG, SPANISH = "short", "long", "spanish"
REGISTERS = (SHORT, LONG, SPANISH)
# Over this many characters an English message counts as long (the corpus rule).
LONG_CHARS = 150


def register_of(text: str, language: str) -> str:
    """short / long for English by length; every Spanish message is `spanish`."""
    if language == "es":
        return SPANISH
    return LONG if len(text) > LONG_CHARS else SHORT


@dataclasses.dataclass(frozen=True)
class DevRow:
    """One scored message: the truth, the model's guess, and the policy's decision."""

    true: str
    predicted: str
    register: str
    action: str  # policy Action value: reply / escalate / ignore
    reason: str  # policy Reason value
    has_phi: bool
    crisis_score: float = 0.0
    backstop: bool = False  # a crisis phrase matched


@dataclasses.dataclass(frozen=True)
class Rate:
    hits: int
    n: int

    @property
    def value(self) -> float:
        return _ratio(self.hits, self.n)

    def __str__(self) -> str:
        return f"{self.value:.3f} ({self.hits}/{self.n})"


@dataclasses.dataclass(frozen=True)
class DevFigures:
    overall: Report
    by_register: Dict[str, Report]
    crisis_routed: Rate  # emergencies that got the emergency path
    false_crisis: Rate  # non-emergencies that got it
    to_human: Rate  # clinical requests and PHI messages (spam aside) that reached a case
    spam_ignored: Rate  # spam neither answered nor escalated
    crisis_by_register: Dict[str, Rate]


def _rate(rows: Sequence[DevRow], hit) -> Rate:
    return Rate(sum(1 for r in rows if hit(r)), len(rows))


def dev_figures(rows: Sequence[DevRow], labels: Sequence[str]) -> DevFigures:
    """Model scores overall and per register, plus the user-facing safety figures."""
    by_register = {
        reg: evaluate([(r.true, r.predicted) for r in rows if r.register == reg], labels)
        for reg in REGISTERS if any(r.register == reg for r in rows)
    }
    emergencies = [r for r in rows if r.true == "emergency"]
    others = [r for r in rows if r.true != "emergency"]
    sensitive = [r for r in rows
                 if r.true == "clinical_request" or (r.has_phi and r.true != "spam")]
    spam = [r for r in rows if r.true == "spam"]
    routed = lambda r: r.reason == "emergency"  # noqa: E731
    return DevFigures(
        overall=evaluate([(r.true, r.predicted) for r in rows], labels),
        by_register=by_register,
        crisis_routed=_rate(emergencies, routed),
        false_crisis=_rate(others, routed),
        to_human=_rate(sensitive, lambda r: r.action == "escalate"),
        spam_ignored=_rate(spam, lambda r: r.action == "ignore"),
        crisis_by_register={reg: _rate([r for r in emergencies if r.register == reg], routed)
                            for reg in by_register},
    )


def crisis_threshold_for(rows: Sequence[DevRow], target_recall: float) -> Tuple[float, Rate, Rate]:
    """The highest crisis-score threshold at which emergencies reach `target_recall`,
    counting the phrase backstop and a top-1 emergency guess as routed whatever the
    score; with the recall and false-alarm rate it gives on these rows."""
    emergencies = [r for r in rows if r.true == "emergency"]
    others = [r for r in rows if r.true != "emergency"]

    def routed(r: DevRow, t: float) -> bool:
        return r.backstop or r.predicted == "emergency" or r.crisis_score >= t

    candidates = sorted({round(r.crisis_score, 4) for r in emergencies} | {1.0}, reverse=True)
    best = 0.0
    for t in candidates:
        if _rate(emergencies, lambda r: routed(r, t)).value >= target_recall:
            best = t
            break
    return (best, _rate(emergencies, lambda r: routed(r, best)),
            _rate(others, lambda r: routed(r, best)))


def format_dev_figures(figures: DevFigures) -> str:
    """Markdown: F1 per category and register, then the safety figures."""
    regs = list(figures.by_register)
    lines = ["| category | " + " | ".join(["all"] + regs) + " |",
             "|---|" + "---:|" * (len(regs) + 1)]
    for label in figures.overall.labels:
        cells = [figures.overall.per_class[label]] + [figures.by_register[g].per_class[label]
                                                     for g in regs]
        lines.append(f"| {label} F1 (recall) | " + " | ".join(
            f"{c.f1:.2f} ({c.recall:.2f}, n={c.support})" if c.support else "-" for c in cells)
            + " |")
    lines.append("| **macro-F1** | " + " | ".join(
        f"**{r.macro_f1:.3f}**" for r in [figures.overall] + [figures.by_register[g] for g in regs])
        + " |")
    lines.append("| crisis routed | " + str(figures.crisis_routed) + " | " + " | ".join(
        str(figures.crisis_by_register[g]) for g in regs) + " |")
    lines += [
        "",
        f"- crisis messages routed to the emergency path: {figures.crisis_routed}",
        f"- false crisis alarms (non-emergencies routed as emergencies): {figures.false_crisis}",
        f"- clinical and PHI messages sent to a human: {figures.to_human}",
        f"- spam ignored (no reply, no case): {figures.spam_ignored}",
    ]
    return "\n".join(lines)


def format_crisis_threshold(rows: Sequence[DevRow], current: float,
                            target_recall: float = 0.98) -> str:
    """One line: the taxonomy's threshold beside the one this set would choose."""
    threshold, recall, alarms = crisis_threshold_for(rows, target_recall)
    return (f"- crisis threshold in the taxonomy: {current}; the highest giving recall >= "
            f"{target_recall} on this set: {threshold:.3f} (recall {recall}, "
            f"false alarms {alarms})")
