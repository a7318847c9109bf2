"""Calendar dates; a date right after a birth cue (DOB, date of birth, born) is a DOB.

A date needs a day: named months need a day number ("Mar 5", "the 5th of March"), numeric
dates need a month and a day ("11/02", "3/14/2024"). Bare years ("in 2020") and times
("at 3pm") are not PHI on their own. A numeric month/day without a year is also how
fractions, ratings and ranges are written, so `_not_a_date` weeds out "1/2 tablet",
"2/3 of", "10/10 would recommend", "pain 7/10", "24/7" and un-padded ranges ("ages 5-12").
"""

from __future__ import annotations

import calendar
import re
from typing import ClassVar

from triage.phi.detectors._ties import Clauses, clauses_of
from triage.phi.detectors.base import Pattern, PatternDetector
from triage.phi.findings import Finding, PhiType

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
    r"(?<![\d/.-])(?P<m>\d{1,2})(?P<sep>[/.-]|[ \t][/.-][ \t])(?P<d>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})"
    + _END
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
# Month and day only ("seen 3/14", "appt 12-05"); `_not_a_date` filters fractions and ratings.
_NUMERIC_MD = re.compile(
    r"(?<![\w/.,:$#-])(?P<m>\d{1,2})(?P<sep>[/-])(?P<d>\d{1,2})(?![\w/%]|[.,:]\d|-\d(?!\d?/))"
)
# Day-first with a dot ("from 14.03 till 28.03") counts only after a date word: 14.03 is a price too.
_NUMERIC_DOT = re.compile(r"(?<![\w/.,:$#-])(?P<d>\d{1,2})\.(?P<m>\d{2})(?![\w/%.,:-])")
_ORDINAL_WORDS = (
    r"(?P<od>first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth"
    r"|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth"
    r"|twenty[ -](?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)|thirtieth"
    r"|thirty[ -]first)"
)
_ONES = r"(?:one|two|three|four|five|six|seven|eight|nine)"
_TENS = r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
# A year read out: "nineteen thirty", "nineteen forty-two", "two thousand six", "twenty ten".
_SPOKEN_YEAR = (
    r"(?:nineteen[ \t](?:" + _TENS + r"(?:[ -]" + _ONES + r")?|oh[ \t]" + _ONES
    + r"|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)"
    r"|two[ \t]thousand(?:[ \t](?:and[ \t])?(?:" + _ONES + r"|ten|eleven|twelve|thirteen|fourteen"
    r"|fifteen|sixteen|seventeen|eighteen|nineteen|twenty(?:[ -]" + _ONES + r")?))?"
    r"|twenty[ \t](?:ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen"
    r"|nineteen|twenty(?:[ -]" + _ONES + r")?))"
)
_ANY_YEAR = r"(?:,?[ \t]{1,3}(?:(?:19|20)\d{2}|" + _SPOKEN_YEAR + r")\b)?"
# "the fifth of December", "December twenty-first", "march ninth 2011",
# "the seventh of January nineteen thirty"
_SPELLED_DAY = re.compile(
    r"\b" + _ORDINAL_WORDS + r"[ \t]{1,3}of[ \t]{1,3}" + _MONTH + _ANY_YEAR
    + r"|\b" + _MONTH.replace("(?P<mon>", "(?P<mon2>") + r"[ \t]{1,3}(?:the[ \t]{1,3})?"
    + _ORDINAL_WORDS.replace("(?P<od>", "(?P<od2>") + _ANY_YEAR,
    re.IGNORECASE,
)
_MESES = {
    "ene": 1, "feb": 2, "mar": 3, "abr": 4, "may": 5, "jun": 6, "jul": 7, "ago": 8,
    "sep": 9, "set": 9, "oct": 10, "nov": 11, "dic": 12,
}  # fmt: skip
# "el 3 de marzo", "12 de agosto de 1948", "4 de julio del 92", "28 de feb. del 2024".
_DE_MES = re.compile(
    r"\b(?:\d{1,2}[ \t]{1,2}(?:al|y|a|-)[ \t]{1,2})?(?P<d>\d{1,2})[ \t]{1,2}de[ \t]{1,2}(?P<mes>ene(?:ro)?|feb(?:rero)?|mar(?:zo)?|abr(?:il)?"
    r"|may(?:o)?|jun(?:io)?|jul(?:io)?|ago(?:sto)?|sep(?:tiembre)?|set(?:iembre)?|oct(?:ubre)?"
    r"|nov(?:iembre)?|dic(?:iembre)?)\b\.?(?:[ \t]{1,2}(?:de|del)[ \t]{1,2}(?P<y>\d{4}|\d{2}))?\b",
    re.IGNORECASE,
)
# Independence Day is a holiday, not a person's date ("open on the 4th of july?").
_HOLIDAY = re.compile(r"^(?:4th[ \t]+of[ \t]+july|july[ \t]+4(?:th)?|fourth[ \t]+of[ \t]+july)$", re.IGNORECASE)
# Month and year only ("born in March 1950") counts solely after a birth cue.
_MONTH_YEAR = re.compile(r"\b" + _MONTH + r",?[ \t]{1,3}" + _YEAR4 + r"\b", re.IGNORECASE)

