"""Person names: next to a cue that says a person is being named, or shaped like a name.

Cues: relation words in English and Spanish ("my son Jake", "my mom jane smith", "mi abuelita
Chela"), "it's for Maria", "for Maria Lopez", "patient: X", "my name is X", "I'm X" / "this
is X" / "he's X" (capitalised, not a common word), "our Lily", Mr./Mrs./Ms. X, and signatures
at the end ("- Sarah", "Thanks, Mike R.", "Gracias, Yesenia"). Names after staff titles and
roles (Dr., nurse, NP, the CEO) or before a desk ("Sarah from billing") belong to staff and
are not reported. Names with no cue ("Call Emeka Adeyemi at ...", "is kevin still in
surgery", "Pierce, Anthony L") come from `_name_runs`; without a cue, public figures
("Taylor Swift") are left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

from triage.phi.detectors._lexicon import (
    RELATION_PATTERN,
    RELATIONS,
    STAFF_TITLES,
    phrase_list,
    word_list,
    words_of,
)
from triage.phi.detectors._name_runs import ROLES, STAFF_AFTER, name_runs
from triage.phi.detectors.base import Detector
from triage.phi.findings import Finding, PhiType

__all__ = ["NameDetector"]

_APOS = "['\u2019]"
_TOKEN = re.compile(r"[^\W\d_]{1,40}(?:['\u2019-][^\W\d_]{1,40}){0,2}")
_GAP = re.compile(r"[ \t]{1,3}")
_AND = re.compile(r"[ \t]{1,3}(?:and|&)[ \t]{1,3}", re.IGNORECASE)
_WORDY = re.compile(r"(?:ing|ed|ly|ful|ous|ive|able|ible|less|ness|ment|tion|ish)$")
_TAIL = 160  # signatures are searched for only this close to the end of the text


@dataclass(frozen=True)
class _Cue:
    """A context that announces a name, and how permissive the name after it may be."""

    name: str
    regex: re.Pattern[str]
    score: float
    strong: bool = False  # a capitalised stop word that is a known name counts ("my son Will")
    lower_ok: bool = False  # a lower-case known first name counts ("my mom jane")
    min_tokens: int = 1
    at_end: bool = False  # only word-free text may follow (signatures)
    known_first: bool = False  # the first word must be a listed first name
    surname_first: bool = False  # honorifics are followed by a surname
    shape_check: bool = False  # refuse word-like shapes ("I'm Exhausted", "- Management")
    staff_guard: bool = False  # "a nurse named Kelly" is staff
    unlisted_ok: bool = False  # a lower-case word that is no English word counts ("name is kezia")
    after_relation: bool = False  # only right after a relation word ("Dad (Herb)")


_AGE = r"\d{1,2}[- ]?(?:yo|y/o|(?:year|yr|month|mo|week|wk)s?[- ]old)"
_ADJ = (
    r"(?:little|big|older|younger|baby|late|elderly|old|dear|eldest|oldest|youngest|adult"
    r"|teenage|sick|great|great-great|grand|querid[oa]|pobre|" + _AGE + ")"
)
_RELATION = (
    r"\b(?:my|our|his|her|their|mi|mis|su|sus|nuestr[oa]|la|el)\s{1,3}(?:" + _ADJ + r"\s{1,3}){0,2}"
    + RELATION_PATTERN
    + r"s?\b(?:\s{0,2},)?\s{1,3}"
)
_FOR_PERSON = (
    r"\b(?:(?:it|this|that)" + _APOS + r"?s|(?:it|this|that)\s{1,3}is|appointment|appt"
    r"|booking|asking|calling|writing|messaging|inquiring|enquiring)\s{1,3}(?:for|about)\s{1,3}"
    r"|\bon\s{1,3}behalf\s{1,3}of\s{1,3}"
)
_PATIENT = (
    r"\b(?:patient|pt)(?:" + _APOS + r"?s)?(?:\s{1,3}(?:full\s{1,3})?name)?"
    r"(?:\s{0,3}[:=,-]\s{0,3}|\s{1,3}is\s{1,3}|\s{1,3})"
)
_NAME_IS = (
    r"\bname(?:" + _APOS + r"?s\s{1,3}|\s{1,3}is\s{1,3}|\s{0,3}[:=-]\s{0,3})"
    r"|(?<!brand )(?<!generic )(?<!user)\b(?:(?:last|first|full|maiden|middle)\s{1,3})?name"
    r"\s{1,3}(?=(?-i:[A-Z]))"
)
# "Dad (Herb)", "mom (agnes)": a relation with the name in brackets (the bracket is found
# first and the word before it checked, which is far cheaper than the relation alternation).
_RELATION_PAREN = r"(?<=[^\W\d_])\s{0,2}\(\s{0,2}"
_WORD_BEFORE = re.compile(r"([^\W\d_]+)(?:['\u2019]s)?\s{0,2}$")
# "Auntie Flo", "Grandma Rose", "Uncle Ray": a capitalised kin word used as a title.
_KIN_TITLE = (
    r"(?-i:\b(?:Aunt(?:ie|y)?|Uncle|Grandma|Grandpa|Granny|Nana|Nanna|Mamaw|Papaw|Pawpaw|Meemaw"
    r"|Cousin|T[ií]a|T[ií]o|Abuela|Abuelo|Abuelita|Abuelito|Lola|Lolo))\s{1,3}"
)
# "(mom is Crystal)", "mom: Destiny", "in the system as jordan vail", "under the name Ruiz"
# (the few relation words used so, nested by first letter: the full list costs 0.3 ms a text)
_RELATION_IS = (
    r"\b(?:m(?:om|um|ommy|other|am[aá])|d(?:ad|addy|aughter)|p(?:arent|ap[aá])|guardian"
    r"|wife|husband|son|s(?:ister)|brother|grand(?:ma|pa|mother|father)|aunt|uncle)"
    r"(?:\s{1,3}is|\s{0,3}[:=])\s{1,3}"
)
_UNDER_NAME = r"under\s{1,3}(?:the\s{1,3})?name(?:\s{1,3}of)?"
_LISTED_AS = (
    r"\b(?:(?:(?:in\s{1,3}(?:the|your|ur)\s{1,3}(?:system|records?|chart)|registered|listed"
    r"|booked|checked\s{1,3}in|admitted|filed)\s{1,3}(?:as|" + _UNDER_NAME + r"|under))"
    r"|" + _UNDER_NAME + r"|goes\s{1,3}by)\s{1,3}"
)
_I_AM = r"\bi(?:" + _APOS + r"?m|\s{1,3}am)\s{1,3}"
_THIS_IS = r"\b(?:this\s{1,3}is|this" + _APOS + r"s|it" + _APOS + r"?s\s{1,3}me,?)\s{1,3}"
_HONORIFIC = r"\b(?:M[rR][sS]?|M[sSxX]|Miss)\b\.?\s{1,3}"  # case-sensitive: "miss" is a verb
_SIG_DASH = r"(?:^|(?<=[\s.!?)]))[-\u2013\u2014~]{1,2}[ \t]{0,2}"
_SIG_CLOSER = (
    r"\b(?:thanks|thank\s{1,3}you|thx|ty|tia|sincerely|regards|best\s{1,3}wishes|best|cheers"
    r"|respectfully|love|yours\s{1,3}truly|yours|blessings|gratefully|gracias|saludos|atentamente"
    r"|bendiciones|muchas\s{1,3}gracias|signed)\b[ \t]{0,3}[,.!:-]?\s{0,4}"
)


_I = re.IGNORECASE

# fmt: off
_CUES: tuple[_Cue, ...] = (
    _Cue("relation", re.compile(_RELATION, _I), 0.85, strong=True, lower_ok=True,
         unlisted_ok=True),
    _Cue("for_person", re.compile(_FOR_PERSON, _I), 0.8, strong=True, lower_ok=True),
    _Cue("for_two", re.compile(r"\bfor\s{1,3}", _I), 0.6, min_tokens=2, shape_check=True),
    _Cue("patient", re.compile(_PATIENT, _I), 0.85, strong=True, lower_ok=True,
         unlisted_ok=True),
    _Cue("name_is", re.compile(_NAME_IS, _I), 0.9, strong=True, lower_ok=True, unlisted_ok=True),
    _Cue("relation_is", re.compile(_RELATION_IS, _I), 0.8, strong=True, lower_ok=True,
         unlisted_ok=True, shape_check=True),
    _Cue("listed_as", re.compile(_LISTED_AS, _I), 0.85, strong=True, lower_ok=True,
         unlisted_ok=True),
    _Cue("relation_paren", re.compile(_RELATION_PAREN), 0.8, strong=True, lower_ok=True,
         unlisted_ok=True, shape_check=True, after_relation=True),
    _Cue("kin_title", re.compile(_KIN_TITLE), 0.7, strong=True, shape_check=True),
    _Cue("named", re.compile(r"\b(?:named|called)\s{1,3}", _I), 0.75, strong=True,
         staff_guard=True),
    _Cue("i_am", re.compile(_I_AM, _I), 0.6, shape_check=True),
    _Cue("this_is", re.compile(_THIS_IS, _I), 0.6, shape_check=True),
    _Cue("possessed", re.compile(
        r"\b(?:our|my|mi|nuestr[oa])\s{1,3}(?:(?:sweet|little|baby|precious|beautiful|brave|dear"
        r"|querid[oa]|pequeñ[oa]|hermos[oa])\s{1,3})?(?=(?-i:[A-Z]))", _I), 0.6, strong=True,
        known_first=True, shape_check=True),
    _Cue("he_is", re.compile(r"\b(?:he|she)(?:" + _APOS + r"?s|\s{1,3}is)\s{1,3}", _I), 0.6,
         strong=True, shape_check=True, known_first=True),
    _Cue("honorific", re.compile(_HONORIFIC), 0.8, strong=True, lower_ok=True, surname_first=True,
         staff_guard=True),
    _Cue("sig_dash", re.compile(_SIG_DASH, re.M), 0.7, strong=True, lower_ok=True, at_end=True,
         shape_check=True),
    _Cue("sig_closer", re.compile(_SIG_CLOSER, _I), 0.7, strong=True, lower_ok=True, at_end=True,
         shape_check=True),
    _Cue("last_line", re.compile(r"\n[ \t]{0,3}"), 0.6, lower_ok=True, at_end=True,
         known_first=True, shape_check=True),
)
# fmt: on


def _unlisted(word: str) -> bool:
    """A lower-case word no word list knows: after a naming cue, a name nobody listed."""
    if len(word) < 3 or not word.isalpha() or _WORDY.search(word):
        return False
    return word not in words_of("english_words", "common_words", "not_names", "org_words")


def _public_figure(text: str, start: int) -> bool:
    """Whether a public figure's name starts at `start` ("Taylor Swift", "LeBron")."""
    words = re.findall(r"[^\s,!?;:()]+", text[start : start + 60])[:3]
    figures = phrase_list("public_figures")
    return any(
        " ".join(words[:n]).lower().replace("'", "").rstrip(".") in figures
        for n in range(len(words), 0, -1)
    )


