"""The classifier's verdict on one message, read from Rasa's NLU parse data.

Rasa's parse data is a plain dict, so reading it needs no Rasa import. The PHI
flagger component (bot/components/phi_flagger.py) writes the `phi` key.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Mapping, Optional, Tuple

__all__ = ["Parse", "parse_from_nlu", "PHI_KEY", "CRISIS_KEY"]

PHI_KEY = "phi"
# Written by bot/components/crisis_scorer.py: {"score": P(emergency)}.
CRISIS_KEY = "crisis"
FAQ_INTENT = "general_question"


@dataclasses.dataclass(frozen=True)
class Parse:
    category: str
    confidence: float
    phi_types: Tuple[str, ...] = ()
    faq_topic: Optional[str] = None
    # The crisis score the policy compares with its emergency threshold: the crisis
    # head's P(emergency) when the model has one, else the intent classifier's
    # probability of `emergency` even when another category ranks first.
    emergency_score: float = 0.0


def parse_from_nlu(data: Mapping[str, Any]) -> Parse:
    """Build a Parse from NLU parse data (`tracker.latest_message` or `/model/parse`)."""
    intent = data.get("intent") or {}
    category = str(intent.get("name") or "other")
    confidence = float(intent.get("confidence") or 0.0)
    phi = data.get(PHI_KEY) or {}
    phi_types = tuple(sorted({str(t) for t in phi.get("types", ())}))
    faq_topic = None
    selector = (data.get("response_selector") or {}).get(FAQ_INTENT) or {}
    response_key = ((selector.get("response") or {}).get("intent_response_key")) or ""
    if category == FAQ_INTENT and response_key.startswith(FAQ_INTENT + "/"):
        faq_topic = response_key.split("/", 1)[1]
    crisis = data.get(CRISIS_KEY) or {}
    if crisis.get("score") is not None:
        emergency_score = float(crisis["score"])
    else:
        emergency_score = confidence if category == "emergency" else 0.0
        for ranked in data.get("intent_ranking") or ():
            if ranked.get("name") == "emergency":
                emergency_score = max(emergency_score, float(ranked.get("confidence") or 0.0))
    return Parse(category, confidence, phi_types, faq_topic, emergency_score)
