"""Regex parts for "cue word, then a number" identifiers (IDs, accounts, licences, plates).

People split long numbers as they read them ("4471 2290 13", "S530-4417-2290-8") and put
words between the cue and the value ("claim number is # CLM-0091"). `cued(cue)` builds
one pattern for all of these: the cue, up to four connector words or signs, then a value of
up to seven groups joined by a space, dot or dash, each group holding a digit (the first
may be a short capital-letter prefix, "CLM 2291"). Groups are bounded, so the scan stays linear.
"""

from __future__ import annotations

import re

__all__ = ["VALUE", "cued", "digit_count", "is_year"]

_CONNECTOR = (
    r"(?:[ \t]{0,3}(?:(?:is|was|are|es|era|number|numbers|num|nbr|nr|no|n[uú]mero|de|del"
    r"|on|for|of|the|back|front|box|label|sticker|card|it'?s|its|son|which|from|bottom|side|says"
    r"|reads|shows|listed|ours|mine|my|his|her|their|el|la|mi|su)\b\.?|[:#=.?,-]"
    # a plan's or maker's name: "member id on his Humana card is ..."
    r"|(?-i:[A-Z][a-z]{2,15})\b))"
)
_GROUP = r"[A-Za-z0-9]{0,20}\d[A-Za-z0-9]{0,20}"
# A short group of capitals between or after digit groups: "2024-PA-0071385", "PJN 604218 S".
_CAPS = r"(?-i:[A-Z]{1,3})(?![A-Za-z])"
VALUE = (
    r"(?P<v>(?:(?-i:[A-Z]{1,4})[ -](?=[A-Za-z0-9]{0,20}\d))?" + _GROUP
    + r"(?:(?:[ .-]|[ \t]-[ \t])(?:" + _GROUP + r"|" + _CAPS + r"(?=[ .-]\d))){0,6}"
    r"(?:-[A-Za-z]{1,3}(?![A-Za-z0-9])|[ ](?-i:[A-Z])(?![A-Za-z0-9]))?)"
    r"(?![A-Za-z0-9])"
)


def cued(cue: str) -> re.Pattern[str]:
    """`cue` (a regex), connectors, then `VALUE` in group ``v``; case-insensitive."""
    return re.compile(
        r"(?<![A-Za-z])(?:" + cue + r")" + _CONNECTOR + r"{0,5}[ \t]{0,3}" + VALUE, re.IGNORECASE
    )


def is_year(value: str) -> bool:
    """ "una cuenta de 2021", "the claim from 2019": a year is not an account number."""
    return re.fullmatch(r"(?:19|20)\d\d", value) is not None


def digit_count(value: str) -> int:
    return sum(c.isdigit() for c in value)
