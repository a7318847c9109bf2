"""Pretrained sentence embeddings (all-MiniLM-L6-v2): NumPy float32 or onnxruntime int8."""

from bot.embeddings.minilm import (
    DIM,
    RUNTIMES,
    Encoded,
    MiniLMEncoder,
    default_model_dir,
    shared_encoder,
)

__all__ = ["DIM", "RUNTIMES", "Encoded", "MiniLMEncoder", "default_model_dir", "shared_encoder"]
