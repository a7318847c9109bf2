"""The entry scripts: telemetry off everywhere, and arguments that survive any random token."""

import os
import subprocess

from tests.rasa_support import REPO_ROOT, service_env

SCRIPTS = ["scripts/run", "scripts/test", "scripts/train"]


def test_every_entry_script_disables_telemetry():
    for script in SCRIPTS:
        assert "export RASA_TELEMETRY_ENABLED=false" in (REPO_ROOT / script).read_text(), script


def test_server_environments_disable_telemetry():
    assert service_env("sqlite://")["RASA_TELEMETRY_ENABLED"] == "false"


def test_rasa_reports_telemetry_off_in_that_environment():
    from tests.rasa_support import VENV_BIN

    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}
    out = subprocess.run([str(VENV_BIN / "python"), "-c",
                          "import rasa.telemetry as t; print(t.is_telemetry_enabled())"],
                         env=env, cwd=REPO_ROOT, capture_output=True, text=True)
    assert out.stdout.strip().splitlines()[-1] == "False"


def test_run_script_passes_the_token_as_one_argument():
    # token_urlsafe() can start with "-"; `--auth-token TOKEN` then reads as a missing value.
    run = (REPO_ROOT / "supervisord.conf").read_text()
    assert "--auth-token=%(ENV_TRIAGE_RASA_TOKEN)s" in run and "--auth-token %" not in run
