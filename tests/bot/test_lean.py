"""`python -m bot` keeps TensorFlow out of the process, and says so when it matters.

Each case runs in a fresh interpreter: which modules get imported is the behaviour under test.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from bot.lean import COMPONENTS, config_needs_tensorflow
from tests.rasa_support import REPO_ROOT


def _python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=300,
                          env={"RASA_TELEMETRY_ENABLED": "false", "PATH": "/usr/bin:/bin"})


def test_rasa_loads_its_recipe_and_validator_without_tensorflow():
    done = _python("""
        import sys
        from bot.lean import leave_out_tensorflow
        leave_out_tensorflow()
        import rasa.engine.recipes.default_recipe
        from rasa.engine.recipes.default_components import DEFAULT_COMPONENTS
        import rasa.graph_components.validators.default_recipe_validator
        import rasa.core.agent, rasa.core.run, rasa.core.test
        from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
        assert LogisticRegressionClassifier in DEFAULT_COMPONENTS
        print(sorted(m for m in sys.modules if m.split(".")[0] == "tensorflow"))
    """)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]"


def test_a_left_out_component_in_use_stops_with_a_message_that_says_what_to_do():
    done = _python("""
        from bot.lean import leave_out_tensorflow, TensorFlowLeftOut
        leave_out_tensorflow()
        from rasa.nlu.classifiers.diet_classifier import DIETClassifier
        try:
            DIETClassifier.load({}, None, None, None)
        except TensorFlowLeftOut as exc:
            print(exc)
    """)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "DIETClassifier needs TensorFlow" in done.stdout and "`rasa`" in done.stdout


def test_other_code_still_gets_real_modules():
    done = _python("""
        from bot.lean import leave_out_tensorflow
        leave_out_tensorflow()
        import rasa.utils.tensorflow.constants as c
        import rasa.utils.tensorflow.model_data as d
        print(c.EPOCHS, hasattr(d, "RasaModelData"))
    """)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["epochs", "True"]


@pytest.mark.parametrize("text, needs", [
    ("pipeline:\n- name: WhitespaceTokenizer\n- name: DIETClassifier\n", True),
    ("policies:\n- name: TEDPolicy\n", True),
    ("pipeline:\n- name: rasa.nlu.selectors.response_selector.ResponseSelector\n", True),
    ("pipeline:\n- name: LogisticRegressionClassifier\npolicies:\n- name: RulePolicy\n", False),
    ("pipeline: null\n", False),
    ("not: [valid", False),  # Rasa reports it
])
def test_a_config_that_names_a_tensorflow_component_keeps_tensorflow(tmp_path, text, needs):
    path = tmp_path / "config.yml"
    path.write_text(text)
    assert config_needs_tensorflow(path) is needs


def test_our_configs_need_no_tensorflow():
    configs = sorted((REPO_ROOT / "tests" / "configs").glob("*.yml"))
    for config in [REPO_ROOT / "config.yml", *configs]:
        assert not config_needs_tensorflow(config), config
    assert {"DIETClassifier", "TEDPolicy", "ResponseSelector"} <= COMPONENTS
