"""Costs of Rasa 3.6 that `python -m bot` removes, each with the same behaviour as before.

`RemoteAction._validate_action_result` calls `jsonschema.validate(result, spec)` on every
custom-action response. `validate` first checks `spec` itself against the JSON Schema
meta-schema, and the spec is a constant: at 8 concurrent turns that check was a quarter of the
Rasa process's time (py-spy, 2026-12-02). Here the validator is built, and the spec checked,
once; each response is still validated, and an invalid one raises the same ValidationError with
Rasa's own hint appended.
"""

from __future__ import annotations

from typing import Any, Dict, Text

_applied = False


def apply() -> None:
    """Patch once per process (idempotent)."""
    global _applied
    if _applied:
        return
    from jsonschema import ValidationError
    from jsonschema.exceptions import best_match
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.constants import DOCS_BASE_URL

    spec = RemoteAction.action_response_format_spec()
    cls = validator_for(spec)
    cls.check_schema(spec)
    validator = cls(spec)

    def _validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
        # As jsonschema.validate does after its schema check: the most relevant error.
        error = best_match(validator.iter_errors(result))
        if error is None:
            return True
        assert isinstance(error, ValidationError)
        error.message += (
            ". Failed to validate Action server response from API, "
            "make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise error

    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[assignment]
    _applied = True
