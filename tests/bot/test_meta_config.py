"""The Meta channel's settings come from the environment variables credentials.yml names;
a missing one stops the channel with a message that names it (and no secret is committed)."""

import pytest
import yaml

from bot.channels.meta import MetaConfigError, MetaInput, read_settings
from triage.settings import REPO_ROOT

ENV = {"META_PAGE_ID": "1", "META_APP_SECRET": "s", "META_VERIFY_TOKEN": "v",
       "META_ACCESS_TOKEN": "t"}


def credentials():
    return yaml.safe_load((REPO_ROOT / "bot" / "credentials.yml").read_text())["bot.channels.meta.MetaInput"]


def test_credentials_name_variables_not_secrets():
    assert all(key.endswith("_env") and value.startswith("META_") for key, value in credentials().items())


def test_settings_are_read_from_the_named_variables():
    values = read_settings(credentials(), ENV)
    assert (values["page_id"], values["app_secret"], values["graph_url"]) == (
        "1", "s", "https://graph.facebook.com")


@pytest.mark.parametrize("missing", sorted(ENV))
def test_a_missing_secret_is_named(missing):
    env = {k: v for k, v in ENV.items() if k != missing}
    with pytest.raises(MetaConfigError, match=missing):
        read_settings(credentials(), env)


def test_the_channel_stops_but_the_server_does_not(monkeypatch):
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    channel = MetaInput.from_credentials(credentials())
    assert channel.disabled and "META_APP_SECRET" in channel.disabled
