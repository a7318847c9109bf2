"""One frozen Settings object, built from an explicit mapping (usually os.environ)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
from pathlib import Path
from typing import List, Mapping, Optional, Tuple

from triage.errors import ConfigError

__all__ = ["Settings", "REPO_ROOT", "process_settings"]

REPO_ROOT = Path(__file__).resolve().parent.parent
_PACKAGE_DIR = Path(__file__).resolve().parent


@dataclasses.dataclass(frozen=True)
class Settings:
    """Runtime configuration shared by the actions, channels and CLI."""

    database_url: str = f"sqlite:///{REPO_ROOT / 'var' / 'triage.db'}"
    org_name: str = "Riverside Community Hospital"
    org_phone: str = "(555) 010-2000"
    # The organisation's other published contacts (phones, e-mail addresses or @domains,
    # @handles, its street address), which the PHI detectors never report; with org_phone.
    org_published: Tuple[str, ...] = ()
    portal_url: str = "https://portal.example-hospital.org"
    templates_path: Path = _PACKAGE_DIR / "replies" / "templates.yml"
    taxonomy_path: Path = _PACKAGE_DIR / "taxonomy" / "categories.yml"
    model_path: Path = REPO_ROOT / "models"
    # The batch CLI's classifier loader (module:function).
    classifier: str = "bot.classifier:load_classifier"
    portal_port: int = 8080
    ingest_port: int = 5006
    # Shared secret between the Rasa server and the action server.
    action_secret: Optional[str] = dataclasses.field(default=None, repr=False)
    # Above Meta's own limits (8,000 characters for a comment), so no real message is refused.
    max_message_chars: int = 10000
    # Hide a public comment that holds PHI or a clinical request (the playbook).
    hide_phi_comments: bool = True
    # How long one worker holds a message (a turn takes well under a second); a worker that
    # dies leaves it to the recovery loop after this.
    lease_seconds: float = 30.0
    # How often the workers settle the outbox (operations a crash left in flight, retries).
    recovery_interval_seconds: float = 5.0
    # Turns one Rasa process runs at once, and how often its idle workers look for messages
    # other processes stored or leases that expired (a wake from its own channels is at once).
    worker_concurrency: int = 4
    worker_poll_seconds: float = 0.5
    # Meta: the app's secret (signatures) and the webhook's verify token (the receiver and the
    # Rasa channel), the Page, its access token, the Instagram account and the Graph API's URL.
    meta_app_secret: Optional[str] = dataclasses.field(default=None, repr=False)
    meta_verify_token: Optional[str] = dataclasses.field(default=None, repr=False)
    meta_page_id: Optional[str] = None
    meta_access_token: Optional[str] = dataclasses.field(default=None, repr=False)
    meta_instagram_id: Optional[str] = None
    meta_graph_url: str = "https://graph.facebook.com"
    # The portal: its session-signing secret (unset: a fresh one each start, so sign-ins end
    # with a restart), idle sign-out, Secure cookies (0 only behind plain HTTP off localhost),
    # and the Rasa HTTP API it sends moderators' replies through.
    portal_secret: Optional[str] = dataclasses.field(default=None, repr=False)
    portal_idle_minutes: int = 15
    portal_secure_cookies: bool = True
    rasa_url: Optional[str] = None
    rasa_token: Optional[str] = dataclasses.field(default=None, repr=False)
    # Google Business Profile reviews: the OAuth2 client and the refresh token granted by a
    # manager of the locations, the locations ("accounts/1/locations/2", ...), the token in
    # the Pub/Sub push URL (unset: no notifications, polling only), how often to poll, and
    # the API's and token endpoint's URLs (the fake server's in tests and the demo).
    google_client_id: Optional[str] = None
    google_client_secret: Optional[str] = dataclasses.field(default=None, repr=False)
    google_refresh_token: Optional[str] = dataclasses.field(default=None, repr=False)
    google_locations: Tuple[str, ...] = ()
    google_push_token: Optional[str] = dataclasses.field(default=None, repr=False)
    google_poll_seconds: float = 300.0
    google_api_url: str = "https://mybusiness.googleapis.com"
    google_token_url: str = "https://oauth2.googleapis.com/token"

    def missing(self, required: Mapping[str, str]) -> List[str]:
        """The variables of `required` (variable -> field) whose setting is empty."""
        return [name for name, field in required.items() if not getattr(self, field)]

    @property
    def lease(self) -> dt.timedelta:
        return dt.timedelta(seconds=self.lease_seconds)

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> "Settings":
        """Read TRIAGE_* variables; anything unset keeps its default."""
        defaults = cls()
        max_chars = _count(environ, "TRIAGE_MAX_MESSAGE_CHARS", defaults.max_message_chars)
        return cls(
            database_url=environ.get("TRIAGE_DATABASE_URL", defaults.database_url),
            org_name=environ.get("TRIAGE_ORG_NAME", defaults.org_name),
            org_phone=environ.get("TRIAGE_ORG_PHONE", defaults.org_phone),
            org_published=tuple(p.strip() for p in
                                environ.get("TRIAGE_ORG_PUBLISHED", "").split(";") if p.strip()),
            portal_url=environ.get("TRIAGE_PORTAL_URL", defaults.portal_url),
            templates_path=Path(environ.get("TRIAGE_TEMPLATES", defaults.templates_path)),
            taxonomy_path=Path(environ.get("TRIAGE_TAXONOMY", defaults.taxonomy_path)),
            model_path=Path(environ.get("TRIAGE_MODEL", defaults.model_path)),
            classifier=environ.get("TRIAGE_CLASSIFIER", defaults.classifier),
            portal_port=_count(environ, "TRIAGE_PORTAL_PORT", defaults.portal_port),
            ingest_port=_count(environ, "TRIAGE_INGEST_PORT", defaults.ingest_port),
            action_secret=environ.get("TRIAGE_ACTION_SECRET") or None,
            max_message_chars=max_chars,
            hide_phi_comments=environ.get("TRIAGE_HIDE_PHI_COMMENTS", "1") != "0",
            lease_seconds=_seconds(environ, "TRIAGE_LEASE_SECONDS", defaults.lease_seconds),
            recovery_interval_seconds=_seconds(environ, "TRIAGE_RECOVERY_INTERVAL_SECONDS",
                                               defaults.recovery_interval_seconds),
            worker_concurrency=_count(environ, "TRIAGE_WORKER_CONCURRENCY",
                                      defaults.worker_concurrency),
            worker_poll_seconds=_seconds(environ, "TRIAGE_WORKER_POLL_SECONDS",
                                         defaults.worker_poll_seconds),
            meta_app_secret=environ.get("META_APP_SECRET") or None,
            meta_verify_token=environ.get("META_VERIFY_TOKEN") or None,
            meta_page_id=environ.get("META_PAGE_ID") or None,
            meta_access_token=environ.get("META_ACCESS_TOKEN") or None,
            meta_instagram_id=environ.get("META_INSTAGRAM_ID") or None,
            meta_graph_url=environ.get("META_GRAPH_URL") or defaults.meta_graph_url,
            portal_secret=environ.get("TRIAGE_PORTAL_SECRET") or None,
            portal_idle_minutes=_count(environ, "TRIAGE_PORTAL_IDLE_MINUTES",
                                       defaults.portal_idle_minutes),
            portal_secure_cookies=environ.get("TRIAGE_PORTAL_SECURE_COOKIES", "1") != "0",
            rasa_url=environ.get("TRIAGE_RASA_URL") or None,
            rasa_token=environ.get("TRIAGE_RASA_TOKEN") or None,
            google_client_id=environ.get("GOOGLE_CLIENT_ID") or None,
            google_client_secret=environ.get("GOOGLE_CLIENT_SECRET") or None,
            google_refresh_token=environ.get("GOOGLE_REFRESH_TOKEN") or None,
            google_locations=_locations(environ.get("GOOGLE_LOCATIONS", "")),
            google_push_token=environ.get("GOOGLE_PUSH_TOKEN") or None,
            google_poll_seconds=_seconds(environ, "GOOGLE_POLL_SECONDS",
                                         defaults.google_poll_seconds),
            google_api_url=environ.get("GOOGLE_API_URL") or defaults.google_api_url,
            google_token_url=environ.get("GOOGLE_TOKEN_URL") or defaults.google_token_url,
        )

    def published_contacts(self) -> Tuple[str, ...]:
        """The organisation's phone and its other published contacts, as configured."""
        return (self.org_phone, *self.org_published)

    def template_variables(self) -> dict:
        """The organisation-level template variables (case_ref is added per case)."""
        return {
            "org_name": self.org_name,
            "org_phone": self.org_phone,
            "portal_url": self.portal_url,
        }


