"""The organisation's own published contact details: its main line, its e-mail, its
handle, its address. They are on its website and its page, so they are no patient's
identifier wherever a message quotes them ("I called 555-410-2200 four times").

`Published.parse` reads a deployment's list (``TRIAGE_ORG_PUBLISHED``, with the
organisation's phone from ``TRIAGE_ORG_PHONE``); a registry built with it drops findings
whose value is one of them. Matching is on normalised values (digits of a phone, the
lower-cased mailbox, domain or handle, an address's house number and street), never on
what surrounds them, so a patient's own number is never mistaken for the hospital's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from triage.phi.findings import PhiType

__all__ = ["Published"]

_STREET_WORDS = {
    "street": "st", "avenue": "ave", "av": "ave", "road": "rd", "drive": "dr", "lane": "ln",
    "boulevard": "blvd", "parkway": "pkwy", "court": "ct", "place": "pl", "highway": "hwy",
    "terrace": "ter", "circle": "cir", "north": "n", "south": "s", "east": "e", "west": "w",
}  # fmt: skip
_TOKEN = re.compile(r"[a-z0-9]+")
_DOMAIN = re.compile(r"(?:[a-z0-9-]+\.)+[a-z]{2,24}")
_HANDLE = re.compile(r"@[a-z0-9._]{2,30}")
_PHONE = re.compile(r"\+?[\d\s().-]{10,20}")


def _phone_key(value: str) -> str | None:
    digits = "".join(c for c in value if c.isdigit())
    if len(digits) == 11 and digits[0] == "1":
        digits = digits[1:]
    return digits if len(digits) == 10 else None


def _address_key(value: str) -> tuple[str, ...]:
    tokens = _TOKEN.findall(value.lower())
    return tuple(_STREET_WORDS.get(t, t) for t in tokens)


@dataclass(frozen=True)
class Published:
    """Normalised published contacts; empty means none is configured."""

    phones: frozenset[str] = frozenset()
    emails: frozenset[str] = frozenset()
    domains: frozenset[str] = frozenset()
    handles: frozenset[str] = frozenset()
    addresses: frozenset[tuple[str, ...]] = frozenset()

    @classmethod
    def parse(cls, entries: Iterable[str]) -> Published:
        """One contact per entry: a phone number, an e-mail address, ``@domain`` or a bare
        domain (every mailbox and page there), ``@handle``, or a street address that starts
        with its house number. Anything else is refused with the entry named."""
        phones, emails, domains, handles, addresses = set(), set(), set(), set(), set()
        for raw in entries:
            entry = raw.strip().lower()
            if not entry:
                continue
            if "@" in entry[1:] and _DOMAIN.fullmatch(entry.split("@", 1)[1]):
                emails.add(entry)
            elif entry.startswith("@") and _DOMAIN.fullmatch(entry[1:]):
                domains.add(entry[1:])
            elif _HANDLE.fullmatch(entry):
                handles.add(entry[1:])
            elif _DOMAIN.fullmatch(entry.removeprefix("www.")):
                domains.add(entry.removeprefix("www."))
            elif _PHONE.fullmatch(entry) and _phone_key(entry):
                phones.add(_phone_key(entry))
            elif re.match(r"\d{1,6}\s+[a-z]", entry):
                addresses.add(_address_key(entry))
            else:
                raise ValueError(
                    f"published contact {raw.strip()!r} is no phone number, e-mail address, "
                    "domain, @handle or street address (house number first)")
        return cls(frozenset(phones), frozenset(emails), frozenset(domains),
                   frozenset(handles), frozenset(addresses))

    def __bool__(self) -> bool:
        return bool(self.phones or self.emails or self.domains or self.handles or self.addresses)

    def covers(self, phi_type: PhiType, value: str) -> bool:
        """Whether a finding of `phi_type` over `value` is one of the published contacts."""
        if phi_type is PhiType.PHONE:
            return _phone_key(value) in self.phones
        if phi_type is PhiType.EMAIL:
            mailbox = value.strip().lower()
            return mailbox in self.emails or mailbox.rsplit("@", 1)[-1] in self.domains
        if phi_type is PhiType.HANDLE:
            return value.strip().lower().lstrip("@") in self.handles
        if phi_type is PhiType.URL:
            host = re.sub(r"^[a-z]+://", "", value.strip().lower()).removeprefix("www.")
            host = host.split("/", 1)[0]
            return any(host == d or host.endswith("." + d) for d in self.domains)
        if phi_type is PhiType.ADDRESS:
            found = _address_key(value)
            # "2400 Harbor Pkwy" of "2400 Harbor Parkway, Lakeview 60601", or the reverse
            return bool(found) and any(
                found[: len(a)] == a or a[: len(found)] == found for a in self.addresses
                if len(found) >= 2 and len(a) >= 2)
        return False
