"""Geographic units smaller than a state, as Safe Harbor lists them: street addresses (house
number + street + suffix, unit, city/state/ZIP; "5520 N Kedzie"; "calle Benito Juarez 118"),
PO boxes and rural routes ("Route 2 Box 19", "41088 Hwy 92"), units alone ("apt 12B", "lot
12"), ZIPs given as such or after a town, named residences ("the Hollister Park apartments"),
and the town someone lives in or comes from ("we live out in elmwood", "colonia Santa
Cecilia", "... apt 2 in millbrook").

A street named without a house number ("the Main Street entrance") is a public landmark and
is left alone, and so is the organisation's own address (`_context`).
"""

from __future__ import annotations

import re
from typing import ClassVar

from triage.phi.detectors._lexicon import STATE_ABBR as _STATE_ABBR
from triage.phi.detectors._lexicon import STATE_NAME as _STATE_NAME
from triage.phi.detectors._lexicon import word_list, words_of
from triage.phi.detectors.base import Pattern, PatternDetector
from triage.phi.findings import PhiType

__all__ = ["AddressDetector"]

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
    r"(?:,?[ \t]{1,3}(?:apartamento|apartment|apto|apt|unit|suite|ste|fl|floor|bldg|building|rm|room|#)\b\.?"
    r"[ \t]{0,3}#?[ \t]{0,2}[A-Za-z0-9-]{1,8}\b)?"
)
_CITY_WORD = r"(?-i:(?:St\.[ \t]?)?[A-Z][A-Za-z'-]{1,25})"  # no trailing period, as above
_TAIL = (
    r"(?:,[ \t]{0,3}" + _CITY_WORD + r"(?:[ \t]{1,3}" + _CITY_WORD + r"){0,2})?"
    r"(?:,?[ \t]{1,3}(?:(?-i:" + _STATE_ABBR + r")|" + _STATE_NAME + r")\b)?"
    r"(?:,?[ \t]{1,3}\d{5}(?:-\d{4})?\b)?"
)
_AT_HOME = re.compile(
    r"\b(?:live[sd]?|living|out[ \t]on|we'?re[ \t]on|i'?m[ \t](?:at|on)|our[ \t](?:place|farm|house)"
    r"|my[ \t](?:place|farm|house)|at[ \t](?:the[ \t])?(?:farm|ranch|house))\b[ \t]{0,3}(?:on[ \t]|at[ \t])?$",
    re.IGNORECASE,
)
_STREET_END = re.compile(
    r"(?i:\b(?:st|ave|rd|blvd|dr|ln|ct|way|pkwy|street|avenue|road|drive|lane|court|place)\.?"
    r"|\b(?:apt|unit|apto|ste|suite|lot|space)\.?[ \t]{0,2}#?[ \t]{0,2}\w{1,6})$"
)
_STATE_NAMES = re.compile(r"^(?:" + _STATE_NAME + r")$", re.IGNORECASE)
_STREET = re.compile(
    r"(?<![\d$.,/#-])\d{1,6}[A-Za-z]?[ \t]{1,3}(?:" + _WORD + r"[ \t]{1,3}){1,4}?"
    + _SUFFIX
    + r"(?:[ \t]{1,2}(?:st|street|ave|avenue|rd|road|dr|drive|ln|lane)\b\.?)?"  # "W Court St"
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
# "apt 12B", "Unit 12", "apto 3B", "int 4B": a unit number on its own.
_UNIT_ALONE = re.compile(
    r"(?<![A-Za-z])(?:apartamento|apartment|apto|apt|unit|interior|int|departamento|depto"
    r"|(?<!parking )lot|space|trailer)\b\.?"
    r"[ \t]{0,2}#?[ \t]{0,2}(?P<v>\d{1,5}[A-Za-z]?|[A-Za-z]-?\d{1,4})(?![A-Za-z0-9]|/\d)",
    re.IGNORECASE,
)
# "5520 N Kedzie": a house number and a direction make a street without a suffix.
_NUMBER_DIRECTION = re.compile(
    r"(?<![\d$.,/#-])\d{2,6}[ \t]{1,2}(?:[NSEW]\.?|North|South|East|West)[ \t]{1,2}"
    r"[A-Z][a-z]{2,20}(?:[ \t][A-Z][a-z]{2,20})?\b"
)
# "calle Benito Juarez 118", "Av. Reforma #220", "calle 5 #23-45".
_CALLE = re.compile(
    r"(?<![A-Za-z])(?i:calle|c/|avenida|av\.|avda\.?|privada|priv\.|callej[oó]n|camino|carretera"
    r"|paseo|circuito|andador|cerrada|boulevard|blvd\.?)[ \t]{1,2}"
    r"(?:(?:[A-ZÁÉÍÓÚÑ][\wáéíóúñ.]{1,20}|de|del|la|las|los)[ \t]{1,2}){1,4}(?:#[ \t]?|n[oº°]\.?[ \t]?)?\d{1,5}"
    r"(?:-\d{1,4})?\b"
    r"|(?<![A-Za-z])(?i:calle|carrera|cra\.?|diagonal|transversal)[ \t]{1,2}\d{1,3}[A-Za-z]?[ \t]{0,2}#[ \t]{0,2}"
    r"\d{1,3}[A-Za-z]?-\d{1,3}"
)
# A ZIP after a Mexican "CP" or a comma right after an address.
_CP = re.compile(r"(?<![A-Za-z])(?i:c\.?p\.?|c[oó]digo[ \t]postal)[ \t]{0,2}:?[ \t]{0,2}(?P<v>\d{5})(?!\d)")
_STATE_ZIP = re.compile(
    r"(?<![A-Za-z])(?:" + _STATE_ABBR + r")[ \t]{1,2}(?P<v>\d{5}(?:-\d{4})?)(?![\d-])"
)
# "in Mission 78572", "Houston TX 77098": a town right before a ZIP (and state), next to an address.
_TOWN_ZIP = re.compile(
    r"(?<![\w-])(?P<v>(?-i:[A-Z][a-z]{2,20}(?:[ \t][A-Z][a-z]{2,20})?))(?=,?[ \t]{1,2}"
    r"(?:(?-i:" + _STATE_ABBR + r")[ \t]{1,2})?\d{5}(?!\d))"
)
_TOWN_ZIP_VALUE = re.compile(
    r"(?<=[A-Za-z])(?:,?[ \t]{1,2}(?-i:" + _STATE_ABBR + r"))?[ \t]{1,2}(?P<v>\d{5})(?!\d|[,.-]\d)"
)
_COMMA_ZIP = re.compile(r"(?<=,)[ \t]{0,2}(?P<v>\d{5})(?!\d|[,.-]\d)")
_ADDRESS_BEFORE = re.compile(
    r"(?i:\b(?:st|ave|rd|blvd|dr|ln|ct|way|pkwy|hwy|street|avenue|road|drive|lane|apt|unit|apto"
    r"|now|en|in|calle|box|route|hwy|live|lives|living|vivo|vivimos)\b)"
)
# Where someone lives or comes from: "we live out in elmwood", "driving in from Elmhurst",
# "vivo por la colonia del Valle", "colonia Santa Cecilia".
_PLACE_SUFFIX = (
    r"(?:heights|park|hills|valley|village|springs|ville|wood|woods|ton|field|fields|ford|burg"
    r"|port|dale|land|view|side|brook|crest|grove|haven|mont|boro|borough|town|city|ridge|glen)"
)
_PLACE = (
    r"(?P<v>(?:(?:del?|la|las|los|el|san|santa)[ \t])?(?-i:[A-ZÁÉÍÓÚÑ][a-záéíóúñ]{2,20}"
    r"(?:[ \t][A-ZÁÉÍÓÚÑ][a-záéíóúñ]{2,20}){0,2})"
    r"|[a-z]{2,20}" + _PLACE_SUFFIX + r"(?:[ \t]" + _PLACE_SUFFIX + r")?"
    r"|[a-z]{3,20}[ \t]" + _PLACE_SUFFIX + r")(?![\w])"
)
_LIVES_IN = re.compile(
    r"(?<![A-Za-z])(?:(?:live[sd]?|living|reside[sd]?|vivo|vive|vivimos|viven|family|familia"
    r"|pick(?:ed)?[ \t]{1,2}(?:me|us|him|her|them)[ \t]{1,2}up"
    r"|driving|drive|drives|coming|drove|came|moved)(?:[ \t]{1,2}(?:out|over|up|down|in|now|here|all\s+the\s+way"
    r"|by|with|alone|(?:him|her|them|my)sel(?:f|ves)|on\s+(?:his|her|their|my)\s+own|me|us|him|her|them"
    r")){0,3}"
    r"[ \t]{1,2}(?:(?:in|from|en|de|por|near|by|outside(?:\s+of)?|to|cerca\s+de)(?:[ \t]{1,2}la[ \t]{1,2}colonia)?"
    r"|(?=(?-i:[A-Z])))"
    r"|(?:we'?re|we[ \t]are|i'?m|i[ \t]am|they'?re|they[ \t]are|she'?s|he'?s)"
    r"(?:[ \t]{1,2}(?:out|up|down|over))?[ \t]{1,2}in(?=[ \t]{1,2}(?-i:[A-Z]))"
    r"|(?:apartment|house|home|trailer|farm|place|condo)[ \t]{1,2}(?:in|on)(?=[ \t]{1,2}(?-i:[A-Z]))"
    r"|colonia|col\.|barrio|fraccionamiento|fracc\.|urbanizaci[oó]n|reparto|vereda"
    r"|neighbou?rhood|subdivision)[ \t]{1,2}" + _PLACE,
    re.IGNORECASE,
)
# Rural addresses: "41088 Hwy 92", "Route 2 Box 19", "RR 3 Box 12", "county road 14".
_RURAL = re.compile(
    r"(?<![\w$.,/#-])(?:\d{1,6}[ \t]{1,2})?(?:county[ \t]r(?:oa)?d\.?|co\.?[ \t]?rd\.?|state[ \t]route|rural[ \t]route"
    r"|farm[ \t]road|ranch[ \t]road|route|rte\.?|rr|hwy|highway|cr|fm)[ \t]{0,2}#?[ \t]{0,2}\d{1,4}"
    r"(?:[ \t]{1,2}box[ \t]{1,2}\d{1,5}\b" + _TAIL + r")?\b",
    re.IGNORECASE,
)
# "the Hollister Park apartments": a named place where people live.
_COMPLEX = re.compile(
    r"(?<![\w-])(?P<v>(?-i:[A-Z][a-z'\u2019]{2,20}(?:[ \t][A-Z][a-z'\u2019]{2,20}){0,2}))[ \t]{1,2}"
    r"(?:apartments|apts|condos|townhomes|townhouses|estates|manor|residences|mobile[ \t]home[ \t]park"
    r"|trailer[ \t](?:park|court)|mobile[ \t]home[ \t]court|senior[ \t](?:living|apartments)|assisted[ \t]living|co-?op|projects)\b",
    re.IGNORECASE,
)
# "we're at delaney towers rm 9B", "our floor in pryor hall": a residence hall, with its room.
_DORM = re.compile(
    r"(?<![\w-])(?P<hall>[A-Za-z][a-z'\u2019]{2,20}(?:[ \t][A-Za-z][a-z'\u2019]{2,20})?)[ \t]{1,2}"
    r"(?:hall|towers?|dorms?|commons|residence\s+hall)(?:[ \t]{1,2}(?:rm\.?|room|#)?[ \t]{0,2}\d{1,4}[A-Za-z]?)?\b",
    re.IGNORECASE,
)
_LIVING_BEFORE = re.compile(
    r"\b(?:live|lives|living|stay|stays|staying|dorm|dorms|room|roommate|floor|moved\s+into"
    r"|(?:we'?re|we\s+are|i'?m|im|i\s+am|she'?s|she\s+is|he'?s|he\s+is)\s+(?:at|in))\b[^.!?\n]{0,20}$",
    re.IGNORECASE,
)
# Words that go on with the sentence, not with a two-word town ("in gainesville and i...").
_CLAUSE_WORDS = (
    r"(?:and|or|but|so|bc|because|if|when|with|for|to|the|at|on|is|was|are|were|we|i|he|she"
    r"|they|please|pls)"
)
_BEING_IN = re.compile(
    r"(?:'re|[ \t]are|'m|\bim|[ \t]am|'s|\b(?:apartment|house|home|trailer|farm|place|condo))\b",
    re.IGNORECASE,
)
# "4471 kessler rd apt 2 in millbrook": the town named right after an address.
_IN_TOWN = re.compile(
    r"(?<=[\w.])[ \t]{1,2}(?:in|en)[ \t]{1,2}(?P<v>[A-Za-z][a-z'\u2019]{2,20}(?:[ \t](?!" + _CLAUSE_WORDS + r"\b)[A-Za-z][a-z]{2,20})?)(?![\w])"
)
# Not places of residence: states, countries, languages, institutions, times.
_NOT_PLACE = frozenset(
    """english spanish french chinese arabic polish portuguese america usa mexico méxico canada
    guatemala honduras salvador cuba colombia venezuela peru perú ecuador haiti china india
    africa europe asia puerto rico dominican republic república dominicana philippines
    vietnam korea japan nigeria ghana somalia ethiopia ukraine russia poland italy ireland
    town city country state area downtown work school church home hospital clinic there here
    the er icu monday tuesday wednesday thursday friday saturday sunday january february march
    april may june july august september october november december english tagalog vietnamese
    korean russian ukrainian haitian creole somali amharic hindi urdu farsi""".split()
)
# "123 Oak Dr" is a street; "2 different Dr Patel" is not; "900 Hillside Dr Apt C" is.
_UNIT_WORDS = frozenset("apt apartment unit suite ste bldg building lot space trailer".split())
_DR_NAME = re.compile(r"\.?[ \t]{1,3}[A-Z][a-z]")


class AddressDetector(PatternDetector):
    name = "address"
    PUBLIC_CONTACT = True
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("street", _STREET, PhiType.ADDRESS, 0.75),
        Pattern("po_box", _PO_BOX, PhiType.ADDRESS, 0.85),
        Pattern("zip_cue", _ZIP_CUE, PhiType.ADDRESS, 0.8),
        Pattern("city_line", _CITY_LINE, PhiType.ADDRESS, 0.7),
        Pattern("unit", _UNIT_ALONE, PhiType.ADDRESS, 0.7),
        Pattern("number_direction", _NUMBER_DIRECTION, PhiType.ADDRESS, 0.7),
        Pattern("calle", _CALLE, PhiType.ADDRESS, 0.75),
        Pattern("cp", _CP, PhiType.ADDRESS, 0.8),
        Pattern("state_zip", _STATE_ZIP, PhiType.ADDRESS, 0.75),
        Pattern("comma_zip", _COMMA_ZIP, PhiType.ADDRESS, 0.6),
        Pattern("town_zip", _TOWN_ZIP, PhiType.ADDRESS, 0.6),
        Pattern("town_zip_value", _TOWN_ZIP_VALUE, PhiType.ADDRESS, 0.6),
        Pattern("lives_in", _LIVES_IN, PhiType.ADDRESS, 0.6),
        Pattern("complex", _COMPLEX, PhiType.ADDRESS, 0.6),
        Pattern("rural", _RURAL, PhiType.ADDRESS, 0.65),
        Pattern("in_town", _IN_TOWN, PhiType.ADDRESS, 0.55),
        Pattern("dorm", _DORM, PhiType.ADDRESS, 0.6),
    )

    def validate_result(self, text: str, match: re.Match[str], pattern: Pattern) -> bool:
        if pattern.name in ("comma_zip", "town_zip", "town_zip_value"):
            return bool(_ADDRESS_BEFORE.search(text, max(0, match.start() - 50), match.start()))
        if pattern.name == "in_town":
            # Only right after a street or a unit, and not an ordinary word ("in the back").
            if not _STREET_END.search(text, max(0, match.start() - 40), match.start()):
                return False
            value = match.group("v")
            words = value.lower().split()
            # "in Traverse City" is a town, "in town" is not
            if words[0] in _NOT_PLACE or value.lower() in _NOT_PLACE or _STATE_NAMES.search(value):
                return False
            # A lower-case word may be anything ("in the back"); a capitalised one may be a
            # town even if it is a word ("Cedar Hollow").
            common = words_of("common_words", "not_names")
            return value[0].isupper() or not set(words) & common
        if pattern.name == "rural":
            # A house number or a box makes it a home; a bare "Route 66" or "hwy 92" is
            # directions unless someone says they are there.
            value = match.group(0)
            if re.match(r"\d", value) or re.search(r"box", value, re.IGNORECASE):
                return True
            return bool(_AT_HOME.search(text, max(0, match.start() - 30), match.start()))
        if pattern.name == "dorm":
            words = match.group("hall").lower().split()
            if set(words) & words_of("common_words", "not_names") or set(words) & _NOT_PLACE:
                return False
            return bool(_LIVING_BEFORE.search(text, max(0, match.start() - 40), match.start()))
        if pattern.name == "complex":
            return match.group("v").lower() not in word_list("common_words")
        if pattern.name == "lives_in":
            words = match.group("v").lower().split()
            if set(words) & _NOT_PLACE or _STATE_NAMES.search(match.group("v")):
                return False
            # "we're in Labor and Delivery", "I'm in Room 4": being somewhere is weaker than
            # living there, so an everyday word is no town after it.
            cue = text[match.start() : match.start("v")]
            everyday = words_of("not_names", "english_words")
            return not (_BEING_IN.search(cue) and words[0] in everyday)
        if pattern.name != "street":
            return True
        suffix = match.group("suffix").lower().rstrip(".")
        if suffix != "dr":
            return True
        after = _DR_NAME.match(text, match.end("suffix"))
        if after is None:
            return True
        # "89 Hillcrest Dr. Her daughter..." ends a sentence; "2 different Dr Patel" names one.
        word = re.match(r"[A-Za-z]+", text[after.end() - 2 :])
        everyday = words_of("common_words", "not_names")
        return word is not None and word.group(0).lower() in everyday | _UNIT_WORDS
