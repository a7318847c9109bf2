"""The routing policy: one pure function from a classified message to a decision.

The safety rules live here and nowhere else, in this order:
1. emergency (a crisis phrase, emergency as the model's top guess at any
   confidence, or a crisis score at or above its threshold whatever ranks first)
   -> urgent case and the emergency template at once, even on a thread a human owns;
   a public comment that also carries identifiers is hidden and gets the template
   privately as well (`also_private`), so the writer has the numbers even where the
   public reply sits under a hidden comment;
2. a thread a human owns -> the message joins that case, the bot says nothing (a
   public comment with PHI is still hidden);
3. spam the model is sure of (confidence >= `spam_confidence`) is hidden and ignored
   even when it carries contact details, names or health words: a promotion's
   phone number, WhatsApp, e-mail, address, shop hours or testimonial ("cured my
   diabetes") are the business's, not a patient's. Identifiers a patient gives
   (DOB, SSN, a member/record number: `PATIENT_ONLY_PHI`) look like a person's
   message, so spam with one is ignored only when the model is all but certain
   (`spam_confidence_with_ids`, a phishing template "verify your member ID ...");
   below that, and for spam the model is unsure of, a human decides;
4. any PHI (profile links and @handles alone do not count: `LINK_PHI`) or a clinical
   request -> case and the secure-portal template, sent
   privately, the public comment hidden (a public comment gets nothing public that
   could confirm or repeat anything). A complaint that carries health details stays
   a complaint: the secure-portal template privately, with the complaint's priority
   and 24 h SLA, never the public acknowledgement (it would confirm a patient);
   other categories get high priority;
5. low confidence -> a human decides (case; a private message gets a neutral
   acknowledgement, a public comment nothing);
6. otherwise the category's default handling from the taxonomy.

A channel that answers only in public (`ChannelRules.private_replies` false: a Google review)
hides nothing and sends nothing privately: where rule 4 would answer privately, and for a
complaint, it gets the generic `review_ack` in public, which confirms nothing. Where the
channel's public replies wait for a moderator (`public_replies: moderator`), every reply is
`held`: it is shown on the case, and posted when a moderator approves; a plain reply (no case)
is not sent at all. That includes the emergency numbers: a review is no conversation, and crisis
numbers posted under a public review by a false alarm (the threshold is set for recall) would
tell the world something about the reviewer; the urgent case reaches a person in 15 minutes.
"""

from __future__ import annotations

import dataclasses
import enum
from typing import Optional, Sequence, Tuple

from triage.phi import LINK_TYPES
from triage.safety import Crisis
from triage.taxonomy import ChannelRules, Handling, Priority, Taxonomy

__all__ = ["Action", "Decision", "Reason", "ThreadState", "decide", "required_templates"]

PUBLIC = "public_comment"
PRIVATE = "private_message"
# PHI types that no promotion carries: a message with one is a person's, not spam.
PATIENT_ONLY_PHI = frozenset(
    {"DOB", "SSN", "ID", "ACCOUNT", "LICENSE", "VEHICLE", "DEVICE", "ROOM", "AGE_90+"}
)
# Profile links and @handles are redacted like any identifier, but on a social page they
# are how people tag and link each other: alone they do not make a thread sensitive.
LINK_PHI = frozenset(t.value for t in LINK_TYPES)


class Action(str, enum.Enum):
    REPLY = "reply"
    ESCALATE = "escalate"
    IGNORE = "ignore"


class Reason(str, enum.Enum):
    EMERGENCY = "emergency"
    HUMAN_OWNED = "human_owned"
    PHI = "phi"
    CLINICAL = "clinical"
    LOW_CONFIDENCE = "low_confidence"
    COMPLAINT = "complaint"
    CATEGORY = "category"
    SPAM = "spam"
    DUPLICATE = "duplicate"


@dataclasses.dataclass(frozen=True)
class ThreadState:
    """What the policy needs to know about the conversation so far."""

    human_owned: bool = False


@dataclasses.dataclass(frozen=True)
class Decision:
    action: Action
    reason: Reason
    category: str
    priority: Optional[Priority] = None
    sla_hours: Optional[float] = None
    template_key: Optional[str] = None
    reply_surface: Optional[str] = None
    hide: bool = False
    # Send the same template privately too (a public comment's private reply).
    also_private: bool = False
    # The reply waits for a moderator's approval (`ChannelRules.public_replies`).
    held: bool = False


def _escalate(taxonomy: Taxonomy, category: str, reason: Reason, priority: Priority,
              template: Optional[str], surface: Optional[str], hide: bool = False) -> Decision:
    sla = min(taxonomy[category].sla_hours, _sla_for(taxonomy, priority))
    return Decision(Action.ESCALATE, reason, category, priority, sla, template,
                    surface if template else None, hide)


def _sla_for(taxonomy: Taxonomy, priority: Priority) -> float:
    """The tightest SLA of any category with this priority (a PHI praise gets clinical speed)."""
    slas = [c.sla_hours for c in taxonomy.categories.values() if c.priority == priority]
    return min(slas) if slas else max(c.sla_hours for c in taxonomy.categories.values())


