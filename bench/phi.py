"""`make bench-phi`: what each PHI detector costs on a 300-character message.

Texts are the red-team messages (tests/phi) cut or joined to 300 characters, so each
detector meets the identifiers, emoji and Spanish it meets in service. Each detector runs
over all of them several times; the table gives the per-message cost (fastest and median
round) next to the 1 ms budget of issue 11, then the whole registry and `redact()` (which
scans again after a change) beside the baseline: the nine detectors the registry had
before that issue (in their present, larger form).
Figures are relative: this machine is shared and noisy, so compare rows, not runs.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable, Sequence

from triage.cli import PHI_SET_DIR
from triage.phi import Registry, default_registry, redact
from triage.phi.redteam import load_examples

BUDGET_US = 1000.0
LENGTH = 300
ROUNDS = 7
# The registry before issue 11: the baseline row.
EARLIER = ("placeholders", "names", "dates", "phone", "email", "address", "ids", "ssn", "health")


def texts_of_length(length: int = LENGTH) -> list[str]:
    """Red-team messages joined and cut so that every text is `length` characters long."""
    pool = [e.text.replace("\n", " ") for e in load_examples([PHI_SET_DIR])]
    out, buffer = [], ""
    for text in pool:
        buffer = f"{buffer} {text}".strip()
        while len(buffer) >= length:
            out.append(buffer[:length])
            buffer = buffer[length:].lstrip()
    return out


def per_message_us(run: Callable[[str], object], texts: Sequence[str]) -> tuple[float, float]:
    """(fastest, median) microseconds per text over `ROUNDS` passes."""
    rounds = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        for text in texts:
            run(text)
        rounds.append((time.perf_counter() - start) * 1e6 / len(texts))
    return min(rounds), statistics.median(rounds)


def main() -> int:
    texts = texts_of_length()
    registry = default_registry()
    registry.detect(texts[0])  # word lists load on first use
    print(f"PHI detectors on {len(texts)} texts of {LENGTH} characters, {ROUNDS} rounds; "
          f"budget {BUDGET_US:.0f} us per detector")
    print(f"{'detector':<15} {'fastest us':>10} {'median us':>10} {'budget':>7}")
    over = []
    for detector in registry.detectors:
        fastest, median = per_message_us(detector.detect, texts)
        flag = "ok" if fastest <= BUDGET_US else "OVER"
        if fastest > BUDGET_US:
            over.append(detector.name)
        print(f"{detector.name:<15} {fastest:>10.1f} {median:>10.1f} {flag:>7}")
    earlier = Registry(d for d in registry.detectors if d.name in EARLIER)
    print()
    print(f"{'whole':<28} {'fastest us':>10} {'median us':>10}")
    for label, run in (
        (f"the {len(earlier.detectors)} kinds before issue 11", earlier.detect),
        (f"registry now ({len(registry.detectors)})", registry.detect),
        ("redact() now, with rescans", redact),
    ):
        fastest, median = per_message_us(run, texts)
        print(f"{label:<28} {fastest:>10.1f} {median:>10.1f}")
    if over:
        print(f"over budget: {', '.join(over)}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
