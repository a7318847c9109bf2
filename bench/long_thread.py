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

from bench.stack import bot_stack
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
    timings = []
    with bot_stack(model, tmp, endpoints=endpoints) as stack:
        url = f"{stack.rasa_url}/webhooks/rest/webhook"
        for n in range(turns):
            start = time.perf_counter()
            reply = requests.post(url, json={"sender": "one-long-thread",
                                             "message": TEXTS[n % len(TEXTS)]}, timeout=60)
            reply.raise_for_status()
            timings.append((time.perf_counter() - start) * 1000)
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
