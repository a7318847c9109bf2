"""Moderators' replies and releases, sent through the Rasa server's HTTP API.

The Rasa server runs with `--enable-api --auth-token`; this client sets the
`moderator_template` slot and executes `action_moderator_reply`, so the channel
delivers the approved text and the tracker records it. I/O sits behind this small
class so the portal can be given a fake in tests of its own logic.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List
from urllib.parse import quote

import requests

from triage.errors import TriageError

log = logging.getLogger(__name__)


def _conversation(thread_key: str) -> str:
    # Slashes stay as they are (a Google review's name has them): Rasa's routes take the id
    # as a `path` parameter and do not decode %2F, so an encoded one names another thread.
    return f"/conversations/{quote(thread_key, safe=':/')}"


class DeliveryError(TriageError):
    """The Rasa server did not accept the reply; nothing was sent."""


class RasaOutbound:
    def __init__(self, base_url: str, token: str, timeout: float = 20.0,
                 session: requests.Session = None) -> None:
        self.base_url = base_url.rstrip("/")
        self._params = {"token": token}
        self.timeout = timeout
        self._http = session or requests.Session()

    def _post(self, path: str, body: Any, **params: str) -> Dict[str, Any]:
        return self._call("post", path, body, **params)

    def _call(self, method: str, path: str, body: Any = None, **params: str) -> Dict[str, Any]:
        url = f"{self.base_url}{path}"
        try:
            resp = self._http.request(method, url, json=body, params={**self._params, **params},
                                      timeout=self.timeout)
        except requests.RequestException as exc:
            raise DeliveryError(f"the bot could not be reached ({type(exc).__name__})") from None
        if resp.status_code >= 400:
            log.error("outbound.refused path=%s status=%s", path.split("/")[-1], resp.status_code)
            raise DeliveryError(f"the bot refused the reply (HTTP {resp.status_code})")
        return resp.json()

    def send_template(self, thread_key: str, template_id: str) -> List[Dict[str, Any]]:
        """Send one approved template to the thread; returns the messages the bot sent."""
        conversation = _conversation(thread_key)
        self._post(f"{conversation}/tracker/events",
                   [{"event": "slot", "name": "moderator_template", "value": template_id}])
        result = self._post(f"{conversation}/execute", {"name": "action_moderator_reply"},
                            output_channel="latest")
        # Rasa answers 200 even when the action failed, and returns the tracker as it was
        # before the action ran; so read it again. The action clears the slot only once
        # it has handed the reply to the channel, so that event must follow it.
        events = self._call("get", f"{conversation}/tracker").get("events") or []
        last = max((i for i, e in enumerate(events) if e.get("event") == "action"
                    and e.get("name") == "action_moderator_reply"), default=None)
        cleared = last is not None and any(
            e.get("event") == "slot" and e.get("name") == "moderator_template"
            and e.get("value") is None for e in events[last + 1:])
        if not cleared:
            # Event kinds and names only: enough to see what happened, no text.
            log.error("outbound.not_sent action_index=%s after=%s", last,
                      [(e.get("event"), e.get("name")) for e in events[(last or 0):][-8:]])
            raise DeliveryError("the bot could not send the reply (see the action server log)")
        return result.get("messages") or []

    def record_release(self, thread_key: str) -> None:
        """Note in the tracker that the bot answers this thread again."""
        conversation = _conversation(thread_key)
        self._post(f"{conversation}/tracker/events",
                   [{"event": "slot", "name": "human_handoff", "value": "released"}])
