"""Names with no cue word: runs of capitalised name-like words, scanned token by token.

"Call Emeka Adeyemi at ...", "Rosalind Quarterman free followers" and "Please help Maria
Lopez" name a person although no relation word or "my name is" comes first. This scan
reports, anywhere in the text:

* two to four consecutive capitalised words that are not common words ("Thank You",
  "Happy Birthday", "Great Job Team", months, weekdays, states; ``common_words.txt`` and
  ``not_names.txt``). A run that holds an institution word ("Riverside Community Hospital",
  ``org_words.txt``) is refused whole, and so is a run right after a staff title or role
  ("Dr Sam Patel", "nurse Kelly Smith"). A common word that is also a listed name
  ("Will", "Grace", "Virginia") may take part only next to a word that is not common;
* one capitalised word right before a strong identifier ("Emeka, MRN ...", "Maria DOB
  3/4/1950", "Maria at (555) 201-3344");
* a lower-case listed first name followed by a listed surname ("call maria lopez");
* a listed first name standing alone ("is kevin still in surgery", "tell Ines"), unless
  thanks or a role make it staff's ("Thank you Sarah", "Sarah from billing"), and one
  joined by "and" to a full name ("Jacob and Sarah Stoltzfus");
* record and signature shapes: "Pierce, Anthony L", "HOLLIS, BEVERLY J", "Bernice A.
  Holloway", "C. Achebe-Lowe", "the whole Abernathy family", "... next of kin. Monique";
* a short run of another script in a Latin-script message ("mi suegra 黄柳").

Tokens are read with one bounded regex and grouped in a single left-to-right pass, so
the cost stays linear in the text length.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from triage.phi.detectors._lexicon import RELATIONS, STAFF_TITLES, word_list, words_of

__all__ = ["ROLES", "STAFF_AFTER", "name_runs"]

_TOKEN = re.compile(r"[^\W\d_]{1,40}(?:['\u2019-][^\W\d_]{1,40}){0,2}")
_GAP = re.compile(r"[ \t]{1,3}")
_WORDY = re.compile(
    r"(?:ing|ed|ly|ful|ous|ive|able|ible|less|ness|ment|tion|sion|ish|ity|ance|ence|ism|ist"
    r"|ology|ies|ward|wise|ical)$"
)
_CONTRACTION = re.compile(r"['\u2019](?:t|re|ve|ll|d|m)$", re.IGNORECASE)
# A strong identifier right after a single word: "Emeka, MRN", "Maria DOB", "Maria at 555...".
_ID_AFTER = re.compile(
    r"[ \t]{0,3}[,:;(-]?[ \t]{0,3}(?:(?:mrn|dob|d\.o\.b|date[ \t]{1,3}of[ \t]{1,3}birth"
    r"|birth[ \t]?date|ssn|social[ \t]{1,3}security|member[ \t]{1,3}(?:id|#|number)"
    r"|patient[ \t]{1,3}(?:id|#|number)|acct|account[ \t]{1,3}(?:#|no|number)"
    r"|medical[ \t]{1,3}record)\b"
    r"|(?:at[ \t]{1,3}|on[ \t]{1,3})?\(?\d{3}\)?[ .-]{0,2}\d{3}[ .-]\d{4})",
    re.IGNORECASE,
)
# Roles whose holder is staff; a name right after one is not a patient's.
ROLES = frozenset(
    """practitioner technician tech chaplain coordinator manager director supervisor
    receptionist ceo president representative rep officer volunteer doula anesthesiologist
    cardiologist oncologist radiologist surgeon nurse dr doctor mayor governor senator
    congressman congresswoman councilman councilwoman councilmember judge sheriff president
    reverend rev pastor coach principal""".split()
)
_STAFF_AND_ROLES = STAFF_TITLES | ROLES
_MAX_UNKNOWN_RUN = 4  # a longer capitalised run with no known name is a Title Case line

# Token classes.
_STRONG, _WEAK, _ORG, _STAFF, _OTHER = "strong", "weak", "org", "staff", "other"


@dataclass(frozen=True)
class _Tok:
    start: int
    end: int
    cap: bool  # starts with a capital letter
    kind: str  # class of a capitalised token, see above
    known: bool  # a listed first name or surname
    first: bool  # a listed first name (lower case or not)
    surname: bool
    common: bool
    stop: bool  # a function word or relation ("will", "son"), never a lower-case surname
    gap_after: bool  # only spaces/tabs separate it from the next token
    possessive: bool


def name_runs(text: str) -> Iterator[tuple[int, int, float]]:
    """Spans ``(start, end, score)`` of names found without a cue word."""
    toks = list(_tokens(text))
    yield from _capitalised(text, toks)
    yield from _lower_case(text, toks)
    yield from _lone_first_names(text, toks)
    yield from _joined_first_names(text, toks)
    yield from _initials(text)
    yield from _other_script(text)


# "Bernice A. Holloway", "Dorothy M. Kowalczyk": a middle initial inside a full name.
_MIDDLE_INITIAL = re.compile(
    r"(?<![\w'])(?-i:[A-Z][a-z'\u2019-]{1,20})[ \t](?-i:[A-Z])\.?[ \t](?-i:[A-Z][a-z'\u2019-]{1,25})(?![\w'])"
)
# A signature of an initial and a surname at the very end: "Thank you kindly, R. Ellsworth".
_INITIAL_SIGNATURE = re.compile(
    r"(?:^|[\n,.!:]|\|)[ \t]{0,3}(?P<v>(?-i:[A-Z])\.[ \t]?(?-i:[A-Z][a-z'\u2019-]{2,25}))[ \t.!]*$"
)


# "KEISHA M DAWSON" on a pasted card; "Mensah, K." as a record lists a person.
_CAPS_INITIAL = re.compile(r"(?<![\w'])(?-i:[A-Z]{2,20})[ \t](?-i:[A-Z])\.?[ \t](?-i:[A-Z]{2,25})(?![\w'])")
# "name on the card is L. Marchetti": an initial and a surname after "name ... is".
_NAME_IS_INITIAL = re.compile(
    r"\b(?:name|nombre)\b[^.\n]{0,25}?\b(?:is|es|:)[ \t]{1,3}"
    r"(?P<v>(?-i:[A-Z])\.[ \t]?(?-i:[A-Z][a-z'\u2019-]{2,25}))",
    re.IGNORECASE,
)
_SURNAME_FIRST = re.compile(
    r"(?<![\w])(?-i:[A-Z][a-z'\u2019-]{2,25}),[ \t]?(?P<first>(?-i:[A-Z][a-z]{1,20}))(?:[ \t](?-i:[A-Z])\b\.?)?"
)
# "HOLLIS, BEVERLY J", "OSEI, KWAME": a record's name in capitals.
_CAPS_SURNAME_FIRST = re.compile(
    r"(?<![\w])(?-i:[A-Z][A-Z'-]{1,25}),[ \t]?(?P<first>(?-i:[A-Z]{2,20}))(?:[ \t](?-i:[A-Z])\b\.?)?"
)
# "the whole Abernathy family", "la familia Reyes": a surname naming a family.
_FAMILY = re.compile(
    r"\b(?:the|la|los)[ \t]{1,2}(?:whole[ \t]{1,2}|entire[ \t]{1,2})?(?P<v>(?-i:[A-Z][a-z'\u2019-]{2,25}))[ \t]{1,2}famil(?:y|ies)\b"
    r"|\bfamilia[ \t]{1,2}(?P<w>(?-i:[A-Z][a-z'\u2019-]{2,25}))",
    re.IGNORECASE,
)
# "C. Achebe-Lowe": an initial and a double-barrelled surname.
_INITIAL_DOUBLE = re.compile(r"(?<![\w])(?-i:[A-Z])\.[ \t]?(?-i:[A-Z][a-z'\u2019]{1,20}-[A-Z][a-z'\u2019]{1,20})")
_SURNAME_INITIAL = re.compile(r"(?<![\w'])(?-i:[A-Z][a-z'\u2019-]{2,25}),[ \t]?(?-i:[A-Z])\.(?=\s|$)")


# "... i'm his next of kin. Shauna": one capitalised word signing off the message.
_END_SIGNATURE = re.compile(
    r"(?:[.!?\u2026]|\n)[ \t]{0,3}(?:[-\u2013\u2014~][ \t]{0,2})?(?P<v>(?-i:[A-Z][a-z'\u2019]{2,20}))[ \t.!]*$"
)


_TITLE_DOT = re.compile(r"\b(?:dr|mr|mrs|ms|mx|st|prof|sr|sra|dra)\.$", re.IGNORECASE)


def _initials(text: str) -> Iterator[tuple[int, int, float]]:
    common = words_of("common_words", "not_names", "org_words")
    for m in _CAPS_INITIAL.finditer(text):
        if m.group(0).split()[0].lower() in word_list("first_names"):
            yield m.start(), m.end(), 0.6
    for m in _FAMILY.finditer(text):
        group = "v" if m.group("v") else "w"
        if m.group(group).lower() not in common:
            yield m.start(group), m.end(group), 0.55
    for m in _CAPS_SURNAME_FIRST.finditer(text):
        if m.group("first").lower() in word_list("first_names"):
            yield m.start(), m.end(), 0.55
    for m in _INITIAL_DOUBLE.finditer(text):
        yield m.start(), m.end(), 0.55
    for m in _NAME_IS_INITIAL.finditer(text):
        yield m.start("v"), m.end("v"), 0.6
    for m in _SURNAME_FIRST.finditer(text):
        surname = m.group(0).split(",")[0].lower()
        # The listed first name makes it a person; the surname may be a word ("Pierce").
        not_surname = words_of("not_names", "org_words") | _STAFF_AND_ROLES
        if surname in word_list("common_words") and surname not in word_list("first_names"):
            continue  # "Thanks, Maria", "Hello, Ana"
        if m.group("first").lower() in word_list("first_names") and surname not in not_surname:
            yield m.start(), m.end(), 0.55
    for m in _SURNAME_INITIAL.finditer(text):
        if m.group(0).split(",")[0].lower() not in common:
            yield m.start(), m.end(), 0.55
    for m in _MIDDLE_INITIAL.finditer(text):
        first, last = m.group(0).split()[0], m.group(0).split()[-1]
        if first.lower() not in common and last.lower() not in common:
            yield m.start(), m.end(), 0.6
    end = _END_SIGNATURE.search(text, max(0, len(text) - 40))
    if (end and end.group("v").lower() in word_list("first_names")
            and end.group("v").lower() not in common | RELATIONS
            and not _TITLE_DOT.search(text, max(0, end.start() - 6), end.start() + 1)):
        yield end.start("v"), end.end("v"), 0.55
    sig = _INITIAL_SIGNATURE.search(text, max(0, len(text) - 60))
    if sig and sig.group("v").split()[-1].split(".")[-1].lower() not in common:
        yield sig.start("v"), sig.end("v"), 0.6


# Thanks and shout-outs name staff: "Thank you Sarah and Tom", "shoutout to Kev", "gracias a Lupita".
_THANKS_BEFORE = re.compile(
    r"\b(?:thank(?:s|\s+you)?|thx|ty|shout\s?-?outs?(?:\s+to)?|kudos(?:\s+to)?|props\s+to"
    r"|gracias(?:\s+a)?|bless)"
    r"(?:[ \t,]{1,3}(?:&|[^\W\d_]+)){0,3}[ \t,]{1,3}$",
    re.IGNORECASE,
)
# A role or desk right after a name: "Sarah from billing", "Kev at the front desk", ", our nurse".
STAFF_AFTER = re.compile(
    r"[ \t]{0,2},?[ \t]{0,2}(?:(?:the|our|my|his|her|a)[ \t]{1,2})?(?:nurse|doctor|receptionist|tech"
    r"|therapist|aide|cna|rn|np|pa|doc|surgeon|midwife|chaplain|volunteer|social\s+worker"
    r"|enfermer[oa]|doctora?)\b"
    r"|[ \t]{1,2}(?:from|at|in|de|en)[ \t]{1,2}(?:the[ \t]{1,2}|la[ \t]{1,2})?(?:front\s+desk|billing"
    r"|registration|records|admissions|reception|scheduling|patient\s+accounts|recepci[oó]n"
    r"|facturaci[oó]n|caja)\b",
    re.IGNORECASE,
)


def _lone_first_names(text: str, toks: list[_Tok]) -> Iterator[tuple[int, int, float]]:
    """A listed first name standing alone ("is kevin still in surgery", "tell Ines hi"),
    unless thanks or a role make it staff's. Longer runs are the scans above."""
    for i, tok in enumerate(toks):
        if not tok.first or tok.common or tok.stop or _staff_before(text, toks, i):
            continue
        if _next_to_capital(toks, i) or any(t.kind == _STAFF for t in toks[max(0, i - 3) : i]):
            continue  # runs are the scan above's; "a nurse named Kelly" is staff
        word = text[tok.start : tok.end]
        if word.isupper() and len(word) < 3:
            continue
        if _THANKS_BEFORE.search(text, max(0, tok.start - 40), tok.start):
            continue
        if STAFF_AFTER.match(text, tok.end):
            continue
        end = tok.end
        nxt = toks[i + 1] if i + 1 < len(toks) and tok.gap_after else None
        # "jolene kirkpatrick-vance", "margaret o'sullivan": a compound surname follows.
        if nxt is not None and not nxt.cap and not nxt.common and (
            nxt.surname or any(c in text[nxt.start : nxt.end] for c in "-'\u2019")
        ):
            end = nxt.end
        yield tok.start, end, 0.5