def decide(
    category: str,
    confidence: float,
    phi_types: Sequence[str],
    surface: str,
    thread: ThreadState,
    taxonomy: Taxonomy,
    *,
    crisis: Optional[Crisis] = None,
    faq_topic: Optional[str] = None,
    emergency_score: Optional[float] = None,
    hide_phi_comments: bool = True,
    channel: ChannelRules = ChannelRules(),
) -> Decision:
    """Route one message; see the module docstring for the rules and their order."""
    decision = _route(category, confidence, phi_types, surface, thread, taxonomy, crisis=crisis,
                      faq_topic=faq_topic, emergency_score=emergency_score,
                      hide_phi_comments=hide_phi_comments and channel.private_replies,
                      public_only=not channel.private_replies)
    if decision.template_key and channel.public_replies == "moderator":
        if decision.action is Action.REPLY:
            # No case to approve it on: nothing is posted (`automatic` thanks reviewers).
            return Decision(Action.IGNORE, decision.reason, decision.category, hide=decision.hide)
        decision = dataclasses.replace(decision, held=True)
    return decision


def _route(
    category: str,
    confidence: float,
    phi_types: Sequence[str],
    surface: str,
    thread: ThreadState,
    taxonomy: Taxonomy,
    *,
    crisis: Optional[Crisis],
    faq_topic: Optional[str],
    emergency_score: Optional[float],
    hide_phi_comments: bool,
    public_only: bool,
) -> Decision:
    """Route one message. `category` is the classifier's top guess, even when unsure;
    `emergency_score` is the model's crisis score (default: `confidence` when the top
    guess is emergency, else 0); `hide_phi_comments` hides public comments that carry
    PHI or ask a clinical question (the deployment's setting, on by default)."""
    spec = taxonomy[category]
    if surface not in (PUBLIC, PRIVATE):
        raise ValueError(f"unknown surface {surface!r}")
    public = surface == PUBLIC
    phi_types = [t for t in phi_types if t not in LINK_PHI]
    identifiers = [t for t in phi_types if t != "HEALTH"]

    if emergency_score is None:
        emergency_score = confidence if category == "emergency" else 0.0
    if (crisis is not None or category == "emergency"
            or emergency_score >= taxonomy.emergency_threshold):
        template = "emergency_self_harm" if crisis is Crisis.SELF_HARM else "emergency_medical"
        hide = public and hide_phi_comments and bool(identifiers)
        return dataclasses.replace(
            _escalate(taxonomy, "emergency", Reason.EMERGENCY, Priority.URGENT, template,
                      surface, hide), also_private=public and bool(identifiers) and not public_only)

    if thread.human_owned:
        # Silent, but a public comment with PHI is still hidden: never PHI in public.
        hide = public and hide_phi_comments and bool(phi_types or category == "clinical_request")
        return Decision(Action.ESCALATE, Reason.HUMAN_OWNED, category, hide=hide)

    if category == "spam":
        needed = (taxonomy.spam_confidence_with_ids if PATIENT_ONLY_PHI.intersection(phi_types)
                  else taxonomy.spam_confidence)
        if confidence >= needed:
            return Decision(Action.IGNORE, Reason.SPAM, category, hide=spec.hide)

    if phi_types or category == "clinical_request":
        reason = Reason.PHI if phi_types else Reason.CLINICAL
        hide = public and hide_phi_comments
        # Where nothing goes privately, the generic acknowledgement, in public.
        template, reply_surface = ("review_ack", surface) if public_only else (
            "secure_portal", PRIVATE)
        if category == "negative_review" and confidence >= taxonomy.confidence_threshold:
            return _escalate(taxonomy, category, reason, spec.priority, template, reply_surface,
                             hide)
        return _escalate(taxonomy, category, reason, Priority.HIGH, template, reply_surface, hide)

    if confidence < taxonomy.confidence_threshold:
        template = "handoff_ack" if surface == PRIVATE else None
        return _escalate(taxonomy, category, Reason.LOW_CONFIDENCE, Priority.NORMAL, template, surface)

    if category == "spam":
        return Decision(Action.IGNORE, Reason.SPAM, category, hide=spec.hide)

    if spec.handling is Handling.ESCALATE:
        reason = Reason.COMPLAINT if category == "negative_review" else Reason.CATEGORY
        template = spec.template
        if public_only and reason is Reason.COMPLAINT:
            template = "review_ack"  # "send us a private message" has no meaning here
        return _escalate(taxonomy, category, reason, spec.priority, template, surface)

    if spec.handling is Handling.REPLY:
        template = spec.template
        if category == "general_question" and faq_topic in taxonomy.faq_topics:
            template = taxonomy.faq_topics[faq_topic]
        return Decision(Action.REPLY, Reason.CATEGORY, category, template_key=template,
                        reply_surface=surface)

    # Ignored categories: silence in public; a private message is never left unanswered.
    if surface == PRIVATE:
        return _escalate(taxonomy, category, Reason.CATEGORY, spec.priority, "handoff_ack", PRIVATE)
    return Decision(Action.IGNORE, Reason.CATEGORY, category, hide=spec.hide)


def required_templates(taxonomy: Taxonomy) -> Tuple[Tuple[str, str], ...]:
    """Every (template key, surface) the policy can ask for; the check command verifies them."""
    keys = {"emergency_medical", "emergency_self_harm", "secure_portal"}
    keys |= {c.template for c in taxonomy.categories.values() if c.template}
    keys |= set(taxonomy.faq_topics.values())
    needed = {(key, surface) for key in keys for surface in (PUBLIC, PRIVATE)}
    # secure_portal replies go privately; handoff_ack exists only in private.
    needed.add(("handoff_ack", PRIVATE))
    if any(not rules.private_replies for rules in taxonomy.channels.values()):
        needed.add(("review_ack", PUBLIC))  # public-only channels' acknowledgement
    return tuple(sorted(needed))
