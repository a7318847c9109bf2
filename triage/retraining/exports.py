"""Importers: a labeled inbox export (CSV or JSON Lines) or the queue's moderator labels.

Every importer returns `ExportRow`s: the text, the label as the source spelled it, and
where the row came from. Nothing here redacts; `triage.retraining.dataset` does that
before anything is written. Errors name row numbers and columns, never a row's text.

Row numbers are the ones a person sees: for CSV the spreadsheet row (the header is row 1,
blank rows count, a multi-line cell is one row); for JSON Lines the line number.
"""

from __future__ import annotations

import csv
import dataclasses
import json
from pathlib import Path
from typing import Dict, Iterable, Iterator, List, Optional, Sequence, TextIO, Union

from triage.errors import InputError

__all__ = [
    "EXPORT_FORMATS",
    "ExportRow",
    "read_export",
    "read_moderator_labels",
    "write_label_jsonl",
]

EXPORT_FORMATS = ("csv", "jsonl")
_SUFFIXES = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
# How many bad rows an error message names before it says "and N more".
_MAX_NAMED_ROWS = 20


@dataclasses.dataclass(frozen=True)
class ExportRow:
    """One labeled message as imported: raw label, not yet mapped or redacted."""

    text: str
    label: str
    row: int
    # The queue's case reference for moderator labels; None for a file export.
    reference: Optional[str] = None


def _format_of(path: Path, fmt: Optional[str]) -> str:
    if fmt is not None:
        if fmt not in EXPORT_FORMATS:
            raise InputError(f"unknown export format {fmt!r}; use one of {EXPORT_FORMATS}")
        return fmt
    try:
        return _SUFFIXES[path.suffix.lower()]
    except KeyError:
        raise InputError(f"cannot tell the format of {path.name}: name it .csv or .jsonl, "
                         "or pass the format") from None


def _clean(value: object) -> str:
    """A cell as text; None and whitespace-only cells are empty."""
    if value is None:
        return ""
    if not isinstance(value, str):
        value = str(value)
    return value.strip()


def _problems_message(missing: Dict[str, List[int]]) -> str:
    parts = []
    for field, rows in missing.items():
        named = ", ".join(str(r) for r in rows[:_MAX_NAMED_ROWS])
        more = f" and {len(rows) - _MAX_NAMED_ROWS} more" if len(rows) > _MAX_NAMED_ROWS else ""
        parts.append(f"no {field} in row{'s' if len(rows) > 1 else ''} {named}{more}")
    return "; ".join(parts)


def _collect(records: Iterable[tuple], where: str) -> List[ExportRow]:
    """(row, text, label) records -> rows; every row without text or label is one error."""
    rows: List[ExportRow] = []
    missing: Dict[str, List[int]] = {}
    for number, text, label in records:
        if not text:
            missing.setdefault("text", []).append(number)
        if not label:
            missing.setdefault("label", []).append(number)
        if text and label:
            rows.append(ExportRow(text, label, number))
    if missing:
        raise InputError(f"{where}: {_problems_message(missing)}")
    if not rows:
        raise InputError(f"{where} has no labeled rows")
    return rows


def _column(header: Sequence[str], name: str, where: str) -> int:
    wanted = name.strip().lower()
    matches = [i for i, col in enumerate(header) if col.strip().lower() == wanted]
    if not matches:
        raise InputError(f"{where} has no column {name!r}; its columns are "
                         f"{[c.strip() for c in header if c.strip()]}")
    if len(matches) > 1:
        raise InputError(f"{where} has {len(matches)} columns named {name!r}")
    return matches[0]


def _csv_records(stream: TextIO, text_column: str, label_column: str,
                 where: str) -> Iterator[tuple]:
    reader = csv.reader(stream)
    header: Optional[List[str]] = None
    number = 0
    try:
        for cells in reader:
            number += 1
            if not any(c.strip() for c in cells):
                continue  # blank rows are skipped, but still counted as rows
            if header is None:
                header = cells
                text_i = _column(header, text_column, where)
                label_i = _column(header, label_column, where)
                continue
            text = cells[text_i] if text_i < len(cells) else ""
            label = cells[label_i] if label_i < len(cells) else ""
            yield number, _clean(text), _clean(label)
    except csv.Error as exc:
        raise InputError(f"{where}: row {number + 1} is not valid CSV ({exc})") from None
    if header is None:
        raise InputError(f"{where} is empty")


