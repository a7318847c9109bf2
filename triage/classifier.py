"""The seam between the triage core and a trained model.

`triage` never imports Rasa; the Rasa-backed classifier lives in `bot/classifier.py`
and is found by dotted path, so the batch CLI and the live service share one model.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any, Mapping, Protocol

from triage.errors import ConfigError

DEFAULT_CLASSIFIER = "bot.classifier:load_classifier"


class Classifier(Protocol):
    """A classifier may also offer `parse_many(texts) -> list of parse data`, the same as
    `parse` on each text; batch triage uses it when there (`triage.batch.parse_all`)."""

    def parse(self, text: str) -> Mapping[str, Any]:
        """NLU parse data for one text: intent, response_selector, phi."""


def load_classifier(spec: str, model_path: Path) -> Classifier:
    """Import `module:function` and call it with the model path."""
    module_name, _, attr = spec.partition(":")
    try:
        factory = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        raise ConfigError(f"cannot load classifier {spec!r}: {exc}") from exc
    return factory(model_path)
