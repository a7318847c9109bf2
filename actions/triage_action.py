"""`action_triage`: the one action every user message leads to.

It reads the NLU verdict and the channel's metadata from the tracker, hands them to
`triage.service`, and sends back only what the service rendered from approved
templates. It never composes text of its own.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from triage.errors import TriageError
from triage.parse import parse_from_nlu
from triage.queue import Lease
from triage.service import Inbound, Outcome, shared_service

log = logging.getLogger(__name__)


def _latest_user_event(tracker: Tracker) -> Dict[str, Any]:
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return event
    return {}


def _triage(tracker: Tracker) -> Tuple[Optional[Outcome], bool]:
    """(outcome, replies go through a platform's outbox). None: nothing to do (a duplicate)."""
    service = shared_service()
    event = _latest_user_event(tracker)
    metadata = event.get("metadata") or {}
    text = tracker.latest_message.get("text") or ""
    inbound_id, token = metadata.get("inbound_id"), metadata.get("lease")
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
            ),
            lease=True,  # leased with the insert, so no worker takes it in between
        )
        if received.stored.lease is None:
            return None, False  # finished, or another worker has it
        outcome = service.handle(received.stored.lease, received.deidentified_text,
                                 parse_from_nlu(tracker.latest_message))
        return outcome, False
    lease = Lease(int(inbound_id), str(token)) if token else service.lease(int(inbound_id))
    if lease is None:
        return None, False
    outcome = service.handle(lease, text, parse_from_nlu(tracker.latest_message))
    return outcome, bool(metadata.get("platform"))


class ActionTriage(Action):
    def name(self) -> Text:
        return "action_triage"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        loop = asyncio.get_running_loop()
        try:
            outcome, from_platform = await loop.run_in_executor(None, _triage, tracker)
        except TriageError as exc:
            # Nothing is sent: an unapproved fallback text would break the rules. The
            # message keeps its lease until it expires; then the workers take it again.
            log.error("action_triage.failed error=%s", type(exc).__name__)
            return []
        if outcome is None:
            return []
        if from_platform:
            # The operations are in the outbox already (Meta, Google); this only tells the
            # channel to send them now rather than at its next sweep.
            if outcome.planned:
                dispatcher.utter_message(json_message={"triage_delivery": {
                    "inbound_id": int(_latest_user_event(tracker)["metadata"]["inbound_id"])}})
            return []
        for reply in outcome.replies:
            dispatcher.utter_message(text=reply.text)
        return []
