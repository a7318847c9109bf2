"""Sentence-only count features: stock Rasa's sentence features, no token-level pass."""

from __future__ import annotations

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.count_vectors import SentenceCountVectorsFeaturizer

TEXTS = ["what time do visiting hours end", "my dad can't breathe please help",
         "¿a qué hora abre la clínica?", "great nurses 😍😍 on 4 west", "BUY FOLLOWERS cheap"]


def _messages(texts, intent=None):
    messages = [Message(data={TEXT: t, **({INTENT: intent} if intent else {})}) for t in texts]
    WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).process(messages)
    return messages


@pytest.mark.parametrize("config", [{"min_ngram": 1, "max_ngram": 2},
                                    {"analyzer": "char_wb", "min_ngram": 2, "max_ngram": 5}])
def test_the_same_sentence_features_as_rasas_and_no_token_features(config, tmp_path):
    context = ExecutionContext(GraphSchema({}), "m")
    out = {}
    for cls in (CountVectorsFeaturizer, SentenceCountVectorsFeaturizer):
        featurizer = cls.create({**cls.get_default_config(), **config},
                                LocalModelStorage(tmp_path), Resource(f"cv-{cls.__name__}"),
                                context)
        training = TrainingData(_messages(TEXTS, "other"))
        featurizer.train(training)
        featurizer.process_training_data(training)
        probe = _messages(["visiting hours for my dad?", "😍 clínica"])
        featurizer.process(probe)
        out[cls] = (training, probe)
    for stock, ours in zip(*(out[c][0].training_examples + out[c][1]
                             for c in (CountVectorsFeaturizer, SentenceCountVectorsFeaturizer))):
        stock_seq, stock_sentence = stock.get_sparse_features(TEXT)
        ours_seq, ours_sentence = ours.get_sparse_features(TEXT)
        assert stock_seq is not None and ours_seq is None
        assert (stock_sentence.features != ours_sentence.features).nnz == 0