_BIRTH_CUE = re.compile(
    r"(?:\bdob|\bd\.o\.b\.?|\bdate\s+of\s+birth|\bbirth\s*date|\bbirthday|\bborn"
    r"|\bfecha\s+de\s+nacimiento|\bnaci[oó]|\bnac\.|\bcumplea[nñ]os)"
    r"(?:\W{0,4}(?:is|was|on|in|of|=)\b)?(?:\W{0,4}(?:is|was|on|in|of|the)\b)?\W{0,4}$",
    re.IGNORECASE,
)


# A word right before the number that makes it a date whatever its shape ("on 10/10").
_DATE_CUE = re.compile(
    r"\b(?:on|seen|since|from|until|till?|by|before|after|dated?|due|appt|appointment|visit"
    r"|visited|scheduled|admitted|discharged|surgery|procedure|done|taken|drawn|starting|starts"
    r"|start|begins|beginning|ending|through|thru|el|del|desde|hasta|fue|naci[oó])\W{0,3}$",
    re.IGNORECASE,
)
# A quantity word or unit right after: "1/2 tablet", "3/4 cup", "2/3 of the staff".
_UNIT_AFTER = re.compile(
    r"\W{0,2}(?:of|an?|tabs?|tablets?|pills?|caps?|capsules?|cups?|tsp|tbsp|teaspoons?"
    r"|tablespoons?|spoons?|doses?|mg|mcg|ml|cc|oz|ounces?|lbs?|pounds?|kg|g|inch(?:es)?"
    r"|cm|mm|miles?|mi|km|hours?|hrs?|h|days?|weeks?|wks?|months?|mos?|years?|yrs?|mins?"
    r"|minutes?|secs?|seconds?|times?|x|scoops?|slices?|pieces?|servings?|portions?|strength"
    r"|dropper|drops?|bottles?|glass(?:es)?|cans?|shots?|puffs?|units?|people|percent|ratio"
    r"|split|chance|odds|vision|shifts?|care|support|service|access|coverage|availability"
    r"|way|price|off)\b",
    re.IGNORECASE,
)
# A quantity word right before: "about 1/2", "took 1/2", "1 1/2".
_QUANTITY_BEFORE = re.compile(
    r"(?:\b(?:about|around|approx(?:imately)?|nearly|almost|roughly|only|over|under|than"
    r"|take|takes|took|taking|half|and|ages?|aged|between|grades?|sizes?|open|opens|hours)"
    r"|\d)[ \t]{1,3}$",
    re.IGNORECASE,
)
# Ratings and scales: "rated 5/5", "pain 7/10", "10/10 would recommend", "5/5 stars".
_RATING_BEFORE = re.compile(
    r"\b(?:rated?|rating|rates|score[sd]?|give|gave|giving|pain|level|scale|solid|easy|an?)"
    r"\W{0,3}(?:it|them|you|him|her|us|is|was|at|of|a|an|\W){0,3}\W{0,3}$",
    re.IGNORECASE,
)
_RATING_AFTER = re.compile(
    r"\W{0,3}(?:$|stars?|would|recommend|overall|rating|experience|service|care|staff"
    r"|[!]|for\b)",
    re.IGNORECASE,
)


