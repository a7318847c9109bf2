"""Helpers to train the small test model once and to run real servers on free ports."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional

import requests

from triage.settings import REPO_ROOT

VENV_BIN = Path(sys.executable).parent
# Persistent, so `rasa train` can skip training when data, domain and config are unchanged.
TEST_MODEL_DIR = REPO_ROOT / "var" / "test-models"
SMALL_CONFIG = REPO_ROOT / "tests" / "configs" / "config_small.yml"


def train_small_model() -> Path:
    TEST_MODEL_DIR.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [str(VENV_BIN / "python"), "-m", "bot", "train", "--domain", "bot/domain", "--data", "data",
         "--config", str(SMALL_CONFIG), "--out", str(TEST_MODEL_DIR),
         "--fixed-model-name", "small"],
        cwd=REPO_ROOT, check=True, stdout=subprocess.DEVNULL,
        env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
    )
    return TEST_MODEL_DIR / "small.tar.gz"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A subprocess with its output in a file; stopped on close()."""

    def __init__(self, name: str, args: List[str], env: Dict[str, str], log_dir: Path,
                 health_url: str, timeout: float = 180.0) -> None:
        self.log_path = log_dir / f"{name}.log"
        self._log = open(self.log_path, "wb")
        started = time.monotonic()
        self.proc = subprocess.Popen(args, cwd=REPO_ROOT, env=env, stdout=self._log,
                                     stderr=subprocess.STDOUT)
        self.start_seconds = float("nan")  # from launch to healthy (benches print it)
        deadline = started + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{name} exited early:\n{self.log()[-3000:]}")
            try:
                if requests.get(health_url, timeout=1).status_code == 200:
                    self.start_seconds = time.monotonic() - started
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        self.close()
        raise RuntimeError(f"{name} did not become healthy:\n{self.log()[-3000:]}")

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self._log.close()


def service_env(database_url: str, extra: Optional[Dict[str, str]] = None) -> Dict[str, str]:
    env = dict(os.environ)
    env.update({
        "TRIAGE_DATABASE_URL": database_url,
        "PYTHONUNBUFFERED": "1",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "RASA_TELEMETRY_ENABLED": "false",
    })
    env.update(extra or {})
    return env
