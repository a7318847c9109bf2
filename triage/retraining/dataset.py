"""Turn mapped rows into a training set and a held-out set, PHI-redacted first.

Order of work (`build_dataset`):

1. every text goes through `triage.phi.deidentify` (typed placeholders for identifiers,
   health words kept) and onto one line; nothing later sees the original;
2. `normalise` (lower case, punctuation and emoji dropped, spaces collapsed) finds
   near-duplicates, within the export and against the existing training data;
3. a normalised text with two different categories is a conflict: every row of it is
   dropped and reported as (hash of the normalised text, labels, count), never the text;
4. a stratified split with a fixed seed: `heldout_fraction` of each category, at least
   one when the category has two or more examples, never all of them.

Logs carry counts and hashes only.
"""

from __future__ import annotations

import collections
import dataclasses
import hashlib
import logging
import random
import re
import unicodedata
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

import yaml

from triage.errors import ConfigError, InputError
from triage.phi import deidentify
from triage.retraining.labels import LabeledRow, category_of
from triage.taxonomy import CATEGORIES

__all__ = [
    "Conflict",
    "Dataset",
    "DatasetSummary",
    "Example",
    "GENERATED_DIRNAME",
    "build_dataset",
    "examples_of",
    "load_nlu_examples",
    "normalise",
    "one_line",
    "text_hash",
]

log = logging.getLogger(__name__)

GENERATED_DIRNAME = "generated"
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)
# Rasa entity annotations in hand-written data: [text](entity), [text]{...}, [text][...].
_ENTITY = re.compile(r"\[([^\]]+?)\](?:\([^)]*\)|\{[^}]*\}|\[[^\]]*\])")


def one_line(text: str) -> str:
    """Collapse every run of whitespace (newlines included) into one space."""
    return " ".join(text.split())


