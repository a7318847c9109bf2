"""The triage service: store, decide, escalate, render. Used by the actions and the CLI.

It never logs message text: only ids, categories and counts.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import unicodedata
from typing import Callable, List, Optional, Sequence, Tuple, Union

from triage import phi
from triage.errors import ConfigError, InputError, StoreError, TemplateError
from triage.parse import Parse
from triage.policy import Action, Decision, Reason, ThreadState, decide
from triage.google import replies as google_replies
from triage.google.rating import review_parse
from triage.graph import Skipped, plan_delivery
from triage.queue import (
    Escalation,
    InboundView,
    Lease,
    LeaseLost,
    NewInbound,
    NewOperation,
    QueueRepository,
    ReplyContext,
    Stored,
    ThreadRace,
    TriageUnit,
    create_schema,
    make_engine,
)
from triage.replies import Rendered, TemplateLibrary, load_library
from triage.safety import crisis_signal
from triage.settings import Settings, process_settings
from triage.taxonomy import Priority, Taxonomy, load_taxonomy

__all__ = [
    "Inbound", "Outcome", "Received", "ReplyContext", "TriageService", "SURFACES", "assess",
    "clean_text",
    "set_shared_service", "shared_service",
]

log = logging.getLogger(__name__)
SURFACES = ("public_comment", "private_message")
# Shown in batch output where a live escalation would put the real case reference.
BATCH_CASE_REF = "[CASE_REF]"


@dataclasses.dataclass(frozen=True)
class Inbound:
    channel: str
    message_key: str
    thread_key: str
    surface: str
    text: str
    # Where a platform reply goes (Meta); None where replies go back in the response (REST).
    reply_to: Optional[ReplyContext] = None
    # A review's stars (1-5), which count beside its text (`triage.google.rating`).
    rating: Optional[int] = None


@dataclasses.dataclass(frozen=True)
class Received:
    stored: Stored
    # Identifiers replaced by placeholders: what the model and the tracker see.
    deidentified_text: str
    phi_types: Tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class Outcome:
    decision: Decision
    case_reference: Optional[str]
    # What goes out now (a reply held for a moderator's approval does not).
    replies: Tuple[Rendered, ...]
    # Platform operations written to the outbox with the decision (Meta messages).
    planned: int = 0


def clean_text(text: object, max_chars: int) -> str:
    """Validate a message text; odd but legal text (emoji, HTML, any script) passes."""
    if not isinstance(text, str):
        raise InputError("text must be a string")
    text = unicodedata.normalize("NFC", text)
    # Control characters break logs and terminals; keep newlines and tabs.
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    if not text.strip():
        raise InputError("text is empty")
    if len(text) > max_chars:
        raise InputError(f"text is longer than {max_chars} characters")
    return text


def assess(text: str, parse: Parse, surface: str, taxonomy: Taxonomy, *,
           human_owned: bool = False, hide_phi_comments: bool = True,
           channel: Optional[str] = None) -> Decision:
    """The policy's decision for one de-identified message: pure apart from the
    crisis-phrase check, so evaluations and the live service share it. `channel` (the
    stored channel name) brings that channel's rules (`Taxonomy.channel`)."""
    return decide(
        parse.category, parse.confidence, parse.phi_types, surface,
        ThreadState(human_owned=human_owned), taxonomy,
        crisis=crisis_signal(text), faq_topic=parse.faq_topic,
        emergency_score=parse.emergency_score, hide_phi_comments=hide_phi_comments,
        channel=taxonomy.channel(channel or ""),
    )


