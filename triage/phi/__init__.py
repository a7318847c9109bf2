"""PHI detection and redaction for inbox messages (pure Python, no Rasa imports).

Detection returns typed spans (`Finding`), never the text itself; redaction is a separate
step that swaps spans for typed placeholders::

    >>> redact("my son Jake has a fever")
    'my son [NAME] has a [HEALTH]'
    >>> deidentify("my son Jake has a fever")
    'my son [NAME] has a fever'
"""

from __future__ import annotations

from triage.phi.detectors import Detector
from triage.phi.findings import IDENTIFIER_TYPES, LINK_TYPES, Finding, PhiType, phi_types
from triage.phi.published import Published
from triage.phi.redaction import deidentify, detect, redact
from triage.phi.registry import Registry, default_registry, publish, reuse_scans

__all__ = [
    "IDENTIFIER_TYPES",
    "LINK_TYPES",
    "Detector",
    "Finding",
    "PhiType",
    "Published",
    "Registry",
    "default_registry",
    "deidentify",
    "detect",
    "phi_types",
    "publish",
    "redact",
    "reuse_scans",
]
