"""The trained Rasa model as a `triage.classifier.Classifier`, for batch triage."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any, Dict, List, Mapping, Sequence

# Before Rasa: see bot/__main__.py (no TensorFlow; skops searches every loaded module).
from bot.lean import leave_out_tensorflow

leave_out_tensorflow()
import skops.io  # noqa: F401,E402,I001

from bot.quiet import quiet_rasa  # noqa: E402
from triage.errors import ConfigError  # noqa: E402


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

    def parse_many(self, texts: Sequence[str]) -> List[Mapping[str, Any]]:
        """Parse data for each text, as `parse` gives it, from one run of the NLU graph.

        Every component takes a list of messages, so one run shares the encoder's
        batches (texts of similar length together) and each component's set-up.
        """
        from rasa.core.channels import UserMessage
        from rasa.engine.constants import PLACEHOLDER_MESSAGE, PLACEHOLDER_TRACKER
        from rasa.shared.core.trackers import DialogueStateTracker

        processor = self._agent.processor
        target = processor.model_metadata.nlu_target
        results = processor.graph_runner.run(
            inputs={PLACEHOLDER_MESSAGE: [UserMessage(text) for text in texts],
                    PLACEHOLDER_TRACKER: DialogueStateTracker.from_events("batch", [])},
            targets=[target])
        parsed: List[Mapping[str, Any]] = []
        for message in results[target]:
            # The same shape as MessageProcessor._parse_message_with_graph gives.
            data: Dict[str, Any] = {"text": "", "intent": {"name": None, "confidence": 0.0},
                                    "entities": []}
            data.update(message.as_dict(only_output_properties=True))
            processor._update_full_retrieval_intent(data)
            parsed.append(data)
        if len(parsed) != len(texts):
            raise RuntimeError(
                f"the NLU graph returned {len(parsed)} parses for {len(texts)} texts")
        return parsed


def load_classifier(model_path: Path) -> RasaClassifier:
    # Should anything still import TensorFlow, its start-up notices are noise here.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    quiet_rasa()
    return RasaClassifier(model_path)
