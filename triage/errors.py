"""Exceptions raised by the triage library.

    TriageError
    ├── ConfigError            bad settings, taxonomy or template files
    ├── TemplateError          unknown template, unapproved/expired, bad variable
    ├── InputError             a malformed inbound message or batch line
    ├── StoreError             the queue database refused a write
    ├── NotFound               no such case, message, reply or user
    ├── PermissionDenied       the actor's role (or case ownership) does not allow the action
    └── Conflict               the record changed first: claimed by someone else, a taken
        │                      username, another open case on the thread
        └── TransitionError    the case's status does not allow that action

Only the CLI and HTTP layers turn these into exit codes and status codes.
Messages never contain user text: they name fields, ids and counts.
"""

__all__ = [
    "TriageError", "ConfigError", "TemplateError", "InputError", "StoreError",
    "NotFound", "PermissionDenied", "Conflict", "TransitionError",
]


class TriageError(Exception):
    """Base class of every error the library raises on purpose."""


class ConfigError(TriageError):
    """A settings value, taxonomy or template file is missing or invalid."""


class TemplateError(TriageError):
    """A template is unknown, unapproved, expired or uses a forbidden variable."""


class InputError(TriageError):
    """An inbound message or batch line is malformed."""


class StoreError(TriageError):
    """The queue database could not complete a write."""


class NotFound(TriageError):
    """No case, message, reply or user with that id."""


class PermissionDenied(TriageError):
    """The actor's role, or not holding the case, forbids the action."""


class Conflict(TriageError):
    """Someone changed the record first, or a unique rule (username, one open case) holds."""


class TransitionError(Conflict):
    """The case's current status does not allow the requested action."""
