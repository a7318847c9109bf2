"""Importers: messy CSV and JSON Lines exports, read as typed rows with row numbers."""

from __future__ import annotations

import pytest

from triage.errors import InputError
from triage.retraining import ExportRow, read_export
from triage.settings import REPO_ROOT

BOM = "\ufeff"

CSV_CASES = [
    pytest.param("text,label\nhello there,Question\nbook me in,Appt\n",
                 [("hello there", "Question", 2), ("book me in", "Appt", 3)], id="plain"),
    pytest.param(BOM + "text,label\r\nhello there,Question\r\nbook me in,Appt\r\n",
                 [("hello there", "Question", 2), ("book me in", "Appt", 3)], id="bom-crlf"),
    pytest.param('text,label\r\n"line one\r\nline two, with comma",Medical\r\nnext,Spam\r\n',
                 [("line one\r\nline two, with comma", "Medical", 2), ("next", "Spam", 3)],
                 id="quoted-multiline-crlf"),
    pytest.param('text,label\n"say ""hi""\n\nthere",Misc\n',
                 [('say "hi"\n\nthere', "Misc", 2)], id="quoted-quotes-and-blank-line-in-cell"),
    pytest.param("\n\ntext,label\n\nfirst,Kudos\n,,\n\n  ,  \nsecond,Kudos\n",
                 [("first", "Kudos", 5), ("second", "Kudos", 9)], id="blank-rows-counted"),
    pytest.param("id,Network, Label ,agent,TEXT,extra\n7,fb,Spam,dana,win a prize,x\n"
                 "8,ig,Kudos,,great staff\n",
                 [("win a prize", "Spam", 2), ("great staff", "Kudos", 3)],
                 id="extra-columns-any-order-case-and-spaces-in-header-short-row"),
    pytest.param("text,label\n  padded text  , Appt \n",
                 [("padded text", "Appt", 2)], id="cells-stripped"),
    pytest.param("text,label\rold mac,Misc\r", [("old mac", "Misc", 2)], id="cr-only"),
    pytest.param("text,label\nMe duele la cabeza 🤕,Medical\n",
                 [("Me duele la cabeza 🤕", "Medical", 2)], id="unicode-emoji"),
]


@pytest.mark.parametrize("content, expected", CSV_CASES)
def test_csv_reads_messy_exports(write, content, expected):
    rows = read_export(write("export.csv", content))
    assert [(r.text, r.label, r.row) for r in rows] == expected
    assert all(isinstance(r, ExportRow) and r.reference is None for r in rows)


CSV_ERRORS = [
    pytest.param("text,label\nfine,Spam\n,Spam\n", "no text in row 3", id="missing-text"),
    pytest.param("text,label\nfine,Spam\nno label here,\n", "no label in row 3",
                 id="missing-label"),
    pytest.param("text,label\nonly text\n", "no label in row 2", id="short-row"),
    pytest.param("text,label\n,A\nok,B\n  ,C\nx,\n", "no text in rows 2, 4; no label in row 5",
                 id="every-bad-row-named"),
    pytest.param("", "is empty", id="empty-file"),
    pytest.param(BOM, "is empty", id="bom-only"),
    pytest.param("\r\n\r\n", "is empty", id="blank-lines-only"),
    pytest.param("text,label\r\n", "has no labeled rows", id="header-only"),
    pytest.param("message,tag\nhi,Spam\n", "has no column 'text'", id="missing-column"),
    pytest.param("text,text,label\na,b,Spam\n", "2 columns named 'text'", id="duplicate-column"),
]


@pytest.mark.parametrize("content, message", CSV_ERRORS)
def test_csv_errors_name_the_row(write, content, message):
    with pytest.raises(InputError, match=message):
        read_export(write("export.csv", content))


def test_error_never_quotes_the_text(write):
    with pytest.raises(InputError) as info:
        read_export(write("export.csv", "text,label\nmy name is Jane Roe,\n"))
    assert "Jane" not in str(info.value)


def test_csv_not_utf8(write):
    with pytest.raises(InputError, match="not UTF-8"):
        read_export(write("export.csv", b"text,label\ncaf\xe9,Misc\n"))


def test_configurable_columns(write):
    path = write("export.csv", "Message,Tags\nhi,Misc\n")
    assert read_export(path, text_column="message", label_column="TAGS") == [
        ExportRow("hi", "Misc", 2)]


JSONL_CASES = [
    pytest.param('{"text": "a", "label": "Spam"}\n{"text": "b", "label": "Misc"}\n',
                 [("a", "Spam", 1), ("b", "Misc", 2)], id="plain"),
    pytest.param('\n{"text": "a", "label": "Spam"}\r\n\r\n   \n{"text": "b\\nc", "label": "Misc"}',
                 [("a", "Spam", 2), ("b\nc", "Misc", 5)], id="blank-lines-crlf-no-final-newline"),
    pytest.param(BOM + '{"text": "a", "label": "Spam", "extra": [1, 2]}\n',
                 [("a", "Spam", 1)], id="bom-extra-fields"),
]


@pytest.mark.parametrize("content, expected", JSONL_CASES)
def test_jsonl_reads(write, content, expected):
    rows = read_export(write("export.jsonl", content))
    assert [(r.text, r.label, r.row) for r in rows] == expected


JSONL_ERRORS = [
    pytest.param('{"text": "a", "label": "Spam"}\n{"text": "b", \n', "line 2 is not JSON",
                 id="bad-json"),
    pytest.param('["a", "Spam"]\n', "line 1 is not a JSON object", id="not-object"),
    pytest.param('{"text": "", "label": "Spam"}\n', "no text in row 1", id="empty-text"),
    pytest.param('{"label": "Spam"}\n\n{"text": "b"}\n', "no text in row 1; no label in row 3",
                 id="missing-fields"),
    pytest.param('{"text": {"a": 1}, "label": "Spam"}\n', "must be a string", id="text-object"),
    pytest.param("\n\n", "is empty", id="blank-only"),
    pytest.param("", "is empty", id="empty"),
]


@pytest.mark.parametrize("content, message", JSONL_ERRORS)
def test_jsonl_errors(write, content, message):
    with pytest.raises(InputError, match=message):
        read_export(write("export.jsonl", content))


def test_format_from_suffix_or_argument(write):
    path = write("export.txt", '{"text": "a", "label": "Spam"}\n')
    with pytest.raises(InputError, match="cannot tell the format"):
        read_export(path)
    assert read_export(path, fmt="jsonl") == [ExportRow("a", "Spam", 1)]
    with pytest.raises(InputError, match="unknown export format"):
        read_export(path, fmt="xlsx")


def test_missing_file():
    with pytest.raises(InputError, match="cannot read"):
        read_export(REPO_ROOT / "no-such-export.csv")


def test_the_shipped_sample_export_reads():
    """data/exports/sample_export.csv: BOM, CRLF, a multi-line cell, a blank row, extras."""
    path = REPO_ROOT / "data" / "exports" / "sample_export.csv"
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n\r\n" in raw
    rows = read_export(path, text_column="Message", label_column="Tags")
    assert len(rows) == 121
    multi = [r for r in rows if "\n" in r.text]
    assert len(multi) == 1 and multi[0].label == "Medical"
    assert rows[-1].row == 123  # header + 121 rows + one blank row
