"""A Rasa NLU component that flags PHI and hides identifiers from the classifier.

Runs first in the pipeline. For each message it calls `triage.phi`, puts the PHI
types and spans (never the values) into the parse data under `phi`, and replaces
identifiers with typed placeholders ("[NAME] has a fever") before the tokenizer.
Training examples get the same treatment, so the model never learns from, or is
fed, a real name, date or number, and the parse output never echoes one.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from triage import phi
from triage.phi import registry
from triage.parse import PHI_KEY
from triage.settings import process_settings


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class PhiFlagger(GraphComponent):
    """Adds `phi: {types, spans}` to the parse data and de-identifies TEXT."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"deidentify": True}

    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[str]:
        """The detectors' code and word lists. Rasa's training cache keys a node on its
        config and inputs only, so without this a model trained after a detector change
        reused training data de-identified by the old detectors (seen: the development
        figures differed between a cached and a clean training)."""
        return registry.source_fingerprint()

    def __init__(self, config: Dict[Text, Any]) -> None:
        self._config = {**self.get_default_config(), **config}

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "PhiFlagger":
        # The organisation's published contacts are not PHI (the same list as the service's).
        phi.publish(phi.Published.parse(process_settings().published_contacts()))
        return cls(config)

    def _flag(self, message: Message, add_to_output: bool) -> None:
        text: Optional[str] = message.get(TEXT)
        if not text:
            return
        findings = phi.detect(text)
        message.set(
            PHI_KEY,
            {
                "types": phi.phi_types(findings),
                "spans": [
                    {"type": f.type.value, "start": f.start, "end": f.end} for f in findings
                ],
            },
            add_to_output=add_to_output,
        )
        if self._config["deidentify"] and findings:
            # deidentify() resolves overlaps without HEALTH, so a health span never hides an identifier.
            message.set(TEXT, phi.deidentify(text))

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            # detect() and deidentify() scan the same text: once.
            with phi.reuse_scans():
                self._flag(message, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for example in training_data.training_examples:
            with phi.reuse_scans():
                self._flag(example, add_to_output=False)
        return training_data
