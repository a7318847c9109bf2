"""The Markdown report, the confusion-matrix PNG and the model manifest."""

from __future__ import annotations

import datetime as dt
import struct
import zlib

import pytest

from tests.triage.retraining.conftest import make_report
from triage.errors import ConfigError
from triage.evaluation import evaluate
from triage.retraining import (
    LabeledRow,
    Manifest,
    ReportInfo,
    build_dataset,
    decide,
    hash_files,
    manifest_path,
    read_manifest,
    write_confusion_png,
    write_manifest,
    write_report,
)
from triage.retraining.manifest import report_from_dict, report_to_dict
from triage.retraining.report import confusion_rows
from triage.taxonomy import CATEGORIES

NOW = dt.datetime(2026, 11, 24, 10, 30, tzinfo=dt.timezone.utc)
INFO = ReportInfo("sample_export.csv", "20261124-103000-candidate.tar.gz",
                  "20261123-003106-lazy-bass.tar.gz", "heldout.yml", NOW)


def assert_valid_png(path):
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks = 8, []
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        assert zlib.crc32(kind + body) & 0xFFFFFFFF == crc
        chunks.append(kind)
        pos += 12 + length
    assert chunks[0] == b"IHDR" and chunks[-1] == b"IEND" and b"IDAT" in chunks
    width, height = struct.unpack(">II", data[16:24])
    assert width > 300 and height > 300


def test_confusion_png_is_a_valid_png(tmp_path):
    path = write_confusion_png(make_report({"emergency": 6}), tmp_path / "cm.png", "candidate")
    assert_valid_png(path)
    import matplotlib.image

    assert matplotlib.image.imread(str(path)).ndim == 3


def test_confusion_rows_fold_predictions_outside_the_categories():
    report = evaluate([("spam", "spam"), ("spam", "nlu_fallback"), ("other", "praise")],
                      CATEGORIES)
    labels, columns, matrix = confusion_rows(report)
    assert labels == list(CATEGORIES) and columns == list(CATEGORIES) + ["(not a category)"]
    spam = matrix[CATEGORIES.index("spam")]
    assert spam[CATEGORIES.index("spam")] == 1 and spam[-1] == 1


def test_report_has_both_models_the_gate_and_the_summary(tmp_path):
    current, candidate = make_report({}), make_report({"emergency": 7})
    decision = decide(current, candidate)
    summary = build_dataset([LabeledRow("thanks so much", "praise", 2),
                             LabeledRow("Thanks so much!", "other", 3),
                             LabeledRow("parking?", "general_question/parking", 4)],
                            heldout_fraction=0.0, skipped_unknown={"FYI": 1}).summary
    md, png = write_report(tmp_path / "report.md", INFO, candidate, current, decision, summary)
    text = md.read_text(encoding="utf-8")
    assert_valid_png(png)
    assert f"![confusion matrix]({png.name})" in text
    assert "**REFUSE**: 1 check(s) failed." in text
    assert "| recall emergency | 0.800 | 0.700 | >= 0.800 | **FAIL** |" in text
    assert "| emergency | 10 | 1.00 | 1.00 | 0.80 | 0.70 |" in text  # n, P, P, R, R
    assert (f"| **macro-F1** | | | | | | **{current.macro_f1:.3f}** | "
            f"**{candidate.macro_f1:.3f}** |") in text
    assert "- conflicting labels: 1 text(s), 2 row(s) dropped" in text
    assert summary.conflicts[0].text_hash in text
    assert "thanks" not in text.lower() and "parking?" not in text


def test_report_without_a_current_model(tmp_path):
    md, _ = write_report(tmp_path / "r.md", INFO, make_report({}), None, None, None)
    text = md.read_text(encoding="utf-8")
    assert "No gate decision" in text and "| n/a |" in text


MANIFEST_PATHS = [
    ("models/20261124-x.tar.gz", "models/20261124-x.manifest.json"),
    ("models/m.tgz", "models/m.manifest.json"),
    ("models/m", "models/m.manifest.json"),
]


@pytest.mark.parametrize("model, expected", MANIFEST_PATHS)
def test_manifest_path(tmp_path, model, expected):
    assert manifest_path(tmp_path / model) == tmp_path / expected


def test_manifest_round_trip(tmp_path):
    (tmp_path / "data").mkdir()
    files = [tmp_path / "data" / "a.yml", tmp_path / "data" / "b.yml"]
    for i, f in enumerate(files):
        f.write_text(f"content {i}\n", encoding="utf-8")
    data_hash = hash_files(files, tmp_path)
    candidate, current = make_report({"praise": 9}), make_report({})
    manifest = Manifest.build(
        tmp_path / "models" / "new.tar.gz", parent_model="models/old.tar.gz",
        data_hash=data_hash, data_files=["data/b.yml", "data/a.yml"], candidate=candidate,
        current=current, gate=decide(current, candidate).as_dict(),
        dataset={"rows_in": 3}, export_name="/home/x/export.csv", now=NOW)
    (tmp_path / "models").mkdir()
    path = write_manifest(manifest, tmp_path / "models" / "new.tar.gz")
    assert path.name == "new.manifest.json"
    back = read_manifest(tmp_path / "models" / "new.tar.gz")
    assert back == manifest == read_manifest(path)
    assert back.created_at == "2026-11-24T10:30:00+00:00"
    assert (back.model, back.parent_model, back.export_name) == ("new.tar.gz", "old.tar.gz",
                                                                 "export.csv")
    assert back.data_files == ("data/a.yml", "data/b.yml")
    assert back.candidate_report == candidate
    assert back.gate["promote"] is True


def test_hash_files_is_order_free_and_content_sensitive(tmp_path):
    a, b = tmp_path / "a.yml", tmp_path / "b.yml"
    a.write_text("x", encoding="utf-8")
    b.write_text("y", encoding="utf-8")
    first = hash_files([a, b], tmp_path)
    assert first == hash_files([b, a], tmp_path) and first.startswith("sha256:")
    b.write_text("y ", encoding="utf-8")
    assert hash_files([a, b], tmp_path) != first
    with pytest.raises(ConfigError):
        hash_files([tmp_path / "missing.yml"], tmp_path)


def test_report_dict_round_trip_and_bad_manifests(tmp_path):
    report = make_report({"spam": 3})
    assert report_from_dict(report_to_dict(report)) == report
    bad = tmp_path / "m.manifest.json"
    for content in ("{", '{"version": 99}', '{"version": 1, "model": "m"}'):
        bad.write_text(content, encoding="utf-8")
        with pytest.raises(ConfigError):
            read_manifest(bad)
