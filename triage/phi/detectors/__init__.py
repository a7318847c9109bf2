"""One detector per PHI entity; `ALL_DETECTORS` lists the classes the default registry uses."""

from __future__ import annotations

from triage.phi.detectors.address import AddressDetector
from triage.phi.detectors.base import Detector, Pattern, PatternDetector
from triage.phi.detectors.dates import DateDetector
from triage.phi.detectors.email import EmailDetector
from triage.phi.detectors.health import HealthDetector
from triage.phi.detectors.ids import IdDetector
from triage.phi.detectors.names import NameDetector
from triage.phi.detectors.phone import PhoneDetector
from triage.phi.detectors.placeholders import PlaceholderDetector
from triage.phi.detectors.ssn import SsnDetector

__all__ = [
    "ALL_DETECTORS",
    "AddressDetector",
    "DateDetector",
    "Detector",
    "EmailDetector",
    "HealthDetector",
    "IdDetector",
    "NameDetector",
    "Pattern",
    "PatternDetector",
    "PhoneDetector",
    "PlaceholderDetector",
    "SsnDetector",
]

ALL_DETECTORS: tuple[type[Detector], ...] = (
    PlaceholderDetector,
    NameDetector,
    DateDetector,
    PhoneDetector,
    EmailDetector,
    AddressDetector,
    IdDetector,
    SsnDetector,
    HealthDetector,
)
