"""Pretrained sentence embeddings (all-MiniLM-L6-v2) computed with NumPy."""

from bot.embeddings.minilm import DIM, Encoded, MiniLMEncoder, default_model_dir, shared_encoder

__all__ = ["DIM", "Encoded", "MiniLMEncoder", "default_model_dir", "shared_encoder"]