def _not_a_date(text: str, match: re.Match[str]) -> bool:
    """True when a numeric month/day without a year reads as a fraction, rating or range."""
    m_raw, d_raw = match.group("m"), match.group("d")
    month, day = int(m_raw), int(d_raw)
    before = text[max(0, match.start() - 40) : match.start()]
    after = text[match.end() : match.end() + 40]
    if _DATE_CUE.search(before):
        return False
    if match.group("sep") == "-" and not (
        len(m_raw) == len(d_raw) == 2 and "0" in (m_raw[0], d_raw[0])
    ):
        return True  # "3-4 days", "10-12": only zero-padded mm-dd ("12-05") reads as a date
    if (month, day) == (24, 7) or _UNIT_AFTER.match(after) or _QUANTITY_BEFORE.search(before):
        return True
    if day in (5, 10) and month <= day:
        return bool(_RATING_BEFORE.search(before) or _RATING_AFTER.match(after))
    return False


def _valid(year: int | None, month: int, day: int) -> bool:
    if not 1 <= month <= 12 or day < 1:
        return False
    # A leap year stands in when the year is unknown so that Feb 29 is allowed.
    return day <= calendar.monthrange(year if year else 2000, month)[1]


def _year(raw: str | None) -> int | None:
    if not raw:
        return None
    return int(raw) if len(raw) == 4 else 2000 + int(raw)


# A public event's date is not a person's: "is the free health fair on 10/12 or 10/19?".
_EVENT_BEFORE = re.compile(
    r"\b(?:fair|event|drive|walk|run|5k|10k|class|classes|seminar|webinar|open\s+house|fundraiser"
    r"|gala|festival|screening\s+day|clinic\s+day|feria|evento|caminata|jornada)\b[^.!?\n]{0,25}$",
    re.IGNORECASE,
)
_PERSONAL_NEAR = re.compile(r"\b(?:my|i|i'm|me|his|her|mi|mis|our)\b", re.IGNORECASE)


# Words that make a date a person's even with no personal word in the clause.
_PERSONAL_DATE_CUE = re.compile(
    r"(?<!no )(?<!no\s)\b(?:appt|appointment|admit(?:ted)?|admission|discharged?|discharge|surgery|procedure|seen"
    r"|visit|born|passed|died|death|funeral|scheduled|due|scan|mri|ct|x-?ray|labs?|results?"
    r"|bloodwork|delivered|delivery|dob|birthday|cita|operaron|naci[oó]|muri[oó]|falleci[oó]"
    r"|internad[oa]|ingres[oó]|dieron\s+de\s+alta|se\s+nos\s+fue|follow[- ]?up|check-?up"
    r"|regres(?:ar|ara|e)|vuelv[ae]|volver|control|revisi[oó]n|seguimiento|brought|came|went"
    r"|arrived|rushed|transferred|released|replacement|transplant|operation|biopsy|treatment"
    r"|chemo|therapy|infusion|exam|physical|receipt|paid|charged|payment|billed|statement)\b",
    re.IGNORECASE,
)


