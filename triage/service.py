"""The triage service: store, decide, escalate, render. Used by the actions and the CLI.

It never logs message text: only ids, categories and counts.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import os
import unicodedata
from typing import Callable, Optional, Tuple

from triage import phi
from triage.errors import InputError
from triage.parse import Parse
from triage.policy import Action, Decision, Reason, ThreadState, decide
from triage.queue import (
    Escalation,
    NewDelivery,
    NewInbound,
    QueueRepository,
    Stored,
    create_schema,
    make_engine,
)
from triage.replies import Rendered, TemplateLibrary, load_library
from triage.safety import crisis_signal
from triage.settings import Settings
from triage.taxonomy import Priority, Taxonomy, load_taxonomy

__all__ = [
    "Inbound", "Outcome", "Received", "TriageService", "SURFACES", "assess", "clean_text",
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
    replies: Tuple[Rendered, ...]


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
           human_owned: bool = False, hide_phi_comments: bool = True) -> Decision:
    """The policy's decision for one de-identified message: pure apart from the
    crisis-phrase check, so evaluations and the live service share it."""
    return decide(
        parse.category, parse.confidence, parse.phi_types, surface,
        ThreadState(human_owned=human_owned), taxonomy,
        crisis=crisis_signal(text), faq_topic=parse.faq_topic,
        emergency_score=parse.emergency_score, hide_phi_comments=hide_phi_comments,
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

    @classmethod
    def from_settings(cls, settings: Settings) -> "TriageService":
        engine = make_engine(settings.database_url)
        create_schema(engine)
        return cls(settings, QueueRepository(engine), load_library(settings.templates_path),
                   load_taxonomy(settings.taxonomy_path))

    # -- inbound ---------------------------------------------------------------
    def receive(self, inbound: Inbound) -> Received:
        """Validate and store a message before anything answers it."""
        if inbound.surface not in SURFACES:
            raise InputError(f"surface must be one of {', '.join(SURFACES)}")
        for name in ("channel", "message_key", "thread_key"):
            value = getattr(inbound, name)
            if not isinstance(value, str) or not value.strip() or len(value) > 200:
                raise InputError(f"{name} must be a non-empty string of at most 200 characters")
        text = clean_text(inbound.text, self.settings.max_message_chars)
        findings = phi.detect(text)
        types = tuple(phi.phi_types(findings))
        stored = self.repository.store_inbound(
            NewInbound(inbound.channel, inbound.message_key, inbound.thread_key, inbound.surface,
                       original_text=text, redacted_text=phi.redact(text, findings),
                       phi_types=types)
        )
        log.info("inbound.stored id=%s channel=%s duplicate=%s phi_types=%s",
                 stored.id, inbound.channel, stored.duplicate, ",".join(types))
        # deidentify() resolves overlaps without HEALTH, so a health span never hides an identifier.
        deidentified = phi.deidentify(text)
        return Received(stored, deidentified, types)

    # -- decisions -------------------------------------------------------------
    def assess(self, text: str, parse: Parse, surface: str, human_owned: bool = False) -> Decision:
        """The policy's decision for one message (pure apart from the crisis check)."""
        return assess(text, parse, surface, self.taxonomy, human_owned=human_owned,
                      hide_phi_comments=self.settings.hide_phi_comments)

    def render(self, decision: Decision, case_reference: Optional[str]) -> Tuple[Rendered, ...]:
        if decision.template_key is None or decision.reply_surface is None:
            return ()
        variables = self.settings.template_variables()
        if "case_ref" in self.library.get(decision.template_key, decision.reply_surface).variables:
            variables["case_ref"] = case_reference or BATCH_CASE_REF
        return (self.library.render(decision.template_key, decision.reply_surface, variables,
                                    self._today()),)

    def handle(self, inbound_id: int, text: str, parse: Parse) -> Outcome:
        """Decide on a stored message, open or append its case, and render the replies."""
        msg = self.repository.get_inbound(inbound_id)
        if msg.status != "received":
            # Already handled (a retried action call): never answer twice.
            log.info("inbound.already_triaged id=%s", inbound_id)
            return Outcome(Decision(Action.IGNORE, Reason.DUPLICATE, parse.category), None, ())
        owned = self.repository.open_case_for_thread(msg.channel, msg.thread_key) is not None
        decision = self.assess(text, parse, msg.surface, human_owned=owned)
        reference = None
        if decision.action is Action.ESCALATE:
            priority = decision.priority or Priority(self.taxonomy[parse.category].priority)
            sla = decision.sla_hours or self.taxonomy[parse.category].sla_hours
            template_id = None
            if decision.template_key and decision.reply_surface:
                template_id = self.library.get(decision.template_key, decision.reply_surface).id
            ref = self.repository.escalate(
                Escalation(inbound_id, decision.category, priority.value, priority.rank,
                           decision.reason.value, sla, parse.confidence, template_id),
                decision.action.value,
            )
            reference = ref.reference
        replies = self.render(decision, reference)
        if decision.action is not Action.ESCALATE:
            self.repository.mark_triaged(
                inbound_id, decision.category, parse.confidence, decision.action.value,
                decision.reason.value, replies[0].template_id if replies else None,
            )
        log.info("inbound.triaged id=%s category=%s action=%s reason=%s case=%s",
                 inbound_id, decision.category, decision.action.value, decision.reason.value,
                 reference or "-")
        return Outcome(decision, reference, replies)

    # -- deliveries to a platform ---------------------------------------------------
    def record_sent(self, inbound_id: int, operation: str, target_id: str,
                    template_id: Optional[str], platform_id: Optional[str]) -> None:
        msg = self.repository.get_inbound(inbound_id)
        self.repository.record_delivery(NewDelivery(
            inbound_id, operation, target_id, "sent", msg.case_id, template_id,
            platform_id=platform_id))

    def record_undelivered(self, inbound_id: int, operation: str, target_id: str, reason: str,
                           template_id: Optional[str] = None, status: str = "failed") -> str:
        """A delivery that failed or was skipped never vanishes: it lands on a case.

        The message's case if it has one, else a new normal-priority case, so a person
        answers by hand. Returns the case reference. `reason` names the failure
        (e.g. "graph 400 code=10"); it never holds message text.
        """
        msg = self.repository.get_inbound(inbound_id)
        if msg.case_id is None:
            ref = self.repository.escalate(
                Escalation(inbound_id, msg.category or "other", Priority.NORMAL.value,
                           Priority.NORMAL.rank, "delivery_failed",
                           self.taxonomy["negative_review"].sla_hours, None, template_id),
                Action.ESCALATE.value,
            ).reference
            case = self.repository.get_case(ref)
        else:
            case = self.repository.get_case_by_id(msg.case_id)
        self.repository.record_delivery(NewDelivery(
            inbound_id, operation, target_id, status, case.id, template_id, reason=reason))
        log.warning("delivery.%s inbound_id=%s operation=%s case=%s reason=%s",
                    status, inbound_id, operation, case.reference, reason)
        return case.reference


_shared: Optional[TriageService] = None


def shared_service() -> TriageService:
    """The process-wide service, built on first use from the environment (never at import)."""
    global _shared
    if _shared is None:
        _shared = TriageService.from_settings(Settings.from_env(os.environ))
    return _shared


def set_shared_service(service: Optional[TriageService]) -> None:
    """Replace the process-wide service (tests, or an embedding application)."""
    global _shared
    _shared = service
