"""The category taxonomy: a data file plus a small typed loader."""

from __future__ import annotations

import dataclasses
import enum
from pathlib import Path
from typing import Dict, Mapping, Optional

import yaml

from triage.errors import ConfigError

__all__ = [
    "CATEGORIES",
    "Category",
    "ChannelRules",
    "Handling",
    "Priority",
    "Taxonomy",
    "load_taxonomy",
]

# The classifier's label set. The data file must define exactly these.
CATEGORIES = (
    "general_question",
    "appointment_request",
    "praise",
    "negative_review",
    "clinical_request",
    "emergency",
    "spam",
    "other",
)


class Priority(str, enum.Enum):
    URGENT = "urgent"
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"

    @property
    def rank(self) -> int:
        """0 is the most urgent; the queue sorts on this."""
        return list(Priority).index(self)


class Handling(str, enum.Enum):
    REPLY = "reply"
    ESCALATE = "escalate"
    IGNORE = "ignore"


@dataclasses.dataclass(frozen=True)
class Category:
    name: str
    description: str
    priority: Priority
    sla_hours: float
    handling: Handling
    template: Optional[str]
    hide: bool = False


PUBLIC_REPLY_MODES = ("automatic", "moderator")


@dataclasses.dataclass(frozen=True)
class ChannelRules:
    """What a channel can do and may do without a person."""

    # False where a message can only be answered in public (a Google review).
    private_replies: bool = True
    # "moderator": each public reply waits for a moderator's approval on a case;
    # "automatic": posted when the message is triaged.
    public_replies: str = "automatic"


@dataclasses.dataclass(frozen=True)
class Taxonomy:
    categories: Mapping[str, Category]
    faq_topics: Mapping[str, str]
    confidence_threshold: float
    emergency_threshold: float
    # Spam at or above this confidence is ignored even with contact details (policy rule 3).
    spam_confidence: float = 0.6
    # ... and with an identifier only a patient gives (DOB, SSN, member/record number).
    spam_confidence_with_ids: float = 0.95
    channels: Mapping[str, ChannelRules] = dataclasses.field(default_factory=dict)

    def channel(self, name: str) -> ChannelRules:
        """The rules of a channel (by its stored name); a channel not listed has the defaults."""
        return self.channels.get(name) or ChannelRules()

    def __getitem__(self, name: str) -> Category:
        try:
            return self.categories[name]
        except KeyError:
            raise ConfigError(f"unknown category {name!r}") from None


def _category(name: str, raw: Mapping) -> Category:
    try:
        return Category(
            name=name,
            description=str(raw.get("description", "")),
            priority=Priority(raw["priority"]),
            sla_hours=float(raw["sla_hours"]),
            handling=Handling(raw["handling"]),
            template=raw.get("template"),
            hide=bool(raw.get("hide", False)),
        )
    except (KeyError, ValueError, TypeError) as exc:
        raise ConfigError(f"category {name!r} is invalid: {exc}") from exc


def _channel(name: str, raw: object) -> ChannelRules:
    if not isinstance(raw, Mapping):
        raise ConfigError(f"channel {name!r} must be a mapping")
    unknown = sorted(set(raw) - {"private_replies", "public_replies"})
    if unknown:
        raise ConfigError(f"channel {name!r} has unknown settings {unknown}")
    rules = ChannelRules(private_replies=raw.get("private_replies", True),
                         public_replies=raw.get("public_replies", "automatic"))
    if not isinstance(rules.private_replies, bool):
        raise ConfigError(f"channel {name!r}: private_replies must be true or false")
    if rules.public_replies not in PUBLIC_REPLY_MODES:
        raise ConfigError(f"channel {name!r}: public_replies must be one of "
                          + ", ".join(PUBLIC_REPLY_MODES))
    return rules


def load_taxonomy(path: Path) -> Taxonomy:
    """Load and validate the taxonomy file."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read taxonomy {path}: {exc}") from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("categories"), dict):
        raise ConfigError(f"taxonomy {path} has no 'categories' mapping")
    categories: Dict[str, Category] = {
        name: _category(name, spec or {}) for name, spec in raw["categories"].items()
    }
    if set(categories) != set(CATEGORIES):
        missing = sorted(set(CATEGORIES) - set(categories))
        extra = sorted(set(categories) - set(CATEGORIES))
        raise ConfigError(f"taxonomy categories differ: missing={missing} extra={extra}")
    try:
        threshold = float(raw["confidence_threshold"])
        emergency_threshold = float(raw["emergency_threshold"])
        spam_confidence = float(raw.get("spam_confidence", 0.6))
        spam_with_ids = float(raw.get("spam_confidence_with_ids", 0.95))
    except (KeyError, ValueError, TypeError) as exc:
        raise ConfigError("taxonomy needs numeric confidence thresholds") from exc
    for value in (threshold, emergency_threshold, spam_confidence, spam_with_ids):
        if not 0.0 <= value <= 1.0:
            raise ConfigError("taxonomy thresholds must lie in [0, 1]")
    channels = raw.get("channels") or {}
    if not isinstance(channels, Mapping):
        raise ConfigError(f"taxonomy {path}: 'channels' must be a mapping")
    return Taxonomy(
        channels={str(name): _channel(str(name), spec) for name, spec in channels.items()},
        categories=categories,
        faq_topics=dict(raw.get("faq_topics") or {}),
        confidence_threshold=threshold,
        emergency_threshold=emergency_threshold,
        spam_confidence=spam_confidence,
        spam_confidence_with_ids=spam_with_ids,
    )
