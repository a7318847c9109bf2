"""`make bench-webhook`: Meta webhook acknowledgements under a burst, and the backlog draining.

Starts the stack as `make run` does (the webhook receiver, the action server, Rasa with the
shipped model and its workers) against a fake Graph API, then sends signed deliveries to the
receiver (or, with `--via rasa`, to the Rasa process's own Meta route) at a fixed rate, open loop
(the next one leaves on schedule whether or not the last was answered), each one DM of
real length (150-500 characters, from the development set) in its own thread, a tenth of
them sent twice. It prints the acknowledgement latencies, what was stored (nothing may be
lost or stored twice), and how long the stored backlog takes to drain after the burst.

    python -m bench.webhook_burst [--rate 200] [--seconds 60] [--via ingest|rasa]

The acknowledgement table prints as soon as the burst ends (the drain can take many minutes).
BENCH_RASA_NICE (default 10, as supervisord.conf runs it) sets the Rasa process's priority.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import List, Tuple

import aiohttp
import sqlalchemy as sa

from tests.fakes.graph_server import FakeGraph
from bench.stack import OUR_RASA, bot_stack
from tests.rasa_support import VENV_BIN, Server, free_port
from triage.meta import sign
from triage.queue import QueueRepository, make_engine
from triage.queue.tables import inbound_messages
from triage.settings import REPO_ROOT

PAGE, SECRET, TOKEN = "104598372210345", "bench-app-secret", "bench-page-token"


def real_length_texts(low: int = 150, high: int = 500) -> List[str]:
    """Development-set messages of real length (the registers real inboxes have)."""
    import yaml

    texts = []
    for path in sorted((REPO_ROOT / "tests" / "nlu" / "dev").rglob("*.yml")):
        for block in (yaml.safe_load(path.read_text()) or {}).get("nlu", []):
            for line in str(block.get("examples", "")).splitlines():
                text = line.strip()[2:].strip() if line.strip().startswith("- ") else ""
                if low <= len(text) <= high:
                    texts.append(text)
    return texts


def _delivery(text: str, n: int) -> Tuple[str, bytes]:
    mid = f"m_bench_{n}_{uuid.uuid4().hex[:8]}"
    event = {"sender": {"id": f"psid-bench-{n}"}, "recipient": {"id": PAGE},
             "timestamp": int(time.time() * 1000), "message": {"mid": mid, "text": text}}
    body = json.dumps({"object": "page", "entry": [{"id": PAGE, "time": int(time.time() * 1000),
                                                    "messaging": [event]}]}).encode()
    return mid, body


async def _burst(url: str, texts: List[str], rate: float, seconds: float, resend: float
                 ) -> Tuple[List[float], int, set]:
    rng = random.Random(42)
    latencies: List[float] = []
    failures = 0
    sent_keys = set()
    connector = aiohttp.TCPConnector(limit=0)
    timeout = aiohttp.ClientTimeout(total=30)

    async def one(body: bytes) -> None:
        nonlocal failures
        start = time.perf_counter()
        try:
            async with session.post(url, data=body, headers={
                    "Content-Type": "application/json",
                    "X-Hub-Signature-256": sign(body, SECRET)}) as response:
                await response.read()
                if response.status != 200:
                    failures += 1
        except (aiohttp.ClientError, asyncio.TimeoutError):
            failures += 1
        latencies.append((time.perf_counter() - start) * 1000)

    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        tasks = []
        total = int(rate * seconds)
        t0 = time.perf_counter()
        for n in range(total):
            due = t0 + n / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            mid, body = _delivery(rng.choice(texts), n)
            sent_keys.add(mid)
            tasks.append(asyncio.ensure_future(one(body)))
            if rng.random() < resend:  # Meta redelivers; the copy must change nothing
                tasks.append(asyncio.ensure_future(one(body)))
        await asyncio.gather(*tasks)
    return latencies, failures, sent_keys


def _pct(values: List[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _ack_table(args, latencies: List[float], failures: int, keys) -> str:
    return "\n".join([
        f"Meta webhook burst via {args.via}: {len(latencies)} deliveries ({len(keys)} unique, "
        f"the rest re-sent) at {args.rate:.0f}/s for {args.seconds:.0f} s, real-length DMs",
        "| acks | 200s | failed | p50 ms | p95 ms | p99 ms | max ms |",
        "|---:|---:|---:|---:|---:|---:|---:|",
        f"| {len(latencies)} | {len(latencies) - failures} | {failures} | "
        f"{statistics.median(latencies):.1f} | {_pct(latencies, 0.95):.1f} | "
        f"{_pct(latencies, 0.99):.1f} | {max(latencies):.1f} |",
    ])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=200.0, help="deliveries per second")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--resend", type=float, default=0.1, help="share sent twice")
    parser.add_argument("--drain-timeout", type=float, default=1800.0)
    parser.add_argument("--model", help="model archive (default: newest in models/)")
    parser.add_argument("--via", choices=("ingest", "rasa"), default="ingest",
                        help="the receiver process (default) or the Rasa process's route")
    args = parser.parse_args(argv)

    from rasa.model import get_latest_model

    model = args.model or get_latest_model(str(REPO_ROOT / "models"))
    if model is None:
        sys.exit("no model in models/: run `make train` first")
    texts = real_length_texts()
    with tempfile.TemporaryDirectory() as tmp_name, FakeGraph(access_token=TOKEN,
                                                               app_secret=SECRET) as graph:
        tmp = Path(tmp_name)
        meta_env = {"META_PAGE_ID": PAGE, "META_APP_SECRET": SECRET, "META_VERIFY_TOKEN": "bench",
                    "META_ACCESS_TOKEN": TOKEN, "META_GRAPH_URL": graph.url}
        # Rasa at nice 10, as supervisord.conf runs it beside the receiver.
        with bot_stack(str(model), tmp, env=meta_env, health="/webhooks/meta/",
                       rasa_command=("nice", "-n", os.environ.get("BENCH_RASA_NICE", "10"), *OUR_RASA)) as stack:
            ingest_port = free_port()
            ingest = Server("ingest", [str(VENV_BIN / "python"), "-m", "triage", "ingest",
                                       "--port", str(ingest_port)], stack.env, tmp,
                            f"http://127.0.0.1:{ingest_port}/health")
            repo = QueueRepository(make_engine(stack.db_url))
            try:
                url = (f"http://127.0.0.1:{ingest_port}" if args.via == "ingest"
                       else stack.rasa_url) + "/webhooks/meta/webhook"
                latencies, failures, keys = asyncio.run(
                    _burst(url, texts, args.rate, args.seconds, args.resend))
                burst_end = time.monotonic()
                pending_at_end = len(repo.pending_inbound())
                # The acks are known now; the drain can take many minutes.
                print(_ack_table(args, latencies, failures, keys), flush=True)
                deadline = burst_end + args.drain_timeout
                while time.monotonic() < deadline and repo.pending_inbound():
                    time.sleep(1.0)
                drained = time.monotonic() - burst_end
                left = len(repo.pending_inbound())
                with repo.engine.begin() as conn:
                    rows = conn.execute(sa.select(inbound_messages.c.message_key)).scalars().all()
            finally:
                ingest.close()
    lost = len(keys - set(rows))
    twice = len(rows) - len(set(rows))
    print(f"stored {len(set(rows))} of {len(keys)} unique (lost {lost}, stored twice {twice}); "
          f"backlog at the end of the burst {pending_at_end}; "
          + (f"drained {drained:.0f} s later ({len(keys) / (args.seconds + drained):.1f} "
             f"messages/s overall)" if not left else f"{left} still pending after {drained:.0f} s"))
    return 0 if not (lost or twice or left) else 1


if __name__ == "__main__":
    sys.exit(main())
