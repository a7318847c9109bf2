from __future__ import annotations

import contextlib
import secrets
import subprocess

import pytest

from tests.rasa_support import REPO_ROOT, VENV_BIN, Server, free_port, service_env, train_small_model

PORTAL_PASSWORD = "e2e portal password"


@pytest.fixture(scope="session")
def small_model():
    return train_small_model()


@contextlib.contextmanager
def running_stack(model, tmp, extra_env=None):
    """The action server, the portal and the Rasa server, as `scripts/run` starts them,
    on free ports. Yields a dict of URLs and secrets; `restart_rasa()` restarts Rasa."""
    db_url = f"sqlite:///{tmp / 'queue.db'}"
    action_port, rasa_port, portal_port = free_port(), free_port(), free_port()
    # The token starts with "-" on purpose: random tokens sometimes do, and a CLI that
    # took it for an option once failed one CI run in a few.
    secret, rasa_token = secrets.token_urlsafe(16), "-" + secrets.token_urlsafe(16)
    env = service_env(db_url, {
        "TRIAGE_ACTION_SECRET": secret,
        "TRIAGE_ACTION_URL": f"http://127.0.0.1:{action_port}/webhook",
        "TRIAGE_TRACKER_DB": str(tmp / "tracker.db"),
        "TRIAGE_PORTAL_SECRET": secrets.token_urlsafe(32),
        # requests keeps Secure cookies off plain http; the browser tests cover Secure cookies.
        "TRIAGE_PORTAL_SECURE_COOKIES": "0",
        "TRIAGE_RASA_URL": f"http://127.0.0.1:{rasa_port}",
        "TRIAGE_RASA_TOKEN": rasa_token,
        **(extra_env or {}),
    })
    subprocess.run([str(VENV_BIN / "python"), "-m", "triage", "users", "create", "--username",
                    "moderator1", "--role", "moderator", "--password-stdin"],
                   input=PORTAL_PASSWORD + "\n", text=True, env=env, cwd=REPO_ROOT, check=True,
                   capture_output=True)
    rasa_args = [str(VENV_BIN / "python"), "-m", "bot", "run", "--model", str(model), "--endpoints",
                 "endpoints.yml", "--credentials", "bot/credentials.yml", "--interface",
                 "127.0.0.1", "--port", str(rasa_port), "--enable-api", f"--auth-token={rasa_token}"]
    health = f"http://127.0.0.1:{rasa_port}/webhooks/rest/"
    servers = {}
    try:
        servers["actions"] = Server("actions", [str(VENV_BIN / "python"), "-m", "actions.server",
                                                "--port", str(action_port)],
                                    env, tmp, f"http://127.0.0.1:{action_port}/health")
        servers["portal"] = Server("portal", [str(VENV_BIN / "python"), "-m", "triage", "portal",
                                              "--port", str(portal_port)],
                                   env, tmp, f"http://127.0.0.1:{portal_port}/login")
        servers["rasa"] = Server("rasa", rasa_args, env, tmp, health)
        stack = {
            "url": f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook",
            "meta_url": f"http://127.0.0.1:{rasa_port}/webhooks/meta/webhook",
            "action_url": f"http://127.0.0.1:{action_port}",
            "secret": secret,
            "rasa_url": f"http://127.0.0.1:{rasa_port}",
            "rasa_token": rasa_token,
            "db_url": db_url,
            "portal_url": f"http://127.0.0.1:{portal_port}",
            "servers": servers,
        }

        args = {"rasa": (rasa_args, health),
                "actions": (servers["actions"].proc.args,
                            f"http://127.0.0.1:{action_port}/health")}
        starts = {"rasa": 0, "actions": 0}

        def restart(name="rasa", kill=False):
            """Stop a server (SIGKILL with kill=True, as a crash would) and start it again."""
            if kill:
                servers[name].proc.kill()
                servers[name].proc.wait()
            servers[name].close()
            starts[name] += 1
            servers[name] = Server(f"{name}-{starts[name]}", list(args[name][0]), env, tmp,
                                   args[name][1])

        stack["restart_rasa"] = restart
        stack["restart"] = restart
        yield stack
    finally:
        for server in servers.values():
            server.close()


@pytest.fixture(scope="module")
def stack(small_model, tmp_path_factory):
    with running_stack(small_model, tmp_path_factory.mktemp("stack")) as running:
        running = dict(running, servers=tuple(running["servers"].values()))
        yield running


def portal_sign_in(session, portal_url, username="moderator1", password=PORTAL_PASSWORD):
    """Sign a requests.Session in as a browser would: the form (its login-CSRF token), then
    the post. Returns the post's response (303 on success)."""
    import re

    form = session.get(portal_url + "/login", timeout=10).text
    token = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
    return session.post(portal_url + "/login", timeout=10, allow_redirects=False,
                        data={"username": username, "password": password, "csrf": token})