def _joined_first_names(text: str, toks: list[_Tok]) -> Iterator[tuple[int, int, float]]:
    """ "Jacob and Sarah Stoltzfus", "Frank & Irene Dombrowski": a capitalised listed first
    name joined by "and" to a full name is a person too, even if it is also a word."""
    for i in range(len(toks) - 2):
        tok = toks[i]
        # "and" is a token of its own; "&" is not.
        k = i + 2 if toks[i + 1].end - toks[i + 1].start == 3 and not toks[i + 1].cap else i + 1
        if k + 1 >= len(toks):
            continue
        a, b = toks[k], toks[k + 1]
        if not (tok.cap and tok.first and a.cap and a.first and b.cap and a.gap_after):
            continue
        if b.kind not in (_STRONG, _WEAK) or _staff_before(text, toks, i):
            continue
        if re.fullmatch(r"[ \t]{1,3}(?:and|&|y)[ \t]{1,3}", text[tok.end : a.start], re.IGNORECASE):
            yield tok.start, tok.end, 0.55


def _next_to_capital(toks: list[_Tok], i: int) -> bool:
    """True when a name-like capitalised word is next to ``toks[i]`` (a run to scan whole);
    "JOSE PLEASE CALL ME" has only common words around the name."""
    names = (_STRONG, _WEAK, _ORG)
    before = i > 0 and toks[i - 1].gap_after and toks[i - 1].cap and toks[i - 1].kind in names
    after = (toks[i].gap_after and i + 1 < len(toks) and toks[i + 1].cap
             and toks[i + 1].kind in names)
    return toks[i].cap and (before or after)


