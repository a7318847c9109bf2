from __future__ import annotations

import secrets
import subprocess

import pytest

from tests.rasa_support import REPO_ROOT, VENV_BIN, Server, free_port, service_env, train_small_model

PORTAL_PASSWORD = "e2e portal password"


@pytest.fixture(scope="session")
def small_model():
    return train_small_model()


@pytest.fixture(scope="module")
def stack(small_model, tmp_path_factory):
    """The action server and the Rasa server, as `scripts/run` starts them, on free ports."""
    tmp = tmp_path_factory.mktemp("stack")
    db_url = f"sqlite:///{tmp / 'queue.db'}"
    action_port, rasa_port, portal_port = free_port(), free_port(), free_port()
    secret, rasa_token = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
    env = service_env(db_url, {
        "TRIAGE_ACTION_SECRET": secret,
        "TRIAGE_ACTION_URL": f"http://127.0.0.1:{action_port}/webhook",
        "TRIAGE_TRACKER_DB": str(tmp / "tracker.db"),
        "TRIAGE_PORTAL_SECRET": secrets.token_urlsafe(32),
        # requests keeps Secure cookies off plain http; the browser tests cover Secure cookies.
        "TRIAGE_PORTAL_SECURE_COOKIES": "0",
        "TRIAGE_RASA_URL": f"http://127.0.0.1:{rasa_port}",
        "TRIAGE_RASA_TOKEN": rasa_token,
    })
    subprocess.run([str(VENV_BIN / "python"), "-m", "triage", "users", "create", "--username",
                    "moderator1", "--role", "moderator", "--password-stdin"],
                   input=PORTAL_PASSWORD + "\n", text=True, env=env, cwd=REPO_ROOT, check=True,
                   capture_output=True)
    actions = Server("actions", [str(VENV_BIN / "python"), "-m", "actions.server",
                                 "--port", str(action_port)],
                     env, tmp, f"http://127.0.0.1:{action_port}/health")
    portal = Server("portal", [str(VENV_BIN / "python"), "-m", "triage", "portal", "--port",
                               str(portal_port)], env, tmp, f"http://127.0.0.1:{portal_port}/login")
    try:
        rasa = Server("rasa", [str(VENV_BIN / "rasa"), "run", "--model", str(small_model),
                               "--endpoints", "endpoints.yml", "--credentials", "bot/credentials.yml",
                               "--interface", "127.0.0.1", "--port", str(rasa_port),
                               "--enable-api", "--auth-token", rasa_token],
                      env, tmp, f"http://127.0.0.1:{rasa_port}/webhooks/rest/")
    except Exception:
        actions.close()
        portal.close()
        raise
    yield {
        "url": f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook",
        "action_url": f"http://127.0.0.1:{action_port}",
        "secret": secret,
        "rasa_url": f"http://127.0.0.1:{rasa_port}",
        "rasa_token": rasa_token,
        "db_url": db_url,
        "portal_url": f"http://127.0.0.1:{portal_port}",
        "servers": (actions, rasa, portal),
    }
    rasa.close()
    actions.close()
    portal.close()