def normalise(text: str) -> str:
    """The comparison key for near-duplicates: case, punctuation, emoji and spacing ignored."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_NOT_WORD.sub(" ", text).split())


def text_hash(normalised: str) -> str:
    """A short stable id for a normalised text, safe to log and report."""
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()[:12]


@dataclasses.dataclass(frozen=True)
class Example:
    """One redacted, single-line training or held-out example."""

    text: str
    intent: str

    @property
    def category(self) -> str:
        return category_of(self.intent)


@dataclasses.dataclass(frozen=True)
class Conflict:
    """Rows whose normalised texts agree but whose labels do not (text never kept)."""

    text_hash: str
    labels: Tuple[str, ...]
    count: int
    # True when one of the labels comes from the existing training data.
    with_existing: bool = False


@dataclasses.dataclass(frozen=True)
class DatasetSummary:
    rows_in: int
    redacted: int
    empty_dropped: int
    duplicates_in_export: int
    duplicates_of_existing: int
    conflicts: Tuple[Conflict, ...]
    conflict_rows_dropped: int
    # category -> (train, held-out)
    per_class: Dict[str, Tuple[int, int]]
    skipped_unknown: Dict[str, int] = dataclasses.field(default_factory=dict)
    seed: int = 42
    heldout_fraction: float = 0.2

    @property
    def train_total(self) -> int:
        return sum(t for t, _ in self.per_class.values())

    @property
    def heldout_total(self) -> int:
        return sum(h for _, h in self.per_class.values())

    def as_dict(self) -> dict:
        """Counts and hashes only: safe for a manifest or a log."""
        out = dataclasses.asdict(self)
        out["conflicts"] = [dataclasses.asdict(c) for c in self.conflicts]
        out["per_class"] = {k: {"train": t, "heldout": h} for k, (t, h) in self.per_class.items()}
        out["train_total"], out["heldout_total"] = self.train_total, self.heldout_total
        return out


@dataclasses.dataclass(frozen=True)
class Dataset:
    train: List[Example]
    heldout: List[Example]
    summary: DatasetSummary


# -- existing training data ------------------------------------------------------------
def examples_of(block: object) -> Iterable[str]:
    """The example texts of one intent block, in the short or the long form."""
    if isinstance(block, str):  # the usual `examples: |` block of "- text" lines
        for line in block.splitlines():
            line = line.strip()
            if line.startswith("- "):
                yield line[2:]
            elif line == "-":
                continue
    elif isinstance(block, list):  # the long form: a list of {text: ..., metadata: ...}
        for item in block:
            if isinstance(item, dict) and isinstance(item.get("text"), str):
                yield item["text"]


def load_nlu_examples(nlu_dir: Union[str, Path],
                      exclude: Sequence[Union[str, Path]] = ()) -> List[Tuple[str, str]]:
    """(text, category) of every intent example in the Rasa NLU YAML under `nlu_dir`.

    Retrieval sub-intents count as their category; entity annotations are reduced to
    their text. Files in `exclude` (e.g. the generated file about to be replaced) are
    skipped. Raises `ConfigError` for a file that is not YAML.
    """
    skip = {Path(p).resolve() for p in exclude}
    out: List[Tuple[str, str]] = []
    for path in sorted(Path(nlu_dir).rglob("*.yml")) + sorted(Path(nlu_dir).rglob("*.yaml")):
        if path.resolve() in skip:
            continue
        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigError(f"cannot read training data {path.name}: {exc}") from exc
        items = doc.get("nlu") if isinstance(doc, dict) else None
        for item in items or ():
            if not isinstance(item, dict) or not isinstance(item.get("intent"), str):
                continue  # synonyms, regexes, lookups
            category = category_of(item["intent"])
            for text in examples_of(item.get("examples")):
                out.append((_ENTITY.sub(r"\1", text), category))
    return out


# -- the build ---------------------------------------------------------------------------
def _heldout_count(n: int, fraction: float) -> int:
    if n < 2:
        return 0
    return min(n - 1, max(1, round(n * fraction)))


def _split(examples: List[Example], fraction: float,
           seed: int) -> Tuple[List[Example], List[Example]]:
    by_class: Dict[str, List[Example]] = collections.defaultdict(list)
    for ex in examples:
        by_class[ex.category].append(ex)
    train: List[Example] = []
    heldout: List[Example] = []
    for category in sorted(by_class):
        # Sorting by hash first makes the split independent of the export's row order.
        group = sorted(by_class[category], key=lambda e: (text_hash(normalise(e.text)), e.text))
        random.Random(f"{seed}:{category}").shuffle(group)
        k = _heldout_count(len(group), fraction)
        heldout.extend(group[:k])
        train.extend(group[k:])
    return train, heldout


def build_dataset(rows: Sequence[LabeledRow],
                  existing: Iterable[Tuple[str, str]] = (),
                  heldout_fraction: float = 0.2, seed: int = 42,
                  skipped_unknown: Optional[Mapping[str, int]] = None,
                  redactor: Callable[[str], str] = deidentify) -> Dataset:
    """Redact, de-duplicate, drop conflicts and split (see the module docstring).

    `redactor` is `triage.phi.deidentify` unless a caller passes a stricter one; it is the
    only thing that sees a row's original text.
    """
    if not 0.0 <= heldout_fraction < 1.0:
        raise InputError("the held-out fraction must lie in [0, 1)")
    known: Dict[str, str] = {}
    for text, category in existing:
        known.setdefault(normalise(text), category)

    redacted = empty = 0
    groups: Dict[str, List[Example]] = collections.OrderedDict()
    for row in rows:
        text = one_line(redactor(row.text))
        if text != one_line(row.text):
            redacted += 1
        key = normalise(text)
        if not key:
            empty += 1
            continue
        groups.setdefault(key, []).append(Example(text, row.intent))

    kept: List[Example] = []
    conflicts: List[Conflict] = []
    conflict_rows = dup_export = dup_existing = 0
    for key, group in groups.items():
        categories = {ex.category for ex in group}
        existing_category = known.get(key)
        if existing_category is not None:
            categories.add(existing_category)
        if len(categories) > 1:
            labels = collections.Counter(ex.intent for ex in group)
            conflicts.append(Conflict(text_hash(key), tuple(sorted(categories)), len(group),
                                      with_existing=existing_category is not None))
            conflict_rows += len(group)
            log.warning("retraining_conflict hash=%s labels=%s rows=%d", text_hash(key),
                        ",".join(sorted(labels)), len(group))
            continue
        if existing_category is not None:
            dup_existing += len(group)
            continue
        # Same category throughout: keep one, preferring a row that names a FAQ topic.
        best = max(group, key=lambda ex: "/" in ex.intent)
        kept.append(best)
        dup_export += len(group) - 1

    train, heldout = _split(kept, heldout_fraction, seed)
    per_class = {c: (sum(e.category == c for e in train), sum(e.category == c for e in heldout))
                 for c in CATEGORIES}
    summary = DatasetSummary(
        rows_in=len(rows), redacted=redacted, empty_dropped=empty,
        duplicates_in_export=dup_export, duplicates_of_existing=dup_existing,
        conflicts=tuple(conflicts), conflict_rows_dropped=conflict_rows, per_class=per_class,
        skipped_unknown=dict(skipped_unknown or {}), seed=seed,
        heldout_fraction=heldout_fraction)
    log.info("retraining_dataset rows=%d redacted=%d dup_export=%d dup_existing=%d "
             "conflicts=%d train=%d heldout=%d", len(rows), redacted, dup_export, dup_existing,
             len(conflicts), len(train), len(heldout))
    return Dataset(train, heldout, summary)
