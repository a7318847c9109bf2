"""The model's fingerprint: the same inputs give the same model name, any change a new one."""

import shutil

from bot.fingerprint import INPUTS, fingerprint, model_path
from triage.settings import REPO_ROOT


def test_the_same_inputs_give_the_same_name():
    config = REPO_ROOT / "config.yml"
    assert fingerprint(config) == fingerprint(config)
    assert model_path(config, REPO_ROOT / "models").name == f"inbox-triage-{fingerprint(config)}.tar.gz"


def test_a_change_to_data_config_or_component_code_changes_it(tmp_path):
    for name in INPUTS:
        source = REPO_ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, tmp_path / name)
    config = tmp_path / "config.yml"
    shutil.copy(REPO_ROOT / "config.yml", config)
    first = fingerprint(config, tmp_path)
    # Names are taken relative to the root: a copy of the repository has the same print.
    assert first == fingerprint(REPO_ROOT / "config.yml", REPO_ROOT)
    for path in (tmp_path / "data" / "nlu" / "spam" / "core.yml",
                 tmp_path / "bot" / "components" / "crisis_scorer.py", config):
        original = path.read_text()
        path.write_text(original + "\n# changed\n")
        assert fingerprint(config, tmp_path) != first, path
        path.write_text(original)
        assert fingerprint(config, tmp_path) == first
