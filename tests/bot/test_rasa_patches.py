"""`bot.rasa_patches`: the action-response check keeps Rasa's behaviour, built once."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def remote_action():
    from rasa.core.actions.action import RemoteAction

    from bot import rasa_patches

    original = RemoteAction._validate_action_result
    rasa_patches.apply()
    rasa_patches.apply()  # idempotent
    yield RemoteAction("action_triage", None), original


GOOD = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "human_handoff", "value": "released"}],
     "responses": [{"custom": {"triage_delivery": {"inbound_id": 7}}}]},
    {},
]
BAD = [
    {"events": [{"event": "no_such_event"}]},
    {"events": "not a list"},
    {"responses": [1, 2]},
]


@pytest.mark.parametrize("result", GOOD)
def test_a_valid_response_passes_as_before(remote_action, result):
    action, original = remote_action
    assert action._validate_action_result(result) is True
    assert original(action, result) is True


@pytest.mark.parametrize("result", BAD)
def test_an_invalid_response_fails_with_the_same_error(remote_action, result):
    from jsonschema import ValidationError

    action, original = remote_action
    with pytest.raises(ValidationError) as ours:
        action._validate_action_result(result)
    with pytest.raises(ValidationError) as theirs:
        original(action, result)
    assert ours.value.message == theirs.value.message
    assert "Failed to validate Action server response" in ours.value.message
