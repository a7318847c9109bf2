"""Social-media handles of private people: "@maria.lopez88", "my ig is marialopez88",
"snap: jess_b22", "add me on tiktok @the.real.dani".

An @-handle that holds an institution word ("@northsidehospital", "@citycareclinic") is
the organisation's and is left alone; an e-mail address is `email`'s. Without an @, the
name must follow a platform cue and look like a username (a digit, an underscore or a
dot inside), or follow "my handle/username is".
"""

from __future__ import annotations

import re
from typing import ClassVar

from triage.phi.detectors._lexicon import word_list
from triage.phi.detectors.base import Pattern, PatternDetector
from triage.phi.findings import PhiType

__all__ = ["HandleDetector"]

# Platforms forbid hyphens, but people type them ("@tyler-oakes-4").
_NAME = r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,28}[A-Za-z0-9_])?"
_AT = re.compile(r"(?<![\w@.+-])@" + _NAME + r"(?![\w@-]|\.[A-Za-z]{2,}\b)")
_PLATFORM = (
    r"(?:ig|insta(?:gram)?|snap(?:chat)?|sc|tiktok|tik[ \t]tok|tt|twitter|threads|fb|facebook"
    r"|messenger|venmo|cash[ \t]?app|telegram|discord|kik|reddit|youtube|yt)"
)
_CUED = re.compile(
    r"(?<![A-Za-z])(?:(?:my|his|her|their|our|mi|su)[ \t]{1,3})?" + _PLATFORM
    + r"(?:[ \t]{1,3}(?:handle|name|account|acct|user(?:name)?|page|is|es|its|it'?s|as|como|at|:|-|@|me|me[ \t]on))*"
    r"[ \t]{0,3}[:@-]?[ \t]{0,2}(?P<v>@?" + _NAME + r")(?![\w@])"
    r"|(?<![A-Za-z])(?:(?:username|user[ \t]name|usuario|account[ \t]name|user[ \t]?id|screen[ \t]name)[ \t]{0,3}[:-]?"
    r"|(?:handle|username|user[ \t]name|usuario|account[ \t]name|user[ \t]?id|login|log[ \t]in|screen[ \t]name)(?:[ \t]{1,3}[a-z]{1,10}\b){0,4}?[ \t]{0,3}(?:(?:is|es)\b|:|-)"
    r"|follow[ \t]{1,3}(?:her|his|my|our|their|mi|su)[ \t]{1,3}(?:page|account|ig|insta|tiktok|blog))[ \t]{0,3}"
    r"(?!(?:on|in|at|for|is|was|of|the|and|to|with|from)\b)(?P<w>@?" + _NAME + r")(?![\w@])",
    re.IGNORECASE,
)
_USERNAME_SHAPE = re.compile(r"[\d_.]")


class HandleDetector(PatternDetector):
    name = "handles"
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("at_handle", _AT, PhiType.HANDLE, 0.85),
        Pattern("platform_cue", _CUED, PhiType.HANDLE, 0.75),
    )

    def result_span(self, text: str, match: re.Match[str], pattern: Pattern) -> tuple[int, int]:
        if pattern.name == "at_handle":
            return match.span()
        return match.span("v" if match.group("v") is not None else "w")

    def validate_result(self, text: str, match: re.Match[str], pattern: Pattern) -> bool:
        start, end = self.result_span(text, match, pattern)
        handle = text[start:end].lstrip("@")
        if len(handle) < 3 or handle.isdigit():
            return False
        if _is_organisation(handle):
            return False
        if pattern.name == "at_handle" or text[start] == "@":
            return True
        if match.group("v") is None:  # after "username is": any word but a common one
            return handle.lower() not in word_list("common_words")
        return bool(_USERNAME_SHAPE.search(handle))


def _is_organisation(handle: str) -> bool:
    lowered = handle.lower().rstrip("_.0123456789")
    return any(word in lowered for word in _ORG_HINTS if len(word) > 3) or lowered.endswith(
        _ORG_ENDINGS
    )


_ORG_ENDINGS = ("med", "hosp", "rx", "umc", "mc")


_ORG_HINTS = (
    "hospital", "health", "clinic", "medical", "medicine", "care", "center", "centre",
    "pharmacy", "official", "foundation", "nursing", "pediatric", "cardio", "oncology",
    "surgery", "urgent", "emergency", "rehab", "hospice", "memorial", "regional", "general",
    "university", "county", "department", "dept", "news", "gov", "med", "hosp", "clinica",
    "cancer", "children", "pediatrics", "behavioral", "recovery", "foundation",
)
