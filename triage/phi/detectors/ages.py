"""Ages of 90 and over, which Safe Harbor removes (younger ages may stay): "my 93yo nana",
"she turns ninety four", "tiene 91 años", "his 100th birthday".

The number is reported, not its unit ("my [AGE_90+] year old nana"). A number needs an age
cue: a unit (yo, years old, años), a verb or noun of age (turns, aged, age), "is"/"'s"
right after a person word, or a birthday ordinal; "oxygen was 92" and "90 minutes" are not
ages.
"""

from __future__ import annotations

import re
from typing import ClassVar

from triage.phi.detectors._lexicon import RELATION_PATTERN
from triage.phi.detectors.base import Pattern, PatternDetector
from triage.phi.findings import PhiType

__all__ = ["AgeDetector"]

_TENS = r"(?:ninety|noventa)"
_UNITS_EN = r"(?:one|two|three|four|five|six|seven|eight|nine)"
_UNITS_ES = r"(?:uno|un|dos|tres|cuatro|cinco|seis|siete|ocho|nueve)"
_SPELLED = (
    r"(?:" + _TENS + r"(?:[ -]?" + _UNITS_EN + r"|[ \t]y[ \t]" + _UNITS_ES + r")?"
    r"|(?:a|one)[ \t]hundred(?:[ \t](?:and[ \t])?" + _UNITS_EN + r")?|cien(?:to)?(?:[ \t]" + _UNITS_ES + r")?)"
)
_NUMBER = r"(?P<v>(?<!\d)(?:9\d|1[01]\d)(?!\d|[.,]\d)|" + _SPELLED + r")"
_UNIT = (
    r"[ \t-]{0,2}(?:yo\b|y/o|y\.o\.?|yrs?\b(?:[ \t-]old)?|years?(?:[ \t-]old|[ \t]of[ \t]age)?\b|year-old"
    r"|años|anos\b|añitos|yr-old)"
)
_PERSON = (
    r"(?:\b(?:she|he|mom|dad|grandma|grandpa|nana|papa|abuela|abuelo|abuelita|abuelito"
    r"|" + RELATION_PATTERN + r")(?:['\u2019]s|[ \t]+is|[ \t]+was|[ \t]+just)"
    r"|\b(?:hes|shes|she|he|i'?m|i[ \t]+am|(?-i:[A-Z][a-z]{1,20})[ \t]+(?:is|was))"
    r"|\b(?:turns?|turned|turning|aged?|age\s+of|cumple|cumplió|cumplio|tiene|tenia"
    r"|tenía|edad(?:[ \t]de)?|at\s+the\s+age\s+of|lived\s+to)\b"
    # "she passed sept 30 at 91", "died peacefully at ninety-four"
    r"|\b(?:passed|died|falleci[oó]|muri[oó])\b[^.!?\n]{0,30}?[ \t](?:at|a\s+los))"
)
_WITH_UNIT = re.compile(r"\b" + _NUMBER + r"(?=" + _UNIT + r")", re.IGNORECASE)
_AFTER_CUE = re.compile(
    _PERSON + r"[ \t]{1,3}(?:(?:almost|nearly|about|over|already|only|like)[ \t]{1,3})?\b" + _NUMBER,
    re.IGNORECASE,
)
# "(Walter Henning, 91)": a name, a comma and an age in brackets or before a comma.
_AFTER_NAME = re.compile(
    r"(?<=[a-z]),[ \t]{0,2}(?P<v>(?:9\d|1[01]\d))(?=[ \t]{0,2}\))"
)
_BIRTHDAY = re.compile(
    r"\b(?P<v>(?:9\d|1[01]\d)(?:st|nd|rd|th)|ninetieth|ninety[ -](?:first|second|third"
    r"|fourth|fifth|sixth|seventh|eighth|ninth)|hundredth|100th)(?=[ \t]{1,3}(?:birthday|bday|b-day"
    r"|cumpleaños))",
    re.IGNORECASE,
)
# Units that make a number after "is" a measurement, not an age.
_MEASURE = re.compile(
    r"[ \t]{0,2}(?:%|percent|lbs?|pounds?|kg|kilos?|degrees?|°|mg|ml|bpm|minutes?|mins?|dollars?"
    # "104 de fiebre", also once redaction made it "104 de [HEALTH]" (redact() rescans)
    r"|(?:de[ \t]+)?(?:fiebre|temperatura|calentura|\[HEALTH\])|grados|fever|temp"
    r"|bucks|cents|over|/|mmhg|f\b|c\b)",
    re.IGNORECASE,
)


class AgeDetector(PatternDetector):
    name = "ages"
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("with_unit", _WITH_UNIT, PhiType.AGE, 0.85),
        Pattern("after_cue", _AFTER_CUE, PhiType.AGE, 0.75),
        Pattern("birthday", _BIRTHDAY, PhiType.AGE, 0.8),
        Pattern("after_name", _AFTER_NAME, PhiType.AGE, 0.7),
    )

    def validate_result(self, text: str, match: re.Match[str], pattern: Pattern) -> bool:
        if pattern.name == "after_cue":
            return _MEASURE.match(text, match.end("v")) is None
        return True
