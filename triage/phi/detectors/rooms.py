"""Hospital room and bed numbers: "room 412", "rm 5B", "bed 3", "room 4 east", "cuarto 214",
"cama 3", "habitación 12", "ICU bay 7".

The value needs a digit right after the cue (with "#", "no." or "number" between), so
"room for improvement", "the waiting room" and "3 bedroom" never match; a number that is
a time or a duration ("bed 3 days", "bed by 10pm") is refused.
"""

from __future__ import annotations

import re
from typing import ClassVar

from triage.phi.detectors.base import Pattern, PatternDetector
from triage.phi.findings import PhiType

__all__ = ["RoomDetector"]

_CUE = (
    r"(?<![A-Za-z])(?:(?:room|rooms|bed|beds|bay|cubicle|pod|stretcher|cuarto|cama|camas"
    r"|habitaci[oó]n|habitacion|sala)\b|(?:rm|hab)\b\.?)"
)
_VALUE = (
    r"(?P<v>(?:[A-Za-z]-?)?\d{1,4}(?:-?[A-Za-z](?![A-Za-z]))?"
    # read out: "room 5 12", "room 2 oh 6", "room 1142 B", "room 22 bed B"
    r"(?:[ \t]\d{2}(?![\w:.,/])|[ \t]oh[ \t]\d\b|[ \t](?-i:[A-F])(?![\w'\u2019])"
    r"|,?[ \t]{1,2}bed[ \t]{1,2}(?:(?-i:[A-F])(?![\w'\u2019])|\d{1,2}\b))?"
    r"(?:[ \t-]?(?:east|west|north|south|este|oeste|norte|sur|[ENWS](?![A-Za-z])))?"
    r"(?:[ \t]?(?:,|/|and|&|y|-)[ \t]?(?:bed[ \t]?)?[A-Za-z]?\d{1,4}[A-Za-z]?(?![A-Za-z0-9]))?)"
)
_ROOM = re.compile(
    _CUE + r"(?:[ \t]{0,2}(?:#|no\.?|num(?:ber)?|n[uú]mero|is|es|:|-))*[ \t]{0,2}" + _VALUE
    + r"(?![\w:.]\d)",
    re.IGNORECASE,
)
# "in bed 3 days", "bed by 10 pm", "room 2 people": durations, times and counts.
_NOT_AFTER = re.compile(
    r"[ \t]{0,2}(?:am|pm|a\.m|p\.m|o'?clock|:\d|days?|hours?|hrs?|weeks?|wks?|nights?|months?"
    r"|mins?|minutes?|years?|people|persons?|times?|d[ií]as|horas|semanas|noches|personas)\b",
    re.IGNORECASE,
)


# "shes in 302", "está en la 214": a person is in a three- or four-digit place.
_IN_ROOM = re.compile(
    r"\b(?:she'?s|he'?s|is|are|was|est[aá]|sigue)[ \t]{1,3}(?:in|en)[ \t]{1,3}(?:la[ \t]{1,3})?"
    r"(?P<v>[1-9]\d{2,3}[A-Za-z]?)(?![\w:.,/-]|[ \t]+(?-i:[A-Z]))",
    re.IGNORECASE,
)
# "on 2 south", "4 west": a ward named by its floor and wing.
_WARD = re.compile(
    r"(?<![\w.])(?P<v>\d{1,2}[ \t-]?(?:east|west|north|south))\b(?![ \t](?:side|entrance|door|wing|lot|parking|unit|staff|team|nurses|floor))",
    re.IGNORECASE,
)


_ONES = r"(?:one|two|three|four|five|six|seven|eight|nine)"
_TEENS = r"(?:ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)"
_TENS = r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
# "room four twelve", "rm four twenty two": room numbers read out.
_SPELLED_ROOM = re.compile(
    r"(?<![A-Za-z])(?:room|rm|bed|cuarto|cama)[ \t]{1,2}(?:number[ \t]{1,2})?"
    r"(?P<v>" + _ONES + r"[ \t](?:oh[ \t]" + _ONES + r"|" + _TEENS + r"|" + _TENS + r"(?:[ \t-]" + _ONES
    + r")?)|" + _TEENS + r"|" + _TENS + r"(?:[ \t-]" + _ONES + r")?)\b",
    re.IGNORECASE,
)


_PUBLIC_ROOM = re.compile(
    r"\b(?:conference|meeting|class(?:room)?|group|workshop|session|meets|training|seminar|lecture"
    r"|community(?![ \t]living)|board|waiting|family\s+workshop|support\s+group)\b",
    re.IGNORECASE,
)
_STAFF_BEFORE = re.compile(r"\b(?:nurses?|dr|doctors?|staff|team|aides?|techs?)\b", re.IGNORECASE)


class RoomDetector(PatternDetector):
    name = "rooms"
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("room", _ROOM, PhiType.ROOM, 0.8),
        Pattern("in_room", _IN_ROOM, PhiType.ROOM, 0.6),
        Pattern("ward", _WARD, PhiType.ROOM, 0.6),
        Pattern("spelled", _SPELLED_ROOM, PhiType.ROOM, 0.7),
    )

    def validate_result(self, text: str, match: re.Match[str], pattern: Pattern) -> bool:
        if _NOT_AFTER.match(text, match.end("v")) or re.fullmatch(r"(?:19|20)\d\d", match.group("v")):
            return False
        if re.match(r"[ \t]?:[ \t]?[A-Z]", text[match.end("v") : match.end("v") + 4]):
            return False  # a sign: "Room 100: Registration"
        if re.match(r"[ \t]{1,2}(?:of|in|at)[ \t]{1,2}the[ \t]{1,2}(?-i:[A-Z])", text[match.end("v") : match.end("v") + 12]):
            return False  # "Room 2B of the Marrow Pavilion": a meeting room of the hospital
        if _PUBLIC_ROOM.search(text, max(0, match.start() - 45), match.start() + 1):
            return False  # "meets in Conference Room 4", "the workshop, room 210"
        if pattern.name == "ward" and re.search(r"(?i:\b(?:hwy|highway|route|road|rd|street|st|ave|i)[ \t-]{0,2})$",
                                                  text[max(0, match.start() - 10) : match.start()]):
            return False  # "Hwy 92 west", "county road 14 north": directions
        if pattern.name == "ward" and _STAFF_BEFORE.search(text, max(0, match.start() - 30), match.start()):
            return False  # "nurse Patti on 4 East": where staff work
        return pattern.name == "spelled" or any(c.isdigit() for c in match.group("v"))

    def result_span(self, text: str, match: re.Match[str], pattern: Pattern) -> tuple[int, int]:
        start, end = match.span("v")
        while end > start and not text[end - 1].isalnum():
            end -= 1
        return start, end
