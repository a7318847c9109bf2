"""`make bench-thread`: turn 1 against turn 400 of one thread, with Rasa's stock SQL tracker
store and with ours (`bot.tracker_store.BoundedSQLTrackerStore`), in the same run.

Starts the action server and Rasa (REST channel, the shipped model or `--model`), sends
`--turns` messages one after another in a single thread, and prints the median time of the
first and of the last twenty turns for each tracker store, with their ratio.

    python -m bench.long_thread [--turns 400] [--model PATH]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import List

import requests

from tests.rasa_support import VENV_BIN, Server, free_port, service_env
from triage.settings import REPO_ROOT

TEXTS = ["what are your visiting hours?", "where do I park for the clinic?",
         "thanks so much for the help", "is the pharmacy open on sunday?"]


def _endpoints(tmp: Path, tracker_type: str) -> Path:
    text = (REPO_ROOT / "endpoints.yml").read_text()
    path = tmp / f"endpoints-{tracker_type.rsplit('.', 1)[-1]}.yml"
    path.write_text(text.replace("type: bot.tracker_store.BoundedSQLTrackerStore",
                                 f"type: {tracker_type}"))
    return path


def _thread(model: str, endpoints: Path, tmp: Path, turns: int) -> List[float]:
    action_port, rasa_port = free_port(), free_port()
    env = service_env(f"sqlite:///{tmp / f'q-{rasa_port}.db'}", {
        "TRIAGE_ACTION_SECRET": "bench",
        "TRIAGE_ACTION_URL": f"http://127.0.0.1:{action_port}/webhook",
        "TRIAGE_TRACKER_DB": str(tmp / f"tracker-{rasa_port}.db"),
    })
    actions = Server("actions", [str(VENV_BIN / "python"), "-m", "actions.server", "--port",
                                 str(action_port)], env, tmp,
                     f"http://127.0.0.1:{action_port}/health")
    rasa = Server("rasa", [str(VENV_BIN / "rasa"), "run", "--model", model, "--endpoints",
                           str(endpoints), "--credentials", "bot/credentials.yml",
                           "--interface", "127.0.0.1", "--port", str(rasa_port)],
                  env, tmp, f"http://127.0.0.1:{rasa_port}/webhooks/rest/")
    url = f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook"
    timings = []
    try:
        for n in range(turns):
            start = time.perf_counter()
            reply = requests.post(url, json={"sender": "one-long-thread",
                                             "message": TEXTS[n % len(TEXTS)]}, timeout=60)
            reply.raise_for_status()
            timings.append((time.perf_counter() - start) * 1000)
    finally:
        rasa.close()
        actions.close()
    return timings


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=400)
    parser.add_argument("--model", help="model archive (default: newest in models/)")
    args = parser.parse_args(argv)
    from rasa.model import get_latest_model

    model = args.model or get_latest_model(str(REPO_ROOT / "models"))
    if model is None:
        sys.exit("no model in models/: run `make train` first")
    rows = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for name, kind in (("stock SQL tracker store", "SQL"),
                           ("bounded (ours)", "bot.tracker_store.BoundedSQLTrackerStore")):
            timings = _thread(str(model), _endpoints(tmp, kind), tmp, args.turns)
            first, last = statistics.median(timings[:20]), statistics.median(timings[-20:])
            rows.append(f"| {name} | {first:.1f} | {last:.1f} | {last / first:.2f} |")
    print(f"one thread, {args.turns} turns one after another (REST channel, waiting for replies)")
    print("| tracker store | turns 1-20 median ms | last 20 median ms | last / first |")
    print("|---|---:|---:|---:|")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
