"""What the HTTP clients (Meta's Graph API, Google's Business Profile API) share."""

from __future__ import annotations

from typing import Optional

import requests

__all__ = ["retry_after"]


def retry_after(resp: requests.Response, cap: float) -> Optional[float]:
    """The server's `Retry-After` in seconds, within [0, cap], if it sent a number."""
    try:
        value = float(resp.headers.get("Retry-After", ""))
    except ValueError:
        return None
    return min(max(value, 0.0), cap)
