"""A real FakeGraph over HTTP for the module, reset between tests; sleeps are recorded."""

from __future__ import annotations

import pytest

from tests.fakes.graph_server import FakeGraph
from triage.graph import HttpGraphApi

PAGE_ID = "1122334455"
IG_ID = "17841400000000000"
TOKEN = "EAAG-secret-page-token-do-not-log"


@pytest.fixture(scope="module")
def fake_graph():
    with FakeGraph(access_token=TOKEN) as graph:
        yield graph


@pytest.fixture
def graph(fake_graph):
    fake_graph.reset()
    yield fake_graph
    fake_graph.reset()


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def api(graph, sleeps):
    client = HttpGraphApi(graph.url, PAGE_ID, TOKEN, sleep=sleeps.append, max_attempts=4,
                          backoff=0.5, timeout=5.0, ig_account_id=IG_ID)
    yield client
    client._http.close()
