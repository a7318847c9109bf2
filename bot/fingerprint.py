"""The model's fingerprint: what a trained model depends on, hashed, so `make run` and
`make train` reuse the model when nothing changed and write nothing into `models/`.

Rasa 3.6 writes a new archive on every `rasa train`, even when its cache makes the
training itself instant. We name the archive after a hash of everything the model is
made from: the pipeline config, the domain, the training data, our component code
(`bot/components`, `bot/embeddings`, the de-identification the PhiFlagger runs) and the
locked package versions. `python -m bot.fingerprint` prints the archive's path.
"""

from __future__ import annotations

import argparse
import hashlib
import os
from pathlib import Path
from typing import Iterable, List

from triage.settings import REPO_ROOT

__all__ = ["fingerprint", "model_path", "INPUTS"]

# Files and folders whose content makes the model (relative to the repository).
INPUTS = ("bot/domain", "data", "bot/components", "bot/embeddings", "triage/phi",
          "requirements.lock", "requirements-nodeps.lock")
_SUFFIXES = {".py", ".yml", ".yaml", ".json", ".lock", ".txt", ".md"}


def _files(paths: Iterable[Path]) -> List[Path]:
    out = []
    for path in paths:
        if path.is_dir():
            out.extend(p for p in sorted(path.rglob("*"))
                       if p.is_file() and p.suffix in _SUFFIXES and "__pycache__" not in p.parts)
        elif path.is_file():
            out.append(path)
    return out


def fingerprint(config: Path, root: Path = REPO_ROOT) -> str:
    """12 hex digits that change whenever an input of the model changes."""
    digest = hashlib.sha256()
    for path in [Path(config)] + _files(root / p for p in INPUTS):
        name = path.resolve().relative_to(root.resolve()) if path.resolve().is_relative_to(
            root.resolve()) else path
        digest.update(str(name).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def model_path(config: Path, models: Path, root: Path = REPO_ROOT) -> Path:
    return Path(models) / f"inbox-triage-{fingerprint(config, root)}.tar.gz"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default=os.environ.get("TRIAGE_CONFIG", "config.yml"))
    parser.add_argument("--models", default=str(REPO_ROOT / "models"))
    args = parser.parse_args()
    print(model_path(REPO_ROOT / args.config, Path(args.models)))


if __name__ == "__main__":
    main()