class TriageService:
    def __init__(
        self,
        settings: Settings,
        repository: QueueRepository,
        library: TemplateLibrary,
        taxonomy: Taxonomy,
        today: Callable[[], dt.date] = lambda: dt.datetime.now(dt.timezone.utc).date(),
    ) -> None:
        self.settings = settings
        self.repository = repository
        self.library = library
        self.taxonomy = taxonomy
        self._today = today

    # -- inbound ---------------------------------------------------------------
    def _validated(self, inbound: Inbound) -> str:
        if inbound.surface not in SURFACES:
            raise InputError(f"surface must be one of {', '.join(SURFACES)}")
        if inbound.rating is not None and (isinstance(inbound.rating, bool)
                                           or inbound.rating not in range(1, 6)):
            raise InputError("rating must be a whole number of stars from 1 to 5")
        for name in ("channel", "message_key", "thread_key"):
            value = getattr(inbound, name)
            if not isinstance(value, str) or not value.strip() or len(value) > 200:
                raise InputError(f"{name} must be a non-empty string of at most 200 characters")
        return clean_text(inbound.text, self.settings.max_message_chars)

    def accept(self, inbound: Inbound) -> Stored:
        """Validate and store a message, and nothing more: what a webhook does before its
        200. Reading it for PHI waits for the worker (`prepare`); only the crisis phrase is
        looked for now, so a backlog is worked emergencies first."""
        result = self.accept_many([inbound])[0]
        if isinstance(result, InputError):
            raise result
        return result

    def accept_many(self, inbounds: Sequence[Inbound]) -> List[Union[Stored, InputError]]:
        """`accept` for several messages, stored in one transaction: each result is its
        Stored row or the InputError that refused it (a StoreError stores none)."""
        results: List[Union[Stored, InputError]] = []
        valid: List[Tuple[int, NewInbound]] = []
        for inbound in inbounds:
            try:
                text = self._validated(inbound)
            except InputError as exc:
                results.append(exc)
                continue
            crisis = crisis_signal(text)
            valid.append((len(results), NewInbound(
                inbound.channel, inbound.message_key, inbound.thread_key, inbound.surface,
                original_text=text, redacted_text=None, reply_to=inbound.reply_to,
                crisis=crisis.value if crisis else None, rating=inbound.rating)))
            results.append(None)  # type: ignore[arg-type] - filled in below
        for (index, msg), stored in zip(valid, self.repository.store_many([m for _, m in valid])):
            results[index] = stored
            log.info("inbound.accepted id=%s channel=%s duplicate=%s", stored.id, msg.channel,
                     stored.duplicate)
        return results

    def receive(self, inbound: Inbound, lease: bool = False) -> Received:
        """Validate, de-identify and store a message, for a caller that handles it at once
        (the REST channel's waiting client); with `lease`, the row is stored leased to it."""
        text = self._validated(inbound)
        with phi.reuse_scans():
            redacted, types = _read_for_phi(text)
            # deidentify() resolves overlaps without HEALTH, so a health span never hides an
            # identifier.
            deidentified = phi.deidentify(text)
        crisis = crisis_signal(deidentified)
        stored = self.repository.store_inbound(
            NewInbound(inbound.channel, inbound.message_key, inbound.thread_key, inbound.surface,
                       original_text=text, redacted_text=redacted,
                       phi_types=types, reply_to=inbound.reply_to,
                       crisis=crisis.value if crisis else None, rating=inbound.rating),
            lease_for=self.settings.lease if lease else None,
        )
        if stored.duplicate and stored.lease is not None:
            # Stored before by `accept` and maybe never read: record what this reading found.
            self.repository.record_deidentified(stored.lease, redacted, types)
        log.info("inbound.stored id=%s channel=%s duplicate=%s phi_types=%s",
                 stored.id, inbound.channel, stored.duplicate, ",".join(types))
        return Received(stored, deidentified, types)

    def prepare(self, row: InboundView, lease: Lease) -> str:
        """A leased message (`row`, as the lease found it) as Rasa sees it, identifiers
        replaced. Reads the original inside the service only: it never leaves this process
        unredacted. Nothing is written here: a message stored by `accept` gets its redacted
        text and PHI types with its decision (`handle`), one write transaction fewer per
        message on the queue's one SQLite write lock, which the webhook receiver shares."""
        return phi.deidentify(self.repository.original_text(lease.inbound_id))

    # -- decisions -------------------------------------------------------------
    def assess(self, text: str, parse: Parse, surface: str, human_owned: bool = False,
               channel: Optional[str] = None) -> Decision:
        """The policy's decision for one message (pure apart from the crisis check)."""
        return assess(text, parse, surface, self.taxonomy, human_owned=human_owned,
                      hide_phi_comments=self.settings.hide_phi_comments, channel=channel)

    def render(self, decision: Decision, case_reference: Optional[str]) -> Tuple[Rendered, ...]:
        if decision.template_key is None or decision.reply_surface is None:
            return ()
        surfaces = [decision.reply_surface]
        if decision.also_private and decision.reply_surface != "private_message":
            surfaces.append("private_message")
        out = []
        for surface in surfaces:
            variables = self.settings.template_variables()
            if "case_ref" in self.library.get(decision.template_key, surface).variables:
                variables["case_ref"] = case_reference or BATCH_CASE_REF
            out.append(self.library.render(decision.template_key, surface, variables,
                                           self._today()))
        return tuple(out)

    def lease(self, inbound_id: int) -> Optional[Lease]:
        """A lease on a stored message for one turn; None if it is done or held elsewhere."""
        return self.repository.lease_message(inbound_id, self.settings.lease)

    def handle(self, lease: Lease, text: str, parse: Parse) -> Outcome:
        """Decide on a leased message, open or append its case, render the replies and plan
        its platform operations: one transaction, so a crash leaves all or nothing, and a
        worker whose lease was taken over finishes nothing (a DUPLICATE outcome)."""
        # Read for PHI before the write transaction, so the write lock is not held meanwhile.
        unread = self.repository.unread_original(lease.inbound_id)
        found = None
        if unread is not None:
            with phi.reuse_scans():
                found = _read_for_phi(unread)
        for _attempt in range(5):
            try:
                with self.repository.triaging(lease) as unit:
                    return self._triage(unit, text, parse, found)
            except LeaseLost:
                log.info("inbound.already_handled id=%s", lease.inbound_id)
                return Outcome(Decision(Action.IGNORE, Reason.DUPLICATE, parse.category), None, ())
            except ThreadRace:
                continue  # the other message's case exists now: this run appends to it
        raise StoreError("could not open or append the thread's case after 5 attempts")

    def _triage(self, unit: TriageUnit, text: str, parse: Parse,
                found: Optional[Tuple[str, Tuple[str, ...]]] = None) -> Outcome:
        if unit.message.redacted_text is None:
            # Stored by `accept` and not read for PHI yet: the case holds the redacted text.
            unit.record_deidentified(*(found or _read_for_phi(
                self.repository.original_text(unit.message.id))))
        msg = unit.message
        if msg.rating is not None:
            parse = review_parse(parse, msg.rating, text)
        owned = unit.open_case() is not None
        decision = self.assess(text, parse, msg.surface, human_owned=owned, channel=msg.channel)
        reference = None
        if decision.action is Action.ESCALATE:
            priority = decision.priority or Priority(self.taxonomy[parse.category].priority)
            sla = decision.sla_hours or self.taxonomy[parse.category].sla_hours
            template_id = None
            if decision.template_key and decision.reply_surface:
                template_id = self.library.get(decision.template_key, decision.reply_surface).id
            reference = unit.escalate(
                Escalation(msg.id, decision.category, priority.value, priority.rank,
                           decision.reason.value, sla, parse.confidence, template_id),
                decision.action.value,
            ).reference
        replies = self.render(decision, reference)
        if decision.action is not Action.ESCALATE:
            unit.finish(decision.category, parse.confidence, decision.action.value,
                        decision.reason.value, replies[0].template_id if replies else None)
        planned = 0
        # A held reply waits on its case for a moderator (`Decision.held`); a hide does not.
        send_now = () if decision.held else replies
        if msg.reply_to is not None and (send_now or decision.hide):
            planned = self._plan(unit, msg.id, msg.surface, msg.reply_to, send_now,
                                 decision.hide, key=f"in{msg.id}")
        log.info("inbound.triaged id=%s category=%s action=%s reason=%s case=%s planned=%d",
                 msg.id, decision.category, decision.action.value, decision.reason.value,
                 reference or "-", planned)
        return Outcome(decision, reference, send_now, planned)

    # -- platform operations (the outbox) ----------------------------------------------------
    @property
    def undelivered_sla_hours(self) -> float:
        """The SLA of the case an undeliverable reply lands on: a complaint's (24 h)."""
        return self.taxonomy["negative_review"].sla_hours

    def operations_for(self, inbound_id: int, surface: str, reply_to: ReplyContext,
                       replies: Sequence[Rendered], hide: bool, key: str,
                       private_reply_held: bool, human: bool = False) -> Tuple[NewOperation, ...]:
        """Meta's rules applied to the replies: the outbox rows to write (typed, no dicts).
        The hide (if any) comes first, then each reply in order."""
        steps = []
        for index, reply in enumerate(replies or (None,)):
            plan = plan_delivery(
                surface=surface, reply_surface=reply.surface if reply else None,
                text=reply.text if reply else None, hide=hide and index == 0,
                platform=reply_to.platform, now=self.repository.now(), sender_id=reply_to.sender_id,
                comment_id=reply_to.comment_id, last_user_message_at=reply_to.sent_at,
                comment_created_at=reply_to.sent_at, already_private_replied=private_reply_held,
                human=human,
            )
            steps.extend((step, reply) for step in plan.steps)
        target = reply_to.comment_id or reply_to.sender_id or "?"
        ops = []
        for index, (step, reply) in enumerate(steps):
            carries_text = step.name != "hide_comment"
            template_id = reply.template_id if (reply and carries_text) else None
            name = step.operation if isinstance(step, Skipped) else step.name
            common = dict(inbound_id=inbound_id, operation=name, platform=reply_to.platform,
                          target_id=target, idempotency_key=f"{key}:{index}:{name}",
                          template_id=template_id)
            if isinstance(step, Skipped):
                ops.append(NewOperation(**common, status="skipped", reason=step.reason))
            else:
                ops.append(NewOperation(**common, body=getattr(step, "text", None),
                                        tag=getattr(step, "tag", None)))
        return tuple(ops)

    def _plan(self, unit: TriageUnit, inbound_id: int, surface: str, reply_to: ReplyContext,
              replies: Sequence[Rendered], hide: bool, key: str) -> int:
        if reply_to.platform == google_replies.PLATFORM:
            op = google_replies.review_reply(inbound_id, reply_to, replies, key)
            if op is None:
                return 0
            if op.status == "skipped":
                unit.land_on_case(self.undelivered_sla_hours, op.template_id)
            unit.plan(op)
            return 1
        held = bool(reply_to.comment_id) and unit.private_reply_held(reply_to.comment_id)
        ops = self.operations_for(inbound_id, surface, reply_to, replies, hide, key, held)
        for op in ops:
            if op.status == "skipped":
                # Meta's rules forbid it: a person answers by hand, on a case.
                unit.land_on_case(self.undelivered_sla_hours, op.template_id)
            unit.plan(op)
        return len(ops)

    def plan_reply(self, inbound_id: int, reply: Rendered, key: str) -> int:
        """A moderator's approved reply to a Meta thread, written to the outbox (with the
        HUMAN_AGENT tag between 24 hours and 7 days), or to a Google review (public only,
        refused if it could confirm a patient). `inbound_id` is the thread's latest
        message; `key` makes the plan idempotent. Returns the operations planned."""
        msg = self.repository.get_inbound(inbound_id)
        if msg.reply_to is None:
            raise InputError("the thread has no platform context to reply on")
        if msg.reply_to.platform == google_replies.PLATFORM:
            op = google_replies.review_reply(inbound_id, msg.reply_to, (reply,), key)
            if op is None:
                raise InputError("a review takes a public reply only: choose a public template")
            if op.status == "skipped":
                # The moderator chose it: refuse it to them, nothing is planned.
                raise TemplateError(f"not posted: {op.reason}")
            self.repository.plan_operations((op,), self.undelivered_sla_hours)
            return 1
        held = bool(msg.comment_id) and self.repository.private_reply_sent(msg.comment_id)
        ops = self.operations_for(inbound_id, msg.surface, msg.reply_to, (reply,), False, key,
                                  held, human=True)
        self.repository.plan_operations(ops, self.undelivered_sla_hours)
        return len(ops)