_OTHER_SCRIPTS = re.compile(
    "[\u0400-\u04ff\u0590-\u05ff\u0600-\u06ff\u0900-\u097f\u3040-\u30ff\u4e00-\u9fff"
    "\uac00-\ud7af]{2,12}(?:[ \t][\u0400-\u04ff\u0590-\u05ff\u0600-\u06ff\u0900-\u097f"
    "\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]{1,12})*"
)
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")


def _other_script(text: str) -> Iterator[tuple[int, int, float]]:
    """A short run of another script inside a Latin-script message is nearly always a
    name written the way its owner writes it ("mi suegra 黄柳", "Samira (سميرة حداد)")."""
    runs = list(_OTHER_SCRIPTS.finditer(text))
    if not runs:
        return
    other = sum(m.end() - m.start() for m in runs)
    if len(_LATIN.findall(text)) < 4 * other:
        return  # a message in that script: its words are not names as such
    for m in runs:
        words = m.group(0).split()
        # A name is a word or two, short in CJK and Hangul; a longer run is a sentence.
        cjk = any("\u3040" <= ch <= "\ud7af" for ch in m.group(0))
        if len(words) > 2 or (cjk and any(len(w) > 4 for w in words)):
            continue
        if len(runs) > 2:
            return  # several runs: a passage in that script, not names in an English text
        yield m.start(), m.end(), 0.5


