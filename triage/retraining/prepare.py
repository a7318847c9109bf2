"""One call for the data side of a retrain: import -> map -> dataset -> YAML files.

`python -m triage build-dataset` runs this alone; the retrain command runs it before
training. Progress goes to an optional callback as short step names with counts.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Callable, Iterable, Optional, Sequence, Union

from triage.retraining.dataset import GENERATED_DIRNAME, Dataset, build_dataset, load_nlu_examples
from triage.retraining.exports import ExportRow, read_export
from triage.retraining.labels import load_label_map, map_labels
from triage.retraining.nlu_yaml import (
    check_heldout_path,
    check_training_path,
    write_heldout_yaml,
    write_training_yaml,
)

__all__ = ["Prepared", "generated_path", "prepare_dataset"]

Progress = Callable[[str], None]


@dataclasses.dataclass(frozen=True)
class Prepared:
    dataset: Dataset
    training_file: Path
    heldout_file: Path
    export_name: str


def generated_path(nlu_dir: Union[str, Path], export_name: str) -> Path:
    """data/nlu/generated/<export stem>.yml: one generated file per export name."""
    stem = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in Path(export_name).stem)
    return Path(nlu_dir) / GENERATED_DIRNAME / f"{stem or 'export'}.yml"


def prepare_dataset(export: Union[str, Path, None], heldout_file: Union[str, Path], *,
                    nlu_dir: Union[str, Path], data_dir: Union[str, Path],
                    rows: Optional[Sequence[ExportRow]] = None,
                    export_name: Optional[str] = None,
                    text_column: str = "text", label_column: str = "label",
                    fmt: Optional[str] = None, label_map: Union[str, Path, None] = None,
                    faq_topics: Optional[Iterable[str]] = None, skip_unknown: bool = False,
                    heldout_fraction: float = 0.2, seed: int = 42,
                    today: Optional[dt.date] = None,
                    progress: Optional[Progress] = None) -> Prepared:
    """Read `export` (or take `rows`, e.g. moderator labels), build and write the split.

    Label-map problems raise `ConfigError`; export problems and unknown labels raise
    `InputError` before anything is written.
    """
    say = progress or (lambda _msg: None)
    name = export_name or (Path(export).name if export is not None else "export")
    mapping = load_label_map(label_map, faq_topics)
    target = check_training_path(generated_path(nlu_dir, name))
    check_heldout_path(heldout_file, data_dir)  # both checked before anything is written
    if rows is None:
        if export is None:
            raise ValueError("give an export file or rows")
        rows = read_export(export, text_column, label_column, fmt)
    say(f"read {len(rows)} rows from {name}")
    mapped = map_labels(rows, mapping, skip_unknown)
    if mapped.skipped:
        say(f"skipped {mapped.skipped_rows} rows with {len(mapped.skipped)} unknown label(s)")
    existing = load_nlu_examples(nlu_dir, exclude=[target])
    say(f"loaded {len(existing)} existing training examples")
    dataset = build_dataset(mapped.rows, existing, heldout_fraction, seed, mapped.skipped)
    s = dataset.summary
    say(f"redacted {s.redacted} rows; dropped {s.duplicates_of_existing + s.duplicates_in_export} "
        f"duplicates and {s.conflict_rows_dropped} conflicting rows")
    training = write_training_yaml(dataset.train, target, name, today)
    heldout = write_heldout_yaml(dataset.heldout, heldout_file, name, data_dir, today)
    say(f"wrote {len(dataset.train)} training and {len(dataset.heldout)} held-out examples")
    return Prepared(dataset, training, heldout, name)
