"""The approved template library: the single source of every word the bot sends.

A template is looked up by (key, surface) and rendered with allow-listed variables
only; nothing a writer sent can ever reach a reply.
"""

from triage.replies.library import (
    ALLOWED_VARIABLES,
    SURFACES,
    Rendered,
    Template,
    TemplateLibrary,
    load_library,
)
from triage.replies.check import check_library, check_domain_responses

__all__ = [
    "ALLOWED_VARIABLES",
    "SURFACES",
    "Rendered",
    "Template",
    "TemplateLibrary",
    "check_domain_responses",
    "check_library",
    "load_library",
]
