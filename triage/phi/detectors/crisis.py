"""First-person crisis statements: an overdose, self-harm, a plan or a wish to die ("took
the whole bottle", "i have the pills lined up", "i want to die", "se quiere matar").

They are health details by themselves: each phrase already says who it is about, so no
personal word is needed nearby, and the case's redacted text must hide them. Event and
awareness wording ("suicide prevention walk") holds none of these phrases.
"""

from __future__ import annotations

import re
from typing import ClassVar

from triage.phi.detectors.base import Pattern, PatternDetector
from triage.phi.findings import PhiType

__all__ = ["CrisisDetector"]

# "they want to kill themselves" is how a general question is put; it is left to `health`.
_SELF = r"(?:myself|himself|herself|ourselves)"
_PILLS = (
    r"(?:pills?|tablets?|meds|medicine|medication|bottle|capsules?|everything|something|"
    r"sleeping\s+pills|tylenol|advil|ambien|xanax|oxy\w*|insulin|\w+(?:done|pam|zine|lol|pril))"
)
# fmt: off
PHRASES: tuple[str, ...] = (
    r"(?:want|wanna|wants|wanted|going|gonna|ready|deserve)\s+to\s+die",
    r"wish\s+i\s+(?:was|were)\s+dead", r"(?:i'?d|i\s+would)\s+be\s+better\s+off\s+dead",
    r"(?:kill|killing|hurt|hurting|cut|cutting|harm|harming|hang|hanging|shoot|shooting|drown|off|burn|burning"
    r"|starve|starving)\s+" + _SELF,
    r"(?:been\s+)?cutting\s+(?:again|my\s+(?:arms?|legs?|wrists?|thighs?))",
    r"end(?:ing)?\s+(?:my|his|her|their)\s+life", r"end\s+it(?:\s+all)?(?=\W|$)",
    r"take\s+my\s+(?:own\s+)?life", r"(?:no|any)\s+reason\s+to\s+(?:live|keep\s+going)",
    r"(?:can'?t|cannot)\s+(?:go\s+on|do\s+this\s+anymore|keep\s+going)",
    r"better\s+off\s+without\s+(?:me|her|him|us)", r"giv(?:ing|e|en)\s+away\s+(?:my|her|his)\s+\w+",
    r"(?:going|gonna|about)\s+to\s+jump", r"(?:gun|rifle|pistol|shotgun)\s+is\s+in\s+the\s+\w+",
    r"(?:won'?t|wont|will\s+not)\s+be\s+needing", r"ya\s+no\s+aguanto", r"se\s+corta",
    r"after\s+the\s+pills", r"nobody\s+would\s+(?:notice|care|miss\s+me)",
    r"(?:won'?t|will\s+not|wont)\s+be\s+(?:around|here|alive)", r"sleep\s+forever",
    r"not\s+wake\s+up", r"never\s+wake\s+up",
    r"(?:don'?t|dont|do\s+not)\s+think\s+i\s+(?:want|wanna)\s+(?:to\s+)?be\s+(?:here|around|alive)",
    r"(?:don'?t|dont|do\s+not|doesn'?t|doesnt|does\s+not|didn'?t|didnt)\s+(?:think\s+i'?m\s+(?:gonna|going\s+to)"
    r"|wanna|want\s+to)\s+be\s+(?:here|around|alive)",
    # a plan, an attempt, counted pills, pill slang, purging, an eating disorder's return
    r"(?:has|have|had|got|made)\s+a\s+(?:real\s+|whole\s+|specific\s+)?plan(?=\s*(?:[.,!?;:)]|$|\s+(?:and\b"
    r"|to\s+(?:do\s+it|end|kill|die|hurt|go\s+through)|for\s+(?:how|when|tonight|it))))",
    r"(?:my|her|his|their)\s+(?:last\s+|first\s+|second\s+|previous\s+|suicide\s+)?attempt(?!\s+(?:at|to)\b)",
    r"(?:took|taken|swallowed|popped|had|ate)\s+(?:like\s+|about\s+|maybe\s+|over\s+|around\s+)?"
    r"(?:\d+|a\s+few|a\s+couple|several|two|three|four|five|six|seven|eight|nine|ten)\s+(?:of\s+)?"
    r"(?:them|those|these|em|'em)",
    r"(?:took|taken|taking|popped|popping|had)\s+['\"\u2018\u201c]?(?:a\s+couple(?:\s+of)?|a\s+few|some|two|three"
    r"|\d+)\s+(?:bars|xans|percs|addys|tabs)",
    r"(?:making|make|made)\s+(?:myself|herself|himself)\s+(?:throw\s+up|puke|sick|vomit)",
    r"(?:my|her|his)\s+ed(?=\s+(?:is|was|has|came|got|again|relapse|recovery|program|therapist|team|treatment))",
    r"(?:goodbye|suicide)\s+(?:note|letter)s?",
    r"(?:written|wrote|writing)\s+(?:(?:the|my|a|some)\s+)?(?:letters?|notes?|goodbyes?)(?:\s+to\s+\w+)?",
    r"(?<=\bi\s)cut\s+(?:again|deep|deeper|tonight)",
    r"(?:can'?t|cannot|cant)\s+stop\s+(?:cutting|hurting\s+myself|burning\s+myself|drinking|using)",
    r"(?:took|take|taken|taking|swallowed|downed|popped|ate|had)\s+(?:the\s+rest\s+of\s+|all\s+(?:of\s+)?|"
    r"a\s+(?:whole\s+)?(?:bunch|handful|lot)\s+of\s+|the\s+whole\s+|like\s+\d+\s+|\d+\s+(?:of\s+)?|"
    r"every\s+|both\s+)?(?:(?:my|his|her|the|these|those|mom'?s|moms|dad'?s|dads)\s+)?(?:\w+\s+)?" + _PILLS,
    r"(?:pills|meds)\s+(?:are\s+)?(?:lined\s+up|ready|counted|saved|in\s+front\s+of\s+me)",
    r"saving\s+up\s+(?:my\s+)?\w+", r"(?:have|got|bought|holding)\s+(?:a|my|the|his|her)\s+(?:gun|rope|knife|razor|pistol|rifle|shotgun)",
    r"has\s+(?:a|his|her)\s+(?:gun|pistol|rifle|shotgun)(?=\s+(?:in|with|on|out|and|loaded))",
    r"rope\s+in\s+the\s+\w+", r"spot\s+picked\s+out", r"(?:jump|jumping)\s+(?:off|from|in\s+front)",
    r"driv(?:e|ing)\s+(?:into|off)\s+(?:the|a)\s+\w+", r"overdos(?:ed|ing)", r"o\.?d'?(?:ed|d|ing)\b",
    r"thoughts\s+of\s+(?:hurting|killing|harming|suicide|dying)",
    # Spanish
    r"(?:me\s+)?quiero\s+morir(?:me)?", r"(?:me|se)\s+quiere\s+(?:matar|morir)",
    r"quitar(?:me|se)\s+la\s+vida", r"matar(?:me|se)", r"suicidar(?:me|se)",
    r"no\s+quiero\s+(?:vivir|seguir|despertar)",
    r"(?:me\s+)?tom[eé]\s+(?:todas\s+)?(?:las|mis)\s+pastillas", r"se\s+tom[oó]\s+(?:todas\s+)?(?:las|sus)\s+pastillas",
    r"me\s+cort[eé]", r"se\s+cort[oó]",
)
# fmt: on
_PHRASE = re.compile(r"(?<![^\W_])(?:" + "|".join(PHRASES) + r")(?![^\W_])", re.IGNORECASE)


class CrisisDetector(PatternDetector):
    name = "crisis"
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (Pattern("phrase", _PHRASE, PhiType.HEALTH, 0.7),)
