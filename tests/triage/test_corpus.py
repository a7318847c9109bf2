"""The corpus rules (data card): counts, lengths, Spanish, no near-duplicates, a current card."""

from pathlib import Path

import pytest

from triage import corpus
from triage.cli import CORPUS_DIR, DATA_CARD, DEV_DIR, HELDOUT_FILE
from triage.taxonomy import CATEGORIES


def _entry(text, intent="other", path="x/other/a.yml"):
    return corpus.Entry(text, intent, Path(path), Path(path).stem)


@pytest.mark.parametrize("a,b,close", [
    ("what are your visiting hours", "what are your visiting hours?", True),
    ("lol same", "same lol", True),
    ("can I book with Dr. Lee next week", "can I book with Dr. Patel next week", True),
    ("can I book with Dr. Lee next week", "where do I park for radiology", False),
    ("hi", "hi hi hi", True),
    ("hours?", "hours for the lab on saturday?", False),
])
def test_near_duplicates_by_token_set_jaccard(a, b, close):
    found = corpus.near_duplicates([_entry(a), _entry(b)])
    assert bool(found) is close
    if close:
        assert found[0].dropped.text == b  # the later one goes


def test_against_drops_the_side_that_is_not_fixed():
    fixed = [_entry("please tell my kids I love them. I'm done.")]
    mine = [_entry("tell my kids i love them. i'm done."), _entry("where is parking")]
    assert [p.dropped.text for p in corpus.near_duplicates(mine, against=fixed)] == [
        "tell my kids i love them. i'm done."]


def test_drop_lines_removes_only_the_dropped_examples(tmp_path):
    path = tmp_path / "other" / "a.yml"
    path.parent.mkdir()
    path.write_text('version: "3.1"\nnlu:\n- intent: other\n  examples: |\n    - hi\n    - hi hi hi\n'
                    '    - lol\n', encoding="utf-8")
    entries = corpus.load_corpus(tmp_path)
    assert corpus.drop_lines([p.dropped for p in corpus.near_duplicates(entries)]) == 1
    assert [e.text for e in corpus.load_corpus(tmp_path)] == ["hi", "lol"]


@pytest.fixture(scope="module")
def train():
    return corpus.load_corpus(CORPUS_DIR)


@pytest.fixture(scope="module")
def dev():
    return corpus.load_corpus(DEV_DIR)


@pytest.mark.parametrize("category", CATEGORIES)
def test_every_category_has_the_registers_the_issue_asks_for(train, dev, category):
    rows = [e for e in train if e.category == category]
    assert len(rows) >= 400
    assert sum(len(e.text) > 150 for e in rows) / len(rows) >= 0.40
    assert max(len(e.text) for e in rows) <= 1000
    assert sum(e.spanish for e in rows) >= 40
    assert sum(e.category == category for e in dev) >= 100


def test_no_near_duplicates_anywhere(train, dev):
    heldout = corpus.load_corpus(HELDOUT_FILE.parent, only=(HELDOUT_FILE.name,))
    assert not corpus.near_duplicates(train)
    assert not corpus.near_duplicates(dev)
    assert not corpus.near_duplicates(dev, against=train)
    assert not corpus.near_duplicates(train, against=heldout)


def test_the_data_card_is_current(train, dev):
    table = corpus.stats_markdown(train, dev, CATEGORIES)
    assert f"{corpus.CARD_BEGIN}\n{table}\n{corpus.CARD_END}" in DATA_CARD.read_text(encoding="utf-8"), \
        "run: python -m triage corpus --card"
