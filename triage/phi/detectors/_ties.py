"""Is a span about a person? The clause around it is read for personal words.

Health details and dates are PHI only when they are about someone: "my dad's surgery",
"she was seen on 3/14", not "do you offer flu shots?" or "the fair is on 10/12". `Clauses`
indexes a text's clause ends and personal words once, so each span is cheap to check:
the nearest personal word before the span in its clause decides (I, my, she, my son, a
listed first name tie it; "you"/"your" nearest means a question about the hospital); with
none, a verb of having ("Mr. Smith has cancer") or a first-person word later in the clause
("Fever since Monday, I...") ties it.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import lru_cache

from triage.phi.detectors._lexicon import RELATIONS, STAFF_TITLES, word_list

__all__ = ["Clauses", "clauses_of"]

# With no pronoun in the clause, a verb of having still ties the term to a person.
_HAVING = re.compile(
    r"\b(?:has|had|got|gets|getting|diagnosed\s{1,3}with|suffer(?:s|ing|ed)?\s{1,3}from"
    r"|recovering\s{1,3}from|tested\s{1,3}positive\s{1,3}for|needs|needed)\s{1,3}"
    r"(?:(?:a|an|the|some|bad|severe|mild|high|low|stage\s{1,3}\d|\d{2,3}(?:\.\d)?)\s{1,3}){0,2}$"
    # a form's field ("Reason for visit: kidney stones") or "brought in ... with chest pain"
    r"|\b(?:reason\s{1,3}for\s{1,3}(?:visit|call|appointment)|diagnosis|dx|symptoms?|complaint"
    r"|condition|meds|medications?|medicamentos|rx|allergies|alergias|motivo(?:\s{1,3}de\s{1,3}"
    r"(?:la\s{1,3})?consulta)?)\s{0,2}[:=-]\s{0,3}$"
    r"|\b(?:termin[oó]|lleg[oó]|ingres[oó]|estuvo|sali[oó]|vino|internad[oa])\b[^.!?\n]{0,40}\bcon\s{1,3}$"
    r"|\b(?:brought|came|come|went|rushed|admitted|taken|showed\s{1,3}up|seen|sat|waited|treated)\b"
    r"[^.!?\n]{0,40}(?:\bwith|\bw/?|\bfor)\s{1,3}"
    r"(?:(?:a|an|severe|bad|terrible)\s{1,3})?$",
    re.IGNORECASE,
)
_WORDS = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)?")
# Clause ends. A period after an abbreviation or initial ("Dr.", "St.", "ext.", "R.") does
# not end one: such periods sit inside spans that redaction replaces, and the verdict
# must not change when the text is scanned again after redaction.
_BOUNDARY = re.compile(r"[!?;\n]|\.(?=\s|$)")
_ABBREVIATION = re.compile(
    r"(?:\b(?:[a-z]|mrs?|ms|mx|dr|st|jr|sr|ext|apt|ste|ave?|rd|blvd|ln|ct|pl|ter|pkwy|hwy|cir"
    r"|trl|sq|plz|hts|tpke|expy|fwy|bldg|rm|fl|no|vs|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov"
    r"|dec)|\.[a-z])$",
    re.IGNORECASE,
)
# Asking about a topic is not having it: "can i read about", "i want to learn more about".
_ABOUT = re.compile(
    r"\b(?:read|learn|know|hear|find\s+out|info(?:rmation)?|questions?|ask(?:ing)?|reading)\s+"
    r"(?:(?:more|something|a\s+bit)\s+)?(?:about|on|regarding|re)\b",
    re.IGNORECASE,
)
_LIST_OF_MEDS = re.compile(
    r"\b(?:med(?:ication)?s?\s+list|discharge\s+(?:papers|summary|instructions|list)|after[\s-]visit\s+summary"
    r"|lista\s+de\s+medicamentos)\b",
    re.IGNORECASE,
)
_IN_GENERAL = re.compile(
    r"\b(?:in\s+general|general\s+question|generally\s+speaking|hypothetical(?:ly)?|just\s+curious"
    r"|asking\s+for\s+(?:a|our|the)\s+(?:friend|newsletter|class|group|training)|en\s+general)\b",
    re.IGNORECASE,
)
_TOPIC_BEFORE = re.compile(
    r"\b(?:training|class|talk|workshop|seminar|presentation|charla|taller|webinar)\s+"
    r"(?:about|on|sobre|de)\s+(?:(?:the|el|la|los|las)\s+)?$|\bsobre\s+(?:el|la|los|las)\s+$",
    re.IGNORECASE,
)
_QUESTION = re.compile(
    r"\W*(?:what|how|can|could|does|do|is|are|should|when|where|why|which|who|will|would|qu[eé]|c[oó]mo"
    r"|cu[aá]ndo|d[oó]nde|puede|pueden|es)\b",
    re.IGNORECASE,
)
_WINDOW = 120  # how far a clause may reach either side of a term

_BLOCK, _FIRST, _OTHER = "block", "first", "other"  # kinds of personal words
_FIRST_PERSON = frozenset(
    """i im i'm i've ive i'd i'll me my mine myself we we're we've our ours us
    yo mi mis tengo estoy conmigo nosotros nuestra nuestro""".split()
)
_THIRD_PERSON = (
    frozenset(
        """he he's hes his him himself she she's shes her hers herself
        client clients patient pt resident siya niya ko ako
        él ella su sus le se tiene está mamá mama papá papi mami hijo hija hijos esposo
        esposa abuela abuelo abuelita abuelito hermano hermana tío tía tio tia novio novia
        bebé niño niña suegra suegro primo prima sobrino sobrina nieto nieta""".split()
    )
    | RELATIONS
)
_PLACE_WORDS = frozenset(
    """urgent er ed hospital clinic clinics staff nurses doctors team website portal pharmacy
    hospice icu nicu emergency office lab radiology cancer maternity unit floor cafeteria
    front desk billing app trauma cath burn labor delivery cardiac cardiology oncology psych
    psychiatric pediatric peds neuro surgical rehab dialysis infusion imaging inpatient outpatient
    residential detox behavioral health program programs track recovery adolescent geri
    geriatric eating ptsd va monitoring womens women's mens men's intake""".split()
)
_PLURAL_RELATIONS = frozenset(
    "kids children babies parents families teens toddlers moms dads caregivers friends neighbors"
    " cousins coworkers".split()
)
_POINTING = frozenset("my our his her their your mis sus nuestros the these those both".split())
_GENERIC = frozenset("a an any some every each another un una cualquier".split())
_SECOND_PERSON = frozenset("you your you're yours yourself y'all yall u ur usted ustedes".split())


class Clauses:
    """Clause ends and personal words of one text, indexed once so each term is cheap."""

    def __init__(self, text: str) -> None:
        self.text = text
        found = _LIST_OF_MEDS.search(text)
        self.med_list_at = found.start() if found else None
        self.cut_starts: list[int] = []
        self.cut_ends: list[int] = []
        for m in _BOUNDARY.finditer(text):
            if m.group(0) == "." and _ABBREVIATION.search(text, max(0, m.start() - 6), m.start()):
                continue
            self.cut_starts.append(m.start())
            self.cut_ends.append(m.end())
        self.word_pos: list[int] = []
        self.word_kind: list[str] = []
        previous: list[str] = []  # the last three words
        matches = list(_WORDS.finditer(text))
        for index, m in enumerate(matches):
            word = m.group(0).lower().replace("\u2019", "'")
            base = word[:-2] if word.endswith("'s") else word
            if base.endswith("s") and base[:-1] in RELATIONS:
                base = base[:-1]  # "ur dads bypass", "my moms meds"
            kind = self._kind(base)
            if kind == _OTHER and word in RELATIONS and _GENERIC.intersection(previous):
                kind = None  # "for a 50 lb kid in general" is anybody's kid
            if kind == _OTHER and word in _PLURAL_RELATIONS and not _POINTING.intersection(previous):
                kind = None  # "is it safe for kids to take...": kids in general
            if kind == _BLOCK and index + 1 < len(matches):
                after = matches[index + 1].group(0).lower()
                if after in _PLACE_WORDS:
                    kind = None  # "ur urgent care", "your ER": the hospital, not the reader
            if kind == _OTHER and previous and previous[-1] in STAFF_TITLES:
                kind = None  # "Dr. Anthony Fauci", "nurse Patti": staff, not a patient
            previous = [*previous[-2:], word]
            if kind:
                self.word_pos.append(m.start())
                self.word_kind.append(kind)

    @staticmethod
    def _kind(word: str) -> str | None:
        if word in _SECOND_PERSON:
            return _BLOCK
        if word in _FIRST_PERSON:
            return _FIRST
        if word in _THIRD_PERSON:
            return _OTHER
        # A listed first name is a person too ("is kevin still in surgery").
        if word in word_list("first_names") and word not in word_list("common_words"):
            return _OTHER
        return None

    def tied(self, start: int, end: int, symptom: bool = False) -> bool:
        """Whether the term at ``[start, end)`` is about the writer or a person they name.

        A `symptom` in a statement with no personal word at all is the writer's: people
        drop the pronoun ("chest been tight since amarillo", "been pukin all morning"),
        while a question about a symptom ("what are signs of a stroke?") is general."""
        i = bisect_right(self.cut_ends, start) - 1
        lo = max(start - _WINDOW, self.cut_ends[i] if i >= 0 else 0)
        if self.med_list_at is not None and self.med_list_at < start:
            return True  # the lines of a pasted medication list or discharge summary
        if _IN_GENERAL.search(self.text, lo, min(len(self.text), end + _WINDOW)):
            return False  # "asking in general", "hypothetically"
        if _TOPIC_BEFORE.search(self.text, max(lo, start - 24), start):
            return False  # "the talk about fentanyl", "charla sobre el fentanilo"
        k = bisect_left(self.word_pos, start) - 1
        if k >= 0 and self.word_pos[k] >= lo:
            if _ABOUT.search(self.text, self.word_pos[k], start):
                return False  # "where can i read about the RSV vaccine"
            return self.word_kind[k] != _BLOCK
        if _HAVING.search(self.text, lo, start):
            return True
        j = bisect_left(self.cut_starts, end)
        hi = min(end + _WINDOW, self.cut_starts[j] if j < len(self.cut_starts) else len(self.text))
        # Forward, only a first-person word ties; "they" or "he" later may be anyone.
        later = range(bisect_left(self.word_pos, end), len(self.word_pos))
        if symptom and not any(self.word_pos[k] < hi for k in later) and not self._question(lo, hi):
            return True
        for k in later:
            if self.word_pos[k] >= hi or self.word_kind[k] == _BLOCK:
                return False
            if self.word_kind[k] == _FIRST:
                return True
        return False

    def _question(self, lo: int, hi: int) -> bool:
        clause = self.text[lo:hi]
        return "?" in self.text[hi : hi + 1] or "?" in clause or bool(_QUESTION.match(clause))

    def person_near(self, start: int, end: int) -> bool:
        """Whether a first- or third-person word (not "you") is in the clause of
        ``[start, end)``, before or after it: dates need only that much."""
        i = bisect_right(self.cut_ends, start) - 1
        lo = max(start - _WINDOW, self.cut_ends[i] if i >= 0 else 0)
        j = bisect_left(self.cut_starts, end)
        hi = min(end + _WINDOW, self.cut_starts[j] if j < len(self.cut_starts) else len(self.text))
        a, b = bisect_left(self.word_pos, lo), bisect_left(self.word_pos, hi)
        return any(kind != _BLOCK for kind in self.word_kind[a:b])


@lru_cache(maxsize=4)
def clauses_of(text: str) -> Clauses:
    """The `Clauses` of `text`, built once for the health and date detectors alike (a
    registry runs both on the same text, one after the other)."""
    return Clauses(text)
