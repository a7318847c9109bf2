"""Exceptions raised by the triage library.

    TriageError
    ├── ConfigError            bad settings, taxonomy or template files
    ├── TemplateError          unknown template, unapproved/expired, bad variable
    ├── InputError             a malformed inbound message or batch line
    └── StoreError             the queue database refused a write

Only the CLI and HTTP layers turn these into exit codes and status codes.
Messages never contain user text: they name fields, ids and counts.
"""

__all__ = ["TriageError", "ConfigError", "TemplateError", "InputError", "StoreError"]


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