class NameDetector(Detector):
    """Names of people in a named context; see the module docstring for the cues."""

    name = "names"
    CUES: ClassVar[tuple[_Cue, ...]] = _CUES

    def detect(self, text: str) -> list[Finding]:
        spans: dict[tuple[int, int], float] = {}
        tail_start = max(0, len(text) - _TAIL)
        for cue in self.CUES:
            for match in cue.regex.finditer(text, tail_start if cue.at_end else 0):
                if cue.staff_guard and self._after_staff(text, match.start()):
                    continue
                if cue.after_relation and not self._after_relation(text, match.start()):
                    continue
                pos = match.end()
                # "HER NAME IS JUNE ABERNATHY-COLE": in a shouted cue, capitals are no acronym.
                shout = cue.strong and match.group(0).isupper()
                while True:
                    span = self._read_name(text, pos, cue, shout)
                    if span is None or STAFF_AFTER.match(text, span[1]):
                        break
                    spans[span] = max(spans.get(span, 0.0), cue.score)
                    # "my kids Jake and Emma": a strong cue carries over an "and".
                    joined = _AND.match(text, span[1]) if cue.strong and not cue.at_end else None
                    if joined is None:
                        break
                    pos = joined.end()
        # A cue says a private person is named; without one, a public figure is no patient.
        for start, end, score in name_runs(text):
            if (start, end) not in spans and _public_figure(text, start):
                continue
            spans[(start, end)] = max(spans.get((start, end), 0.0), score)
        return [Finding(PhiType.NAME, s, e, score, self.name) for (s, e), score in spans.items()]

    def _read_name(self, text: str, pos: int, cue: _Cue,
                   shout: bool = False) -> tuple[int, int] | None:
        """Span of up to three name words starting at `pos`, or None if no name is there."""
        start: int | None = None
        end = pos
        count = 0
        prev_lower = False
        for k in range(3):
            j = end
            if k > 0:
                gap = _GAP.match(text, end)
                if gap is None:
                    break
                j = gap.end()
            m = _TOKEN.match(text, j)
            if m is None:
                break
            word, w_end = m.group(0), m.end()
            possessive = len(word) > 2 and word[-2] in "'\u2019" and word[-1] in "sS"
            if possessive:
                word, w_end = word[:-2], w_end - 2
            if len(word) == 1:
                # A middle or last initial ("Mike R."), never a one-letter first word, and
                # "I"/"A" only with a period ("my son Jake I think..." is not an initial).
                dot = text[w_end : w_end + 1] == "."
                # lower case only after a lower-case name and with a period: "riley m. lmk"
                lower_initial = word.islower() and prev_lower and dot and word not in "ia"
                if k == 0 or not (word.isupper() or lower_initial) or (word in "IA" and not dot):
                    break
                w_end += 1 if dot else 0
            elif not self._accept(word, k, cue, prev_lower, shout) and not self._org_surname(
                    text, word, w_end, k, cue):
                break
            start = j if start is None else start
            end, count = w_end, count + 1
            prev_lower = word.islower()
            if possessive:
                break
        if start is None or count < cue.min_tokens:
            return None
        if cue.name == "sig_closer" and count == 1 and not self._listed(text[start:end]):
            return None  # "thank you Riverbend!" thanks a place; "- Kezia" signs off
        if self._org_follows(text, end):
            return None  # "Mercy Hospital", "Oak Street"
        if cue.at_end and re.search(r"\w", text[end : end + _TAIL]):
            return None
        return start, end

    def _accept(self, word: str, k: int, cue: _Cue, prev_lower: bool = False,
                shout: bool = False) -> bool:
        lw = word.lower().replace("\u2019", "'")
        first, surnames = word_list("first_names"), word_list("surnames")
        stop, orgs = word_list("not_names"), word_list("org_words")
        if lw in STAFF_TITLES or lw in orgs:
            return False
        if k == 0 and cue.known_first and lw not in first:
            return False
        known = lw in first or lw in surnames
        if word[0].isupper():
            if word.isupper() and not known:
                # acronyms such as DOB, MRN, ER; in shouted text, a word no list knows
                return shout and all(_unlisted(part) for part in lw.split("-"))
            if lw in stop:
                return cue.strong and known
            return known or not (cue.shape_check and _WORDY.search(lw))
        if not cue.lower_ok or lw in stop:
            return False
        if cue.unlisted_ok and _unlisted(lw) and (k == 0 or prev_lower):
            # "her name is kezia", "my son brayden", "name is deshawn pruitt"; a lower-case
            # word after a capitalised name is the sentence going on ("Chela cumple 100").
            return True
        if k == 0:
            return lw in first or (cue.surname_first and lw in surnames)
        if cue.name == "name_is" and prev_lower and len(lw) >= 3 and lw.isalpha():
            # "my name is desiree lamb": after the strongest cue, a second lower-case word is
            # the surname unless it is an everyday word that goes on with the sentence.
            return lw not in words_of("common_words", "not_names", "org_words")
        return lw in surnames

    @staticmethod
    def _listed(word: str) -> bool:
        key = word.lower().rstrip(".")
        return key in word_list("first_names") or key in word_list("surnames")

    @staticmethod
    def _org_surname(text: str, word: str, end: int, k: int, cue: _Cue) -> bool:
        """ "her name is Zoe Park": after a naming cue, a place word can be a surname when
        no further capitalised word makes it a place ("Zoe Park Clinic")."""
        if k == 0 or cue.name not in ("name_is", "patient", "relation") or not word[:1].isupper():
            return False
        if word.lower() not in word_list("org_words") or word.lower() in STAFF_TITLES:
            return False
        nxt = re.match(r"[ \t]{1,3}([^\W\d_]+)", text[end : end + 40])
        return nxt is None or not nxt.group(1)[0].isupper()

    @staticmethod
    def _org_follows(text: str, end: int) -> bool:
        gap = _GAP.match(text, end)
        nxt = _TOKEN.match(text, gap.end()) if gap else None
        if nxt is None or not nxt.group(0)[0].isupper():
            return False
        return nxt.group(0).lower() in word_list("org_words")

    @staticmethod
    def _after_relation(text: str, start: int) -> bool:
        word = _WORD_BEFORE.search(text, max(0, start - 24), start)
        if word is None:
            return False
        w = word.group(1).lower()
        return w in RELATIONS or (w.endswith("s") and w[:-1] in RELATIONS)

    @staticmethod
    def _after_staff(text: str, start: int) -> bool:
        """ "a nurse named Kelly", "the new CEO Mr. Teague": a title or role just before."""
        before = re.findall(r"[A-Za-z]+", text[max(0, start - 30) : start])
        return any(w.lower() in STAFF_TITLES or w.lower() in ROLES for w in before[-2:])
