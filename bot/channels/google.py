"""Google Business Profile reviews as a Rasa input channel, at /webhooks/google_reviews/.

- `POST /webhooks/google_reviews/push?token=...` takes Pub/Sub push deliveries of Business
  Profile notifications (NEW_REVIEW, UPDATED_REVIEW). The token is ours, compared in constant
  time (403 otherwise, nothing stored). A notification names a review only: the review is read
  from the API and stored (keyed on its version, so a redelivery is dropped) before the 200.
  If Google cannot be read, the answer is 503 and Pub/Sub delivers again; the poll finds it
  anyway. Other notification types and locations not configured are acknowledged and ignored.
- Every `GOOGLE_POLL_SECONDS` the channel polls each location from its stored cursor, the
  fallback that also covers downtime (`triage.google.poller`).
- Stored reviews are triaged by the workers like any message (`bot.channels.workers`). The
  replies the triage plans, or a moderator approves, are outbox operations; this channel's
  sender posts them (at once when the triage action signals, and at every sweep), checking
  each for words that could confirm a patient just before the call (`triage.google.replies`).

Settings are the process's (GOOGLE_* variables). Without the client, refresh token or
locations the channel is off: its endpoint answers 503 naming the variables, the rest runs.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from typing import Any, Callable, Dict, Optional, Sequence, Text

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.platform import OutboxOutput, PlatformInput
from bot.channels.workers import workers
from triage.errors import ConfigError, InputError, PermissionDenied
from triage.google import (GoogleError, HttpBusinessProfileApi, OAuthCredentials,
                           check_push_token, parse_push)
from triage.google.intake import CHANNEL, store_reviews
from triage.google.poller import ReviewPoller
from triage.google.replies import PLATFORM
from triage.google.reviews import Review
from triage.service import shared_service
from triage.settings import Settings, process_settings

log = logging.getLogger(__name__)

REQUIRED = {"GOOGLE_CLIENT_ID": "google_client_id",
            "GOOGLE_CLIENT_SECRET": "google_client_secret",
            "GOOGLE_REFRESH_TOKEN": "google_refresh_token",
            "GOOGLE_LOCATIONS": "google_locations"}


def stopped_reason(settings: Settings) -> Optional[str]:
    """Why the channel cannot run with these settings, or None."""
    missing = settings.missing(REQUIRED)
    if missing:
        return ("Google reviews channel: set the environment variable(s) " + ", ".join(missing)
                + " before starting the server")
    return None


class GoogleReviewsOutput(OutboxOutput):
    @classmethod
    def name(cls) -> Text:
        return CHANNEL


class GoogleReviewsInput(PlatformInput):
    output = GoogleReviewsOutput
    platforms = (PLATFORM,)
    row_prefix = "google_"

    @classmethod
    def name(cls) -> Text:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "GoogleReviewsInput":
        settings = process_settings()
        disabled = stopped_reason(settings)
        if credentials:
            disabled = ("Google reviews channel: bot/credentials.yml takes no settings; set "
                        + ", ".join(REQUIRED) + " in the environment")
        if disabled:
            log.warning("google.channel_stopped %s", disabled)
        return cls(settings, disabled=disabled)

    def __init__(self, settings: Settings, api=None, disabled: Optional[str] = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(settings, api, disabled)
        self._clock = clock
        self._next_poll = 0.0

    # -- the API and the poller ------------------------------------------------------------
    def build_api(self) -> HttpBusinessProfileApi:
        s = self.settings
        credentials = OAuthCredentials(s.google_client_id or "", s.google_client_secret or "",
                                       s.google_refresh_token or "", token_url=s.google_token_url)
        return HttpBusinessProfileApi(credentials, base_url=s.google_api_url)

    def store(self, reviews: Sequence[Review]) -> None:
        results = store_reviews(shared_service(), reviews)
        refused = [r for r in results if isinstance(r, InputError)]
        if refused:
            log.error("google.reviews_refused count=%d first=%s", len(refused), refused[0])
        if any(not isinstance(r, InputError) and not r.duplicate for r in results):
            workers.wake()

    def poll(self) -> int:
        """Every location once (blocking: run it off the event loop)."""
        poller = ReviewPoller(self.api(), shared_service().repository,
                              self.settings.google_locations, self.store)
        return poller.poll()

    async def before_sweep(self) -> None:
        """Poll when due (the workers' periodic task then settles and sends the outbox)."""
        if self._clock() < self._next_poll:
            return
        self._next_poll = self._clock() + self.settings.google_poll_seconds
        try:
            await asyncio.get_running_loop().run_in_executor(None, self.poll)
        except GoogleError as exc:
            # Nothing moved the cursor: the next poll reads the same reviews again.
            log.error("google.poll_failed %s", exc)

    # -- inbound -------------------------------------------------------------------------
    def _read_and_store(self, review_name: str) -> None:
        self.store([self.api().get_review(review_name)])

    def add_routes(self, hook: Blueprint) -> None:
        @hook.route("/push", methods=["POST"])
        async def push(request: Request) -> HTTPResponse:
            try:
                check_push_token(request.args.get("token"), self.settings.google_push_token)
            except ConfigError:
                return response.json({"error": "notifications are off (GOOGLE_PUSH_TOKEN is "
                                      "not set): the channel polls"}, status=503)
            except PermissionDenied as exc:
                return response.json({"error": str(exc)}, status=403)
            try:
                note = parse_push(request.body or b"")
            except InputError as exc:
                # Pub/Sub redelivers it until its retries end (then to a dead-letter topic,
                # if one is set); the poll finds any review it was about.
                log.warning("google.push_refused %s", exc)
                return response.json({"error": str(exc)}, status=400)
            if note is None or note.location_name not in self.settings.google_locations:
                return response.json({"status": "ignored"})
            try:
                await asyncio.get_running_loop().run_in_executor(
                    None, functools.partial(self._read_and_store, note.review_name))
            except GoogleError as exc:
                log.error("google.push_read_failed message_id=%s %s", note.message_id, exc)
                return response.json({"error": "the review could not be read; deliver again"},
                                     status=503)
            return response.json({"status": "stored"})
