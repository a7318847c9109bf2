"""The action server and a Rasa server on free ports, as `make run` starts them, for benches."""

from __future__ import annotations

import contextlib
import dataclasses
from pathlib import Path
from typing import Dict, Iterator, Optional, Sequence

from tests.rasa_support import VENV_BIN, Server, free_port, service_env
from triage.settings import REPO_ROOT

__all__ = ["OUR_RASA", "STOCK_RASA", "Stack", "bot_stack"]

# How the service starts Rasa (bot/__main__.py: skops imported first), and Rasa's own script.
OUR_RASA = (str(VENV_BIN / "python"), "-m", "bot")
STOCK_RASA = (str(VENV_BIN / "rasa"),)
# scripts/run's default SANIC_WORKERS.
RASA_WORKERS = "2"


@dataclasses.dataclass(frozen=True)
class Stack:
    rasa_url: str  # http://127.0.0.1:PORT
    db_url: str  # the queue database
    env: Dict[str, str]  # what the processes run with (for more processes beside them)
    rasa: Server
    actions: Server


@contextlib.contextmanager
def bot_stack(model: str, tmp: Path, *, credentials: Path = REPO_ROOT / "bot" / "credentials.yml",
              endpoints: Path = REPO_ROOT / "endpoints.yml", env: Optional[Dict[str, str]] = None,
              health: str = "/webhooks/rest/",
              rasa_command: Sequence[str] = OUR_RASA) -> Iterator[Stack]:
    """Start the action server and Rasa (`model`, `credentials`, `endpoints`) on a SQLite
    queue and tracker store in `tmp`; stop both on exit."""
    action_port, rasa_port = free_port(), free_port()
    db_url = f"sqlite:///{tmp / f'q-{rasa_port}.db'}"
    full_env = service_env(db_url, {
        "TRIAGE_ACTION_SECRET": "bench",
        "TRIAGE_ACTION_URL": f"http://127.0.0.1:{action_port}/webhook",
        "TRIAGE_TRACKER_DB": str(tmp / f"tracker-{rasa_port}.db"),
        # As scripts/run starts ours; stock Rasa keeps one (its lock store is in memory).
        **({"SANIC_WORKERS": RASA_WORKERS} if tuple(rasa_command) == OUR_RASA else {}),
        **(env or {}),
    })
    actions = Server("actions", [str(VENV_BIN / "python"), "-m", "actions.server", "--port",
                                 str(action_port)], full_env, tmp,
                     f"http://127.0.0.1:{action_port}/health")
    try:
        rasa = Server("rasa", [*rasa_command, "run", "--model", str(model), "--endpoints",
                               str(endpoints), "--credentials", str(credentials), "--interface",
                               "127.0.0.1", "--port", str(rasa_port)],
                      full_env, tmp, f"http://127.0.0.1:{rasa_port}{health}")
        try:
            yield Stack(f"http://127.0.0.1:{rasa_port}", db_url, full_env, rasa, actions)
        finally:
            rasa.close()
    finally:
        actions.close()
