"""Record identifiers: MRN, member, account, policy, insurance, patient and claim numbers.

A cue phrase followed by an alphanumeric token of 5+ characters with a digit is an ID; so
is a bare run of 7+ digits (the phone detector wins ties on valid 10-digit numbers).
"""

from __future__ import annotations

import re
from typing import ClassVar

from triage.phi.detectors.base import Pattern, PatternDetector
from triage.phi.findings import PhiType

__all__ = ["IdDetector"]

_NUM = r"(?:number|no\.?|num|nbr|#|id)"
_CUE = (
    r"\b(?:mrn|medical\s+record(?:\s+" + _NUM + r")?|chart\s*" + _NUM
    + r"|(?:member(?:ship)?|subscriber|insurance|patient|group|case|record|reference"
    r"|confirmation|invoice|visit|encounter)\s*" + _NUM
    + r"|(?:account|acct\.?|policy|claim)(?:\s*" + _NUM + r")?"
    + r"|id(?:\s*" + _NUM + r")?)"
)
_WITH_CUE = re.compile(
    _CUE
    + r"\s{0,3}(?:(?:is|was|:|#|=|-)\s{0,3}){0,2}"
    + r"(?P<v>[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){3,29})(?![\w-])",
    re.IGNORECASE,
)
# Digits inside prices ($1200000), decimals, dates and grouped numbers are excluded.
_BARE = re.compile(r"(?<![\d$.,/:-])\d{7,20}(?!\d|[.,/:-]\d)")


class IdDetector(PatternDetector):
    name = "ids"
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("with_cue", _WITH_CUE, PhiType.ID, 0.9),
        Pattern("bare_digits", _BARE, PhiType.ID, 0.4),
    )

    def validate_result(self, text: str, match: re.Match[str], pattern: Pattern) -> bool:
        if pattern.name != "with_cue":
            return True
        token = match.group("v")
        alnum = sum(c.isalnum() for c in token)
        return alnum >= 5 and any(c.isdigit() for c in token)
