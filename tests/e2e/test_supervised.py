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
    os.kill(before, signal.SIGKILL)
    time.sleep(0.5)
    seconds = _wait(supervised["urls"][name])
    assert supervised["pid"](name) != before
    with capsys.disabled():
        print(f"\n{name}: answering again {seconds + 0.5:.1f} s after SIGKILL")
    reply = requests.post(f"http://127.0.0.1:{supervised['port']}/webhooks/rest/webhook",
                          json={"sender": f"s-{name}", "message": "what are your visiting hours?"},
                          timeout=60)
    assert reply.status_code == 200 and reply.json()
