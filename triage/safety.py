"""A deterministic backstop for crisis messages.

The classifier and its crisis score decide most emergencies, but a missed self-harm
statement is the worst error this product can make, so crisis phrases force the
emergency path whatever the model says. A phrase anywhere in a message triggers,
even when the message also mentions an awareness walk or a campaign: a post can
announce a walk and carry a goodbye.

The self-harm phrases follow the warning signs crisis-line training lists (direct
statements, farewells, feeling a burden, giving things away, having the means, a
time, past attempts, hopelessness, self-harm), in English and Spanish. They are
first-person or about a named relative on purpose: idioms such as "this wait is
killing me" or "dying to try" must not match. Matching runs on a normalised copy
(lower case, straight apostrophes, no accents), so "ya no quiero vivir" and
"ya no quiero vívir" are one phrase. The text is never stored.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from typing import Dict, Optional, Tuple

__all__ = ["Crisis", "SELF_HARM_SIGNS", "MEDICAL_SIGNS", "crisis_signal", "crisis_sign"]


class Crisis(str, enum.Enum):
    SELF_HARM = "self_harm"
    MEDICAL = "medical"


_ME = r"(?:my\s*self|myself)"
_PILLS = r"(?:pills|meds|medications?|tablets|sleeping\s+pills|painkillers|oxys?|xanax|tylenol)"
_KIN = (r"(?:kids|children|son|daughter|wife|husband|mom|mum|mother|dad|father|family|parents|"
        r"girlfriend|boyfriend|partner|sister|brother|baby|babies)")

# Each family is one warning sign; the tests hold positives and near misses per family.
SELF_HARM_SIGNS: Dict[str, Tuple[str, ...]] = {
    "direct": (
        rf"kill(?:ing)?\s+{_ME}|killmyself",
        r"end(?:ing)?\s+(?:my|it)\s+(?:life|all)|end\s+it\s+all|take\s+my\s+(?:own\s+)?life",
        rf"(?:want|wanna|going|gonna|plan(?:ning)?|ready|about)\s+(?:to\s+)?(?:die|suicide|hurt\s+{_ME})"
        r"(?!\s+of\s+(?:boredom|embarrassment|laughter|old\s+age|hunger|shame)|\s+laughing|\s+waiting)",
        r"(?:commit|committing|attempt(?:ing)?)\s+suicide|suicidal|suicide\s+(?:note|plan|letter)",
        r"(?:don'?t|do\s+not|dont)\s+want\s+to\s+(?:live|be\s+alive|exist|be\s+here\s+any\s*more|wake\s+up)",
        r"better\s+off\s+dead|(?:wish|wishing)\s+i\s+(?:was|were)\s+dead|wish\s+i\s+(?:could\s+)?(?:die|never\s+wake\s+up)",
        r"(?:hang|shoot|drown|poison)\s+" + _ME + r"|slit\s+my\s+wrists?|overdose\s+on\s+purpose",
        r"jump(?:ing)?\s+(?:off|from)\s+(?:the|a|that)\s+(?:bridge|roof|building|overpass|balcony|cliff|parking\s+garage)",
        r"(?:drive|crash|steer)\s+(?:my\s+car\s+)?into\s+(?:a|the|oncoming)\s+(?:wall|tree|traffic|truck|pole)",
        r"go\s+to\s+sleep\s+and\s+(?:never|not)\s+wake\s+up",
    ),
    "farewell": (
        r"this\s+is\s+(?:my\s+)?goodbye|(?:goodbye|bye)\s+(?:everyone|forever|world|all\s+of\s+you)",
        rf"(?:tell|let)\s+my\s+{_KIN}\s+(?:that\s+)?i\s+(?:love|loved)\s+(?:them|him|her|you)",
        r"(?:by\s+the\s+time|when)\s+(?:you|anyone|someone)\s+(?:read|reads|see|sees|find|finds)\s+this,?\s+i",
        r"won'?t\s+be\s+(?:around|here|alive)\s+(?:much\s+longer|tomorrow|anymore|any\s+more|for\s+long|by\s+morning)",
        r"(?:wrote|writing|left)\s+(?:a\s+)?(?:letters?|notes?)\s+(?:to|for)\s+(?:everyone|my\s+" + _KIN + r")",
        r"(?:sorry|apologi[sz]e)\s+for\s+(?:everything|being\s+(?:such\s+)?a\s+(?:burden|disappointment|failure))",
        r"last\s+time\s+you'?ll\s+(?:ever\s+)?hear\s+from\s+me|final\s+goodbye",
    ),
    "burden": (
        r"(?:i'?m|i\s+am|im|i\s+feel\s+like)\s+(?:such\s+|just\s+|only\s+)?a\s+burden",
        r"(?:burden\s+(?:to|on)\s+(?:everyone|my\s+" + _KIN + r"))",
        r"(?:be\s+)?better\s+off\s+without\s+me|(?:no\s*one|nobody|no\s+one)\s+(?:would|will|'?d)\s+(?:miss|notice|care)",
        r"(?:everyone|they|my\s+" + _KIN + r")\s+(?:would|will|'?d)\s+be\s+(?:happier|better)\s+(?:if\s+i|without)",
    ),
    "giving_away": (
        r"giv(?:e|ing)\s+(?:away\s+)?(?:all\s+)?my\s+(?:stuff|things|belongings|possessions)\s*(?:away)?",
        r"(?:won'?t|will\s+not|wont)\s+(?:need|be\s+needing)\s+(?:it|them|this|these|any\s+of\s+(?:it|this)|my\s+\w+)\s+where\s+i'?m\s+going",
        r"who\s+wants\s+my\s+(?:stuff|things|clothes|belongings)",
        r"(?:take|look\s+after|take\s+care\s+of)\s+my\s+(?:dog|cat|pets?|kids)\s+(?:for\s+me\s+)?when\s+i'?m\s+gone",
        r"(?:made|wrote|updated|finished)\s+(?:out\s+)?my\s+will\s+(?:and|so)",
    ),
    "means": (
        rf"(?:saved|saving|stockpil(?:ed|ing)|hoard(?:ed|ing)|collected)\s+(?:up\s+)?(?:all\s+)?(?:my|a\s+bunch\s+of|enough|these)?\s*{_PILLS}",
        rf"(?:take|took|taking|swallow(?:ed)?)\s+(?:all|every\s+one)\s+(?:of\s+)?(?:my|the|these)\s+{_PILLS}",
        rf"enough\s+{_PILLS}\s+to|{_PILLS}\s+(?:are\s+)?(?:in\s+my\s+hand|lined\s+up|counted\s+out)",
        r"(?:bought|got|have|loaded|cleaned)\s+(?:a|the|my\s+dad'?s|my)\s+(?:gun|rope|noose)\s+(?:is\s+)?(?:ready|loaded|tonight|for\s+(?:this|tonight|later))",
        r"(?:the\s+)?(?:rope|noose)\s+(?:is\s+)?(?:ready|tied|up)|tied\s+a\s+noose|gun\s+(?:is\s+)?(?:loaded|in\s+my\s+(?:hand|lap|mouth))",
        r"(?:car|engine)\s+(?:running\s+)?in\s+the\s+(?:closed\s+)?garage",
    ),
    "time_and_plan": (
        r"i\s+have\s+a\s+plan(?!\s+(?:with|through|from|called|b\b|that|which|under|on|via|by|for\s+(?:my|the|our)))|(?:made|making)\s+a\s+plan\s+to\s+(?:end|die|kill)",
        r"(?:tonight|after\s+my\s+shift|when\s+everyone'?s\s+asleep|this\s+weekend)\s+(?:is\s+the\s+night|i'?m\s+(?:doing|ending)\s+it|i\s+(?:end|finish)\s+it)",
        r"(?:doing|ending)\s+it\s+(?:tonight|after\s+my\s+shift|when\s+everyone'?s\s+asleep|this\s+weekend)",
    ),
    "past_attempt": (
        rf"(?:tried|attempted)\s+(?:to\s+)?(?:kill|hurt|end)\s+(?:{_ME}|my\s+life|it)",
        r"suicide\s+attempt|attempt(?:ed|s)?\s+(?:on|at)\s+my\s+(?:own\s+)?life|(?:since|after|before)\s+my\s+(?:last\s+)?attempt\b(?!\s+(?:to|at))",
        r"(?:survived|after)\s+(?:an?\s+)?(?:overdose|od)\s+(?:last|this)\s+(?:year|month|week)",
    ),
    "hopeless": (
        r"(?:can'?t|cannot|cant)\s+go\s+on(?:\s+(?:like\s+this|anymore|any\s+more|living))?(?!\s+(?:hold|a\b|the\b|with|to\b|vacation|break|my\s+lunch))",
        r"(?:no|nothing)\s+(?:reason|point)\s+(?:to|in)\s+(?:live|living|going\s+on|being\s+here|staying)|nothing\s+(?:left\s+)?to\s+live\s+for",
        r"end\s+(?:things|everything)(?!\s+(?:at|with\s+(?:the|this|your)|on\s+time))",
        r"(?:can'?t|cannot)\s+see\s+a\s+way\s+out|no\s+way\s+out\s+(?:but|except|other\s+than)|(?:tired|exhausted)\s+of\s+(?:living|being\s+alive|existing)",
        r"(?:want|wanna)\s+(?:it\s+all\s+)?to\s+(?:end|stop)\s+(?:forever|for\s+good|permanently)|disappear\s+forever",
    ),
    "self_harm": (
        rf"cut(?:ting)?\s+{_ME}|hurt(?:ing)?\s+{_ME}|self[\s-]?harm(?:ing|ed)?\s+(?:again|tonight|now)|burn(?:ing)?\s+{_ME}",
        r"(?:started|relapsed\s+(?:on|into)|back\s+to)\s+cutting|cutting\s+again|razor\s+blades?\s+(?:again|in\s+my)",
    ),
    "spanish": (
        r"(?:quiero|voy\s+a|pienso|planeo|me\s+voy\s+a)\s+(?:matarme|suicidarme|morirme|quitarme\s+la\s+vida|cortarme|colgarme|tirarme)",
        r"me\s+quiero\s+(?:morir|matar)|(?:ya\s+)?no\s+quiero\s+(?:vivir|seguir\s+viviendo|estar\s+aqui|despertar)",
        r"quitarme\s+la\s+vida|suicid(?:arme|a\b)|(?:todos|mi\s+familia)\s+(?:estarian|estaria)\s+mejor\s+sin\s+mi",
        r"soy\s+una\s+carga|no\s+(?:vale|tiene)\s+(?:la\s+pena|sentido)\s+(?:vivir|seguir)|nada\s+por\s+(?:lo\s+)?que\s+vivir",
        r"(?:tomar(?:me)?|tome|me\s+tome)\s+todas\s+(?:las|mis)\s+pastillas|adios\s+a\s+todos|esta\s+es\s+mi\s+despedida",
        r"me\s+(?:estoy\s+)?cortando|me\s+corte\s+(?:otra\s+vez|de\s+nuevo)",
    ),
}

MEDICAL_SIGNS: Dict[str, Tuple[str, ...]] = {
    "breathing": (
        r"(?:can'?t|cannot|can\s+not|not|isn'?t|is\s+not|stopped|barely|struggling\s+to)\s+breath(?:e|ing)",
        r"turning\s+(?:blue|purple|gray|grey)|lips\s+(?:are\s+)?(?:blue|turning)",
        r"throat\s+(?:is\s+)?(?:closing|swelling)",
        r"(?:is\s+)?chok(?:ing|ed)\s+(?:on|and)\s+(?:a|his|her|something)",
    ),
    "collapse": (
        r"(?:is|she'?s|he'?s|they'?re)\s+unconscious|(?:he|she|they|mom|dad|baby|son|daughter|husband|wife|friend|someone|somebody|man|woman|guy|lady|kid|child)\s*(?:'s|is|are|'re|was)?\s+(?:unconscious|unresponsive)|passed\s+out\s+and\s+(?:won'?t|isn'?t|not|can'?t)",
        r"(?:won'?t|will\s+not|isn'?t|not)\s+(?:wake|waking)\s+up|collapsed\s+(?:in|on|at|outside|and)",
        r"no\s+(?:pulse|heartbeat)|(?:doing|started|start)\s+cpr",
    ),
    "acute": (
        r"(?:having|had)\s+(?:a\s+)?(?:heart\s+attack|stroke|seizure)\s+(?:right\s+)?now",
        r"seizure\s+(?:won'?t|that\s+won'?t|is\s+not|isn'?t)\s+stop|seizing\s+(?:for|and)",
        r"overdos(?:e|ed|ing)\s+(?:right\s+)?now|(?:just|has|have|i\s+think\s+\w+)\s+overdosed",
        r"(?:won'?t|will\s+not|can'?t)\s+stop\s+(?:the\s+)?bleeding|blood\s+everywhere",
        r"face\s+(?:is\s+)?drooping|(?:suddenly|started)\s+slurring",
        r"(?:baby|head)\s+is\s+coming\s+(?:out|now)|water\s+broke\s+and",
    ),
    "spanish": (
        r"no\s+(?:respira|puede\s+respirar)|(?:esta|sigue)\s+convulsionando|(?:le\s+)?(?:esta\s+)?dando\s+una\s+convulsion",
        r"(?:esta|quedo)\s+inconsciente|no\s+(?:despierta|reacciona)\b|se\s+(?:esta\s+)?ahogando",
        r"(?:se\s+esta|se)\s+desangrando|no\s+para\s+de\s+sangrar|(?:tuvo|le\s+dio|una)\s+sobredosis|se\s+tomo\s+un\s+frasco",
        r"se\s+puso\s+(?:morado|azul)|labios\s+morados",
    ),
}


def _compile(families: Dict[str, Tuple[str, ...]]) -> Dict[str, "re.Pattern[str]"]:
    return {name: re.compile(r"\b(?:" + "|".join(parts) + r")", re.IGNORECASE)
            for name, parts in families.items()}


_SELF_HARM = _compile(SELF_HARM_SIGNS)
_MEDICAL = _compile(MEDICAL_SIGNS)
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})


def _normalise(text: str) -> str:
    """Lower case, straight apostrophes, accents removed, whitespace collapsed."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.lower().split())


def crisis_sign(text: str) -> Optional[Tuple[Crisis, str]]:
    """(kind, warning-sign family) of the first crisis phrase, or None.

    Self-harm is checked first: a message with both gets the 988 template, which also
    names 911."""
    plain = _normalise(text)
    for kind, families in ((Crisis.SELF_HARM, _SELF_HARM), (Crisis.MEDICAL, _MEDICAL)):
        for name, pattern in families.items():
            if pattern.search(plain):
                return kind, name
    return None


def crisis_signal(text: str) -> Optional[Crisis]:
    """SELF_HARM, MEDICAL or None for a message's text (the text is never stored)."""
    found = crisis_sign(text)
    return found[0] if found else None
