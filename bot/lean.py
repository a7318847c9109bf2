"""Rasa without TensorFlow: leave out the modules of Rasa's TensorFlow components.

Rasa 3.6 imports every default component when it starts, so each Rasa process imported
TensorFlow (about 400 MB and 2.5-5 s here) although our pipeline (config.yml) has no
TensorFlow component: DIETClassifier, TEDPolicy, UnexpecTEDIntentPolicy, ResponseSelector,
ConveRTFeaturizer, LanguageModelFeaturizer and the layers under them. `leave_out_tensorflow()`,
called before Rasa is imported, puts a stand-in in place of each of those modules. A
stand-in's every name is a placeholder class, so Rasa's imports, its component lists and its
config checks work, and any real use (a config or a model that names one of them) stops with
an error that says what to do. Other code that imports
TensorFlow itself still gets the real package.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
import types
from pathlib import Path
from typing import Any, Optional, Sequence

__all__ = ["COMPONENTS", "LEFT_OUT", "TensorFlowLeftOut", "config_needs_tensorflow",
           "leave_out_tensorflow"]

# Rasa's modules that import TensorFlow when they are imported (found by tracing the imports of
# `python -m bot run` and of `rasa train` with our config), and the ones defined on them.
LEFT_OUT = frozenset({
    "rasa.core.policies.ted_policy",
    "rasa.core.policies.unexpected_intent_policy",
    "rasa.nlu.classifiers.diet_classifier",
    "rasa.nlu.featurizers.dense_featurizer.convert_featurizer",
    "rasa.nlu.featurizers.dense_featurizer.lm_featurizer",
    "rasa.nlu.selectors.response_selector",
    "rasa.utils.tensorflow.callback",
    "rasa.utils.tensorflow.crf",
    "rasa.utils.tensorflow.data_generator",
    "rasa.utils.tensorflow.layers",
    "rasa.utils.tensorflow.layers_utils",
    "rasa.utils.tensorflow.metrics",
    "rasa.utils.tensorflow.models",
    "rasa.utils.tensorflow.rasa_layers",
    "rasa.utils.tensorflow.transformer",
    "rasa.utils.tensorflow.types",
})


class TensorFlowLeftOut(RuntimeError):
    """A left-out TensorFlow component was asked for."""


class _Absent(type):
    """The metaclass of placeholders: any use beyond naming it is an error."""

    def __getattr__(cls, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        raise cls._error()

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        raise cls._error()

    def _error(cls) -> TensorFlowLeftOut:
        return TensorFlowLeftOut(
            f"{cls.__module__}.{cls.__name__} needs TensorFlow, which `python -m bot` leaves "
            "out (bot/lean.py) unless the config to train names a TensorFlow component. To "
            "run a model that has one, use Rasa's own `rasa` command.")


class _StandIn(types.ModuleType):
    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        placeholder = _Absent(name, (), {"__module__": self.__name__})
        setattr(self, name, placeholder)
        return placeholder


class _Loader(importlib.abc.Loader):
    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        return _StandIn(spec.name)

    def exec_module(self, module: types.ModuleType) -> None:
        module.__doc__ = "Left out by bot/lean.py: Rasa's TensorFlow components are not used."


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, name: str, path: Optional[Sequence[str]],
                  target: Optional[types.ModuleType] = None
                  ) -> Optional[importlib.machinery.ModuleSpec]:
        if name in LEFT_OUT:
            return importlib.machinery.ModuleSpec(name, _Loader())
        return None


# The components those modules define, as a config names them.
COMPONENTS = frozenset({"DIETClassifier", "TEDPolicy", "UnexpecTEDIntentPolicy",
                        "ResponseSelector", "ConveRTFeaturizer", "LanguageModelFeaturizer"})


def config_needs_tensorflow(config_path: Path) -> bool:
    """True if a Rasa config (pipeline or policies) names a left-out component."""
    import yaml

    try:
        config = yaml.safe_load(config_path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return False  # Rasa reports a missing or broken config itself
    if not isinstance(config, dict):
        return False
    steps = [*(config.get("pipeline") or []), *(config.get("policies") or [])]
    names = {str(step.get("name", "")).rsplit(".", 1)[-1] for step in steps
             if isinstance(step, dict)}
    return bool(names & COMPONENTS)


def leave_out_tensorflow() -> None:
    """Install the stand-ins (before Rasa is imported; once per process is enough)."""
    if any(not isinstance(sys.modules[m], _StandIn) for m in LEFT_OUT & set(sys.modules)):
        return  # too late: Rasa's TensorFlow modules are loaded already
    if not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.insert(0, _Finder())
