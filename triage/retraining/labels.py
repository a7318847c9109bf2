"""Map a team's own tag names to the taxonomy's categories.

A mapping file is YAML, one `team tag: category` pair a line::

    Question: general_question
    Parking question: general_question/parking   # a FAQ topic is allowed too
    Appt: appointment_request

Tags match case-insensitively (surrounding spaces ignored). A category's own name, or
`general_question/<topic>`, maps to itself without a mapping entry. An unknown label stops
the import with one error that lists every unknown label and its count, unless
`skip_unknown` drops those rows (they are counted).
"""

from __future__ import annotations

import collections
import dataclasses
import re
from pathlib import Path
from typing import Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

import yaml

from triage.errors import ConfigError, InputError
from triage.retraining.exports import ExportRow
from triage.taxonomy import CATEGORIES

__all__ = [
    "FAQ_INTENT",
    "LabelMap",
    "LabeledRow",
    "MappedRows",
    "UnknownLabels",
    "category_of",
    "load_label_map",
    "map_labels",
]

# The retrieval intent whose sub-intents (general_question/hours, ...) are FAQ topics.
FAQ_INTENT = "general_question"
_TOPIC = re.compile(r"[a-z][a-z0-9_]{0,40}")


class UnknownLabels(InputError):
    """Labels that are neither a category nor in the mapping; `counts` holds them all."""

    def __init__(self, counts: Mapping[str, int]) -> None:
        self.counts = dict(counts)
        listed = ", ".join(f"{label!r} ({n} row{'s' if n != 1 else ''})"
                           for label, n in sorted(self.counts.items(),
                                                  key=lambda kv: (-kv[1], kv[0])))
        super().__init__(
            f"{len(self.counts)} unknown label(s): {listed}; add them to the label map "
            "or skip them (--skip-unknown)")


def category_of(intent: str) -> str:
    """`general_question/hours` -> `general_question`; a category stays itself."""
    return intent.split("/", 1)[0]


def _check_intent(intent: str, topics: Optional[Sequence[str]]) -> Optional[str]:
    """The intent if it names a category (or a FAQ topic), else None."""
    intent = intent.strip()
    if intent in CATEGORIES:
        return intent
    category, _, topic = intent.partition("/")
    if category == FAQ_INTENT and _TOPIC.fullmatch(topic):
        if topics is None or topic in topics:
            return intent
    return None


@dataclasses.dataclass(frozen=True)
class LabelMap:
    """Lower-cased team tag -> intent (a category, or `general_question/<topic>`)."""

    tags: Mapping[str, str] = dataclasses.field(default_factory=dict)
    # Known FAQ topics; None accepts any well-formed `general_question/<topic>`.
    topics: Optional[Tuple[str, ...]] = None

    def resolve(self, label: str) -> Optional[str]:
        """The intent for a raw label, or None when it is unknown."""
        key = label.strip().lower()
        if key in self.tags:
            return self.tags[key]
        return _check_intent(key, self.topics)


def load_label_map(path: Union[str, Path, None],
                   topics: Optional[Iterable[str]] = None) -> LabelMap:
    """Read a mapping file (None: no file, categories only). Raises `ConfigError`."""
    topic_tuple = tuple(sorted(topics)) if topics is not None else None
    if path is None:
        return LabelMap({}, topic_tuple)
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read label map {path.name}: {exc}") from exc
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(f"label map {path.name} must be a mapping of team tag -> category")
    tags: Dict[str, str] = {}
    for tag, target in raw.items():
        if not isinstance(tag, (str, int)) or not str(tag).strip():
            raise ConfigError(f"label map {path.name}: tag {tag!r} is not a name")
        intent = _check_intent(str(target), topic_tuple) if isinstance(target, str) else None
        if intent is None:
            raise ConfigError(f"label map {path.name}: tag {tag!r} maps to {target!r}, which "
                              f"is not a category ({', '.join(CATEGORIES)}) or a FAQ topic")
        key = str(tag).strip().lower()
        if tags.get(key, intent) != intent:
            raise ConfigError(f"label map {path.name}: tag {tag!r} maps to two categories")
        tags[key] = intent
    return LabelMap(tags, topic_tuple)


@dataclasses.dataclass(frozen=True)
class LabeledRow:
    """A row whose label is mapped: `intent` may carry a FAQ topic, `category` never does."""

    text: str
    intent: str
    row: int
    reference: Optional[str] = None

    @property
    def category(self) -> str:
        return category_of(self.intent)


@dataclasses.dataclass(frozen=True)
class MappedRows:
    rows: List[LabeledRow]
    # Unknown label -> rows dropped (only with skip_unknown).
    skipped: Dict[str, int]

    @property
    def skipped_rows(self) -> int:
        return sum(self.skipped.values())


def map_labels(rows: Iterable[ExportRow], label_map: Optional[LabelMap] = None,
               skip_unknown: bool = False) -> MappedRows:
    """Map every row's label; raise `UnknownLabels` (listing all) unless `skip_unknown`."""
    label_map = label_map or LabelMap()
    mapped: List[LabeledRow] = []
    unknown: Dict[str, int] = collections.Counter()
    for row in rows:
        intent = label_map.resolve(row.label)
        if intent is None:
            unknown[row.label.strip()] += 1
        else:
            mapped.append(LabeledRow(row.text, intent, row.row, row.reference))
    if unknown and not skip_unknown:
        raise UnknownLabels(unknown)
    return MappedRows(mapped, dict(unknown))
