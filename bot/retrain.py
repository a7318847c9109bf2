"""The Rasa side of retraining: train a candidate with `rasa train`, score it on held-out data."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.evaluate import evaluate_model
from triage.evaluation import Report
from triage.settings import REPO_ROOT


class RasaTrainer:
    """Trains with the shipped config (or another) and the project's domain."""

    def __init__(self, config: Path = REPO_ROOT / "config.yml",
                 domain: Path = REPO_ROOT / "bot" / "domain") -> None:
        self.config = Path(config)
        self.domain = Path(domain)

    def train(self, data_dir: Path, out_dir: Path, name: str) -> Path:
        # Rasa's own command line, started faster (bot/__main__.py).
        result = subprocess.run(
            [sys.executable, "-m", "bot", "train", "--domain", str(self.domain),
             "--data", str(data_dir), "--config", str(self.config), "--out", str(out_dir),
             "--fixed-model-name", name],
            cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
        )
        if result.returncode != 0:
            # Rasa's messages name files and components, not training texts.
            raise RuntimeError(f"rasa train failed:\n{result.stderr[-2000:]}")
        return Path(out_dir) / f"{name}.tar.gz"

    def evaluate(self, model: Path, heldout: Path) -> Report:
        return evaluate_model(model, heldout).report