def _read_for_phi(text: str) -> Tuple[str, Tuple[str, ...]]:
    """What the queue keeps of a message: its redacted text (health details hidden too) and
    its PHI types."""
    findings = phi.detect(text)
    return phi.redact(text, findings), tuple(phi.phi_types(findings))


def build_services(settings: Settings) -> TriageService:
    """The one place the service is wired: the queue's database (migrated to the latest
    schema), the template library and the taxonomy, from settings read once. Every process
    starts here: Rasa's channels and the action server (`shared_service`), the portal, the
    webhook receiver and the command line."""
    try:
        phi.publish(phi.Published.parse(settings.published_contacts()))
    except ValueError as exc:
        raise ConfigError(f"TRIAGE_ORG_PUBLISHED: {exc}") from exc
    engine = make_engine(settings.database_url)
    create_schema(engine)
    return TriageService(settings, QueueRepository(engine), load_library(settings.templates_path),
                         load_taxonomy(settings.taxonomy_path))


_shared: Optional[TriageService] = None


def shared_service() -> TriageService:
    """The process-wide service, built on first use from the environment (never at import)."""
    global _shared
    if _shared is None:
        _shared = build_services(process_settings())
    return _shared


def set_shared_service(service: Optional[TriageService]) -> None:
    """Replace the process-wide service (tests, or an embedding application)."""
    global _shared
    _shared = service
