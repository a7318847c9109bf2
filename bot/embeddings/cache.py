"""Sentence embeddings computed before, kept on disk for the next training.

Training encodes every example (7,685 in the shipped data: two minutes of a 2-core machine),
and a retraining from an inbox export encodes them all again though only the new ones changed.
This cache keeps each sentence vector under the SHA-256 of the encoder's identity and the text
(the text itself is never stored; training texts are de-identified anyway), so a retraining
encodes only what is new. The encoder is deterministic, so a cached vector is the one it would
compute. A SQLite file under var/ (not in the repository), safe for several processes at once;
a cache that cannot be opened or read is skipped, never an error.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import numpy as np

__all__ = ["EmbeddingCache"]

log = logging.getLogger(__name__)


class EmbeddingCache:
    def __init__(self, path: Path, identity: str, dim: int) -> None:
        self.path, self.identity, self.dim = Path(path), identity, dim
        self._db: Optional[sqlite3.Connection] = None

    def _key(self, text: str) -> bytes:
        return hashlib.sha256(f"{self.identity}\0{text}".encode("utf-8")).digest()

    def _connect(self) -> Optional[sqlite3.Connection]:
        if self._db is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(str(self.path), timeout=30)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("CREATE TABLE IF NOT EXISTS vectors (key BLOB PRIMARY KEY, "
                           "vector BLOB NOT NULL)")
                self._db = db
            except (OSError, sqlite3.Error) as exc:
                log.warning("embedding_cache.off path=%s error=%s", self.path, exc)
                return None
        return self._db

    def get_many(self, texts: Sequence[str]) -> Dict[int, np.ndarray]:
        """index -> vector, for the texts the cache holds."""
        db = self._connect()
        if db is None or not texts:
            return {}
        keys = [self._key(t) for t in texts]
        found: Dict[bytes, np.ndarray] = {}
        try:
            for start in range(0, len(keys), 500):
                chunk = keys[start:start + 500]
                marks = ",".join("?" * len(chunk))
                for key, blob in db.execute(
                        f"SELECT key, vector FROM vectors WHERE key IN ({marks})", chunk):
                    vector = np.frombuffer(blob, dtype=np.float32)
                    if vector.shape == (self.dim,):
                        found[key] = vector
        except sqlite3.Error as exc:
            log.warning("embedding_cache.read_failed error=%s", exc)
            return {}
        return {i: found[k] for i, k in enumerate(keys) if k in found}

    def put_many(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        db = self._connect()
        if db is None or not len(texts):
            return
        rows: List[tuple] = [(self._key(t), np.asarray(v, dtype=np.float32).tobytes())
                             for t, v in zip(texts, vectors)]
        try:
            with db:
                db.executemany("INSERT OR IGNORE INTO vectors (key, vector) VALUES (?, ?)", rows)
        except sqlite3.Error as exc:
            log.warning("embedding_cache.write_failed error=%s", exc)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
