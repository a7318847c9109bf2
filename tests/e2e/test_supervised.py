"""`make run`'s process manager: supervisord with the repository's supervisord.conf restarts
any process that dies, and the service answers again (the README states how fast)."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import time

import pytest
import requests

from tests.rasa_support import REPO_ROOT, VENV_BIN, free_port, service_env

pytestmark = [pytest.mark.slow, pytest.mark.e2e]


def _wait(url: str, timeout: float = 180) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        try:
            if requests.get(url, timeout=1).status_code == 200:
                return time.monotonic() - start
        except requests.RequestException:
            pass
        time.sleep(0.25)
    raise AssertionError(f"{url} did not answer within {timeout} s")


@pytest.fixture(scope="module")
def supervised(small_model, tmp_path_factory):
    var = tmp_path_factory.mktemp("var")
    ports = {"TRIAGE_PORT": free_port(), "TRIAGE_ACTION_PORT": free_port(),
             "TRIAGE_PORTAL_PORT": free_port(), "TRIAGE_INGEST_PORT": free_port()}
    env = service_env(f"sqlite:///{var / 'triage.db'}", {
        **{k: str(v) for k, v in ports.items()},
        "TRIAGE_VAR_DIR": str(var), "TRIAGE_RUN_MODEL": str(small_model),
        "TRIAGE_ACTION_SECRET": secrets.token_urlsafe(16),
        "TRIAGE_ACTION_URL": f"http://127.0.0.1:{ports['TRIAGE_ACTION_PORT']}/webhook",
        "TRIAGE_TRACKER_DB": str(var / "tracker.db"),
        "TRIAGE_RASA_TOKEN": "-" + secrets.token_urlsafe(16),
        "TRIAGE_PORTAL_SECRET": secrets.token_urlsafe(32),
        "SANIC_WORKERS": "2",  # as scripts/run starts Rasa
    })
    (var / "log").mkdir()
    proc = subprocess.Popen([str(VENV_BIN / "supervisord"), "-n", "-c", "supervisord.conf"],
                            cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    urls = {"rasa": f"http://127.0.0.1:{ports['TRIAGE_PORT']}/webhooks/rest/",
            "actions": f"http://127.0.0.1:{ports['TRIAGE_ACTION_PORT']}/health",
            "portal": f"http://127.0.0.1:{ports['TRIAGE_PORTAL_PORT']}/login",
            "ingest": f"http://127.0.0.1:{ports['TRIAGE_INGEST_PORT']}/health"}
    try:
        for url in urls.values():
            _wait(url)

        def pid(name: str) -> int:
            out = subprocess.run([str(VENV_BIN / "supervisorctl"), "-s",
                                  f"unix://{var}/supervisor.sock", "pid", name],
                                 capture_output=True, text=True, env=env, check=True)
            return int(out.stdout.strip())

        yield {"urls": urls, "pid": pid, "port": ports["TRIAGE_PORT"]}
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)


@pytest.mark.parametrize("name", ["actions", "portal", "ingest", "rasa"])
def test_a_killed_process_is_restarted_and_answers_again(supervised, name, capsys):
    before = supervised["pid"](name)
    workers = _children(before) if name == "rasa" else []
    os.kill(before, signal.SIGKILL)
    time.sleep(0.5)
    seconds = _wait(supervised["urls"][name])
    assert supervised["pid"](name) != before
    # Rasa's Sanic workers die with their parent: none is left holding the port.
    assert not [w for w in workers if os.path.exists(f"/proc/{w}")]
    with capsys.disabled():
        print(f"\n{name}: answering again {seconds + 0.5:.1f} s after SIGKILL")
    reply = requests.post(f"http://127.0.0.1:{supervised['port']}/webhooks/rest/webhook",
                          json={"sender": f"s-{name}", "message": "what are your visiting hours?"},
                          timeout=60)
    assert reply.status_code == 200 and reply.json()


def _children(pid: int) -> list:
    return [int(p) for p in open(f"/proc/{pid}/task/{pid}/children").read().split()]


def test_a_killed_rasa_worker_takes_the_whole_server_down_and_up_again(supervised, capsys):
    # Rasa runs two Sanic workers; one killed must not leave the server on the other alone.
    parent = supervised["pid"]("rasa")
    workers = _children(parent)
    assert len(workers) == 2
    os.kill(workers[0], signal.SIGKILL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and os.path.exists(f"/proc/{workers[1]}"):
        time.sleep(0.2)
    assert not os.path.exists(f"/proc/{workers[1]}"), "the other worker went on alone"
    seconds = _wait(supervised["urls"]["rasa"])
    new_parent = supervised["pid"]("rasa")
    assert new_parent != parent and len(_children(new_parent)) == 2
    with capsys.disabled():
        print(f"\nrasa worker: the server answering again {seconds:.1f} s after the other "
              "worker stopped")
    reply = requests.post(f"http://127.0.0.1:{supervised['port']}/webhooks/rest/webhook",
                          json={"sender": "s-worker", "message": "what are your visiting hours?"},
                          timeout=60)
    assert reply.status_code == 200 and reply.json()
