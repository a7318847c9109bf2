"""`make bench`: full-turn throughput of the running stack, side by side with baselines.

Starts the action server and the Rasa server with the shipped model (as `make run` does)
and sends the held-out texts through the REST channel, one turn at a time, each in a
new thread. Baselines in the same run: the same model and action behind Rasa's stock
`rest` channel (the cost of store-first + de-identification), and NLU parsing alone.
Figures are relative: this machine is shared and noisy, so compare rows, not runs.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import List, Tuple

import requests

from bot.evaluate import evaluate_model, load_heldout
from bench.stack import bot_stack
from triage.settings import REPO_ROOT

TURNS = 185


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _turns(url: str, texts: List[str]) -> List[float]:
    timings = []
    for text in texts:
        start = time.perf_counter()
        response = requests.post(url, json={"sender": f"b-{uuid.uuid4().hex[:10]}", "message": text},
                                 timeout=60)
        response.raise_for_status()
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def _stack(model: Path, credentials: Path, tmp: Path, texts: List[str]) -> Tuple[List[float], float]:
    with bot_stack(str(model), tmp, credentials=credentials) as stack:
        url = f"{stack.rasa_url}/webhooks/rest/webhook"
        _turns(url, texts[:10])  # warm-up
        timings = _turns(url, texts)
        return timings, _rss_mb(stack.rasa.proc.pid) + _rss_mb(stack.actions.proc.pid)


def _row(name: str, timings: List[float], rss: float, base: float) -> str:
    ordered = sorted(timings)
    per_s = 1000 / statistics.mean(timings)
    return (f"| {name} | {per_s:.1f} | {statistics.median(ordered):.1f} | "
            f"{ordered[int(0.95 * (len(ordered) - 1))]:.1f} | {rss:.0f} | {per_s / base:.2f} |")


def main() -> None:
    from rasa.model import get_latest_model

    model = get_latest_model(str(REPO_ROOT / "models"))
    if model is None:
        sys.exit("no model in models/: run `make train` first")
    texts = [t for t, _ in load_heldout(REPO_ROOT / "tests" / "nlu" / "heldout.yml")][:TURNS]
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        stock = tmp / "stock-credentials.yml"
        stock.write_text("rest:\n")
        base_timings, base_rss = _stack(Path(model), stock, tmp, texts)
        ours_timings, ours_rss = _stack(Path(model), REPO_ROOT / "bot" / "credentials.yml", tmp, texts)
    nlu = evaluate_model(Path(model), REPO_ROOT / "tests" / "nlu" / "heldout.yml")
    base = 1000 / statistics.mean(base_timings)
    print(f"model {Path(model).name}; {len(texts)} turns each, one at a time, new thread per turn")
    print("| path | turns/s | median ms | p95 ms | RSS MB (rasa+actions) | vs baseline |")
    print("|---|---:|---:|---:|---:|---:|")
    print(_row("baseline: stock `rest` channel, same model and action", base_timings, base_rss, base))
    print(_row("inbox-triage REST channel (store first, de-identify)", ours_timings, ours_rss, base))
    print(f"| NLU parse only, in process | {1000 / nlu.median_parse_ms:.1f} | "
          f"{nlu.median_parse_ms:.1f} | {nlu.p95_parse_ms:.1f} | - | "
          f"{(1000 / nlu.median_parse_ms) / base:.2f} |")


if __name__ == "__main__":
    main()
