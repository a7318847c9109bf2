"""`make bench`: the service's speed and memory beside stock Rasa 3.6, in one run.

What runs, on the same real-length texts (150-500 characters, from the development set):

(a) stock Rasa 3.6.21: CountVectors + LogisticRegressionClassifier + RulePolicy, trained on
    our NLU data (cached in var/bench-models), Rasa's own `rest` channel and SQLite tracker
    store, one canned response per category;
(b) our full turn with the shipped model through our REST channel (store first,
    de-identify, triage in the action server, reply);
    both at 8 concurrent clients, each turn in a new thread;
(f) turn 1 against turn 400 of one thread, on (b)'s stack;
(d) batch triage (`python -m triage classify`) of 1,000 lines, and its start-up on one line;
(e) the sentence encoder alone on the same 1,000 texts (the floor of (b) and (d));
(c) Meta webhook acknowledgements under a burst of signed deliveries (`bench.webhook_burst`,
    shorter than `make bench-webhook`'s 60 s).
Start-up (launch to healthy) and RSS of every process are printed beside them. The machine is
shared and noisy: compare rows of one run, not runs.

    python -m bench.run [--turns 400] [--burst-seconds 20] [--skip-burst]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Dict, List, Tuple

import requests

from bench.stack import STOCK_RASA, bot_stack
from bench.long_thread import TEXTS as THREAD_TEXTS
from bench.webhook_burst import _pct, real_length_texts
from tests.rasa_support import VENV_BIN, service_env
from triage.settings import REPO_ROOT, Settings
from triage.taxonomy import load_taxonomy

CONCURRENCY = 8
BATCH_LINES = 1000
STOCK_CONFIG = """recipe: default.v1
language: en
assistant_id: stock-baseline
pipeline:
  - name: WhitespaceTokenizer
  - name: CountVectorsFeaturizer
  - name: LogisticRegressionClassifier
policies:
  - name: RulePolicy
"""


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _server_rss(pid: int) -> Tuple[float, float, int]:
    """The largest process of a server and the sum over it and its Sanic workers (RSS counts
    pages the forked workers still share with the parent in each of them)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    sizes = [_rss_mb(pid)] + [_rss_mb(int(c)) for c in children]
    return max(sizes), sum(sizes), len(children)


def stock_model() -> Path:
    """Stock Rasa trained on our NLU data; retrained only when the data changes."""
    categories = sorted(load_taxonomy(Settings().taxonomy_path).categories)
    domain = ('version: "3.1"\nintents:\n' + "".join(f"  - {c}\n" for c in categories)
              + 'responses:\n  utter_ack:\n    - text: "Thanks for your message."\n')
    rules = 'version: "3.1"\nrules:\n' + "".join(
        f"- rule: {c}\n  steps:\n  - intent: {c}\n  - action: utter_ack\n" for c in categories)
    digest = hashlib.sha256((STOCK_CONFIG + domain + rules).encode())
    for path in sorted((REPO_ROOT / "data" / "nlu").rglob("*.yml")):
        digest.update(path.read_bytes())
    out = REPO_ROOT / "var" / "bench-models"
    model = out / f"stock-{digest.hexdigest()[:12]}.tar.gz"
    if model.exists():
        return model
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for name, text in (("config.yml", STOCK_CONFIG), ("domain.yml", domain),
                           ("rules.yml", rules)):
            (tmp / name).write_text(text)
        subprocess.run([*STOCK_RASA, "train", "--domain", str(tmp / "domain.yml"), "--data",
                        str(REPO_ROOT / "data" / "nlu"), str(tmp / "rules.yml"), "--config",
                        str(tmp / "config.yml"), "--out", str(out), "--fixed-model-name",
                        model.name.removesuffix(".tar.gz")],
                       cwd=tmp, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       env=service_env("sqlite://"))
    return model


