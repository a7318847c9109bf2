import pytest

from triage.errors import ConfigError
from triage.taxonomy import CATEGORIES, Priority, load_taxonomy


def test_taxonomy_defines_every_category(taxonomy):
    assert set(taxonomy.categories) == set(CATEGORIES)
    assert taxonomy["emergency"].priority is Priority.URGENT
    assert len(taxonomy.faq_topics) == 11  # ten FAQ answers and the general one


def test_priority_order():
    assert [p.rank for p in (Priority.URGENT, Priority.HIGH, Priority.NORMAL, Priority.LOW)] == [0, 1, 2, 3]


@pytest.mark.parametrize("text,match", [
    ("categories: {}", "differ"),
    ("nothing: 1", "categories"),
    (": : :", "cannot read"),
])
def test_bad_taxonomy_files(tmp_path, text, match):
    path = tmp_path / "t.yml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=match):
        load_taxonomy(path)


@pytest.mark.parametrize("channels, match", [
    ("channels: [google_reviews]", "'channels' must be a mapping"),
    ("channels: {google_reviews: 3}", "must be a mapping"),
    ("channels: {google_reviews: {public_replies: sometimes}}", "automatic, moderator"),
    ("channels: {google_reviews: {private_replies: 'no'}}", "true or false"),
    ("channels: {google_reviews: {auto_reply: true}}", "unknown settings"),
])
def test_bad_channel_rules_are_named(tmp_path, channels, match):
    from triage.settings import Settings

    shipped = Settings().taxonomy_path.read_text(encoding="utf-8")
    head = shipped[:shipped.index("\nchannels:")]
    path = tmp_path / "t.yml"
    path.write_text(head + "\n" + channels + "\n")
    with pytest.raises(ConfigError, match=match):
        load_taxonomy(path)
