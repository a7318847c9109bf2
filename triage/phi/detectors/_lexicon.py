"""Word lists shared by the name and health detectors.

The larger lists live in ``data/*.txt`` and are read on first use (never at import time).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

__all__ = ["DIGIT_WORDS", "RELATIONS", "RELATION_PATTERN", "STAFF_TITLES", "STATE_ABBR", "STATE_NAME", "phrase_list",
           "word_list", "words_of"]

_DATA_DIR = Path(__file__).resolve().parent / "data"

# People a writer talks about; a health term or a name next to one is about a real person.
RELATIONS: frozenset[str] = frozenset(
    """son daughter kid kids child children baby boy girl toddler infant newborn teen teenager
    twin twins mom mother mum mommy mama dad father daddy papa husband wife hubby spouse
    partner fiance fiancee boyfriend girlfriend bf gf brother sister sibling grandma
    grandmother granny nana grandpa grandfather grandson granddaughter grandchild grandkid
    aunt auntie uncle niece nephew cousin friend neighbor neighbour roommate stepson
    stepdaughter stepmom stepmother stepdad stepfather parent parents family
    mamá mami papá papi hijo hija hijos hijas esposo esposa marido abuela abuelo abuelita
    abuelito hermano hermana tío tía tio tia novio novia bebé niño niña suegra suegro primo
    prima sobrino sobrina nieto nieta madre padre cuñado cuñada amigo amiga vecino vecina
    bisabuela bisabuelo caregiver godmother godfather godson goddaughter stepsister stepbrother
    grandbaby coworker bff bestie mamaw papaw pawpaw meemaw lola lolo madrina padrino comadre
    compadre avó avô""".split()
)
# Longest first so that "grandmother" is tried before "grand..." prefixes of it.
RELATION_PATTERN = (
    r"(?:(?:mother|father|son|daughter|brother|sister)[- ]in[- ]law|"
    + "|".join(sorted(RELATIONS, key=len, reverse=True))
    + r")"
)
# A name right after one of these belongs to staff, who are not patient identifiers.
STAFF_TITLES: frozenset[str] = frozenset(
    """dr doctor doc nurse np pa rn lpn md do prof professor surgeon therapist pharmacist
    midwife dentist pediatrician physician provider dra enfermero enfermera enfermeros
    enfermeras doctora doctores""".split()
)


# Digits read out, English and Spanish (split and spelled numbers, spelled SSNs).
DIGIT_WORDS: tuple[str, ...] = tuple(
    """zero oh one two three four five six seven eight nine cero uno dos tres cuatro cinco seis
    siete ocho nueve""".split()
)
# US state and territory abbreviations, as an alternation (addresses, licence plates).
STATE_ABBR = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH"
    "|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|PR"
)

STATE_NAME = (
    "Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia"
    "|Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts"
    "|Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada|New Hampshire|New Jersey"
    "|New Mexico|New York|North Carolina|North Dakota|Ohio|Oklahoma|Oregon|Pennsylvania"
    "|Rhode Island|South Carolina|South Dakota|Tennessee|Texas|Utah|Vermont|Virginia|Washington"
    "|West Virginia|Wisconsin|Wyoming"
)


@cache
def phrase_list(name: str) -> frozenset[str]:
    """Lower-cased lines of ``data/<name>.txt`` (one phrase each), apostrophes dropped."""
    text = (_DATA_DIR / f"{name}.txt").read_text(encoding="utf-8")
    lines = (line.strip().lower() for line in text.splitlines() if not line.startswith("#"))
    return frozenset(" ".join(line.replace("'", "").split()) for line in lines if line)


@cache
def words_of(*names: str) -> frozenset[str]:
    """The union of several ``data/<name>.txt`` lists, built once (the lists are large)."""
    return frozenset().union(*(word_list(name) for name in names))


@cache
def word_list(name: str) -> frozenset[str]:
    """Lower-cased words of ``data/<name>.txt``; ``#`` starts a comment line."""
    text = (_DATA_DIR / f"{name}.txt").read_text(encoding="utf-8")
    lines = (line for line in text.splitlines() if not line.startswith("#"))
    return frozenset(word.lower() for line in lines for word in line.split())
