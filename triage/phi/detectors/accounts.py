"""Billing account, statement, invoice, claim and confirmation numbers, and payment cards.

Card numbers are found by shape: 13 to 19 digits in groups ("4417 2290 1133 0098",
"3782-822463-10005"), or an unbroken run that passes the Luhn check; a card's last four
digits after "ending in" or "last four" count too. Prices never match: they have a currency
sign, a decimal part or too few digits.
"""

from __future__ import annotations

import re
from typing import ClassVar

from triage.phi.detectors._values import cued, digit_count, is_year
from triage.phi.detectors.base import Pattern, PatternDetector
from triage.phi.findings import PhiType

__all__ = ["AccountDetector"]

_CUE = (
    r"account|acct\.?|a/c|statement|invoice|claim|bill(?:ing)?\s*(?:#|number|no\.?|id)"
    r"|reference|ref\.?|confirmation|conf\.?|transaction|receipt|order|case|ticket"
    r"|(?:credit|debit|visa|mastercard|amex|discover|hsa|fsa)?\s*card\s*(?:#|number|no\.?)"
    r"|cuenta|factura|reclamo|reclamaci[oó]n|folio|recibo|tarjeta"
)
_WITH_CUE = cued(_CUE)
_GROUPED = re.compile(
    r"(?<![\d.,-])(?:\d{4}(?P<s>[ .-])\d{4}(?P=s)\d{4}(?P=s)\d{1,7}|\d{4}(?P<a>[ -])\d{6}(?P=a)\d{4,5})"
    r"(?![\d]|[.,-]\d)"
)
_RUN = re.compile(r"(?<![\d$.,/:-])\d{13,19}(?!\d|[.,/:-]\d)")
_LAST_FOUR = re.compile(
    r"(?:\bending(?:\s+(?:in|with|on))?|\blast\s+(?:4|four)(?:\s+digits)?(?:\s+(?:of|on)"
    r"(?:\s+(?:my|the|his|her))?(?:\s+\w+){0,2})?(?:\s+(?:is|are|was|were))?"
    r"|\bterminad[ao]\s+en|\btermina\s+en|\bterminaci[oó]n(?:\s+en)?)[\s:#]{0,3}"
    r"(?P<v>\d{4}|\d(?:[ .-]\d){3})(?!\d)",
    re.IGNORECASE,
)
# "last four of my social is 6789" is the SSN detector's.
_SSN_NEAR = re.compile(r"\b(?:ssn|ss#|social|seguro\s+social)\b", re.IGNORECASE)


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


class AccountDetector(PatternDetector):
    name = "accounts"
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("with_cue", _WITH_CUE, PhiType.ACCOUNT, 0.9),
        Pattern("card_grouped", _GROUPED, PhiType.ACCOUNT, 0.8),
        Pattern("card_run", _RUN, PhiType.ACCOUNT, 0.7),
        Pattern("last_four", _LAST_FOUR, PhiType.ACCOUNT, 0.75),
    )

    def validate_result(self, text: str, match: re.Match[str], pattern: Pattern) -> bool:
        if pattern.name == "with_cue":
            token = match.group("v")
            if is_year(token):
                return False
            return sum(c.isalnum() for c in token) >= 4 and digit_count(token) >= 3
        if pattern.name == "card_run":
            return _luhn(match.group(0))
        if pattern.name == "last_four":
            return not _SSN_NEAR.search(match.group(0))
        return True
