"""Label mapping: a team's tags to the taxonomy; unknown labels listed once, with counts."""

from __future__ import annotations

import pytest

from tests.triage.retraining.conftest import FIXTURES
from triage.errors import ConfigError
from triage.retraining import (
    ExportRow,
    LabelMap,
    UnknownLabels,
    load_label_map,
    map_labels,
    read_export,
)
from triage.settings import REPO_ROOT
from triage.taxonomy import CATEGORIES, load_taxonomy

TOPICS = ("hours", "parking")


def rows(*labels):
    return [ExportRow(f"text {i}", label, i + 2) for i, label in enumerate(labels)]


@pytest.fixture
def team_map():
    return load_label_map(FIXTURES / "team_map.yml", TOPICS)


RESOLVE = [
    ("Appt", "appointment_request"),
    ("appt", "appointment_request"),
    ("  APPT ", "appointment_request"),
    ("URGENT", "emergency"),
    ("urgent", "emergency"),
    ("parking QUESTION", "general_question/parking"),
    ("emergency", "emergency"),           # a category maps to itself without an entry
    ("Clinical_Request", "clinical_request"),
    ("general_question/hours", "general_question/hours"),
    ("general_question/valet", None),     # not a topic of the taxonomy
    ("Complaints", None),
    ("", None),
]


@pytest.mark.parametrize("label, intent", RESOLVE)
def test_resolve(team_map, label, intent):
    assert team_map.resolve(label) == intent


def test_every_category_maps_to_itself_without_a_file():
    mapped = map_labels(rows(*CATEGORIES))
    assert [r.intent for r in mapped.rows] == list(CATEGORIES)
    assert [r.row for r in mapped.rows] == list(range(2, 2 + len(CATEGORIES)))


def test_unknown_labels_stop_with_one_error_listing_all_with_counts(team_map):
    with pytest.raises(UnknownLabels) as info:
        map_labels(rows("Appt", "Follow-up", "FYI", "Follow-up", "Spam", "Follow-up", "FYI",
                        "Lead"), team_map)
    assert info.value.counts == {"Follow-up": 3, "FYI": 2, "Lead": 1}
    message = str(info.value)
    assert message.startswith("3 unknown label(s): 'Follow-up' (3 rows), 'FYI' (2 rows), "
                              "'Lead' (1 row)")
    assert "--skip-unknown" in message


def test_skip_unknown_drops_and_counts(team_map):
    mapped = map_labels(rows("Appt", "Follow-up", "Kudos", "Follow-up", "FYI"), team_map,
                        skip_unknown=True)
    assert [(r.intent, r.row) for r in mapped.rows] == [("appointment_request", 2),
                                                         ("praise", 4)]
    assert mapped.skipped == {"Follow-up": 2, "FYI": 1}
    assert mapped.skipped_rows == 3


def test_category_property_strips_the_topic(team_map):
    (row,) = map_labels(rows("parking question"), team_map).rows
    assert (row.intent, row.category) == ("general_question/parking", "general_question")


MAP_ERRORS = [
    pytest.param("Appt: appointments\n", "is not a category", id="unknown-target"),
    pytest.param("Hours: general_question/valet\n", "is not a category", id="unknown-topic"),
    pytest.param("- Appt\n- Kudos\n", "must be a mapping", id="a-list"),
    pytest.param("Appt: [appointment_request]\n", "is not a category", id="list-target"),
    pytest.param("Appt: appointment_request\nAPPT: praise\n", "maps to two categories",
                 id="case-variants-disagree"),
    pytest.param("Appt: [unclosed\n", "cannot read label map", id="bad-yaml"),
]


@pytest.mark.parametrize("content, message", MAP_ERRORS)
def test_label_map_errors(write, content, message):
    with pytest.raises(ConfigError, match=message):
        load_label_map(write("map.yml", content), TOPICS)


def test_label_map_edge_cases(write):
    assert load_label_map(write("empty.yml", "# nothing yet\n")) == LabelMap({}, None)
    assert load_label_map(None, ["hours"]) == LabelMap({}, ("hours",))
    same = load_label_map(write("same.yml",
                                "Appt: appointment_request\nappt: appointment_request\n"))
    assert same.tags == {"appt": "appointment_request"}


def test_the_shipped_label_map_covers_the_sample_export():
    taxonomy = load_taxonomy(REPO_ROOT / "triage" / "taxonomy" / "categories.yml")
    label_map = load_label_map(REPO_ROOT / "data" / "exports" / "label_map.yml",
                               taxonomy.faq_topics)
    export = read_export(REPO_ROOT / "data" / "exports" / "sample_export.csv",
                         text_column="Message", label_column="Tags")
    mapped = map_labels(export, label_map)
    assert len(mapped.rows) == len(export) and not mapped.skipped
    assert {r.category for r in mapped.rows} == set(CATEGORIES)
