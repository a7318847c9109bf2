"""Sentence features as Rasa's LogisticRegressionClassifier builds them, and skops I/O.

Shared by the crisis scorer and the FAQ topic classifier, which train small
scikit-learn models on exactly what the intent classifier sees.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, List

from rasa.shared.exceptions import RasaException
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from scipy.sparse import csr_matrix, hstack, vstack

__all__ = ["sentence_matrix", "dump_model", "load_model"]


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
