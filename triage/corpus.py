"""The hand-written NLU corpus: counts, registers, lengths and near-duplicates.

`data/nlu/<category>/<register>.yml` holds the training examples, one file per
category and register (`es.yml` is Spanish); `tests/nlu/dev/{en,es}/` the
development set, written apart and never trained on. This module reads them with
plain YAML (no Rasa), finds near-duplicates (token-set Jaccard >= 0.7, the rule
that stops one template with a word swapped from counting twice), drops them in
place on request, and writes the statistics of the data card (data/nlu/README.md).
"""

from __future__ import annotations

import dataclasses
import re
import statistics
from collections import Counter, defaultdict
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import yaml

from triage.errors import ConfigError
from triage.retraining.dataset import examples_of

__all__ = ["Entry", "NearDuplicate", "load_corpus", "near_duplicates", "drop_lines",
           "stats_markdown", "JACCARD", "CARD_BEGIN", "CARD_END"]

JACCARD = 0.7
LONG_CHARS = 150
_TOKEN = re.compile(r"\w+", re.UNICODE)
CARD_BEGIN = "<!-- corpus-stats:begin (python -m triage corpus --card) -->"
CARD_END = "<!-- corpus-stats:end -->"
LENGTH_BINS = ((0, 50), (51, 150), (151, 400), (401, 700), (701, 1000), (1001, 10**9))


@dataclasses.dataclass(frozen=True)
class Entry:
    text: str
    intent: str  # as written, e.g. general_question/hours
    path: Path
    register: str  # the file's stem (es = Spanish)

    @property
    def category(self) -> str:
        return self.intent.split("/")[0]

    @property
    def spanish(self) -> bool:
        return self.register.split("_")[0] == "es" or self.path.parent.name == "es"

    @property
    def tokens(self) -> frozenset:
        return frozenset(_TOKEN.findall(self.text.lower()))


@dataclasses.dataclass(frozen=True)
class NearDuplicate:
    kept: Entry
    dropped: Entry
    jaccard: float


def _read(path: Path) -> List[Entry]:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from exc
    entries = []
    for block in (doc or {}).get("nlu") or []:
        if "intent" not in block:
            continue
        examples = block.get("examples") or ""
        if isinstance(examples, str) and any(
                line.strip() and not line.startswith("- ") for line in examples.splitlines()):
            raise ConfigError(f"{path}: example line does not start with '- '")
        entries += [Entry(text.strip(), block["intent"], path, path.stem)
                    for text in examples_of(examples)]
    return entries


def load_corpus(root: Path, skip: Sequence[str] = ("generated",),
                only: Optional[Sequence[str]] = None) -> List[Entry]:
    """Every example under `root`, in file order (files sorted by path); `only`
    limits the files to those names."""
    files = [p for p in sorted(Path(root).rglob("*.yml"))
             if not set(p.relative_to(root).parts) & set(skip)
             and (only is None or p.name in only)]
    return [e for f in files for e in _read(f)]


def near_duplicates(entries: Sequence[Entry], against: Sequence[Entry] = (),
                    threshold: float = JACCARD) -> List[NearDuplicate]:
    """Pairs with token-set Jaccard >= threshold. Within `entries` the later one is
    dropped; with `against` given, every entry close to one of those is dropped."""
    ref = list(against) if against else []
    pool: List[Tuple[frozenset, Entry]] = [(e.tokens, e) for e in ref]
    # Jaccard >= t needs len(small)/len(big) >= t, so index by size and look nearby.
    by_size: Dict[int, List[Tuple[frozenset, Entry]]] = defaultdict(list)
    for toks, e in pool:
        by_size[len(toks)].append((toks, e))
    found: List[NearDuplicate] = []
    for entry in entries:
        toks = entry.tokens
        if not toks:
            continue
        n = len(toks)
        low, high = int(n * threshold), int(n / threshold) + 1
        hit: Optional[NearDuplicate] = None
        for size in range(max(low, 1), high + 1):
            for other_toks, other in by_size.get(size, ()):
                j = len(toks & other_toks) / len(toks | other_toks)
                if j >= threshold:
                    hit = NearDuplicate(other, entry, round(j, 3))
                    break
            if hit:
                break
        if hit:
            found.append(hit)
        elif not against:
            by_size[n].append((toks, entry))
    return found


def drop_lines(dropped: Iterable[Entry]) -> int:
    """Remove the dropped examples' lines from their files; returns lines removed."""
    per_file: Dict[Path, Counter] = defaultdict(Counter)
    for e in dropped:
        per_file[e.path][e.text] += 1
    removed = 0
    for path, texts in per_file.items():
        kept = []
        for line in path.read_text(encoding="utf-8").splitlines(keepends=True):
            text = line.strip()[2:].strip() if line.strip().startswith("- ") else None
            if text is not None and texts.get(text, 0) > 0:
                texts[text] -= 1
                removed += 1
                continue
            kept.append(line)
        path.write_text("".join(kept), encoding="utf-8")
    return removed


def _bin_label(low: int, high: int) -> str:
    return f"> {low - 1}" if high >= 10**9 else f"{low}-{high}"


def stats_markdown(train: Sequence[Entry], dev: Sequence[Entry], categories: Sequence[str]) -> str:
    """The data card's tables: counts per category and register, and lengths."""
    lines = ["| category | training | Spanish | over 150 chars | median chars | max chars "
             "| registers (files) | dev (English / Spanish) |",
             "|---|---:|---:|---:|---:|---:|---|---:|"]
    for cat in categories:
        rows = [e for e in train if e.category == cat]
        lengths = [len(e.text) for e in rows] or [0]
        files = Counter(e.register for e in rows)
        dev_rows = [e for e in dev if e.category == cat]
        long_share = sum(n > LONG_CHARS for n in lengths) / max(len(rows), 1)
        lines.append(
            f"| {cat} | {len(rows)} | {sum(e.spanish for e in rows)} | {long_share:.0%} "
            f"| {statistics.median(lengths):.0f} | {max(lengths)} "
            f"| {', '.join(f'{k} {v}' for k, v in sorted(files.items()))} "
            f"| {sum(not e.spanish for e in dev_rows)} / {sum(e.spanish for e in dev_rows)} |")
    all_lengths = [len(e.text) for e in train]
    lines.append(f"| **all** | **{len(train)}** | {sum(e.spanish for e in train)} "
                 f"| {sum(n > LONG_CHARS for n in all_lengths) / max(len(train), 1):.0%} "
                 f"| {statistics.median(all_lengths or [0]):.0f} | {max(all_lengths or [0])} | "
                 f"| {sum(not e.spanish for e in dev)} / {sum(e.spanish for e in dev)} |")
    lines += ["", "| length (characters) | training | dev |", "|---|---:|---:|"]
    for low, high in LENGTH_BINS:
        count = sum(low <= len(e.text) <= high for e in train)
        dev_count = sum(low <= len(e.text) <= high for e in dev)
        lines.append(f"| {_bin_label(low, high)} | {count} | {dev_count} |")
    return "\n".join(lines)
