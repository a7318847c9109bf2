"""X-Hub-Signature-256 over the raw body, and the GET subscription handshake."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from triage.errors import ConfigError, PermissionDenied
from triage.meta import SIGNATURE_HEADER, sign, verify_signature, verify_subscription

SECRET = "app-secret-for-tests"
BODY = b'{"object":"page","entry":[{"id":"1","time":1,"messaging":[]}]}'
GOOD = "sha256=" + hmac.new(SECRET.encode(), BODY, hashlib.sha256).hexdigest()


def test_sign_matches_meta_algorithm():
    assert sign(BODY, SECRET) == GOOD
    assert SIGNATURE_HEADER == "X-Hub-Signature-256"


def test_good_signature_passes():
    assert verify_signature(BODY, GOOD, SECRET) is None
    assert verify_signature(bytearray(BODY), "  " + GOOD + "\n", SECRET) is None
    assert verify_signature(BODY, GOOD.upper().replace("SHA256=", "sha256="), SECRET) is None


@pytest.mark.parametrize(
    "body, header, reason",
    [
        (BODY, None, "missing"),
        (BODY, "", "missing"),
        (BODY, "   ", "missing"),
        (BODY, GOOD[len("sha256="):], "does not start with 'sha256='"),
        (BODY, "sha1=" + hmac.new(SECRET.encode(), BODY, hashlib.sha1).hexdigest(),
         "does not start with 'sha256='"),
        (BODY, "SHA256=" + GOOD[7:], "does not start with 'sha256='"),
        (BODY, "sha256=" + "z" * 64, "not valid hex"),
        (BODY, "sha256=abc", "64-digit"),
        (BODY, GOOD + "00", "64-digit"),
        (BODY, "sha256=" + "0" * 64, "does not match"),
        (BODY, sign(BODY, SECRET + "x"), "does not match"),
        (BODY.replace(b'"1"', b'"2"'), GOOD, "does not match"),           # tampered body
        (BODY + b" ", GOOD, "does not match"),                            # re-serialised body
    ],
    ids=["none", "empty", "blank", "no-prefix", "sha1", "upper-prefix", "bad-hex", "short",
         "long", "zeros", "wrong-secret", "tampered-body", "trailing-space"],
)
def test_bad_signatures_are_denied_with_a_reason(body, header, reason):
    with pytest.raises(PermissionDenied) as exc:
        verify_signature(body, header, SECRET)
    message = str(exc.value)
    assert reason in message
    assert "entry" not in message and "object" not in message           # never the body
    assert GOOD[7:] not in message                                       # nor the digest


def test_distinct_messages():
    def reason(header):
        with pytest.raises(PermissionDenied) as exc:
            verify_signature(BODY, header, SECRET)
        return str(exc.value)

    reasons = {reason(None), reason("md5=00"), reason("sha256=" + "g" * 64),
               reason("sha256=" + "0" * 64)}
    assert len(reasons) == 4


def test_missing_app_secret_is_a_config_error():
    with pytest.raises(ConfigError):
        verify_signature(BODY, GOOD, "")
    with pytest.raises(ConfigError):
        sign(BODY, "")


# --------------------------------------------------------------------------- GET handshake

TOKEN = "verify-me-please"


@pytest.mark.parametrize(
    "args",
    [
        {"hub.mode": "subscribe", "hub.verify_token": TOKEN, "hub.challenge": "1158201444"},
        {"hub.mode": ["subscribe"], "hub.verify_token": [TOKEN], "hub.challenge": ["1158201444"]},
    ],
    ids=["plain", "lists"],
)
def test_good_verify_token_returns_challenge(args):
    assert verify_subscription(args, TOKEN) == "1158201444"


@pytest.mark.parametrize(
    "args, reason",
    [
        ({"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1"},
         "does not match"),
        ({"hub.mode": "subscribe", "hub.verify_token": TOKEN + "x", "hub.challenge": "1"},
         "does not match"),
        ({"hub.mode": "subscribe", "hub.verify_token": "vérifier", "hub.challenge": "1"},
         "does not match"),
        ({"hub.mode": "subscribe", "hub.challenge": "1"}, "hub.verify_token is missing"),
        ({"hub.mode": "subscribe", "hub.verify_token": "", "hub.challenge": "1"},
         "hub.verify_token is missing"),
        ({"hub.mode": "unsubscribe", "hub.verify_token": TOKEN, "hub.challenge": "1"},
         "hub.mode is not 'subscribe'"),
        ({"hub.verify_token": TOKEN, "hub.challenge": "1"}, "hub.mode is missing"),
        ({"hub.mode": "subscribe", "hub.verify_token": TOKEN}, "hub.challenge is missing"),
        ({}, "hub.mode is missing"),
    ],
    ids=["wrong", "longer", "non-ascii", "no-token", "empty-token", "wrong-mode", "no-mode",
         "no-challenge", "empty"],
)
def test_bad_verification_is_denied(args, reason):
    with pytest.raises(PermissionDenied, match=reason) as exc:
        verify_subscription(args, TOKEN)
    assert TOKEN not in str(exc.value)


def test_unconfigured_verify_token_is_a_config_error():
    with pytest.raises(ConfigError):
        verify_subscription(
            {"hub.mode": "subscribe", "hub.verify_token": "", "hub.challenge": "1"}, "")
