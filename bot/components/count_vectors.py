"""Rasa's CountVectorsFeaturizer, sentence features only.

Stock, it counts every message twice: each token on its own (sequence features, for DIET and
the ResponseSelector) and the whole text (sentence features). Every classifier of this pipeline
reads sentence features only (LogisticRegressionClassifier, CrisisScorer, FaqTopicClassifier),
so the token-by-token pass was pure cost: half of the count featurizers' time, which was a
tenth of a Rasa worker's under load (py-spy, 2026-12-04). The vocabulary, training and sentence
features are stock Rasa's; a pipeline that needs sequence features uses Rasa's own component.
"""

from __future__ import annotations

from typing import List, Optional, Text, Tuple

import scipy.sparse
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import DENSE_FEATURIZABLE_ATTRIBUTES
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)

__all__ = ["SentenceCountVectorsFeaturizer"]


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True
)
class SentenceCountVectorsFeaturizer(CountVectorsFeaturizer):
    def _create_features(
        self, attribute: Text, all_tokens: List[List[Text]]
    ) -> Tuple[List[Optional[scipy.sparse.spmatrix]], List[Optional[scipy.sparse.spmatrix]]]:
        vectorizer = self.vectorizers.get(attribute)
        if not vectorizer:
            return [None], [None]
        sentences: List[Optional[scipy.sparse.spmatrix]] = []
        for tokens in all_tokens:
            if not tokens or attribute not in DENSE_FEATURIZABLE_ATTRIBUTES:
                sentences.append(None)
                continue
            sentence = vectorizer.transform([" ".join(tokens)])
            sentence.sort_indices()
            sentences.append(sentence.tocoo())
        return [None] * len(all_tokens), sentences