_process: Optional[Settings] = None


def process_settings() -> Settings:
    """This process's settings, read from os.environ once, on first use. For code that Rasa
    starts (its channels, the service they share); entry points of ours read them in main."""
    global _process
    if _process is None:
        _process = Settings.from_env(os.environ)
    return _process


_LOCATION = re.compile(r"accounts/[^/\s,]+/locations/[^/\s,]+")


def _locations(value: str) -> Tuple[str, ...]:
    names = tuple(part.strip() for part in value.split(",") if part.strip())
    for name in names:
        if not _LOCATION.fullmatch(name):
            raise ConfigError("GOOGLE_LOCATIONS must be a comma-separated list of "
                              f"accounts/ACCOUNT/locations/LOCATION names, not {name!r}")
    return names


def _seconds(environ: Mapping[str, str], name: str, default: float) -> float:
    try:
        value = float(environ.get(name, default))
    except ValueError as exc:
        raise ConfigError(f"{name} must be a number of seconds") from exc
    if value <= 0:
        raise ConfigError(f"{name} must be positive")
    return value


def _count(environ: Mapping[str, str], name: str, default: int) -> int:
    try:
        value = int(environ.get(name, default))
    except ValueError as exc:
        raise ConfigError(f"{name} must be an integer") from exc
    if value < 1:
        raise ConfigError(f"{name} must be positive")
    return value
