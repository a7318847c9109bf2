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
        r"end\s+it\s+(?:soon|tonight|today|now|for\s+good|this\s+(?:week|weekend))|(?<![\d.])(?<!\d\s)kms\b(?!\s+(?:walk|run|away|from|to|of|per))",
        r"make\s+sure\s+i\s+(?:don'?t|never|won'?t)\s+wake\s+up",
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
        r"this\s+is\s+(?:my\s+)?goodbye|goodbye\s+(?:everyone|forever|world|all\s+of\s+you)|bye\s+forever",
        rf"(?:tell|let)\s+my\s+{_KIN}\s+(?:that\s+)?i\s+(?:love|loved)\s+(?:them|him|her|you)",
        r"(?:by\s+the\s+time|when)\s+(?:you|anyone|someone)\s+(?:read|reads|see|sees|find|finds)\s+this,?\s+i",
        r"won'?t\s+be\s+(?:around|here|alive)\s+(?:much\s+longer|tomorrow|anymore|any\s+more|for\s+long|by\s+morning)",
        r"(?:wrote|writing|left)\s+(?:a\s+)?(?:letters?|notes?)\s+(?:to|for)\s+(?:everyone|my\s+" + _KIN + r")",
        r"(?:wrote|written|sealed|finished)\s+(?:all\s+)?my\s+(?:goodbye\s+|last\s+|final\s+)?letters|goodbye\s+(?:letters?|notes?)|suicide\s+(?:note|letter)",
        r"(?:posted|texted|sent|left\s+(?:us\s+)?)\s*(?:a\s+)?(?:goodbye|farewell)\b|saying\s+goodbye\s+to\s+everyone",
        r"(?:sorry|apologi[sz]e)\s+for\s+(?:everything|being\s+(?:such\s+)?a\s+(?:burden|disappointment|failure))",
        r"last\s+time\s+you'?ll\s+(?:ever\s+)?hear\s+from\s+me|final\s+goodbye",
    ),
    "burden": (
        r"(?:i'?m|i\s+am|im|i\s+feel\s+like)\s+(?:such\s+|just\s+|only\s+)?a\s+burden",
        r"(?:burden\s+(?:to|on)\s+(?:everyone|my\s+" + _KIN + r"))",
        r"(?:be\s+)?better\s+off\s+without\s+me|(?:no\s*one|nobody|no\s+one)\s+(?:would|will|'?d)\s+(?:miss|notice|care)",
        r"(?:everyone|everybody|the\s+world|they|she|he|my\s+" + _KIN + r")\s+(?:would|will|'?d)\s+be\s+(?:happier|better)\s+(?:off\s+)?(?:if\s+i|without|with\s+(?:a\s+)?(?:different|another|new)\b)",
        r"just\s+taking\s+up\s+space|(?:waste|wasting)\s+of\s+(?:space|oxygen|air)",
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
        r"(?:car|engine)\s+(?:running\s+)?in\s+the\s+(?:closed\s+)?garage|\bnoose\b",
        rf"(?:took|swallowed|taken|ate)\s+(?:a\s+)?(?:whole\s+)?(?:bottle|handful|bunch|fistful)\s+of|(?:took|swallowed|taken)\s+\d{2,}\s+(?:of\s+)?(?:my\s+|the\s+)?(?:{_PILLS}|advil|ibuprofen|aspirin)",
        r"think(?:ing)?\s+about\s+(?:the|my|my\s+dad'?s)\s+(?:gun|shotgun|pistol|rifle|pills|rope|bridge)\b",
        r"(?:money|savings|cash)\s+(?:aside\s+|saved\s+)?for\s+my\s+(?:own\s+)?funeral",
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
        r"(?:can'?t|cannot)\s+see\s+a\s+way\s+out|no\s+way\s+out\s+(?:but|except|other\s+than)|(?:tired|exhausted)\s+of\s+(?:living|being\s+alive|existing)(?!\s+(?:paycheck|in\b|with|like|here|at\b|on\b|off\b|out\s+of))",
        r"(?:want|wanna)\s+(?:it\s+all\s+)?to\s+(?:end|stop)\s+(?:forever|for\s+good|permanently)|disappear\s+(?:forever|permanently|for\s+good)",
        r"(?:my\s+)?life\s+(?:isn'?t|is\s+not|not|ain'?t)\s+worth\s+(?:living|it)|(?:no\s+way\s+out|nothing\s+left)\s+(?:\w+\s+){0,3}(?:except|but|other\s+than)\s+(?:dying|death|to\s+die|ending\s+it)",
        r"(?:thinking|thought)\s+about\s+how\s+i'?d\s+do\s+it|(?:planned|planning|decided)\s+how\s+(?:i'?ll|i\s+will|to)\s+do\s+it",
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
        r"(?:pensando\s+en|ganas\s+de|pienso\s+en)\s+(?:matarme|suicidarme|morirme|quitarme\s+la\s+vida)|(?:no\s+tengo|sin)\s+ganas\s+de\s+vivir",
        r"(?:guardando|juntando|ahorrando)\s+(?:mis\s+|las\s+)?pastillas|se\s+(?:esta\s+)?despid(?:e|io|iendo)\s+de\s+todos",
    ),
}