def _key(word: str) -> str:
    return word.lower().replace("\u2019", "").replace("'", "")


@cache
def _stops() -> frozenset[str]:
    return word_list("not_names") | RELATIONS


@cache
def _common() -> frozenset[str]:
    return word_list("common_words") | _stops()


def _tokens(text: str) -> Iterator[_Tok]:
    first, surnames = word_list("first_names"), word_list("surnames")
    stops, common = _stops(), _common()
    orgs = word_list("org_words")
    for m in _TOKEN.finditer(text):
        start, end, word = m.start(), m.end(), m.group(0)
        possessive = len(word) > 2 and word[-2] in "'\u2019" and word[-1] in "sS"
        if possessive:
            word, end = word[:-2], end - 2
        key = _key(word)
        parts = [p for p in re.split(r"[-'\u2019]", word.lower()) if p]
        is_first = key in first
        is_sur = key in surnames or (len(parts) > 1 and all(p in surnames for p in parts))
        known = is_first or is_sur
        is_common = key in common or any(p in common and p not in first for p in parts[1:])
        cap = word[0].isupper()
        kind = _OTHER
        if key in STAFF_TITLES or key in ROLES:
            kind = _STAFF
        elif cap and (key in orgs or any(p in orgs for p in parts)):
            kind = _ORG
        elif cap and _name_shaped(word, known):
            if not is_common:
                kind = _STRONG
            elif known:
                kind = _WEAK
        gap = _GAP.match(text, m.end())
        gap_after = not possessive and gap is not None and _TOKEN.match(text, gap.end()) is not None
        yield _Tok(start, end, cap, kind, known, is_first, is_sur, is_common, key in stops,
                   gap_after, possessive)


