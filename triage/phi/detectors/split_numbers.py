"""Numbers typed to dodge filters or read out loud: digits split by spaces, dots or emoji
("4 0 4 . 5 5 5 . 7 7 1 9", "555 🔹 740 🔹 2281", "55 3412 8890") and digits spelled
out, alone or mixed with figures ("four one five 555 zero two nine eight", "cinco cinco").

The other detectors read numbers written the usual ways; this one joins runs of digit
chunks and digit words whatever sits between them (up to three non-letter characters),
and names the run by its length and cue: nine digits after an SSN cue are an SSN, seven
or more after an ID cue an ID, ten or eleven a phone, and anything else from seven up an ID.
"""

from __future__ import annotations

import re

from triage.phi.detectors._context import organisation_before
from triage.phi.detectors._lexicon import DIGIT_WORDS
from triage.phi.detectors.phone import TOLL_FREE_CODES
from triage.phi.detectors.base import Detector
from triage.phi.findings import Finding, PhiType

__all__ = ["SplitNumberDetector"]

# How many digits a word stands for: "o" is read as zero too; "double" repeats the next one.
_DIGIT_WORDS = {**dict.fromkeys((*DIGIT_WORDS, "o"), 1), "double": 0, "triple": 0}
_CHUNK = re.compile(r"\d{1,5}|[A-Za-z]+")
# Between chunks: anything but letters, digits and line breaks, at most three characters.
_BETWEEN = re.compile(r"[^\w\n/]{1,3}|(?<=\d)(?=[A-Za-z])|(?<=[A-Za-z])(?=\d)")
_SSN_CUE = re.compile(r"\b(?:ssn|ss#|social|seguro\s+social)\b", re.IGNORECASE)
_ID_CUE = re.compile(
    r"\b(?:mrn|record|chart|member|patient|medicare|medicaid|id|policy|expediente|account"
    r"|acct|claim)\b",
    re.IGNORECASE,
)
_MIN_DIGITS = 7
_TOLL_FREE = re.compile(r"1?(?:" + "|".join(TOLL_FREE_CODES) + r")\d{7}$")


class SplitNumberDetector(Detector):
    name = "split_numbers"

    def detect(self, text: str) -> list[Finding]:
        findings: list[Finding] = []
        for start, end, digits, odd in _runs(text):
            if digits < _MIN_DIGITS or not odd or organisation_before(text, start, end):
                continue
            if _TOLL_FREE.match(re.sub(r"\D", "", text[start:end])):
                continue  # 1-800-273-8255 read out: a business's line
            before = text[max(0, start - 40) : start]
            if digits == 9 and _SSN_CUE.search(before):
                phi_type = PhiType.SSN
            elif _ID_CUE.search(before):
                phi_type = PhiType.ID
            elif digits in (10, 11):
                phi_type = PhiType.PHONE
            else:
                phi_type = PhiType.ID
            findings.append(Finding(phi_type, start, end, 0.6, self.name))
        return findings


def _runs(text: str):
    """(start, end, digit count, typed oddly) of each run of digit chunks and digit words."""
    pos, n = 0, len(text)
    while pos < n:
        m = _CHUNK.search(text, pos)
        if m is None:
            return
        count = _digits(m.group(0))
        if count is None:
            pos = m.end()
            continue
        start, end, digits, chunks, odd = m.start(), m.end(), count, 1, not m.group(0).isdigit()
        while True:
            gap = _BETWEEN.match(text, end)
            nxt = _CHUNK.match(text, gap.end()) if gap else None
            more = _digits(nxt.group(0)) if nxt else None
            if more is None:
                break
            sep = text[end : gap.end()]
            if sep in (",", ".") or (sep.strip() == "," and text[end - 1].isdigit()
                                          and nxt.group(0).isdigit()):
                break  # "1,234,567", "99.8" and "3, 4" are figures, not a number read out
            odd = odd or not nxt.group(0).isdigit() or bool(sep.strip(" .-(),"))
            end, digits, chunks = nxt.end(), digits + more, chunks + 1
        # A check letter read out last: "7 7 3 0 2 9 1 4 8 X".
        letter = re.match(r"[ \t]([A-Z])(?![\w])", text[end : end + 3])
        if letter and chunks >= 4:
            end += 2
        # Plain-digit runs of one to three chunks are the other detectors' ("555-123-4567"),
        # but for ten or eleven digits in any grouping ("55 3412 8890", a Mexican number).
        odd = odd or chunks >= 4 or (chunks == 3 and digits in (10, 11))
        yield start, end, digits, odd
        pos = end


def _digits(chunk: str) -> int | None:
    if chunk.isdigit():
        return len(chunk)
    return _DIGIT_WORDS.get(chunk.lower())
