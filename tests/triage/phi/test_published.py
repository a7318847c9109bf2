"""The organisation's published contacts are never reported; anyone else's still are."""

from __future__ import annotations

import pytest

from triage import phi
from triage.errors import ConfigError
from triage.phi import PhiType, Published, Registry
from triage.phi.detectors import ALL_DETECTORS
from triage.service import build_services
from triage.settings import Settings

CONTACTS = ["(555) 410-2200", "info@lakeviewregional.org", "@lakeviewregional.org",
            "@lakeviewregional", "2400 Harbor Parkway"]


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry((cls() for cls in ALL_DETECTORS), Published.parse(CONTACTS))


def _types(registry: Registry, text: str) -> set[str]:
    return {f.type.value for f in registry.detect(text)}


@pytest.mark.parametrize("text", [
    "I called 555-410-2200 four times and nobody picked up",
    "is 1 (555) 410 2200 still the number for scheduling",
    "emailed info@lakeviewregional.org twice, no answer",
    "wrote to billing@lakeviewregional.org about the parking fee",
    "saw the post from @lakeviewregional about the 5k",
    "parking at 2400 Harbor Pkwy is a nightmare",
    "the www.lakeviewregional.org/careers page is down",
])
def test_the_organisations_own_contacts_are_not_reported(registry, text) -> None:
    assert _types(registry, text) == set()


@pytest.mark.parametrize(("text", "kind"), [
    ("call me at 555-410-2201 after 5", "PHONE"),
    ("my email is jess.lakeview@gmail.com", "EMAIL"),
    ("my ig is @lakeview_jess", "HANDLE"),
    ("we live at 2401 Harbor Parkway", "ADDRESS"),
])
def test_a_near_miss_is_still_a_persons(registry, text, kind) -> None:
    assert kind in _types(registry, text)


def test_the_same_text_without_published_contacts_is_reported() -> None:
    plain = Registry(cls() for cls in ALL_DETECTORS)
    assert "PHONE" in _types(plain, "I called 555-410-2200 four times and nobody picked up")


@pytest.mark.parametrize("entry", ["main line", "12345", "lakeview@", "@x"])
def test_an_entry_that_is_no_contact_is_refused_by_name(entry) -> None:
    with pytest.raises(ValueError, match="published contact"):
        Published.parse([entry])


def test_settings_publish_the_org_phone_and_the_listed_contacts(tmp_path) -> None:
    environ = {"TRIAGE_DATABASE_URL": f"sqlite:///{tmp_path / 'q.db'}",
               "TRIAGE_ORG_PHONE": "(555) 288-4000",
               "TRIAGE_ORG_PUBLISHED": "contact@pineridge.com; @pineridgememorial ;17 Mill Road"}
    settings = Settings.from_env(environ)
    assert settings.published_contacts() == (
        "(555) 288-4000", "contact@pineridge.com", "@pineridgememorial", "17 Mill Road")
    try:
        build_services(settings)
        assert phi.redact("called 555.288.4000, then wrote contact@pineridge.com") == (
            "called 555.288.4000, then wrote contact@pineridge.com")
        assert phi.redact("call me on 555.288.4001") == "call me on [PHONE]"
    finally:
        phi.publish(Published.parse(Settings().published_contacts()))


def test_a_bad_published_contact_stops_the_wiring(tmp_path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'q.db'}",
                        org_published=("the front desk",))
    with pytest.raises(ConfigError, match="TRIAGE_ORG_PUBLISHED"):
        build_services(settings)


def test_findings_of_published_values_are_dropped_before_overlaps_merge(registry) -> None:
    findings = registry.detect("text 555-410-2200 or my cell 555-201-3344")
    assert [f.type for f in findings] == [PhiType.PHONE]
