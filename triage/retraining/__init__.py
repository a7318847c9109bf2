"""Retraining, the data side: labeled exports in, redacted Rasa NLU YAML out; the gate,
the report and the model manifest (pure Python: no Rasa imports; the Rasa training and
evaluation live in `bot/`).

Flow::

    read_export(file) | read_moderator_labels(repo)     ExportRow (raw label, row number)
      -> map_labels(rows, load_label_map(file))         LabeledRow (category or FAQ topic)
      -> build_dataset(rows, load_nlu_examples(data/nlu))
             de-identify, de-duplicate, drop conflicts, stratified split
      -> write_training_yaml(data/nlu/generated/<export>.yml)
         write_heldout_yaml(outside data/)
      ... train the candidate, evaluate both models on the same held-out set (bot/) ...
      -> decide(current, candidate)  -> write_report(...)  -> write_manifest(...)

Moderator labels use the queue's stored `redacted_text` as is, so their health words are
already `[HEALTH]` placeholders, while file exports keep health words (`deidentify`).
The queue keeps no de-identified-only text and this package never reads originals.
"""

from triage.retraining.dataset import (
    Conflict,
    Dataset,
    DatasetSummary,
    Example,
    build_dataset,
    load_nlu_examples,
    normalise,
    text_hash,
)
from triage.retraining.exports import (
    EXPORT_FORMATS,
    ExportRow,
    read_export,
    read_moderator_labels,
    write_label_jsonl,
)
from triage.retraining.gate import (
    DEFAULT_TOLERANCE,
    GUARDED_CATEGORIES,
    Check,
    GateDecision,
    decide,
)
from triage.retraining.labels import (
    LabeledRow,
    LabelMap,
    MappedRows,
    UnknownLabels,
    load_label_map,
    map_labels,
)
from triage.retraining.manifest import (
    Manifest,
    hash_files,
    manifest_path,
    read_manifest,
    write_manifest,
)
from triage.retraining.nlu_yaml import (
    GENERATED_MARK,
    escape_example,
    render_nlu_yaml,
    write_heldout_yaml,
    write_training_yaml,
)
from triage.retraining.prepare import Prepared, generated_path, prepare_dataset
from triage.retraining.report import ReportInfo, render_markdown, write_confusion_png, write_report

__all__ = [
    "Check",
    "Conflict",
    "DEFAULT_TOLERANCE",
    "Dataset",
    "DatasetSummary",
    "EXPORT_FORMATS",
    "Example",
    "ExportRow",
    "GENERATED_MARK",
    "GUARDED_CATEGORIES",
    "GateDecision",
    "LabelMap",
    "LabeledRow",
    "Manifest",
    "MappedRows",
    "Prepared",
    "ReportInfo",
    "UnknownLabels",
    "build_dataset",
    "decide",
    "escape_example",
    "generated_path",
    "hash_files",
    "load_label_map",
    "load_nlu_examples",
    "manifest_path",
    "map_labels",
    "normalise",
    "prepare_dataset",
    "read_export",
    "read_manifest",
    "read_moderator_labels",
    "render_markdown",
    "render_nlu_yaml",
    "text_hash",
    "write_confusion_png",
    "write_heldout_yaml",
    "write_label_jsonl",
    "write_manifest",
    "write_report",
    "write_training_yaml",
]
