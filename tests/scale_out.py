"""The README's scale-out recipe, run on this machine's real engines, for the test and the bench.

Two Rasa replicas and two action servers behind Debian's haproxy (deploy/scale-out), sharing
a fresh PostgreSQL database (the queue and Rasa's tracker store), a Redis key prefix (Rasa's
lock store) and a RabbitMQ queue (Rasa's event broker). Everything is made for one run and
removed after it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import shutil
import socket
import uuid
from pathlib import Path
from typing import Dict, Iterator, List

import sqlalchemy as sa

from tests.rasa_support import REPO_ROOT, VENV_BIN, Server, free_port, service_env

PG_ADMIN_URL = "postgresql+psycopg2://postgres@127.0.0.1:5432/test"
RABBITMQ_URL = "amqp://guest:guest@127.0.0.1:5672/"
RECIPE = REPO_ROOT / "deploy" / "scale-out"
REPLICAS = ("1", "2")


def haproxy_binary() -> str:
    found = shutil.which("haproxy") or ("/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").exists()
                                        else None)
    if found is None:
        raise RuntimeError("the scale-out test needs Debian's haproxy: scripts/test installs it "
                           "(or: sudo apt-get install haproxy)")
    return found


@contextlib.contextmanager
def fresh_database() -> Iterator[str]:
    """A new PostgreSQL database on the machine's server; dropped afterwards."""
    name = f"scale_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_ADMIN_URL, future=True, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield name
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def broker_messages(queue: str) -> List[dict]:
    """Every message waiting on a RabbitMQ queue, taken off it (JSON bodies)."""
    import aio_pika

    async def drain() -> List[dict]:
        connection = await aio_pika.connect(RABBITMQ_URL)
        async with connection:
            channel = await connection.channel()
            q = await channel.declare_queue(queue, durable=True)
            out = []
            while True:
                message = await q.get(no_ack=True, fail=False, timeout=5)
                if message is None:
                    return out
                out.append(json.loads(message.body))

    return asyncio.run(drain())


def delete_queue(queue: str) -> None:
    import aio_pika

    async def delete() -> None:
        connection = await aio_pika.connect(RABBITMQ_URL)
        async with connection:
            channel = await connection.channel()
            await channel.queue_delete(queue)

    asyncio.run(delete())


def haproxy_counts(stats_socket: Path) -> Dict[str, int]:
    """Requests each server behind the load balancer was sent ("rasa_1": 97, ...)."""
    with socket.socket(socket.AF_UNIX) as s:
        s.connect(str(stats_socket))
        s.sendall(b"show stat\n")
        raw = b""
        while chunk := s.recv(65536):
            raw += chunk
    lines = raw.decode().lstrip("# ").splitlines()
    header = lines[0].split(",")
    out = {}
    for line in lines[1:]:
        row = dict(zip(header, line.split(",")))
        if row.get("svname") not in (None, "", "FRONTEND", "BACKEND"):
            out[row["svname"]] = int(row["stot"] or 0)
    return out