class DateDetector(PatternDetector):
    name = "dates"
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("numeric", _NUMERIC, PhiType.DATE, 0.7),
        Pattern("iso", _ISO, PhiType.DATE, 0.8),
        Pattern("month_day", _MONTH_DAY, PhiType.DATE, 0.7),
        Pattern("day_month", _DAY_MONTH, PhiType.DATE, 0.7),
        Pattern("month_year", _MONTH_YEAR, PhiType.DOB, 0.6),
        Pattern("numeric_md", _NUMERIC_MD, PhiType.DATE, 0.5),
        Pattern("de_mes", _DE_MES, PhiType.DATE, 0.7),
        Pattern("numeric_dot", _NUMERIC_DOT, PhiType.DATE, 0.5),
        Pattern("spelled_day", _SPELLED_DAY, PhiType.DATE, 0.7),
    )

    def validate_result(self, text: str, match: re.Match[str], pattern: Pattern) -> bool:
        groups = match.groupdict()
        year = _year(groups.get("y"))
        before = text[max(0, match.start() - 40) : match.start()]
        if _EVENT_BEFORE.search(before) and not _PERSONAL_NEAR.search(before):
            return False
        if _HOLIDAY.match(match.group(0)) and not self._after_birth_cue(text, match.start()):
            if not _PERSONAL_NEAR.search(before):
                return False
        if pattern.name == "month_year":
            return self._after_birth_cue(text, match.start())
        if pattern.name == "spelled_day":
            mon = groups.get("mon") or groups.get("mon2") or ""
            return not (mon.lower() == "may" and groups.get("mon2"))  # "may the fifth..." reads as a verb
        if pattern.name == "numeric_dot":
            month, day = int(groups["m"]), int(groups["d"])
            return _valid(None, month, day) and bool(_DATE_CUE.search(before))
        if pattern.name == "de_mes":
            return _valid(year, _MESES[groups["mes"][:3].lower()], int(groups["d"]))
        if groups.get("mon"):
            mon = groups["mon"]
            # "may 3 people come?": lower-case "may" is the verb unless a year follows.
            if mon == "may" and year is None and pattern.name == "month_day":
                # "may 3 people come?" is the verb; "on may 2nd" is a date.
                if not (re.match(r"\d{1,2}(?:st|nd|rd|th)", groups["d"] + text[match.end("d") : match.end("d") + 2])
                        or re.search(r"\bon\s+$", before)):
                    return False
            return _valid(year, _MONTHS[mon[:3].lower()], int(groups["d"]))
        month, day = int(groups["m"]), int(groups["d"])
        if pattern.name == "numeric_md":
            return (_valid(None, month, day) or _valid(None, day, month)) and not _not_a_date(
                text, match
            )
        if groups["sep"].strip() == "." and len(groups["y"]) == 2:
            return False  # "version 1.2.30"
        if pattern.name == "iso":
            return _valid(year, month, day)
        # Numeric dates may be month-first (US) or day-first; either reading will do.
        if self._after_birth_cue(text, match.start()) and min(month, day) >= 1:
            # "DOB 06/31/2018": a mistyped birth date is still one
            return min(month, day) <= 12 and max(month, day) <= 31
        return _valid(year, month, day) or _valid(year, day, month)

    def detect(self, text: str) -> list[Finding]:
        # A date is PHI when it is about a person (Safe Harbor: "dates directly related to an
        # individual"): a birth date, or a date in a clause with a personal word or a cue such
        # as "appointment"; "the fair is on 10/12" and "Nurses Day, May 6" are public.
        findings = super().detect(text)
        if not findings:
            return findings
        clauses = clauses_of(text)
        return [f for f in findings if f.type is PhiType.DOB or self._personal(text, f, clauses)]

    @staticmethod
    def _personal(text: str, finding: Finding, clauses: Clauses) -> bool:
        if clauses.person_near(finding.start, finding.end):
            return True
        window = text[max(0, finding.start - 60) : finding.end + 40]
        return _PERSONAL_DATE_CUE.search(window) is not None

    def result_type(self, text: str, match: re.Match[str], pattern: Pattern) -> PhiType:
        return PhiType.DOB if self._after_birth_cue(text, match.start()) else PhiType.DATE

    @staticmethod
    def _after_birth_cue(text: str, start: int) -> bool:
        return _BIRTH_CUE.search(text[max(0, start - 40) : start]) is not None
