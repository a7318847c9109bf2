"""Polling, the fallback to notifications: each location's new and edited reviews, once.

Reviews are listed newest update first, so a poll reads until it reaches the location's
cursor (the newest `updateTime` whose reviews are all stored), hands what it read to `store`
oldest first, and only then moves the cursor. A crash between the two re-reads those reviews
at the next poll, and the queue's key (the review version) drops them: a restart neither
misses a review nor triages one twice. Reviews updated at exactly the cursor's time are read
again for the same reason.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Callable, Optional, Protocol, Sequence

from triage.errors import InputError
from triage.google.client import BusinessProfileApi
from triage.google.reviews import Review

__all__ = ["CursorStore", "ReviewPoller", "canonical_time"]

log = logging.getLogger(__name__)


class CursorStore(Protocol):
    def cursor(self, name: str) -> Optional[str]: ...

    def advance_cursor(self, name: str, position: str) -> bool: ...


def canonical_time(value: str) -> str:
    """An RFC 3339 time as UTC with microseconds ("2026-11-30T09:00:00.000000Z"), so that
    positions compare as strings (Google drops trailing zeros of the fraction)."""
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        # Python 3.10 takes 0, 3 or 6 fraction digits only; Google sends up to 9.
        head, _, rest = value.partition(".")
        digits = "".join(ch for ch in rest if ch.isdigit())
        zone = rest[len(digits):] or "Z"
        try:
            parsed = dt.datetime.fromisoformat(
                f"{head}.{(digits + '000000')[:6]}{zone}".replace("Z", "+00:00"))
        except ValueError:
            raise InputError("a review time is not an RFC 3339 time") from None
    if parsed.tzinfo is None:
        raise InputError("a review time has no zone")
    return parsed.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class ReviewPoller:
    def __init__(self, api: BusinessProfileApi, cursors: CursorStore, locations: Sequence[str],
                 store: Callable[[Sequence[Review]], None]) -> None:
        self._api, self._cursors, self._store = api, cursors, store
        self.locations = tuple(locations)

    def poll(self) -> int:
        """Every location once; the number of review versions handed to `store`."""
        return sum(self.poll_location(location) for location in self.locations)

    def poll_location(self, location: str) -> int:
        name = f"google_reviews:{location}"
        since = self._cursors.cursor(name)
        fresh = []
        for review in self._api.iter_reviews(location):
            if since is not None and canonical_time(review.update_time) < since:
                break
            fresh.append(review)
        if not fresh:
            return 0
        self._store(list(reversed(fresh)))
        self._cursors.advance_cursor(name, max(canonical_time(r.update_time) for r in fresh))
        log.info("google.poll location=%s reviews=%d", location, len(fresh))
        return len(fresh)