def _name_shaped(word: str, known: bool) -> bool:
    if len(word) < 2 or _CONTRACTION.search(word):
        return False
    if word.isupper():
        return known  # "MARIA LOPEZ" yes, acronyms such as "ER", "MRN", "ICU" no
    return known or not _WORDY.search(word.lower())


def _staff_before(text: str, toks: list[_Tok], i: int) -> bool:
    """True when the token right before ``toks[i]`` is a staff title or role."""
    if i == 0:
        return False
    prev = toks[i - 1]
    between = text[prev.end : toks[i].start]
    if text[prev.start : prev.end].lower() in _WORD_TITLES and not text[prev.start : prev.end].isupper():
        return False  # "what should we do. Jacob": "do" is a verb unless written "DO"
    return prev.kind == _STAFF and len(between) <= 3 and not between.strip(" \t.")


# Titles that are also everyday words count only in capitals ("DO", "PA").
_WORD_TITLES = frozenset({"do", "pa", "doc", "rev"})


def _capitalised(text: str, toks: list[_Tok]) -> Iterator[tuple[int, int, float]]:
    i = 0
    while i < len(toks):
        if not toks[i].cap:
            i += 1
            continue
        j = i  # the maximal run toks[i..j] of capitalised words joined by plain spaces
        while j + 1 < len(toks) and toks[j].gap_after and toks[j + 1].cap:
            j += 1
        run = toks[i : j + 1]
        if not any(t.kind == _ORG for t in run):
            yield from _segments(text, toks, i, j)
        i = j + 1


