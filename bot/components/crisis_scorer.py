"""A Rasa component that scores every message for crisis: emergency vs everything else.

The intent classifier spreads its probability over eight categories; a crisis
hidden in a long review or a farewell that reads like thanks can rank second with
a small share. This head is trained on one question only, emergency or not, with
the classes balanced so the rare class weighs as much as the rest, on the same
features the intent classifier sees (sparse counts and the dense sentence vector).
Its negatives include the hard ones the corpus holds ("this wait is killing me",
awareness walks, song lyrics).

It adds `crisis: {"score": s}` to the parse data, where s blends the head's
probability with the intent classifier's own P(emergency) (`blend_with_intent` is
the share of the latter). The policy compares s with the taxonomy's
`emergency_threshold`, chosen on the development set for crisis recall first
(README, "Crisis detection", also has what the head and the blend each give).
The persisted model holds coefficients only, no text.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

import numpy as np
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.sentence_features import SentenceModel, sentence_matrix
from triage.parse import CRISIS_KEY

__all__ = ["CrisisScorer"]

log = logging.getLogger(__name__)
POSITIVE = "emergency"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class CrisisScorer(SentenceModel):
    """Binary logistic regression: P(emergency) for every message."""

    MODEL_FILE = "crisis_scorer.skops"
    # The policy then falls back to the intent classifier's emergency probability.
    UNTRAINED_EVENT = "crisis_scorer.not_trained: no crisis score will be given"

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # C and the blend: chosen on the development set with a scikit-learn stand-in for
        # this pipeline (README, "Crisis detection").
        return {"C": 0.1, "max_iter": 1000, "tol": 1e-3, "random_state": 42,
                "blend_with_intent": 0.5}

    def train(self, training_data: TrainingData) -> Resource:
        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        labels = np.array([e.get(INTENT) == POSITIVE for e in examples])
        if not examples or labels.all() or not labels.any():
            # One class only (e.g. a tiny test set): nothing to learn; score stays absent.
            log.warning("crisis_scorer.untrained examples=%d positives=%d",
                        len(examples), int(labels.sum()))
            return self._resource
        self._fit_logistic_regression(examples, labels)
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        scored = [m for m in messages if m.get(TEXT)]
        if self._model is None or not scored:
            return messages
        positive = list(self._model.classes_).index(True)
        scores = self._model.predict_proba(sentence_matrix(scored))[:, positive]
        blend = float(self._config["blend_with_intent"])
        for message, score in zip(scored, scores):
            ranking = message.get("intent_ranking") or []
            intent_p = next((float(r.get("confidence") or 0.0) for r in ranking
                             if r.get("name") == POSITIVE), None)
            if intent_p is not None:
                score = (1.0 - blend) * float(score) + blend * intent_p
            message.set(CRISIS_KEY, {"score": round(float(score), 6)}, add_to_output=True)
        return messages
