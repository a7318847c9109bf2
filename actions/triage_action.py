"""`action_triage`: the one action every user message leads to.

It reads the NLU verdict and the channel's metadata from the tracker, hands them to
`triage.service`, and sends back only what the service rendered from approved
templates. It never composes text of its own.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from triage.errors import TriageError
from triage.parse import parse_from_nlu
from triage.service import Inbound, Outcome, shared_service

log = logging.getLogger(__name__)


def _latest_user_event(tracker: Tracker) -> Dict[str, Any]:
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return event
    return {}


def meta_delivery(outcome: Outcome, metadata: Dict[str, Any]) -> Optional[dict]:
    """What the Meta channel must do for this decision; None when there is nothing to do.

    Whether to hide is the policy's call (`Decision.hide`), never this adapter's."""
    decision = outcome.decision
    reply = outcome.replies[0] if outcome.replies else None
    hide = decision.hide
    if reply is None and not hide:
        return None
    return {
        "inbound_id": metadata["inbound_id"], "platform": metadata["platform"],
        "surface": metadata["surface"], "reply_surface": reply.surface if reply else None,
        "text": reply.text if reply else None, "template_id": reply.template_id if reply else None,
        "hide": hide, "sender_id": metadata.get("sender_id"),
        "comment_id": metadata.get("comment_id"), "timestamp_ms": metadata.get("timestamp_ms"),
    }


def _triage(tracker: Tracker):
    service = shared_service()
    event = _latest_user_event(tracker)
    metadata = event.get("metadata") or {}
    text = tracker.latest_message.get("text") or ""
    inbound_id = metadata.get("inbound_id")
    if inbound_id is None:
        # A message that did not come through our channels (Rasa's HTTP API, a
        # shell): store it now so it is still on record before we answer.
        received = service.receive(
            Inbound(
                channel=tracker.get_latest_input_channel() or "rasa",
                message_key=str(event.get("message_id") or f"{tracker.sender_id}-{event.get('timestamp')}"),
                thread_key=tracker.sender_id,
                surface=metadata.get("surface", "private_message"),
                text=text,
            )
        )
        if received.stored.duplicate:
            return None, False, None
        inbound_id, text = received.stored.id, received.deidentified_text
    outcome = service.handle(int(inbound_id), text, parse_from_nlu(tracker.latest_message))
    if metadata.get("platform"):
        return outcome, True, meta_delivery(outcome, metadata)
    return outcome, False, None


class ActionTriage(Action):
    def name(self) -> Text:
        return "action_triage"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        loop = asyncio.get_running_loop()
        try:
            outcome, from_meta, delivery = await loop.run_in_executor(None, _triage, tracker)
        except TriageError as exc:
            # Nothing is sent: an unapproved fallback text would break the rules.
            # The inbound row stays `received` for replay.
            log.error("action_triage.failed error=%s", type(exc).__name__)
            return []
        if outcome is None:
            return []
        if from_meta:
            # The Meta channel decides DM, public or private reply, and hiding.
            if delivery is not None:
                dispatcher.utter_message(json_message={"triage_delivery": delivery})
            return []
        for reply in outcome.replies:
            dispatcher.utter_message(text=reply.text)
        return []
