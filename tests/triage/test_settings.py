"""Settings are read once, from an explicit mapping; bad values name their variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from triage.errors import ConfigError
from triage.settings import Settings

ENV = {
    "TRIAGE_DATABASE_URL": "postgresql+psycopg2://127.0.0.1/test",
    "TRIAGE_ORG_NAME": "Lakeside Clinic",
    "TRIAGE_MODEL": "/srv/models",
    "TRIAGE_PORTAL_PORT": "9090",
    "TRIAGE_INGEST_PORT": "9091",
    "TRIAGE_ACTION_SECRET": "action-secret-value",
    "TRIAGE_HIDE_PHI_COMMENTS": "0",
    "TRIAGE_LEASE_SECONDS": "12.5",
    "TRIAGE_WORKER_CONCURRENCY": "2",
    "META_APP_SECRET": "meta-secret-value",
    "TRIAGE_PORTAL_SECRET": "portal-secret-value",
    "TRIAGE_PORTAL_IDLE_MINUTES": "30",
    "TRIAGE_PORTAL_SECURE_COOKIES": "0",
    "TRIAGE_RASA_URL": "http://127.0.0.1:5005",
    "TRIAGE_RASA_TOKEN": "rasa-token-value",
    "GOOGLE_CLIENT_SECRET": "google-client-secret-value",
    "GOOGLE_REFRESH_TOKEN": "google-refresh-token-value",
    "GOOGLE_PUSH_TOKEN": "google-push-token-value",
    "GOOGLE_LOCATIONS": "accounts/1/locations/2, accounts/1/locations/3",
    "GOOGLE_POLL_SECONDS": "60",
}


def test_an_empty_environment_gives_the_defaults():
    assert Settings.from_env({}) == Settings()
    assert Settings().portal_secure_cookies and Settings().hide_phi_comments


def test_every_variable_is_read():
    s = Settings.from_env(ENV)
    assert (s.database_url, s.org_name, s.model_path) == (
        ENV["TRIAGE_DATABASE_URL"], "Lakeside Clinic", Path("/srv/models"))
    assert (s.portal_port, s.ingest_port, s.worker_concurrency) == (9090, 9091, 2)
    assert (s.lease_seconds, s.hide_phi_comments) == (12.5, False)
    assert (s.portal_idle_minutes, s.portal_secure_cookies) == (30, False)
    assert (s.rasa_url, s.rasa_token) == ("http://127.0.0.1:5005", "rasa-token-value")
    assert (s.action_secret, s.meta_app_secret, s.portal_secret) == (
        "action-secret-value", "meta-secret-value", "portal-secret-value")
    assert s.google_locations == ("accounts/1/locations/2", "accounts/1/locations/3")
    assert (s.google_poll_seconds, s.google_push_token) == (60.0, "google-push-token-value")


def test_secrets_never_show_in_the_repr():
    shown = repr(Settings.from_env(ENV))
    assert "Lakeside Clinic" in shown
    for name in ("TRIAGE_ACTION_SECRET", "META_APP_SECRET", "TRIAGE_PORTAL_SECRET",
                 "TRIAGE_RASA_TOKEN", "GOOGLE_CLIENT_SECRET", "GOOGLE_REFRESH_TOKEN",
                 "GOOGLE_PUSH_TOKEN"):
        assert ENV[name] not in shown


@pytest.mark.parametrize("name, value", [
    ("TRIAGE_PORTAL_IDLE_MINUTES", "soon"), ("TRIAGE_PORTAL_IDLE_MINUTES", "0"),
    ("TRIAGE_LEASE_SECONDS", "-1"), ("TRIAGE_WORKER_CONCURRENCY", "2.5"),
    ("TRIAGE_MAX_MESSAGE_CHARS", "many"), ("GOOGLE_LOCATIONS", "locations/2"),
    ("GOOGLE_POLL_SECONDS", "0"),
])
def test_a_bad_value_names_its_variable(name, value):
    with pytest.raises(ConfigError, match=name):
        Settings.from_env({name: value})
