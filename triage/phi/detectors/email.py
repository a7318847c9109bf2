"""E-mail addresses, also written out to dodge filters: "maria dot lopez at gmail dot com",
"jdoe(at)yahoo(dot)com", "maria @ gmail . com", "juan arroba hotmail punto com".

A spelled-out address needs an "at" word between two name-like parts and a known mail
provider or a "dot" and a top-level domain after it, so "meet me at the lobby" is no
address.
"""

from __future__ import annotations

import re
from typing import ClassVar

from triage.phi.detectors.base import Pattern, PatternDetector
from triage.phi.findings import PhiType

__all__ = ["EmailDetector"]

# Domain labels are separated by a literal dot, so the bounded repeats cannot overlap and
# the pattern stays linear on long inputs.
_EMAIL = re.compile(
    r"(?<![\w.%+-])[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9-]{1,63}\.){1,8}[A-Za-z]{2,24}(?![\w-])"
)
_AT = (
    r"(?:[ \t]{0,3}(?:@|[(\[{<][ \t]?(?:at|@|arroba)[ \t]?[)\]}>])[ \t]{0,3}"
    r"|[ \t]{1,3}(?:at(?:[ \t]sign)?|arroba)[ \t]{1,3})"
)
# A dot written as a word or in brackets ("dot", "(dot)", "punto"); a plain "." counts only
# unspaced ("maria.lopez at gmail") or before a common top-level domain (see _SPELLED), so a
# sentence break ("fine at lunch. do you...") is no address.
_DOT = (
    r"(?:[ \t]{0,3}[(\[{<][ \t]?(?:dot|punto)[ \t]?[)\]}>][ \t]{0,3}"
    r"|[ \t]{1,3}(?:dot|punto)[ \t]{1,3}|\.)"
)
_SPACED_DOT = r"[ \t]{0,3}\.[ \t]{0,3}"
_SEP = (
    r"(?:" + _DOT + r"|[ \t]{0,2}(?:_|-|underscore|guion[ \t]bajo|gui[oó]n)[ \t]{0,2}|[ \t](?=\d))"
)
_WORD = r"[A-Za-z0-9][A-Za-z0-9_%+-]{0,40}"
# Providers named alone ("kbrown at outlook"); short ones that are words ("me", "live") need
# a domain written out.
_PROVIDERS = (
    r"(?:gmail|googlemail|yahoo|ymail|hotmail|outlook|icloud|aol|protonmail|gmx|zoho|comcast"
    r"|verizon|sbcglobal|bellsouth|earthlink|prodigy)"
)
_TLDS = (
    r"(?:com|net|org|edu|gov|us|mx|co|io|me|info|biz|es|ca|uk|ar|cl|pe|ve|do|pr|br|pt|ru|ua|in"
    r"|ph|ng|au|de|fr|it|nl|pl|vn|kr|jp|cn|gt|hn|sv|ni|cr|pa|ec|bo|py|uy|cu|ht)"
)
_SPELLED = re.compile(
    r"(?<![\w.])(?P<local>" + _WORD + r"(?:" + _SEP + _WORD + r"){0,3})" + _AT
    + r"(?P<domain>(?:" + _WORD + _DOT + r"){1,3}" + _TLDS
    + r"|(?:" + _WORD + _SPACED_DOT + r"){1,3}(?:com|net|org|edu|gov)|" + _PROVIDERS + r")(?![\w-])",
    re.IGNORECASE,
)
# Read out after an "email" cue, the mailbox may be several words, spelled letters or
# numbers in words: "my email is frank tank 44 at sign comcast dot net",
# "its d e l o r e s w 3 1 at gmail dot com", "email gpaulsen fifty two at hotmail dot com".
_SPOKEN = re.compile(
    r"\b(?:e-?mail|correo)(?:[ \t]{1,2}(?:address|addy|is|es|its|it'?s|which|for|the|my|portal|account"
    r"|electr[oó]nico|[:-]))*[ \t]{1,2}(?P<local>[A-Za-z0-9]{1,20}(?:[ \t][A-Za-z0-9]{1,20}){1,11}?)"
    + _AT + r"(?P<domain>(?:" + _WORD + _DOT + r"){1,3}" + _TLDS + r"|" + _PROVIDERS + r")(?![\w-])",
    re.IGNORECASE,
)
# Words that are not a mailbox: "email me at gmail" has no local part.
_NOT_LOCAL = frozenset(
    "me us him her them it you i we they this that home work here there email mail".split()
)


# An address at the organisation's own domain is a department's, not a patient's.
_ORG_DOMAIN = re.compile(
    r"(?:hospital|health|clinic|medical|medicine|healthcare|umc|medctr|\bmed\b|(?:bh|mc|rmc|hc)\.\w+$"
    r"|\.gov$|\.edu$)",
    re.IGNORECASE
)


# "my school email, j.ambrose@ngu.edu": a person's own address at an institution.
_MINE_BEFORE = re.compile(r"\b(?:my|mine|mi|his|her|their)\b[^.!?\n]{0,30}$", re.IGNORECASE)
# "records@...", "billing@...": a department's mailbox, not a person's.
_DEPARTMENT_MAILBOXES = frozenset(
    """records medicalrecords billing patientaccounts info contact admin support scheduling
    appointments patientrelations help frontdesk hr media press donations volunteer volunteers
    careers jobs privacy compliance feedback webmaster noreply no-reply pharmacy""".split()
)


class EmailDetector(PatternDetector):
    name = "email"
    PUBLIC_CONTACT = True
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("email", _EMAIL, PhiType.EMAIL, 0.95),
        Pattern("spelled", _SPELLED, PhiType.EMAIL, 0.8),
        Pattern("spoken", _SPOKEN, PhiType.EMAIL, 0.75),
    )

    def result_span(self, text: str, match: re.Match[str], pattern: Pattern) -> tuple[int, int]:
        if pattern.name == "spoken":
            return match.start("local"), match.end()
        return super().result_span(text, match, pattern)

    def validate_result(self, text: str, match: re.Match[str], pattern: Pattern) -> bool:
        if pattern.name == "spoken":
            return match.group("local").split()[0].lower() not in _NOT_LOCAL
        if pattern.name == "spelled":
            if match.group("local").lower() in _NOT_LOCAL:
                return False  # "email me at gmail"
            if text[match.end() : match.end() + 1] == "/":
                return False  # "pics at drive.google.com/file/...": a link
            # A plain address is the other pattern's; this one needs a spelled-out part.
            return "@" not in match.group(0) or " " in match.group(0) or "(" in match.group(0)
        local, domain = match.group(0).split("@", 1)
        if local.lower() in _DEPARTMENT_MAILBOXES:
            return False
        if _ORG_DOMAIN.search(domain) and not _MINE_BEFORE.search(
                text, max(0, match.start() - 40), match.start()):
            return False
        return not (local.startswith(".") or local.endswith(".") or ".." in local)
