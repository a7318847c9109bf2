"""The crisis scorer and the FAQ topic classifier inside a real Rasa model:
train -> persist -> load -> the same parse, in the format triage.parse reads."""

from __future__ import annotations

import asyncio
import textwrap

import pytest

from tests.rasa_support import REPO_ROOT
from triage.parse import parse_from_nlu

pytestmark = pytest.mark.slow

CONFIG = textwrap.dedent("""\
    recipe: default.v1
    language: en
    assistant_id: components-test
    pipeline:
      - name: WhitespaceTokenizer
      - name: CountVectorsFeaturizer
      - name: LogisticRegressionClassifier
      - name: bot.components.crisis_scorer.CrisisScorer
      - name: bot.components.faq_topic_classifier.FaqTopicClassifier
    policies: []
    """)

NLU = textwrap.dedent("""\
    version: "3.1"
    nlu:
    - intent: emergency
      examples: |
        - i want to end my life tonight
        - my dad is not breathing help
        - i have the pills ready and i am saying goodbye
        - she collapsed and is not waking up
    - intent: praise
      examples: |
        - thank you nurses you were wonderful
        - the best hospital ever, great staff
        - loved the care my mom got
        - amazing doctors thank you
    - intent: general_question/hours
      examples: |
        - what time do you open
        - are you open on sunday
        - opening hours please
    - intent: general_question/parking
      examples: |
        - where do i park
        - is the garage free
        - parking for visitors
    """)


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    from rasa.model_training import train_nlu

    tmp = tmp_path_factory.mktemp("components")
    (tmp / "config.yml").write_text(CONFIG)
    (tmp / "nlu.yml").write_text(NLU)
    out = train_nlu(str(tmp / "config.yml"), str(tmp / "nlu.yml"), str(tmp / "models"),
                    fixed_model_name="tiny", domain=str(REPO_ROOT / "bot" / "domain"))
    return out


def _parse(model_path, texts):
    from rasa.core.agent import Agent

    loop = asyncio.new_event_loop()
    try:
        agent = Agent.load(model_path)
        return [loop.run_until_complete(agent.parse_message(t)) for t in texts]
    finally:
        loop.close()


TEXTS = ["i am saying goodbye, the pills are ready", "thank you, wonderful nurses",
         "are you open sunday", "where is visitor parking"]


def test_scores_and_topics_reach_the_parse_data(model):
    parsed = _parse(model, TEXTS)
    scores = [p["crisis"]["score"] for p in parsed]
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert scores[0] > max(scores[1:])
    topics = [parse_from_nlu(p).faq_topic for p in parsed]
    assert topics[2:] == ["hours", "parking"]
    # The policy reads the crisis score, not the intent ranking, when the head is there.
    assert parse_from_nlu(parsed[0]).emergency_score == pytest.approx(scores[0])


def test_a_reloaded_model_parses_the_same(model):
    first, again = _parse(model, TEXTS), _parse(model, TEXTS)
    assert [p["crisis"] for p in first] == [p["crisis"] for p in again]
    assert [p.get("response_selector") for p in first] == [p.get("response_selector") for p in again]


def test_only_general_questions_get_a_topic(model):
    parsed = _parse(model, TEXTS)
    for p in parsed:
        assert ("response_selector" in p) == (p["intent"]["name"] == "general_question")


def test_nothing_persisted_holds_training_text(model, tmp_path):
    import tarfile

    with tarfile.open(model) as archive:
        archive.extractall(tmp_path)
    blobs = b"".join(p.read_bytes() for p in tmp_path.rglob("*.skops"))
    assert blobs and b"pills are ready" not in blobs and b"wonderful" not in blobs
