"""`bot.rasa_patches`: the action-response check keeps Rasa's behaviour, built once."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def remote_action():
    from rasa.core.actions.action import RemoteAction

    from bot import rasa_patches

    original = RemoteAction._validate_action_result
    rasa_patches.apply()
    rasa_patches.apply()  # idempotent
    yield RemoteAction("action_triage", None), original


GOOD = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "human_handoff", "value": "released"}],
     "responses": [{"custom": {"triage_delivery": {"inbound_id": 7}}}]},
    {},
]
BAD = [
    {"events": [{"event": "no_such_event"}]},
    {"events": "not a list"},
    {"responses": [1, 2]},
]


@pytest.mark.parametrize("result", GOOD)
def test_a_valid_response_passes_as_before(remote_action, result):
    action, original = remote_action
    assert action._validate_action_result(result) is True
    assert original(action, result) is True


@pytest.mark.parametrize("result", BAD)
def test_an_invalid_response_fails_with_the_same_error(remote_action, result):
    from jsonschema import ValidationError

    action, original = remote_action
    with pytest.raises(ValidationError) as ours:
        action._validate_action_result(result)
    with pytest.raises(ValidationError) as theirs:
        original(action, result)
    assert ours.value.message == theirs.value.message
    assert "Failed to validate Action server response" in ours.value.message


def test_a_graph_built_once_runs_each_input_as_before(remote_action, tmp_path):
    from rasa.engine.graph import ExecutionContext, GraphComponent, GraphSchema, SchemaNode
    from rasa.engine.runner.dask import DaskGraphRunner
    from rasa.engine.storage.local_model_storage import LocalModelStorage

    class _Add(GraphComponent):
        """Adds its config's `n` to what it is given."""

        def __init__(self, n):
            self.n = n

        @classmethod
        def create(cls, config, model_storage, resource, execution_context):
            return cls(config["n"])

        def run(self, x):
            return x + self.n

    schema = GraphSchema({
        "one": SchemaNode(needs={"x": "__x__"}, uses=_Add, fn="run", constructor_name="create",
                          config={"n": 1}),
        "ten": SchemaNode(needs={"x": "one"}, uses=_Add, fn="run", constructor_name="create",
                          config={"n": 10}, is_target=True),
    })
    runner = DaskGraphRunner.create(schema, LocalModelStorage(tmp_path),
                                    ExecutionContext(schema, "m"))
    assert runner.run({"__x__": 0}, ["ten"]) == {"ten": 11}
    assert runner.run({"__x__": 5}, ["ten"]) == {"ten": 16}  # the built graph kept no input
    assert runner.run({"__x__": 5}, ["one"]) == {"one": 6}  # another target, its own graph
    assert runner.run({"__x__": 1}) == {"ten": 12}  # the schema's targets


def test_the_intent_classifier_loads_its_coefficients_contiguous_and_predicts_the_same(
        remote_action, tmp_path):
    import numpy as np
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.nlu.classifiers.logistic_regression_classifier import (
        LogisticRegressionClassifier,
    )
    from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, INTENT, TEXT
    from rasa.shared.nlu.training_data.features import Features
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData
    from scipy.sparse import random as sparse_random

    rng = np.random.default_rng(7)

    def message(n, intent=None):
        m = Message(data={TEXT: f"text {n}", **({INTENT: intent} if intent else {})})
        m.add_features(Features(sparse_random(1, 400, density=0.05, random_state=n, format="csr"),
                                FEATURE_TYPE_SENTENCE, TEXT, "counts"))
        return m

    storage, resource = LocalModelStorage(tmp_path), Resource("lr")
    context = ExecutionContext(GraphSchema({}), "m")
    trained = LogisticRegressionClassifier.create(
        LogisticRegressionClassifier.get_default_config(), storage, resource, context)
    trained.train(TrainingData([message(n, str(rng.integers(3))) for n in range(60)]))
    loaded = LogisticRegressionClassifier.load(
        LogisticRegressionClassifier.get_default_config(), storage, resource, context)
    assert loaded.clf.coef_.T.flags["C_CONTIGUOUS"]
    assert np.array_equal(loaded.clf.coef_, trained.clf.coef_)
    probe = [message(1000 + n) for n in range(5)]
    X = loaded._create_X(probe)
    assert np.array_equal(loaded.clf.predict_proba(X), trained.clf.predict_proba(X))


def test_action_calls_reuse_one_connection_and_send_what_rasa_sends(remote_action):
    import asyncio

    from aiohttp import web
    from rasa.utils.endpoints import EndpointConfig

    seen = []

    async def echo(request):
        seen.append((request.transport.get_extra_info("peername")[1],
                     request.headers.get("X-Secret"), await request.json()))
        return web.json_response({"ok": len(seen)})

    async def run():
        app = web.Application()
        app.router.add_post("/webhook", echo)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook", headers={"X-Secret": "s"})
        try:
            return [await endpoint.request(json={"n": n}) for n in range(3)]
        finally:
            await runner.cleanup()

    assert asyncio.run(run()) == [{"ok": 1}, {"ok": 2}, {"ok": 3}]
    assert [(secret, body) for _, secret, body in seen] == [("s", {"n": n}) for n in range(3)]
    assert len({port for port, _, _ in seen}) == 1  # one connection for the three calls
