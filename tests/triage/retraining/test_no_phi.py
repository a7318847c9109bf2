"""No PHI in anything retraining writes: generated YAML, held-out YAML, report, PNG, manifest.

The export holds names, phone numbers, MRNs and member ids, an SSN, an address, e-mail,
dates of birth and a date of service; none of those strings may reach a written file.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest

from tests.triage.retraining.conftest import FIXTURES, make_report
from triage.phi import deidentify
from triage.retraining import (
    Manifest,
    ReportInfo,
    decide,
    hash_files,
    prepare_dataset,
    write_manifest,
    write_report,
)
from triage.settings import REPO_ROOT

PHI = [
    "Margaret", "Okonkwo", "1952-06-30", "Priya", "Raman", "30019482", "555-867-5309",
    "Jonathan", "Whitfield", "March 4, 1979", "1979", "ZXW448120917",
    "anna.bellweather", "example.org", "Tobias", "Bellweather", "42 Willow Creek",
    "Willow Creek Road", "123-45-6789", "Harold", "Finch-Meyers", "11/02/2026", "Rosalind",
    "Quarterman", "Emeka", "Adeyemi", "210-4478", "(555) 210-4478",
]


def test_no_phi_in_any_written_file(tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(REPO_ROOT / "data" / "nlu", data_dir / "nlu",
                    ignore=shutil.ignore_patterns("generated"))
    heldout = tmp_path / "var" / "heldout.yml"
    export = FIXTURES / "phi_export.csv"
    raw = export.read_text(encoding="utf-8")
    assert all(s in raw for s in PHI)  # the test means something only if they are there

    prepared = prepare_dataset(
        export, heldout, nlu_dir=data_dir / "nlu", data_dir=data_dir, text_column="comment",
        label_column="tag", label_map=FIXTURES / "team_map.yml", heldout_fraction=0.3,
        today=dt.date(2026, 11, 24))
    summary = prepared.dataset.summary
    assert summary.rows_in == 12 and summary.redacted >= 10
    assert summary.conflict_rows_dropped == 2  # rows 1 and 12 agree as text, not as label
    assert len(prepared.dataset.train) + len(prepared.dataset.heldout) == 10

    current, candidate = make_report({}), make_report({"praise": 9})
    decision = decide(current, candidate)
    info = ReportInfo(export.name, "candidate.tar.gz", "current.tar.gz", heldout.name,
                      dt.datetime(2026, 11, 24, tzinfo=dt.timezone.utc))
    report_md, png = write_report(tmp_path / "reports" / "retrain.md", info, candidate, current,
                                  decision, summary)
    models = tmp_path / "models"
    models.mkdir()
    training_files = sorted((data_dir / "nlu").rglob("*.yml"))
    manifest = Manifest.build(
        models / "candidate.tar.gz", parent_model="current.tar.gz",
        data_hash=hash_files(training_files, tmp_path),
        data_files=[p.relative_to(tmp_path).as_posix() for p in training_files],
        candidate=candidate, current=current, gate=decision.as_dict(),
        dataset=summary.as_dict(), export_name=str(export))
    manifest_file = write_manifest(manifest, models / "candidate.tar.gz")

    written = [prepared.training_file, prepared.heldout_file, report_md, png, manifest_file]
    for path in written:
        content = path.read_bytes()
        leaked = [s for s in PHI if s.encode("utf-8") in content]
        assert not leaked, f"{path.name} contains {leaked}"
    # and the placeholders are there instead
    yaml_text = prepared.training_file.read_text(encoding="utf-8") + heldout.read_text("utf-8")
    for placeholder in ("[NAME]", "[PHONE]", "[ID]", "[DOB]"):
        assert placeholder in yaml_text
    json.loads(manifest_file.read_text(encoding="utf-8"))


# Former gaps of the PHI detector (names with no context word, dates without a year),
# kept as regression tests for what retraining writes.
@pytest.mark.parametrize("text, name", [
    ("Rosalind Quarterman free followers click here", "Quarterman"),
    ("Call Emeka Adeyemi at (555) 210-4478, he needs a cardiology appt", "Adeyemi"),
    ("Emeka Adeyemi, MRN 3391200", "Adeyemi"),
])
def test_gap_name_without_context(text, name):
    assert name not in deidentify(text)


def test_gap_date_of_service_without_year():
    assert "11/02" not in deidentify("had a CT on 11/02 and still no results")
