"""A deterministic backstop for crisis messages.

The classifier decides most emergencies, but a missed self-harm statement is the
worst error this product can make, so unmistakable crisis phrases force the
emergency path whatever the model says. Phrases are narrow on purpose: idioms such
as "this wait is killing me" or "dying to try" must not match.
"""

from __future__ import annotations

import enum
import re
from typing import Optional

__all__ = ["Crisis", "crisis_signal"]


class Crisis(str, enum.Enum):
    SELF_HARM = "self_harm"
    MEDICAL = "medical"


_SELF_HARM = re.compile(
    r"\b(?:"
    r"kill(?:ing)?\s+my\s*self|killmyself|"
    r"end(?:ing)?\s+(?:my|it)\s+(?:life|all)|end\s+it\s+all|"
    r"(?:want|wanna|going|gonna|plan(?:ning)?)\s+(?:to\s+)?(?:die|suicide|hurt\s+my\s*self)|"
    r"(?:commit|committing)\s+suicide|suicidal|"
    r"take\s+all\s+(?:of\s+)?my\s+(?:pills|meds|medication)|"
    r"(?:don'?t|do\s+not)\s+want\s+to\s+(?:live|be\s+alive|be\s+here\s+anymore)|"
    r"better\s+off\s+dead|no\s+reason\s+to\s+live|"
    r"cut(?:ting)?\s+my\s*self|hurt(?:ing)?\s+my\s*self|self[\s-]?harm(?:ing)?\s+(?:again|tonight|now)|"
    # Indirect statements that crisis-line guidance lists as warning signs.
    r"end\s+(?:things|everything)|(?:no\s*one|nobody)\s+(?:would|will)\s+(?:miss|notice|care)|"
    r"better\s+off\s+without\s+me|(?:can'?t|cannot)\s+go\s+on(?:\s+(?:like\s+this|anymore|living))?(?!\s+(?:hold|a\b|the\b|with|to\b|vacation|break))|"
    r"(?:quiero|voy\s+a)\s+(?:matarme|suicidarme|morir)"
    r")\b",
    re.IGNORECASE,
)
_MEDICAL = re.compile(
    r"\b(?:"
    r"(?:can'?t|cannot|can\s+not|not|isn'?t|is\s+not|stopped)\s+breath(?:e|ing)|"
    r"(?:having|had)\s+(?:a\s+)?(?:heart\s+attack|stroke|seizure)\s+(?:right\s+)?now|"
    r"(?:is|she'?s|he'?s|they'?re)\s+unconscious|unresponsive|"
    r"overdos(?:e|ed|ing)\s+(?:right\s+)?now|(?:just|has|have)\s+overdosed|"
    r"(?:won'?t|will\s+not|can'?t)\s+stop\s+bleeding|"
    r"throat\s+(?:is\s+)?(?:closing|swelling)|(?:can'?t|barely|can\s+barely)\s+(?:breathe|swallow)|"
    r"(?:won'?t|will\s+not|isn'?t|not)\s+(?:wake|waking)\s+up|blood\s+everywhere|"
    r"no\s+respira|no\s+puede\s+respirar"
    r")\b",
    re.IGNORECASE,
)
# Awareness events and fundraisers mention the same words without a crisis.
_CAMPAIGN = re.compile(r"\b(?:prevention|awareness)\s+(?:walk|month|day|week|event|run)\b", re.I)


def crisis_signal(text: str) -> Optional[Crisis]:
    """SELF_HARM, MEDICAL or None for a message's text (the text is never stored)."""
    if _CAMPAIGN.search(text):
        return None
    if _SELF_HARM.search(text):
        return Crisis.SELF_HARM
    if _MEDICAL.search(text):
        return Crisis.MEDICAL
    return None
