"""Record and health-plan identifiers: MRN, chart, patient, member, policy, group, Medicare
and Medicaid numbers (billing accounts, claims and cards are `accounts`).

Found after a cue ("MRN 0048 2913", "member id is XJH 1234 5678"), as a Medicare
Beneficiary Identifier by its shape alone (11 characters, digit/letter positions fixed by
CMS, with or without dashes), as a letter-prefixed number such as plans print on cards
("XJH123456789"), and as a bare run of 7+ digits (the phone detector wins ties on valid
10-digit numbers).
"""

from __future__ import annotations

import re
from typing import ClassVar

from triage.phi.detectors._values import cued, digit_count
from triage.phi.detectors.base import Pattern, PatternDetector
from triage.phi.findings import PhiType

__all__ = ["IdDetector"]

_NUM = r"(?:number|no\.?|num|nbr|#|id|card)"
_CUE = (
    r"mrn|medical\s+record(?:\s+" + _NUM + r")?|chart\s*" + _NUM
    + r"|(?:member(?:ship)?|subscriber|insurance|patient|group|record|beneficiary|medicare"
    r"|medicaid|medi-cal|tricare|plan|health\s+plan)(?:\s*" + _NUM + r")?"
    r"|policy(?:\s*" + _NUM + r")?|mbi|hicn|id(?:\s*" + _NUM + r")?"
    r"|(?-i:MEM|GRP)|grupo|expediente|afiliad[oa]|(?:n[uú]mero|numero)\s+de\s+(?:miembro|seguro|paciente)"
    r"|id\s+de\s+(?:miembro|paciente)|(?:the|my|his|her|their|our|a)\s+number"
)
_WITH_CUE = cued(_CUE)
# CMS's MBI: C A AN N A AN N A A N N, letters without S L O I B Z; people type it in any case.
_L = "[AC-HJKMNP-RT-Yac-hjkmnp-rt-y]"
_AN = "[AC-HJKMNP-RT-Yac-hjkmnp-rt-y0-9]"
_MBI = re.compile(
    r"(?<![A-Za-z0-9-])[1-9]" + _L + _AN + r"\d[ -]?" + _L + _AN + r"\d[ -]?" + _L + _L
    + r"\d\d(?![A-Za-z0-9])"
)
# Plans print a letter prefix and a long number on the card ("XJH123456789", "W 2938 4471").
_PREFIXED = re.compile(r"(?<![A-Za-z0-9-])[A-Z]{1,4}[ -]?\d{6,14}(?![A-Za-z0-9])")
# Letters that are a cue, not part of the number ("MRN 00123456", "ID 4455667").
_CUE_WORDS = frozenset("MRN ID DOB SSN MBI ACCT NO NUM PT MR MS DL SN".split())
# Certificate and record numbers with long dashed groups: "141-2023-087712".
_LONG_DASHED = re.compile(r"(?<![\w-])\d{2,5}-\d{2,5}-\d{4,8}(?![\w-])")
# Codes of letters and digits in dashed groups: "2024-NE-008812", "H12-558-903", "RX7-220451".
_DASHED_CODE = re.compile(r"(?<![\w-])[A-Z0-9]{1,5}(?:-[A-Z0-9]{2,8}){1,3}(?![\w-])")
_ISO_DATE = re.compile(r"(?:19|20)\d\d-\d{1,2}-\d{1,2}")
# Digits inside prices ($1200000), decimals, dates and grouped numbers are excluded.
_BARE = re.compile(r"(?<![\d$.,/:-])\d{7,20}(?:(?-i:[A-Z]{2})\b)?(?!\d|[.,/:-]\d)")


class IdDetector(PatternDetector):
    name = "ids"
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("with_cue", _WITH_CUE, PhiType.ID, 0.9),
        Pattern("mbi", _MBI, PhiType.ID, 0.85),
        Pattern("prefixed", _PREFIXED, PhiType.ID, 0.5),
        Pattern("bare_digits", _BARE, PhiType.ID, 0.4),
        Pattern("long_dashed", _LONG_DASHED, PhiType.ID, 0.45),
        Pattern("dashed_code", _DASHED_CODE, PhiType.ID, 0.45),
    )

    def validate_result(self, text: str, match: re.Match[str], pattern: Pattern) -> bool:
        if pattern.name == "dashed_code":
            token = match.group(0)
            # Letters too: digits-only dashed numbers are phones, SSNs, dates and ranges.
            return (digit_count(token) >= 6 and any(c.isalpha() for c in token)
                    and not _ISO_DATE.fullmatch(token))
        if pattern.name == "long_dashed":
            return digit_count(match.group(0)) >= 11
        if pattern.name == "prefixed":
            return re.match(r"[A-Z]+", match.group(0)).group(0) not in _CUE_WORDS
        if pattern.name != "with_cue":
            return True
        token = match.group("v")
        return sum(c.isalnum() for c in token) >= 5 and digit_count(token) >= 2
