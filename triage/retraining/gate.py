"""The promotion gate: a pure decision over two held-out `Report`s of the same examples.

A candidate is promoted only if every check passes:

* recall of each guarded category (`emergency`, `clinical_request`) is not lower than the
  current model's: these are the misses that hurt someone;
* macro-F1 is not lower than the current model's minus `tolerance`.

A guarded category with no held-out example cannot be checked, so that check fails: the
gate never promotes on a safety figure it could not measure.
"""

from __future__ import annotations

import dataclasses
from typing import Sequence, Tuple

from triage.errors import InputError
from triage.evaluation import Report

__all__ = ["DEFAULT_TOLERANCE", "GUARDED_CATEGORIES", "Check", "GateDecision", "decide"]

DEFAULT_TOLERANCE = 0.02
GUARDED_CATEGORIES = ("emergency", "clinical_request")
# Float noise only: two recalls over the same examples are ratios of the same support.
_EPS = 1e-9


@dataclasses.dataclass(frozen=True)
class Check:
    name: str
    current: float
    candidate: float
    # The lowest candidate figure that passes.
    threshold: float
    passed: bool
    note: str = ""

    def describe(self) -> str:
        verdict = "pass" if self.passed else "FAIL"
        extra = f" ({self.note})" if self.note else ""
        return (f"{verdict} {self.name}: candidate {self.candidate:.3f}, current "
                f"{self.current:.3f}, needs >= {self.threshold:.3f}{extra}")


@dataclasses.dataclass(frozen=True)
class GateDecision:
    promote: bool
    checks: Tuple[Check, ...]
    tolerance: float

    @property
    def failed(self) -> Tuple[Check, ...]:
        return tuple(c for c in self.checks if not c.passed)

    def describe(self) -> str:
        head = "PROMOTE" if self.promote else "REFUSE"
        return "\n".join([head] + [c.describe() for c in self.checks])

    def as_dict(self) -> dict:
        return {"promote": self.promote, "tolerance": self.tolerance,
                "checks": [dataclasses.asdict(c) for c in self.checks]}


def _check_same_heldout(current: Report, candidate: Report) -> None:
    if set(current.labels) != set(candidate.labels):
        raise InputError("the two reports have different label sets")
    for label in current.labels:
        if current.per_class[label].support != candidate.per_class[label].support:
            raise InputError(f"the reports are not on the same held-out set "
                             f"({label}: {current.per_class[label].support} vs "
                             f"{candidate.per_class[label].support} examples)")


def decide(current: Report, candidate: Report, tolerance: float = DEFAULT_TOLERANCE,
           guarded: Sequence[str] = GUARDED_CATEGORIES) -> GateDecision:
    """Promote or refuse the candidate; every check is listed with both figures."""
    if not 0.0 <= tolerance < 1.0:
        raise InputError("the gate's tolerance must lie in [0, 1)")
    _check_same_heldout(current, candidate)
    checks = []
    for label in guarded:
        if label not in current.per_class:
            raise InputError(f"the reports have no category {label!r}")
        cur, cand = current.per_class[label], candidate.per_class[label]
        if cur.support == 0:
            checks.append(Check(f"recall {label}", cur.recall, cand.recall, cur.recall, False,
                                "no held-out examples: cannot check"))
            continue
        checks.append(Check(f"recall {label}", cur.recall, cand.recall, cur.recall,
                            cand.recall + _EPS >= cur.recall))
    floor = current.macro_f1 - tolerance
    checks.append(Check("macro-F1", current.macro_f1, candidate.macro_f1, floor,
                        candidate.macro_f1 + _EPS >= floor, f"tolerance {tolerance:.3f}"))
    return GateDecision(all(c.passed for c in checks), tuple(checks), tolerance)
