"""The trained Rasa model as a `triage.classifier.Classifier`, for batch triage."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Mapping

from bot.quiet import quiet_rasa
from triage.errors import ConfigError


class RasaClassifier:
    """Loads the model once; parses with the same pipeline the server runs."""

    def __init__(self, model_path: Path) -> None:
        from rasa.core.agent import Agent
        from rasa.model import get_latest_model

        model = get_latest_model(str(model_path))
        if model is None:
            raise ConfigError(f"no trained model under {model_path}; run `make train`")
        self._loop = asyncio.new_event_loop()
        self._agent = Agent.load(model)

    def parse(self, text: str) -> Mapping[str, Any]:
        return self._loop.run_until_complete(self._agent.parse_message(text))


def load_classifier(model_path: Path) -> RasaClassifier:
    quiet_rasa()
    return RasaClassifier(model_path)
