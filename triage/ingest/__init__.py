"""A Meta delivery from raw bytes to stored rows, and the answer to give: the one place that
does it, for the Rasa channel's webhook and for the standalone receiver (`triage.ingest.app`,
`python -m triage ingest`), which answers Meta from a process of its own, so no turn of NLU
ever stands between a delivery and its 200.

It verifies the signature, parses every entry and event, and stores each event with
`TriageService.accept` (nothing reads the text for PHI or runs NLU before the answer). The
answer is 200 once everything is stored, 403 for a bad signature, 400 for a malformed body,
413 for an oversized one, 503 when the database refused (Meta delivers again later).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from typing import List, Optional, Sequence, Tuple

from triage.errors import InputError, PermissionDenied, StoreError
from triage.meta.events import MetaEvent
from triage.meta.webhook import MAX_BODY_BYTES, parse_delivery, verify_signature
from triage.queue import ReplyContext

__all__ = ["Answer", "accept_deliveries", "accept_delivery", "reply_context"]

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class Answer:
    status: int
    body: dict
    new: int = 0  # events stored for the first time: the workers have work


def reply_context(event: MetaEvent) -> ReplyContext:
    sent_at = None
    if event.timestamp_ms:
        sent_at = dt.datetime.fromtimestamp(event.timestamp_ms / 1000, tz=dt.timezone.utc)
        sent_at = sent_at.replace(tzinfo=None)
    return ReplyContext(event.platform, event.sender_id, event.comment_id, sent_at)


def accept_delivery(service, raw: bytes, signature: Optional[str], app_secret: str) -> Answer:
    """Verify, parse and store one delivery (blocking: run it off the event loop)."""
    return accept_deliveries(service, [(raw, signature)], app_secret)[0]


def accept_deliveries(service, deliveries: Sequence[Tuple[bytes, Optional[str]]],
                      app_secret: str) -> List[Answer]:
    """`accept_delivery` for several deliveries at once, their events stored in one
    transaction (one commit for a burst). Each gets its own answer; if the store fails,
    every delivery with something to store gets the 503."""
    from triage.service import Inbound

    answers: List[Optional[Answer]] = []
    inbounds: List[Inbound] = []
    owners: List[int] = []  # the delivery each inbound came from
    counts: List[List[int]] = []  # [new, duplicates, ignored] per delivery
    for index, (raw, signature) in enumerate(deliveries):
        counts.append([0, 0, 0])
        refused = _refusal(raw, signature, app_secret)
        if isinstance(refused, Answer):
            answers.append(refused)
            continue
        answers.append(None)
        for event in refused:
            if event.is_echo or not event.text.strip():
                counts[index][2] += 1
                continue
            inbounds.append(Inbound(f"meta_{event.platform}", event.message_key,
                                    event.thread_key, event.surface, event.text,
                                    reply_to=reply_context(event)))
            owners.append(index)
    try:
        results = service.accept_many(inbounds) if inbounds else []
    except StoreError:
        log.error("meta.store_failed events=%d", len(inbounds))
        failed = set(owners)
        return [Answer(503, {"error": "could not store the delivery; retry"})
                if i in failed else (a or _counted(counts[i])) for i, a in enumerate(answers)]
    for owner, inbound, result in zip(owners, inbounds, results):
        if isinstance(result, InputError):
            counts[owner][2] += 1
            log.warning("meta.event_refused key=%s reason=%s", inbound.message_key, result)
        else:
            # A stored event, finished or not, is the workers' already (its lease decides).
            counts[owner][1 if result.duplicate else 0] += 1
    return [a or _counted(counts[i]) for i, a in enumerate(answers)]


def _refusal(raw: bytes, signature: Optional[str], app_secret: str):
    """The events of a well-signed, well-formed delivery, or the Answer that refuses it."""
    if len(raw) > MAX_BODY_BYTES:
        return Answer(413, {"error": f"body larger than {MAX_BODY_BYTES} bytes"})
    try:
        verify_signature(raw, signature, app_secret)
    except PermissionDenied as exc:
        log.warning("meta.signature_refused reason=%s", exc)
        return Answer(403, {"error": str(exc)})
    try:
        return parse_delivery(raw, MAX_BODY_BYTES)
    except InputError as exc:
        return Answer(400, {"error": str(exc)})


def _counted(count: List[int]) -> Answer:
    new, duplicates, ignored = count
    log.info("meta.delivery new=%d duplicates=%d ignored=%d", new, duplicates, ignored)
    return Answer(200, {"received": new, "duplicates": duplicates, "ignored": ignored}, new)
