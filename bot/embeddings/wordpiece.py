"""BERT's uncased WordPiece tokenizer, in pure Python, with character offsets.

Reproduces what Hugging Face `tokenizers` does with the `tokenizer.json` shipped
for all-MiniLM-L6-v2 (BertNormalizer with clean_text, handle_chinese_chars,
accent stripping and lowercasing; BertPreTokenizer; WordPiece with `##`
continuations and words over 100 characters as `[UNK]`), so the project does not
need the Rust wheel. Each piece keeps the span of the original text it came from;
the dense featurizer uses the spans to line pieces up with Rasa's tokens.
"""

from __future__ import annotations

import dataclasses
import functools
import unicodedata
from pathlib import Path
from typing import Dict, List, Mapping, Tuple

__all__ = ["Piece", "WordPieceTokenizer"]

# A character is "Chinese" for BERT when it is in one of these CJK blocks.
_CJK_RANGES = (
    (0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF), (0x2A700, 0x2B73F),
    (0x2B740, 0x2B81F), (0x2B820, 0x2CEAF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F),
)


@dataclasses.dataclass(frozen=True)
class Piece:
    """One vocabulary entry of an encoded text; `start`/`end` index the input."""

    id: int
    start: int
    end: int


def _is_whitespace(char: str) -> bool:
    return char in " \t\n\r" or unicodedata.category(char) == "Zs"


def _is_control(char: str) -> bool:
    if char in "\t\n\r":
        return False
    category = unicodedata.category(char)
    # "Cn" (unassigned) in Python 3.10's Unicode 13 tables is mostly emoji added
    # since (U+1F979, U+1FAE0...), which the Rust tables know as symbols: keep them.
    return category.startswith("C") and category != "Cn"


@functools.lru_cache(maxsize=8192)
def _is_punctuation(char: str) -> bool:
    cp = ord(char)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(char).startswith("P")


def _is_cjk(char: str) -> bool:
    cp = ord(char)
    return any(lo <= cp <= hi for lo, hi in _CJK_RANGES)


@functools.lru_cache(maxsize=8192)
def _normalize_char(char: str) -> str:
    """What BertNormalizer makes of one character ("" if it drops it). Cached: a text's
    characters are few and repeat, and this was a tenth of a parse done per character."""
    if char == "\x00" or char == "\ufffd" or _is_control(char):
        return ""
    if _is_whitespace(char):
        return " "
    if _is_cjk(char):
        return f" {char} "
    # Strip accents (NFD, drop nonspacing marks), then lowercase, as the Rust normalizer
    # does; every resulting character maps back to the input character's index.
    return "".join(
        c for c in unicodedata.normalize("NFD", char) if unicodedata.category(c) != "Mn"
    ).lower()


def _normalize(text: str) -> List[Tuple[str, int]]:
    """(character, index in `text`) after BertNormalizer; whitespace becomes ' '."""
    out: List[Tuple[str, int]] = []
    for index, char in enumerate(text):
        for normal in _normalize_char(char):
            out.append((normal, index))
    return out


def _pre_tokenize(chars: List[Tuple[str, int]]) -> List[List[Tuple[str, int]]]:
    """Split on whitespace and isolate every punctuation character."""
    words: List[List[Tuple[str, int]]] = []
    current: List[Tuple[str, int]] = []
    for char, index in chars:
        if char == " ":
            if current:
                words.append(current)
            current = []
        elif _is_punctuation(char):
            if current:
                words.append(current)
            words.append([(char, index)])
            current = []
        else:
            current.append((char, index))
    if current:
        words.append(current)
    return words


class WordPieceTokenizer:
    """Greedy longest-match-first WordPiece over a BERT `vocab.txt`."""

    def __init__(
        self,
        vocab: Mapping[str, int],
        unk_token: str = "[UNK]",
        prefix: str = "##",
        max_input_chars_per_word: int = 100,
    ) -> None:
        self.vocab = dict(vocab)
        self.unk_token = unk_token
        self.prefix = prefix
        self.max_input_chars_per_word = max_input_chars_per_word
        self.unk_id = self.vocab[unk_token]
        self.cls_id = self.vocab["[CLS]"]
        self.sep_id = self.vocab["[SEP]"]
        self.pad_id = self.vocab["[PAD]"]

    @classmethod
    def from_vocab_file(cls, path: Path) -> "WordPieceTokenizer":
        vocab: Dict[str, int] = {}
        with open(path, encoding="utf-8") as handle:
            for index, line in enumerate(handle):
                vocab[line.rstrip("\n")] = index
        return cls(vocab)

    def _word_pieces(self, word: List[Tuple[str, int]]) -> List[Piece]:
        text = "".join(c for c, _ in word)
        span = (word[0][1], word[-1][1] + 1)
        if len(text) > self.max_input_chars_per_word:
            return [Piece(self.unk_id, *span)]
        pieces: List[Piece] = []
        start = 0
        while start < len(text):
            end = len(text)
            found = None
            while start < end:
                candidate = text[start:end] if start == 0 else self.prefix + text[start:end]
                if candidate in self.vocab:
                    found = self.vocab[candidate]
                    break
                end -= 1
            if found is None:
                # One unmatchable part makes the whole word unknown (as in BERT).
                return [Piece(self.unk_id, *span)]
            pieces.append(Piece(found, word[start][1], word[end - 1][1] + 1))
            start = end
        return pieces

    def tokenize(self, text: str) -> List[Piece]:
        """The pieces of `text`, without [CLS]/[SEP]."""
        pieces: List[Piece] = []
        for word in _pre_tokenize(_normalize(text)):
            pieces.extend(self._word_pieces(word))
        return pieces

    def encode(self, text: str, max_length: int) -> List[Piece]:
        """[CLS] pieces [SEP], truncated so the whole is at most `max_length` long."""
        body = self.tokenize(text)[: max(max_length - 2, 0)]
        return [Piece(self.cls_id, 0, 0), *body, Piece(self.sep_id, 0, 0)]
