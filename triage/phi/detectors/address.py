"""Street addresses (house number + street + suffix, unit, city/state/ZIP), PO boxes, ZIP
codes given as such, and "City, ST 12345" lines.

A street named without a house number ("the Main Street entrance") is a public landmark
and is left alone.
"""

from __future__ import annotations

import re
from typing import ClassVar

from triage.phi.detectors.base import Pattern, PatternDetector
from triage.phi.findings import PhiType

__all__ = ["AddressDetector"]

_STATE_ABBR = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH"
    "|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|PR"
)
_STATE_NAME = (
    "Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia"
    "|Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts"
    "|Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada|New Hampshire|New Jersey"
    "|New Mexico|New York|North Carolina|North Dakota|Ohio|Oklahoma|Oregon|Pennsylvania"
    "|Rhode Island|South Carolina|South Dakota|Tennessee|Texas|Utah|Vermont|Virginia|Washington"
    "|West Virginia|Wisconsin|Wyoming"
)
# Only abbreviations take a period: "42 Elm Street." ends a sentence, and the health
# detector must see that same clause boundary before and after redaction.
_SUFFIX = (
    r"(?P<suffix>(?:street|avenue|road|boulevard|drive|lane|court|way|place|terrace|parkway"
    r"|highway|circle|trail|square|loop|pike|plaza|crescent|alley|grove|heights|ridge"
    r"|crossing|turnpike|expressway|freeway)\b"
    r"|(?:st|ave|av|rd|blvd|dr|ln|ct(?![ \t]{1,3}scans?\b)|pl|ter|pkwy|hwy|cir|trl|sq|plz|hts"
    r"|tpke|expy|fwy)\b\.?)"
)
# Words that never belong to a street name; refusing them inside the match (rather than
# afterwards) lets the scan move on to a real address later in the same sentence.
_NOT_STREET = (
    r"(?:the|a|an|and|or|but|in|on|at|to|of|for|from|by|with|near|off|down|up|across|past"
    r"|behind|next|into|onto|over|under|around|my|your|our|his|her|their|this|that|is|was"
    r"|are|were|be|it|we|i|you|he|she|they|me|us|them|hours?|hrs?|minutes?|mins?|days?"
    r"|weeks?|months?|years?|times?|people|kids?|miles?|blocks?|floors?|more|less|than|just"
    r"|only|about|some|all|no|not|so|very|too|am|pm|different|other|same|then|there|here"
    r"|bed|bedroom|bath|room|car|story)"
)
_WORD = r"(?!" + _NOT_STREET + r"\b)(?!\d+\s)[A-Za-z0-9][A-Za-z0-9'.-]{0,24}"
_UNIT = (
    r"(?:,?[ \t]{1,3}(?:apt|apartment|unit|suite|ste|fl|floor|bldg|building|rm|room|#)\.?"
    r"[ \t]{0,3}#?[ \t]{0,2}[A-Za-z0-9-]{1,8}\b)?"
)
_CITY_WORD = r"(?-i:(?:St\.[ \t]?)?[A-Z][A-Za-z'-]{1,25})"  # no trailing period, as above
_TAIL = (
    r"(?:,[ \t]{0,3}" + _CITY_WORD + r"(?:[ \t]{1,3}" + _CITY_WORD + r"){0,2})?"
    r"(?:,?[ \t]{1,3}(?:(?-i:" + _STATE_ABBR + r")|" + _STATE_NAME + r")\b)?"
    r"(?:,?[ \t]{1,3}\d{5}(?:-\d{4})?\b)?"
)
_STREET = re.compile(
    r"(?<![\d$.,/#-])\d{1,6}[A-Za-z]?[ \t]{1,3}(?:" + _WORD + r"[ \t]{1,3}){1,4}?"
    + _SUFFIX
    + _UNIT
    + _TAIL,
    re.IGNORECASE,
)
_PO_BOX = re.compile(
    r"\b(?:p\.?[ \t]?o\.?[ \t]{0,2}box|post[ \t]{1,3}office[ \t]{1,3}box)"
    r"[ \t]{0,3}#?[ \t]{0,2}\d{1,8}\b" + _TAIL,
    re.IGNORECASE,
)
_ZIP_CUE = re.compile(
    r"\bzip(?:[ \t]{0,2}code)?[ \t]{0,3}(?:is[ \t]{1,3}|:[ \t]{0,3}|#[ \t]{0,3})?"
    r"(?P<v>\d{5}(?:-\d{4})?)(?![\d-])",
    re.IGNORECASE,
)
_CITY_LINE = re.compile(
    r"(?<![\w-])[A-Z][a-z]{1,25}(?:[ \t][A-Z][a-z]{1,25}){0,2},[ \t]{0,3}(?:" + _STATE_ABBR
    + r")[ \t]{1,3}\d{5}(?:-\d{4})?(?![\d-])"
)
# "123 Oak Dr" is a street; "2 different Dr Patel" is not.
_DR_NAME = re.compile(r"\.?[ \t]{1,3}[A-Z][a-z]")


class AddressDetector(PatternDetector):
    name = "address"
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("street", _STREET, PhiType.ADDRESS, 0.75),
        Pattern("po_box", _PO_BOX, PhiType.ADDRESS, 0.85),
        Pattern("zip_cue", _ZIP_CUE, PhiType.ADDRESS, 0.8),
        Pattern("city_line", _CITY_LINE, PhiType.ADDRESS, 0.7),
    )

    def validate_result(self, text: str, match: re.Match[str], pattern: Pattern) -> bool:
        if pattern.name != "street":
            return True
        suffix = match.group("suffix").lower().rstrip(".")
        return not (suffix == "dr" and _DR_NAME.match(text, match.end("suffix")))
