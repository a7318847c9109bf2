"""Links that point at a person: profiles, photos, videos, fundraisers, shared files and
personal pages ("instagram.com/maria.lopez88", "gofund.me/4a7c2e11",
"https://drive.google.com/file/d/1xY...", "www.facebook.com/profile.php?id=1000").

A link is a person's when its host is one where people keep themselves (social networks,
photo and file shares, fundraisers, personal-page hosts) and it has a path, or when its
path names a user ("/u/", "/user/", "/~", "/@"). Links to the hospital's own site, a
public-health site, a news story or a shop say nothing about the writer and stay.
"""

from __future__ import annotations

import re
from typing import ClassVar
from urllib.parse import urlsplit

from triage.phi.detectors.base import Pattern, PatternDetector
from triage.phi.findings import PhiType

__all__ = ["UrlDetector"]

_TLD = (
    r"(?:com|net|org|me|ly|gl|io|co|tv|app|link|page|us|info|biz|gg|to|be|ee|am|ms|site|blog"
    r"|social|xyz|mx|es|ca|uk|de|fr|ws|cc|la|watch)"
)
_URL = re.compile(
    r"(?<![\w@.-])(?:(?:https?://|www\.)[^\s<>\"'`]{2,300}"
    r"|(?:[A-Za-z0-9-]{1,63}\.){1,4}" + _TLD + r"(?:/[^\s<>\"'`]{0,300})?)"
    r"(?<![.,!?:;)\]}'\"])",
    re.IGNORECASE,
)
# Hosts where a path is a person's page, photo, video, fundraiser or file.
_PERSONAL_HOSTS = frozenset(
    """facebook.com fb.com fb.me fb.watch m.facebook.com instagram.com instagr.am tiktok.com
    vm.tiktok.com twitter.com x.com threads.net snapchat.com youtube.com youtu.be
    linkedin.com gofundme.com gofund.me drive.google.com docs.google.com photos.google.com
    photos.app.goo.gl goo.gl dropbox.com db.tt imgur.com i.imgur.com icloud.com flickr.com
    pinterest.com reddit.com linktr.ee venmo.com cash.app paypal.me onedrive.live.com 1drv.ms
    wetransfer.com we.tl box.com caringbridge.org mealtrain.com lotsahelpinghands.com
    wa.me t.me discord.gg tumblr.com medium.com substack.com vimeo.com spotify.com
    soundcloud.com twitch.tv patreon.com ko-fi.com beacons.ai carrd.co""".split()
)
# Hosts whose subdomain is a person's page: "maria-lopez.blogspot.com".
_PERSONAL_SUFFIXES = (
    ".blogspot.com", ".wordpress.com", ".tumblr.com", ".substack.com", ".carrd.co",
    ".wixsite.com", ".weebly.com", ".squarespace.com", ".github.io", ".neocities.org",
)
_USER_PATH = re.compile(r"/(?:u|user|users|profile|people|member|members|~[\w.-]+|@[\w.-]+)(?:/|$|\?)")


class UrlDetector(PatternDetector):
    name = "urls"
    PATTERNS: ClassVar[tuple[Pattern, ...]] = (Pattern("url", _URL, PhiType.URL, 0.8),)

    def validate_result(self, text: str, match: re.Match[str], pattern: Pattern) -> bool:
        return is_personal_link(match.group(0))


def is_personal_link(link: str) -> bool:
    """Whether `link` (with or without a scheme) points at a person's page or file."""
    parts = urlsplit(link if "://" in link else "http://" + link)
    host = (parts.hostname or "").lower()
    host = host[4:] if host.startswith("www.") else host
    path = parts.path.rstrip("/") + ("?" + parts.query if parts.query else "")
    if any(host.endswith(suffix) and host != suffix[1:] for suffix in _PERSONAL_SUFFIXES):
        return True
    if host in _PERSONAL_HOSTS or host.removeprefix("m.") in _PERSONAL_HOSTS:
        return bool(path)
    if "blog" in host.split(".")[0]:
        return True  # "marthasfightblog.com": a person's own journal
    return bool(_USER_PATH.search(parts.path))
