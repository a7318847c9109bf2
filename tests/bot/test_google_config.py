"""The Google reviews channel's settings are the process's (GOOGLE_* variables); without the
client, refresh token or locations it is off, says which variables, and the server runs."""

import pytest
import yaml

from bot.channels.google import REQUIRED, GoogleReviewsInput, stopped_reason
from triage.settings import REPO_ROOT, Settings

ENV = {"GOOGLE_CLIENT_ID": "id", "GOOGLE_CLIENT_SECRET": "secret", "GOOGLE_REFRESH_TOKEN": "r",
       "GOOGLE_LOCATIONS": "accounts/1/locations/2"}


def credentials():
    return yaml.safe_load((REPO_ROOT / "bot" / "credentials.yml").read_text())[
        "bot.channels.google.GoogleReviewsInput"]


def test_credentials_hold_nothing_and_all_is_read_from_the_environment():
    assert credentials() is None and set(REQUIRED) == set(ENV)
    assert stopped_reason(Settings.from_env(ENV)) is None


@pytest.mark.parametrize("missing", sorted(ENV))
def test_a_missing_variable_is_named(missing):
    reason = stopped_reason(Settings.from_env({k: v for k, v in ENV.items() if k != missing}))
    assert reason and missing in reason


def test_the_channel_stops_but_the_server_does_not(monkeypatch):
    import triage.settings

    monkeypatch.setattr(triage.settings, "_process", Settings.from_env({}))
    channel = GoogleReviewsInput.from_credentials(credentials())
    assert channel.disabled and "GOOGLE_REFRESH_TOKEN" in channel.disabled
    channel = GoogleReviewsInput.from_credentials({"refresh_token_env": "X"})
    assert "takes no settings" in channel.disabled