def _segments(text: str, toks: list[_Tok], i: int, j: int) -> Iterator[tuple[int, int, float]]:
    run_len = j - i + 1
    k = i
    while k <= j:
        if toks[k].kind not in (_STRONG, _WEAK):
            k += 1
            continue
        e = k
        while e + 1 <= j and toks[e + 1].kind in (_STRONG, _WEAK):
            e += 1
        # A listed first name carries a surname our lists lack, even a word-shaped one
        # ("Walter Henning", "Ana Fielding").
        while (
            toks[k].first and e + 1 <= j and toks[e].gap_after and not toks[e + 1].common
            and toks[e + 1].kind == _OTHER and e - k < 2
            and not text[toks[e + 1].start : toks[e + 1].end].isupper()
        ):
            e += 1
        seg = toks[k : e + 1]
        span = _accept_segment(text, toks, k, e, seg, run_len)
        if span is not None:
            yield span
        k = e + 1


def _accept_segment(
    text: str, toks: list[_Tok], k: int, e: int, seg: list[_Tok], run_len: int
) -> tuple[int, int, float] | None:
    if _staff_before(text, toks, k):
        return None
    # "Maria lopez": a lower-case listed surname may close a name that starts with a first name.
    while (
        seg[0].first and len(seg) < 3 and e + 1 < len(toks) and toks[e].gap_after
        and not toks[e + 1].cap and toks[e + 1].surname and not toks[e + 1].stop
    ):
        e += 1
        seg = [*seg, toks[e]]
    start, end = seg[0].start, seg[-1].end
    if len(seg) == 1:
        tok = seg[0]
        if _ID_AFTER.match(text, end):
            return start, end, 0.7
        return None
    # A word-shaped surname carried by a listed first name ("Ray Lindqvist") counts as strong.
    strong = [t for t in seg if t.kind in (_STRONG, _OTHER)]
    if not strong or len(seg) > 4:
        return None
    if any(t.known for t in seg):
        return start, end, 0.7
    if run_len > _MAX_UNKNOWN_RUN:
        return None
    return start, end, 0.55


def _lower_case(text: str, toks: list[_Tok]) -> Iterator[tuple[int, int, float]]:
    """Listed first name, optional second first name, listed surname(s): "jose luis garcia"."""
    i = 0
    while i < len(toks):
        tok = toks[i]
        if tok.cap or not tok.first or tok.common or _staff_before(text, toks, i):
            i += 1
            continue
        if _ID_AFTER.match(text, tok.end):
            yield tok.start, tok.end, 0.6  # "maria dob 3/4/1950"
            i += 1
            continue
        k = i  # toks[i..k] is the name read so far
        if _lower_next(toks, k) and toks[k + 1].first and not toks[k + 1].common:
            if _lower_next(toks, k + 1) and toks[k + 2].surname and not toks[k + 2].stop:
                k += 1  # a second given name, only when a surname follows it
        while k - i < 2 and _lower_next(toks, k) and toks[k + 1].surname and not toks[k + 1].stop:
            k += 1
        if k > i:
            yield tok.start, toks[k].end, 0.6
        i = k + 1


def _lower_next(toks: list[_Tok], k: int) -> bool:
    """True when a lower-case token follows ``toks[k]`` after plain spaces."""
    return toks[k].gap_after and k + 1 < len(toks) and not toks[k + 1].cap
