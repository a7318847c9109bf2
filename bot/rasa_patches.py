"""Costs of Rasa 3.6 that `python -m bot` removes, each with the same behaviour as before.

`RemoteAction._validate_action_result` calls `jsonschema.validate(result, spec)` on every
custom-action response. `validate` first checks `spec` itself against the JSON Schema
meta-schema, and the spec is a constant: at 8 concurrent turns that check was a quarter of the
Rasa process's time (py-spy, 2026-12-02). Here the validator is built, and the spec checked,
once; each response is still validated, and an invalid one raises the same ValidationError with
Rasa's own hint appended.

`DaskGraphRunner.run` works out which nodes a target needs, walking the graph schema, and
builds the dask graph of those nodes, on every parse (6% of the Rasa process's time under 8
concurrent turns, py-spy 2026-12-04). Both depend on the target alone: here they are built
once per target and copied (a shallow dict copy) for each run, which then adds its inputs
as before.

`LogisticRegressionClassifier` predicts with `X @ coef_.T`. The transposed view of the C-ordered
coefficients (classes x 100k+ features) is not contiguous, so scipy copies all of it for every
message (1.7 ms of a 22 ms parse, cProfile 2026-12-04). Loaded, the coefficients are stored in
Fortran order instead: the same numbers, whose transpose is contiguous.

`EndpointConfig.request` (every custom-action call) opens a new aiohttp session, so a new TCP
connection, per call and closes it after (7% of the Rasa process under load). Here a session
is kept per endpoint setting and event loop, and its connections are reused. The client lets
an idle connection go after 2 s, before the action server (Sanic, 5 s) would close it under a
request.
"""

from __future__ import annotations

import functools
from typing import Any, Dict, List, Optional, Text

_applied = False


def apply() -> None:
    """Patch once per process (idempotent)."""
    global _applied
    if _applied:
        return
    from jsonschema import ValidationError
    from jsonschema.exceptions import best_match
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.constants import DOCS_BASE_URL

    spec = RemoteAction.action_response_format_spec()
    cls = validator_for(spec)
    cls.check_schema(spec)
    validator = cls(spec)

    def _validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
        # As jsonschema.validate does after its schema check: the most relevant error.
        error = best_match(validator.iter_errors(result))
        if error is None:
            return True
        assert isinstance(error, ValidationError)
        error.message += (
            ". Failed to validate Action server response from API, "
            "make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise error

    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[assignment]
    _build_graphs_once()
    _contiguous_coefficients()
    _keep_connections()
    _applied = True


class _KeptSession:
    """`async with` a kept session: entering gives it, leaving does not close it."""

    def __init__(self, session: Any) -> None:
        self._session = session

    async def __aenter__(self) -> Any:
        return self._session

    async def __aexit__(self, *exc: Any) -> bool:
        return False


def _keep_connections() -> None:
    import asyncio
    import weakref

    import aiohttp
    from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig

    kept: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Dict[Any, Any]]" = (
        weakref.WeakKeyDictionary())

    def session(self: EndpointConfig) -> _KeptSession:
        auth = (aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"])
                if self.basic_auth else None)
        key = (tuple(sorted((self.headers or {}).items())), auth)
        sessions = kept.setdefault(asyncio.get_running_loop(), {})
        found = sessions.get(key)
        if found is None or found.closed:
            found = sessions[key] = aiohttp.ClientSession(
                headers=self.headers, auth=auth,
                timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
                connector=aiohttp.TCPConnector(keepalive_timeout=2))
        return _KeptSession(found)

    EndpointConfig.session = session  # type: ignore[assignment]


def fortran_coefficients(model: Any) -> Any:
    """`model` with `coef_` in Fortran order, so `X @ coef_.T` copies nothing."""
    import numpy as np

    if getattr(model, "coef_", None) is not None:
        model.coef_ = np.asfortranarray(model.coef_)
    return model


def _contiguous_coefficients() -> None:
    from rasa.nlu.classifiers.logistic_regression_classifier import (
        LogisticRegressionClassifier,
    )

    load = LogisticRegressionClassifier.load.__func__

    # Rasa checks a component's `load` signature against its own (wraps keeps that one).
    @functools.wraps(load)
    def load_contiguous(cls, *args, **kwargs):
        component = load(cls, *args, **kwargs)
        fortran_coefficients(getattr(component, "clf", None))
        return component

    LogisticRegressionClassifier.load = classmethod(load_contiguous)  # type: ignore


def _build_graphs_once() -> None:
    import dask
    from rasa.engine.exceptions import GraphRunError
    from rasa.engine.runner.dask import DaskGraphRunner

    def run(self: DaskGraphRunner, inputs: Optional[Dict[Text, Any]] = None,
            targets: Optional[List[Text]] = None) -> Dict[Text, Any]:
        run_targets = targets if targets else self._graph_schema.target_names
        built = self.__dict__.setdefault("_triage_built_graphs", {})
        key = tuple(run_targets)
        if key not in built:
            built[key] = self._build_dask_graph(
                self._graph_schema.minimal_graph_schema(run_targets))
        run_graph = dict(built[key])
        if inputs:
            self._add_inputs_to_graph(inputs, run_graph)
        try:
            return dict(dask.get(run_graph, run_targets))
        except RuntimeError as e:
            raise GraphRunError("Error running runner.") from e

    DaskGraphRunner.run = run  # type: ignore[assignment]
