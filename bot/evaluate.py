"""Evaluate a trained Rasa model on a held-out NLU file: scores and parse latency."""

from __future__ import annotations

import asyncio
import dataclasses
import statistics
import time
from pathlib import Path
from typing import List, Tuple

from bot.quiet import quiet_rasa
from triage.evaluation import Report, evaluate
from triage.taxonomy import CATEGORIES


@dataclasses.dataclass(frozen=True)
class HeldOutResult:
    report: Report
    median_parse_ms: float
    p95_parse_ms: float
    examples: int
    # (text, true category, parse data) per example, for policy-level figures.
    parses: Tuple[Tuple[str, str, dict], ...] = ()


def load_heldout(path: Path) -> List[Tuple[str, str]]:
    """(text, category) pairs; retrieval sub-intents count as their category."""
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(path))
    return [(m.get("text"), m.get("intent").split("/")[0]) for m in data.training_examples]


def evaluate_model(model: Path, heldout: Path) -> HeldOutResult:
    from rasa.core.agent import Agent

    quiet_rasa()
    examples = load_heldout(heldout)
    loop = asyncio.new_event_loop()
    try:
        agent = Agent.load(str(model))
        pairs, timings, parses = [], [], []
        for text, category in examples:
            start = time.perf_counter()
            parsed = loop.run_until_complete(agent.parse_message(text))
            timings.append((time.perf_counter() - start) * 1000)
            pairs.append((category, (parsed.get("intent") or {}).get("name") or "none"))
            parses.append((text, category, parsed))
    finally:
        loop.close()
    timings.sort()
    return HeldOutResult(
        report=evaluate(pairs, CATEGORIES),
        median_parse_ms=statistics.median(timings),
        p95_parse_ms=timings[int(0.95 * (len(timings) - 1))],
        examples=len(examples),
        parses=tuple(parses),
    )