def _jsonl_records(stream: TextIO, text_column: str, label_column: str,
                   where: str) -> Iterator[tuple]:
    seen = False
    for number, line in enumerate(stream, start=1):
        line = line.strip()
        if not line:
            continue
        seen = True
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            # The decoder's message names a position, not the content.
            raise InputError(f"{where}: line {number} is not JSON ({exc.msg})") from None
        if not isinstance(obj, dict):
            raise InputError(f"{where}: line {number} is not a JSON object")
        text, label = obj.get(text_column), obj.get(label_column)
        for field, value in ((text_column, text), (label_column, label)):
            if value is not None and not isinstance(value, (str, int)):
                raise InputError(f"{where}: line {number}: {field!r} must be a string")
        yield number, _clean(text), _clean(label)
    if not seen:
        raise InputError(f"{where} is empty")


def read_export(path: Union[str, Path], text_column: str = "text", label_column: str = "label",
                fmt: Optional[str] = None) -> List[ExportRow]:
    """Read a labeled export; the format comes from `fmt` or the file's suffix.

    CSV: UTF-8 with or without a byte-order mark, any line endings, quoted multi-line
    cells, blank rows and extra columns; column names match case-insensitively.
    JSON Lines: one object per line, blank lines skipped. Raises `InputError` for an
    empty file, a missing column, or rows without text or label (all of them named).
    """
    path = Path(path)
    fmt = _format_of(path, fmt)
    where = f"export {path.name}"
    try:
        # utf-8-sig drops a byte-order mark; newline="" lets csv see quoted line breaks.
        with path.open("r", encoding="utf-8-sig", newline="" if fmt == "csv" else None) as f:
            records = (_csv_records if fmt == "csv" else _jsonl_records)(
                f, text_column, label_column, where)
            return _collect(records, where)
    except UnicodeDecodeError as exc:
        raise InputError(f"{where} is not UTF-8 (byte {exc.start})") from None
    except OSError as exc:
        raise InputError(f"cannot read {where}: {exc.strerror}") from None


# -- the queue's moderator labels ------------------------------------------------------
def read_moderator_labels(repository) -> List[ExportRow]:
    """The moderators' labels from the queue, latest label per message, oldest first.

    `repository` is a `triage.queue.QueueRepository` (only `list_labels`, `get_inbound`
    and `get_case_by_id` are used). The text is the queue's stored `redacted_text` as is:
    the original is never read here. That text has health words replaced by `[HEALTH]`
    (the queue's redaction), unlike file exports, which `deidentify()` keeps health words
    in; see the package docstring. `row` is the label's id.
    """
    latest = {}
    for label in repository.list_labels():
        latest[label.inbound_id] = label  # oldest first, so the last one wins
    rows: List[ExportRow] = []
    references: Dict[int, Optional[str]] = {}
    for label in sorted(latest.values(), key=lambda lb: lb.id):
        text = _clean(repository.get_inbound(label.inbound_id).redacted_text)
        if not text:
            continue
        if label.case_id not in references:
            case = repository.get_case_by_id(label.case_id)
            references[label.case_id] = case.reference if case is not None else None
        rows.append(ExportRow(text, label.new_category, label.id, references[label.case_id]))
    return rows


def write_label_jsonl(rows: Iterable[ExportRow], out: TextIO) -> int:
    """Write rows as JSON Lines `{"text", "label", "case"}`; `read_export` reads them back."""
    count = 0
    for row in rows:
        out.write(json.dumps({"text": row.text, "label": row.label, "case": row.reference},
                             ensure_ascii=False) + "\n")
        count += 1
    return count
