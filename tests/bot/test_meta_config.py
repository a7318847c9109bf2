"""The Meta channel's settings are the process's Settings (META_* variables, read once); a
missing one stops the channel with a message that names it, and no secret is committed."""

import pytest
import yaml

from bot.channels.meta import REQUIRED, MetaConfigError, MetaInput, checked
from triage.settings import REPO_ROOT, Settings

ENV = {"META_PAGE_ID": "1", "META_APP_SECRET": "app-secret-x", "META_VERIFY_TOKEN": "verify-x",
       "META_ACCESS_TOKEN": "page-token-x"}


def credentials():
    return yaml.safe_load((REPO_ROOT / "bot" / "credentials.yml").read_text())[
        "bot.channels.meta.MetaInput"]


def test_credentials_hold_nothing():
    assert credentials() is None
    assert set(REQUIRED) == set(ENV)


def test_settings_come_from_the_environment_once():
    settings = checked(Settings.from_env(ENV))
    assert (settings.meta_page_id, settings.meta_app_secret, settings.meta_graph_url) == (
        "1", "app-secret-x", "https://graph.facebook.com")
    assert not {"app-secret-x", "verify-x", "page-token-x"} & set(
        repr(settings).replace("'", " ").split())


@pytest.mark.parametrize("missing", sorted(ENV))
def test_a_missing_secret_is_named(missing):
    env = {k: v for k, v in ENV.items() if k != missing}
    with pytest.raises(MetaConfigError, match=missing):
        checked(Settings.from_env(env))


def test_an_old_credentials_file_that_names_variables_is_refused_clearly():
    with pytest.raises(MetaConfigError, match="no longer names its variables.*META_PAGE_ID"):
        checked(Settings.from_env(ENV), {"app_secret_env": "MY_SECRET"})


def test_the_channel_stops_but_the_server_does_not(monkeypatch):
    import triage.settings

    monkeypatch.setattr(triage.settings, "_process", Settings.from_env({}))
    channel = MetaInput.from_credentials(credentials())
    assert channel.disabled and "META_APP_SECRET" in channel.disabled