def _concurrent_turns(url: str, texts: List[str]) -> Tuple[List[float], float]:
    def one(text: str) -> float:
        start = time.perf_counter()
        response = requests.post(url, json={"sender": f"b-{uuid.uuid4().hex[:12]}",
                                            "message": text}, timeout=120)
        response.raise_for_status()
        return (time.perf_counter() - start) * 1000

    with ThreadPoolExecutor(CONCURRENCY) as pool:
        list(pool.map(one, texts[:2 * CONCURRENCY]))  # warm-up
        started = time.perf_counter()
        timings = list(pool.map(one, texts))
        return timings, len(texts) / (time.perf_counter() - started)


def _one_thread(url: str, turns: int) -> List[float]:
    timings = []
    for n in range(turns):
        start = time.perf_counter()
        requests.post(url, json={"sender": "one-long-thread",
                                 "message": THREAD_TEXTS[n % len(THREAD_TEXTS)]},
                      timeout=60).raise_for_status()
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def _turn_rows(model: Path, tmp: Path, texts: List[str], thread_turns: int) -> Dict[str, dict]:
    rows: Dict[str, dict] = {}
    stock_credentials = tmp / "stock-credentials.yml"
    stock_credentials.write_text("rest:\n")
    stock_endpoints = tmp / "stock-endpoints.yml"
    stock_endpoints.write_text(f"tracker_store:\n  type: SQL\n  dialect: sqlite\n"
                               f"  db: {tmp / 'stock-tracker.db'}\n")
    runs = (("stock", dict(model=str(stock_model()), credentials=stock_credentials,
                           endpoints=stock_endpoints, rasa_command=STOCK_RASA)),
            ("ours", dict(model=str(model))))
    for name, kwargs in runs:
        with bot_stack(tmp=tmp, **kwargs) as stack:
            url = f"{stack.rasa_url}/webhooks/rest/webhook"
            timings, per_s = _concurrent_turns(url, texts)
            largest, total, workers = _server_rss(stack.rasa.proc.pid)
            row = {"rasa_rss": largest, "rasa_rss_total": total, "rasa_workers": workers,
                   "per_s": per_s, "p50": statistics.median(timings), "p95": _pct(timings, 0.95),
                   "rasa_start": stack.rasa.start_seconds,
                   "actions_start": stack.actions.start_seconds,
                   "actions_rss": _rss_mb(stack.actions.proc.pid)}
            if name == "ours":
                thread = _one_thread(url, thread_turns)
                row["turn_first"] = statistics.median(thread[:20])
                row["turn_last"] = statistics.median(thread[-20:])
            rows[name] = row
    return rows


def _batch(model: Path, tmp: Path, texts: List[str]) -> Dict[str, float]:
    lines = [json.dumps({"id": n, "text": texts[n % len(texts)]}) for n in range(BATCH_LINES)]
    env = service_env(f"sqlite:///{tmp / 'batch.db'}")
    command = [str(VENV_BIN / "python"), "-m", "triage", "classify", "--model", str(model)]

    def run(stdin: str) -> Tuple[float, str]:
        started = time.perf_counter()
        result = subprocess.run(command, input=stdin, capture_output=True, text=True,
                                cwd=REPO_ROOT, env=env, check=True)
        return time.perf_counter() - started, result.stderr

    one_line, _ = run(lines[0] + "\n")
    whole, stderr = run("\n".join(lines) + "\n")
    # "triaged N lines, 0 rejected in S s (R lines/s; the model loaded in L s)"
    summary = stderr.strip().splitlines()[-1]
    per_s = float(summary.split("(", 1)[1].split(" lines/s", 1)[0])
    return {"start": one_line, "whole": whole, "per_s": per_s,
            "rss": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}


