"""Sentence features as Rasa's LogisticRegressionClassifier builds them, skops I/O, and
`SentenceModel`, the base of the crisis scorer and the FAQ topic classifier: small,
class-balanced scikit-learn models on exactly what the intent classifier sees.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, ClassVar, Dict, List, Optional, Text, Type

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.featurizer import Featurizer
from rasa.shared.exceptions import RasaException
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from scipy.sparse import csr_matrix, hstack, vstack

__all__ = ["SentenceModel", "sentence_matrix", "dump_model", "load_model"]

log = logging.getLogger(__name__)


def sentence_matrix(messages: List[Message]) -> csr_matrix:
    """Sparse and dense sentence features side by side, one row per message."""
    rows = []
    for message in messages:
        sparse = message.get_sparse_features(attribute=TEXT)[1]
        dense = message.get_dense_features(attribute=TEXT)[1]
        rows.append(hstack([csr_matrix(sparse.features if sparse else []),
                            csr_matrix(dense.features if dense else [])]))
    return vstack(rows).tocsr()


def dump_model(model: Any, path: Path) -> None:
    import skops.io as sio

    sio.dump(model, path)


def load_model(path: Path) -> Any:
    """A model written by `dump_model`; refuses files that hold types we did not write."""
    import skops.io as sio

    if not path.is_file():
        raise FileNotFoundError(path)
    untrusted = sio.get_untrusted_types(file=path)
    if untrusted:
        # Loading would run code of types we did not write: refuse, loudly.
        raise RasaException(f"{path.name} holds untrusted types {untrusted}")
    return sio.load(path, trusted=False)


class SentenceModel(GraphComponent):
    """A trainable component holding one scikit-learn model over `sentence_matrix`.

    Subclasses name the persisted file (`MODEL_FILE`) and the log event for a model
    that learnt nothing (`UNTRAINED_EVENT`), and implement `train` and `process`;
    `_fit_logistic_regression` fits and persists the class-balanced model. The
    config keys C, max_iter, tol and random_state belong to the regression.
    """

    MODEL_FILE: ClassVar[str]
    UNTRAINED_EVENT: ClassVar[str]

    @classmethod
    def required_components(cls) -> List[Type]:
        return [Featurizer]

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage,
                 resource: Resource, model: Optional[Any] = None) -> None:
        self._config = {**self.get_default_config(), **config}
        self._storage = model_storage
        self._resource = resource
        self._model = model

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "SentenceModel":
        return cls(config, model_storage, resource)

    def _fit_logistic_regression(self, messages: List[Message], labels: Any) -> None:
        from sklearn.linear_model import LogisticRegression

        self._model = LogisticRegression(
            C=float(self._config["C"]), class_weight="balanced",
            max_iter=int(self._config["max_iter"]), tol=float(self._config["tol"]),
            random_state=int(self._config["random_state"]), solver="lbfgs",
        ).fit(sentence_matrix(messages), labels)
        with self._storage.write_to(self._resource) as directory:
            dump_model(self._model, directory / self.MODEL_FILE)

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "SentenceModel":
        try:
            with model_storage.read_from(resource) as directory:
                model = load_model(directory / cls.MODEL_FILE)
        except (ValueError, FileNotFoundError):
            # Nothing was learnt (one class in tiny test data): the subclass says what then.
            log.warning(cls.UNTRAINED_EVENT)
            model = None
        return cls(config, model_storage, resource, model)
