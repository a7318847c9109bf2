"""Helpers for the retraining tests: files written byte-exact, reports with chosen figures."""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Tuple

import pytest

from triage.evaluation import Report, evaluate
from triage.taxonomy import CATEGORIES

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def write(tmp_path):
    """write(name, bytes_or_text) -> path; text is written as UTF-8 with no newline changes."""

    def _write(name: str, content) -> Path:
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        return path

    return _write


def make_report(correct: Dict[str, int], n: int = 10) -> Report:
    """A held-out report with `n` examples of each category; `correct[c]` of them right
    (default 8). Misses of a category are predicted as `other` (`spam` for `other`)."""
    pairs: List[Tuple[str, str]] = []
    for label in CATEGORIES:
        k = correct.get(label, 8)
        wrong = "spam" if label == "other" else "other"
        pairs += [(label, label)] * k + [(label, wrong)] * (n - k)
    return evaluate(pairs, CATEGORIES)
