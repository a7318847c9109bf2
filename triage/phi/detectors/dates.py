"""Full calendar dates; a date right after a birth cue (DOB, date of birth, born) is a DOB.

A date needs a day: numeric dates need a year, named months need a day number. Bare
years ("in 2020") and times ("at 3pm") are not PHI on their own.
"""

from __future__ import annotations

import calendar
import re
from typing import ClassVar

from triage.phi.detectors.base import Pattern, PatternDetector
from triage.phi.findings import PhiType

__all__ = ["DateDetector"]

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?"
)
_YEAR4 = r"(?P<y>(?:19|20)\d{2})"
_DAY = r"(?P<d>\d{1,2})(?:st|nd|rd|th)?\b"
_END = r"(?![\d/-]|[.]\d)"

_NUMERIC = re.compile(
    r"(?<![\d/.-])(?P<m>\d{1,2})(?P<sep>[/.-])(?P<d>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})" + _END
)
_ISO = re.compile(
    r"(?<![\d/.-])" + _YEAR4 + r"(?P<sep>[/.-])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})" + _END
)
_MONTH_DAY = re.compile(
    r"\b" + _MONTH + r"[ \t]{1,3}" + _DAY + r"(?:,?[ \t]{1,3}" + _YEAR4 + r"\b)?", re.IGNORECASE
)
_DAY_MONTH = re.compile(
    r"\b" + _DAY + r"[ \t]{1,3}(?:of[ \t]{1,3})?" + _MONTH + r"(?:,?[ \t]{1,3}" + _YEAR4 + r"\b)?",
    re.IGNORECASE,
)
# Month and year only ("born in March 1950") counts solely after a birth cue.
_MONTH_YEAR = re.compile(r"\b" + _MONTH + r",?[ \t]{1,3}" + _YEAR4 + r"\b", re.IGNORECASE)

_BIRTH_CUE = re.compile(
    r"(?:\bdob|\bd\.o\.b\.?|\bdate\s+of\s+birth|\bbirth\s*date|\bbirthday|\bborn)"
    r"(?:\W{0,4}(?:is|was|on|in|of|=)\b)?(?:\W{0,4}(?:is|was|on|in|of)\b)?\W{0,4}$",
    re.IGNORECASE,
)


def _valid(year: int | None, month: int, day: int) -> bool:
    if not 1 <= month <= 12 or day < 1:
        return False
    # A leap year stands in when the year is unknown so that Feb 29 is allowed.
    return day <= calendar.monthrange(year if year else 2000, month)[1]


def _year(raw: str | None) -> int | None:
    if not raw:
        return None
    return int(raw) if len(raw) == 4 else 2000 + int(raw)


class DateDetector(PatternDetector):
    name = "dates"
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("numeric", _NUMERIC, PhiType.DATE, 0.7),
        Pattern("iso", _ISO, PhiType.DATE, 0.8),
        Pattern("month_day", _MONTH_DAY, PhiType.DATE, 0.7),
        Pattern("day_month", _DAY_MONTH, PhiType.DATE, 0.7),
        Pattern("month_year", _MONTH_YEAR, PhiType.DOB, 0.6),
    )

    def validate_result(self, text: str, match: re.Match[str], pattern: Pattern) -> bool:
        groups = match.groupdict()
        year = _year(groups.get("y"))
        if pattern.name == "month_year":
            return self._after_birth_cue(text, match.start())
        if groups.get("mon"):
            mon = groups["mon"]
            # "may 3 people come?": lower-case "may" is the verb unless a year follows.
            if mon == "may" and year is None:
                return False
            return _valid(year, _MONTHS[mon[:3].lower()], int(groups["d"]))
        month, day = int(groups["m"]), int(groups["d"])
        if groups["sep"] == "." and len(groups["y"]) == 2:
            return False  # "version 1.2.30"
        if pattern.name == "iso":
            return _valid(year, month, day)
        # Numeric dates may be month-first (US) or day-first; either reading will do.
        return _valid(year, month, day) or _valid(year, day, month)

    def result_type(self, text: str, match: re.Match[str], pattern: Pattern) -> PhiType:
        return PhiType.DOB if self._after_birth_cue(text, match.start()) else PhiType.DATE

    @staticmethod
    def _after_birth_cue(text: str, start: int) -> bool:
        return _BIRTH_CUE.search(text[max(0, start - 40) : start]) is not None