@contextlib.contextmanager
def scale_out_stack(model: Path, tmp: Path, extra_env: Dict[str, str]) -> Iterator[dict]:
    """Start the recipe; yields URLs, the servers, the database URL and helpers."""
    haproxy = haproxy_binary()
    prefix = "t" + uuid.uuid4().hex[:10]
    with fresh_database() as db:
        db_url = f"postgresql+psycopg2://postgres@127.0.0.1:5432/{db}"
        ports = {name: free_port() for name in ("web", "actions", "rasa_1", "rasa_2",
                                                "actions_1", "actions_2")}
        secret, token = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
        env = service_env(db_url, {
            "TRIAGE_ACTION_SECRET": secret,
            "TRIAGE_ACTION_URL": f"http://127.0.0.1:{ports['actions']}/webhook",
            "TRIAGE_TRACKER_PG_HOST": "127.0.0.1", "TRIAGE_TRACKER_PG_PORT": "5432",
            "TRIAGE_TRACKER_PG_DB": db, "TRIAGE_TRACKER_PG_LOGIN_DB": "test",
            "TRIAGE_TRACKER_PG_USER": "postgres", "TRIAGE_TRACKER_PG_PASSWORD": "",
            "TRIAGE_REDIS_HOST": "127.0.0.1", "TRIAGE_REDIS_PORT": "6379",
            "TRIAGE_REDIS_DB": "0", "TRIAGE_REDIS_PREFIX": prefix,
            "TRIAGE_RABBITMQ_HOST": "127.0.0.1", "TRIAGE_RABBITMQ_PORT": "5672",
            "TRIAGE_RABBITMQ_USER": "guest", "TRIAGE_RABBITMQ_PASSWORD": "guest",
            "TRIAGE_RABBITMQ_QUEUE": f"triage_events_{prefix}",
            "TRIAGE_RASA_TOKEN": token,
            **extra_env,
        })
        # The schema first, so the replicas do not all start by migrating.
        from triage.queue import create_schema, make_engine

        engine = make_engine(db_url)
        create_schema(engine)
        engine.dispose()
        stats = tmp / "haproxy.sock"
        lb_env = dict(env, LB_WEB=f"127.0.0.1:{ports['web']}",
                      LB_ACTIONS=f"127.0.0.1:{ports['actions']}", LB_STATS=str(stats),
                      **{f"{name.upper()}": f"127.0.0.1:{ports[name]}"
                         for name in ("rasa_1", "rasa_2", "actions_1", "actions_2")})
        servers: Dict[str, Server] = {}

        def rasa_args(replica: str) -> List[str]:
            return [str(VENV_BIN / "python"), "-m", "bot", "run", "--model", str(model),
                    "--endpoints", str(RECIPE / "endpoints.yml"),
                    "--credentials", "bot/credentials.yml", "--interface", "127.0.0.1",
                    "--port", str(ports[f"rasa_{replica}"]), "--enable-api",
                    f"--auth-token={token}"]

        def start_rasa(replica: str, name: str) -> Server:
            return Server(name, rasa_args(replica), env, tmp,
                          f"http://127.0.0.1:{ports[f'rasa_{replica}']}/webhooks/rest/")

        try:
            for replica in REPLICAS:
                port = ports[f"actions_{replica}"]
                servers[f"actions_{replica}"] = Server(
                    f"actions_{replica}", [str(VENV_BIN / "python"), "-m", "actions.server",
                                           "--port", str(port)],
                    env, tmp, f"http://127.0.0.1:{port}/health")
            for replica in REPLICAS:
                servers[f"rasa_{replica}"] = start_rasa(replica, f"rasa_{replica}")
            servers["haproxy"] = Server(
                "haproxy", [haproxy, "-db", "-f", str(RECIPE / "haproxy.cfg")], lb_env, tmp,
                f"http://127.0.0.1:{ports['web']}/webhooks/rest/", timeout=30)
            restarts = {replica: 0 for replica in REPLICAS}

            def kill(name: str) -> None:
                """SIGKILL, as a crashed machine would."""
                servers[name].proc.kill()
                servers[name].proc.wait()
                servers[name].close()

            def restart_rasa(replica: str) -> None:
                restarts[replica] += 1
                servers[f"rasa_{replica}"] = start_rasa(
                    replica, f"rasa_{replica}-{restarts[replica]}")

            yield {
                "meta_url": f"http://127.0.0.1:{ports['web']}/webhooks/meta/webhook",
                "rest_url": f"http://127.0.0.1:{ports['web']}/webhooks/rest/webhook",
                "db_url": db_url, "queue": env["TRIAGE_RABBITMQ_QUEUE"],
                "redis_prefix": prefix, "servers": servers, "kill": kill,
                "restart_rasa": restart_rasa, "counts": lambda: haproxy_counts(stats),
            }
        finally:
            for server in servers.values():
                server.close()
            with contextlib.suppress(Exception):
                delete_queue(env["TRIAGE_RABBITMQ_QUEUE"])