MEDICAL_SIGNS: Dict[str, Tuple[str, ...]] = {
    "breathing": (
        r"(?:can'?t|cannot|can\s+not|not|isn'?t|is\s+not|stopped|barely|struggling\s+to)\s+breath(?:e|ing)",
        r"turning\s+(?:blue|purple|gray|grey)|lips\s+(?:are\s+)?(?:blue|turning)",
        r"throat\s+(?:is\s+)?(?:closing|swelling)",
        r"(?:is|'s|are|'re)\s+choking\b",
    ),
    "collapse": (
        r"(?:is|she'?s|he'?s|they'?re)\s+unconscious|(?:he|she|they|mom|dad|baby|son|daughter|husband|wife|friend|someone|somebody|man|woman|guy|lady|kid|child)\s*(?:'s|is|are|'re|was)?\s+(?:unconscious|unresponsive)|passed\s+out\s+and\s+(?:won'?t|isn'?t|not|can'?t)",
        r"(?:he|she|they|baby|man|woman|guy|lady|person|kid|child)\s*(?:'s|is|are|'re)?\s+(?:not|isn'?t)\s+responding(?!\s+to\s+(?:my\s+|our\s+)?(?:texts?|messages?|calls?|e-?mails?|the\s+phone))",
        r"(?:won'?t|will\s+not|isn'?t|not)\s+(?:wake|waking)\s+up",
        r"(?:just|someone|somebody|a\s+(?:man|woman|guy|lady|person|kid|child|patient|visitor)|he|she|they)\s+(?:just\s+)?collapsed",
        r"no\s+(?:pulse|heartbeat)|(?:doing|started|start)\s+cpr|gunshot\s+wound|(?:been|got|was\s+just|just\s+got)\s+(?:shot|stabbed)\b",
    ),
    "acute": (
        r"(?:having|had)\s+(?:a\s+)?(?:heart\s+attack|stroke|seizure)\s+(?:right\s+)?now",
        r"(?:is|'s|are|'re|i'?m|im|i\s+am|started)\s+having\s+(?:a\s+)?(?:seizure|heart\s+attack|stroke)|having\s+a\s+seizure\s+(?:and|right|please|help)",
        r"crushing\s+(?:chest\s+)?(?:pain|pressure)|chest\s+(?:pain|pressure)\s+(?:\w+\s+){0,3}(?:spreading|radiating|going)\s+(?:to|into|down)",
        r"(?:drank|drink|swallowed|ate|took)\s+(?:some\s+)?(?:poison|bleach|antifreeze|dishwasher\s+pods?|detergent|laundry\s+pods?)|got\s+into\s+the\s+(?:dishwasher|laundry|detergent)\s+pods",
        r"seizure\s+(?:won'?t|that\s+won'?t|is\s+not|isn'?t)\s+stop|seizing\s+(?:for|and)",
        r"overdos(?:e|ed|ing)\s+(?:right\s+)?now|(?:just|has|have|i\s+think\s+\w+)\s+overdosed",
        r"(?:won'?t|will\s+not|can'?t)\s+stop\s+(?:the\s+)?bleeding|blood\s+everywhere",
        r"face\s+(?:is|just|started)\s+(?:\w+\s+)?droop|drooping\s+on\s+one\s+side|(?:suddenly|started)\s+slurring",
        r"(?:baby|head)\s+is\s+coming\s+(?:out|now)|water\s+broke\s+and",
    ),
    "spanish": (
        r"no\s+(?:respira|puede\s+respirar)|(?:esta|sigue)\s+convulsionando|(?:le\s+)?(?:esta\s+)?dando\s+una\s+convulsion",
        r"(?:esta|quedo)\s+inconsciente|no\s+(?:despierta|reacciona)\b|se\s+(?:esta\s+)?ahogando",
        r"(?:se\s+esta|se)\s+desangrando|no\s+para\s+de\s+sangrar|(?:tuvo|le\s+dio|una)\s+sobredosis|se\s+tomo\s+un\s+frasco",
        r"se\s+puso\s+(?:morado|azul)|labios\s+morados",
        r"se\s+tomo\s+(?:un\s+poco\s+de\s+)?(?:cloro|veneno|blanqueador|detergente)|(?:tiene|le\s+dio)\s+(?:una\s+)?convulsion",
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


# Words just before a phrase that deny it ("I'm not suicidal", "I don't want to hurt
# myself", "no thoughts of ending my life"), or retell a past fear ("I thought I was
# going to die"). Only the last few words count, so "I'm not ok, I want to die" triggers.
_DENIED = re.compile(
    r"(?:\b(?:not|no|never|don'?t|dont|didn'?t|isn'?t|wasn'?t|without|nunca|ni)\s+(?:(?!i\b|im\b|i'm\b)[\w']+\s+){0,2}$)"
    r"|(?:\b(?:no|not|never|without|denies?|don'?t|do\s+not)\s+(?:\w+\s+){0,3}(?:thoughts?|plans?|intent\w*|urges?|ideas?)\s+(?:of|to|about)\s+$)"
    r"|(?:\b(?:thought|scared|afraid|sure|felt\s+like|worried|feared)\s+(?:that\s+)?(?:i|he|she|we)\s+(?:was|were|would\s+be|'d\s+be)\s+$)"
)
_LAUGHING = re.compile(r"^\W{0,3}(?:i'?m\s+|im\s+)?(?:lol|lmao|haha|laughing|😂|🤣|💀)")


def _denied(plain: str, start: int) -> bool:
    return bool(_DENIED.search(plain[max(0, start - 60):start]))


def crisis_sign(text: str) -> Optional[Tuple[Crisis, str]]:
    """(kind, warning-sign family) of the first crisis phrase, or None.

    A phrase the writer denies just before it does not count, nor a medical phrase
    followed by laughter ("i can't breathe 😂"). Self-harm is checked first: a message
    with both gets the 988 template, which also names 911."""
    plain = _normalise(text)
    for kind, families in ((Crisis.SELF_HARM, _SELF_HARM), (Crisis.MEDICAL, _MEDICAL)):
        for name, pattern in families.items():
            for match in pattern.finditer(plain):
                if _denied(plain, match.start()):
                    continue
                if kind is Crisis.MEDICAL and _LAUGHING.search(plain[match.end():match.end() + 20]):
                    continue
                return kind, name
    return None


def crisis_signal(text: str) -> Optional[Crisis]:
    """SELF_HARM, MEDICAL or None for a message's text (the text is never stored)."""
    found = crisis_sign(text)
    return found[0] if found else None