def _encoder(texts: List[str]) -> float:
    """Texts a second through the encoder alone, on both cores, as the batch CLI runs it."""
    import yaml

    from bot.embeddings.minilm import shared_encoder

    # The shipped pipeline's encoder runtime (config.yml).
    pipeline = yaml.safe_load((REPO_ROOT / "config.yml").read_text())["pipeline"]
    runtime = next(c["runtime"] for c in pipeline if c["name"].endswith("MiniLMFeaturizer"))
    encoder = shared_encoder(runtime=runtime, threads=1)
    encoder.encode(texts[:16])
    halves = [texts[: len(texts) // 2], texts[len(texts) // 2:]]
    started = time.perf_counter()
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(encoder.encode, halves))
    return len(texts) / (time.perf_counter() - started)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=400, help="turns per path at 8 concurrent")
    parser.add_argument("--thread-turns", type=int, default=400)
    parser.add_argument("--burst-seconds", type=float, default=20.0)
    parser.add_argument("--skip-burst", action="store_true")
    args = parser.parse_args(argv)
    from rasa.model import get_latest_model

    model = get_latest_model(str(REPO_ROOT / "models"))
    if model is None:
        sys.exit("no model in models/: run `make train` first")
    model = Path(model)
    texts = real_length_texts()
    batch_texts = [texts[n % len(texts)] for n in range(BATCH_LINES)]
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        batch = _batch(model, tmp, texts)  # first: the children's peak RSS is the batch's
        encoder_per_s = _encoder(batch_texts)
        turns = _turn_rows(model, tmp, [texts[n % len(texts)] for n in range(args.turns)],
                           args.thread_turns)
    stock, ours = turns["stock"], turns["ours"]
    print(f"model {model.name}; real-length texts (150-500 characters); {args.turns} turns "
          f"per path at {CONCURRENCY} concurrent, each in a new thread\n")
    print("| what | ours | stock Rasa 3.6 (a) | ours / stock |")
    print("|---|---:|---:|---:|")
    print(f"| full turn, turns/s (b) | {ours['per_s']:.1f} | {stock['per_s']:.1f} | "
          f"{ours['per_s'] / stock['per_s']:.2f} |")
    for key, label in (("p50", "median ms"), ("p95", "p95 ms")):
        print(f"| full turn, {label} | {ours[key]:.0f} | {stock[key]:.0f} | "
              f"{ours[key] / stock[key]:.2f} |")
    print(f"| Rasa process start-up, s | {ours['rasa_start']:.1f} | {stock['rasa_start']:.1f} | "
          f"{ours['rasa_start'] / stock['rasa_start']:.2f} |")
    print(f"| Rasa process RSS (the largest), MB | {ours['rasa_rss']:.0f} | "
          f"{stock['rasa_rss']:.0f} | {ours['rasa_rss'] / stock['rasa_rss']:.2f} |")
    print(f"| Rasa server RSS, all its processes, MB | {ours['rasa_rss_total']:.0f} "
          f"({ours['rasa_workers']} workers) | {stock['rasa_rss_total']:.0f} | "
          f"{ours['rasa_rss_total'] / stock['rasa_rss_total']:.2f} |")
    print(f"| action server start-up s / RSS MB | {ours['actions_start']:.1f} / "
          f"{ours['actions_rss']:.0f} | (none) | |")
    print()
    print("| what | figure | beside |")
    print("|---|---:|---|")
    print(f"| (f) one thread: turns 1-20 median / last 20 median, ms | {ours['turn_first']:.0f} / "
          f"{ours['turn_last']:.0f} | last / first {ours['turn_last'] / ours['turn_first']:.2f} |")
    print(f"| (d) batch triage, lines/s after start-up | {batch['per_s']:.1f} | "
          f"{batch['per_s'] / encoder_per_s:.2f}x the encoder alone |")
    print(f"| (d) batch triage start-up (one line, whole command), s | {batch['start']:.1f} | "
          f"{BATCH_LINES} lines took {batch['whole']:.1f} s |")
    print(f"| (d) batch triage peak RSS, MB | {batch['rss']:.0f} | |")
    print(f"| (e) sentence encoder alone, texts/s (both cores) | {encoder_per_s:.1f} | "
          f"the floor of (b) and (d) |")
    if not args.skip_burst:
        print()
        sys.stdout.flush()
        from bench import webhook_burst

        # (c): acks must not wait on triage; the drain is the workers' throughput.
        webhook_burst.main(["--seconds", str(args.burst_seconds), "--drain-timeout", "120",
                            "--model", str(model)])
    return 0


if __name__ == "__main__":
    sys.exit(main())
