"""Picks the FAQ topic of a general question: a linear model instead of a ResponseSelector.

Rasa's ResponseSelector is a TensorFlow model (about 290 MB unpacked, minutes to
train) that here only chooses one of a dozen FAQ topics. This component fits a
balanced logistic regression on the general_question examples' sentence features
(the counts and the MiniLM vector the intent classifier already has) with the
retrieval sub-intent (`general_question/hours`, ...) as the label, and writes its
choice where Rasa's ResponseSelector would, so `triage.parse` and the bench read
one format:

    "response_selector": {"all_retrieval_intents": ["general_question"],
      "general_question": {"response": {"intent_response_key": "general_question/hours",
                                        "confidence": 0.91, "utter_action": ...},
                           "ranking": [...]}}

Topic accuracy on the held-out FAQ examples is in the README ("Choosing the
classifier"). The persisted model holds coefficients and topic names, no text.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, INTENT_RESPONSE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.sentence_features import SentenceModel, sentence_matrix

__all__ = ["FaqTopicClassifier"]

log = logging.getLogger(__name__)
SELECTOR_KEY = "response_selector"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class FaqTopicClassifier(SentenceModel):
    """Logistic regression over sentence features: the retrieval sub-intent."""

    MODEL_FILE = "faq_topic.skops"
    # No topics to learn (tiny test data): general questions get the general answer.
    UNTRAINED_EVENT = "faq_topic.not_trained: general questions get the general answer"

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"retrieval_intent": "general_question", "C": 1.0, "max_iter": 100,
                "tol": 1e-3, "random_state": 42, "ranking_length": 5}

    def train(self, training_data: TrainingData) -> Resource:
        intent = self._config["retrieval_intent"]
        examples = [e for e in training_data.intent_examples
                    if e.get(INTENT) == intent and e.get(INTENT_RESPONSE_KEY) and e.get(TEXT)]
        topics = [e.get(INTENT_RESPONSE_KEY) for e in examples]
        if len(set(topics)) < 2:
            log.warning("faq_topic.untrained examples=%d topics=%d", len(examples), len(set(topics)))
            return self._resource
        self._fit_logistic_regression(examples, topics)
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        intent = self._config["retrieval_intent"]
        # Only a general question is answered from the FAQ (triage.parse reads the topic
        # for that category alone), so other messages skip the work.
        with_text = [m for m in messages if m.get(TEXT)
                     and (m.get(INTENT) or {}).get("name", intent) == intent]
        if self._model is None or not with_text:
            return messages
        probabilities = self._model.predict_proba(sentence_matrix(with_text))
        topics = list(self._model.classes_)
        for message, row in zip(with_text, probabilities):
            ranked = sorted(zip(topics, row), key=lambda pair: -pair[1])
            ranking = [{"intent_response_key": str(t), "confidence": float(p)}
                       for t, p in ranked[: int(self._config["ranking_length"])]]
            best, confidence = ranked[0]
            selector = dict(message.get(SELECTOR_KEY) or {})
            selector["all_retrieval_intents"] = sorted(
                set(selector.get("all_retrieval_intents", [])) | {intent})
            selector[intent] = {
                "response": {"intent_response_key": str(best), "confidence": float(confidence),
                             "utter_action": f"utter_{best}"},
                "ranking": ranking,
            }
            message.set(SELECTOR_KEY, selector, add_to_output=True)
        return messages
