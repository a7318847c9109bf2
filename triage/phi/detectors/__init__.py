"""One detector per PHI entity; `ALL_DETECTORS` lists the classes the default registry uses."""

from __future__ import annotations

from triage.phi.detectors.accounts import AccountDetector
from triage.phi.detectors.address import AddressDetector
from triage.phi.detectors.ages import AgeDetector
from triage.phi.detectors.base import Detector, Pattern, PatternDetector
from triage.phi.detectors.crisis import CrisisDetector
from triage.phi.detectors.dates import DateDetector
from triage.phi.detectors.devices import DeviceDetector
from triage.phi.detectors.email import EmailDetector
from triage.phi.detectors.handles import HandleDetector
from triage.phi.detectors.health import HealthDetector
from triage.phi.detectors.ids import IdDetector
from triage.phi.detectors.licenses import LicenseDetector
from triage.phi.detectors.names import NameDetector
from triage.phi.detectors.network import IpDetector
from triage.phi.detectors.phone import PhoneDetector
from triage.phi.detectors.placeholders import PlaceholderDetector
from triage.phi.detectors.rooms import RoomDetector
from triage.phi.detectors.split_numbers import SplitNumberDetector
from triage.phi.detectors.ssn import SsnDetector
from triage.phi.detectors.urls import UrlDetector
from triage.phi.detectors.vehicles import VehicleDetector

__all__ = [
    "ALL_DETECTORS",
    "AccountDetector",
    "AddressDetector",
    "AgeDetector",
    "CrisisDetector",
    "DateDetector",
    "Detector",
    "DeviceDetector",
    "EmailDetector",
    "HandleDetector",
    "HealthDetector",
    "IdDetector",
    "IpDetector",
    "LicenseDetector",
    "NameDetector",
    "PhoneDetector",
    "PlaceholderDetector",
    "RoomDetector",
    "SplitNumberDetector",
    "SsnDetector",
    "UrlDetector",
    "VehicleDetector",
]

ALL_DETECTORS: tuple[type[Detector], ...] = (
    PlaceholderDetector,
    NameDetector,
    DateDetector,
    AgeDetector,
    PhoneDetector,
    EmailDetector,
    AddressDetector,
    RoomDetector,
    IdDetector,
    AccountDetector,
    LicenseDetector,
    VehicleDetector,
    DeviceDetector,
    SsnDetector,
    SplitNumberDetector,
    UrlDetector,
    IpDetector,
    HandleDetector,
    HealthDetector,
    CrisisDetector,
)
