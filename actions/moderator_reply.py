"""`action_moderator_reply`: sends the approved template a moderator chose in the portal.

The portal sets the `moderator_template` slot and executes this action through the
Rasa HTTP API. The text comes from the template library only, with the thread's open
case reference; an unknown or expired template sends nothing and fails the call.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from triage.service import shared_service

log = logging.getLogger(__name__)
SLOT = "moderator_template"


def _meta_metadata(tracker: Tracker):
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            metadata = event.get("metadata") or {}
            return metadata if metadata.get("platform") else None
    return None


def _render(tracker: Tracker):
    service = shared_service()
    template = service.library.by_id(str(tracker.get_slot(SLOT) or ""))
    # The queue's channel name ("meta_facebook", "rest") rides in the message metadata;
    # Rasa's input channel name ("meta") is the fallback.
    metadata = next((e.get("metadata") or {} for e in reversed(tracker.events)
                     if e.get("event") == "user"), {})
    channel = metadata.get("channel") or tracker.get_latest_input_channel() or "rest"
    case = service.repository.open_case_for_thread(channel, tracker.sender_id)
    variables = service.settings.template_variables()
    if "case_ref" in template.variables:
        if case is None:
            raise LookupError("no open case on this thread for a case reference")
        variables["case_ref"] = case.reference
    return service.library.render(template.key, template.surface, variables, service._today())


class ActionModeratorReply(Action):
    def name(self) -> Text:
        return "action_moderator_reply"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        loop = asyncio.get_running_loop()
        rendered = await loop.run_in_executor(None, _render, tracker)
        metadata = _meta_metadata(tracker)
        if metadata is None:
            dispatcher.utter_message(text=rendered.text)
        else:
            # A Meta thread: Meta's rules (24-hour window, HUMAN_AGENT up to 7 days, one
            # private reply) are applied as the reply is written to the outbox; the
            # channel sends it and records the outcome on the case.
            inbound_id = int(metadata["inbound_id"])
            await loop.run_in_executor(None, shared_service().plan_reply, inbound_id, rendered,
                                       f"mod-{uuid.uuid4().hex}")
            dispatcher.utter_message(json_message={"triage_delivery": {"inbound_id": inbound_id}})
        log.info("moderator_reply.sent template=%s", rendered.template_id)
        return [SlotSet(SLOT, None)]
