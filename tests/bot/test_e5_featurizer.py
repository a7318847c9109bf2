"""The bench-only e5 featurizer builds and checks its config (its encoder runs in `make compare`)."""

import pytest

from bot.components.e5_featurizer import E5Featurizer
from triage.errors import ConfigError


def test_builds_with_defaults():
    featurizer = E5Featurizer({}, "e5")
    E5Featurizer.validate_config(featurizer._config)


@pytest.mark.parametrize("bad", [{"scale": 0}, {"batch_size": 0}])
def test_rejects_bad_config(bad):
    with pytest.raises(ConfigError):
        E5Featurizer.validate_config({**E5Featurizer.get_default_config(), **bad})
