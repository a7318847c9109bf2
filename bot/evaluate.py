"""Evaluate a trained Rasa model on held-out NLU data: scores, registers, parse latency.

`heldout` is one NLU file or a folder of them. In a folder, files under an `es/`
folder are Spanish; every other file is English (registers: triage.evaluation).
"""

from __future__ import annotations

import asyncio
import dataclasses
import statistics
import time
from pathlib import Path
from typing import List, Sequence, Tuple

from bot.quiet import quiet_rasa
from triage import phi
from triage.evaluation import DevFigures, DevRow, Report, dev_figures, evaluate, register_of
from triage.parse import parse_from_nlu
from triage.policy import LINK_PHI
from triage.safety import crisis_signal
from triage.service import assess
from triage.taxonomy import CATEGORIES, Taxonomy

__all__ = ["HeldOutResult", "Example", "load_heldout", "evaluate_model", "dev_rows", "score_dev"]


@dataclasses.dataclass(frozen=True)
class Example:
    text: str
    category: str
    language: str  # "en" or "es"


@dataclasses.dataclass(frozen=True)
class HeldOutResult:
    report: Report
    median_parse_ms: float
    p95_parse_ms: float
    examples: int
    # (text, true category, parse data) per example, for policy-level figures.
    parses: Tuple[Tuple[str, str, dict], ...] = ()
    languages: Tuple[str, ...] = ()


def _files(path: Path) -> List[Path]:
    return sorted(path.rglob("*.yml")) if path.is_dir() else [path]


def load_examples(path: Path) -> List[Example]:
    """Examples of one file or folder; retrieval sub-intents count as their category."""
    from rasa.shared.nlu.training_data.loading import load_data

    out = []
    for file in _files(Path(path)):
        language = "es" if file.parent.name == "es" else "en"
        for m in load_data(str(file)).training_examples:
            out.append(Example(m.get("text"), m.get("intent").split("/")[0], language))
    return out


def load_heldout(path: Path) -> List[Tuple[str, str]]:
    """(text, category) pairs of a held-out file or folder."""
    return [(e.text, e.category) for e in load_examples(path)]


def evaluate_model(model: Path, heldout: Path) -> HeldOutResult:
    from rasa.core.agent import Agent

    quiet_rasa()
    examples = load_examples(heldout)
    loop = asyncio.new_event_loop()
    try:
        agent = Agent.load(str(model))
        pairs, timings, parses = [], [], []
        for example in examples:
            start = time.perf_counter()
            parsed = loop.run_until_complete(agent.parse_message(example.text))
            timings.append((time.perf_counter() - start) * 1000)
            pairs.append((example.category, (parsed.get("intent") or {}).get("name") or "none"))
            parses.append((example.text, example.category, parsed))
    finally:
        loop.close()
    timings.sort()
    return HeldOutResult(
        report=evaluate(pairs, CATEGORIES),
        median_parse_ms=statistics.median(timings),
        p95_parse_ms=timings[int(0.95 * (len(timings) - 1))],
        examples=len(examples),
        parses=tuple(parses),
        languages=tuple(e.language for e in examples),
    )


def dev_rows(result: HeldOutResult, taxonomy: Taxonomy,
             surface: str = "private_message") -> List[DevRow]:
    """One DevRow per example: the model's guess and what the policy did with it."""
    rows = []
    for (text, category, parsed), language in zip(result.parses, result.languages):
        parse = parse_from_nlu(parsed)
        # The channel hands Rasa de-identified text; the policy sees the same.
        plain = phi.deidentify(text)
        decision = assess(plain, parse, surface, taxonomy)
        rows.append(DevRow(
            true=category, predicted=parse.category, register=register_of(text, language),
            action=decision.action.value, reason=decision.reason.value,
            # The policy's notion: profile links and handles alone are not sensitive.
            has_phi=bool(set(parse.phi_types) - LINK_PHI), crisis_score=parse.emergency_score,
            backstop=crisis_signal(plain) is not None,
        ))
    return rows


def score_dev(model: Path, dev: Path, taxonomy: Taxonomy) -> Tuple[HeldOutResult, DevFigures,
                                                                    Sequence[DevRow]]:
    """Evaluate `model` on the development folder: (raw result, figures, rows)."""
    result = evaluate_model(model, dev)
    rows = dev_rows(result, taxonomy)
    return result, dev_figures(rows, CATEGORIES), rows
