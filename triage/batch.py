"""Batch triage of an exported inbox: JSON Lines in, JSON Lines out."""

from __future__ import annotations

import json
from typing import IO, Any, Dict, Iterator, Tuple

from triage import phi
from triage.classifier import Classifier
from triage.errors import InputError
from triage.parse import parse_from_nlu
from triage.service import SURFACES, TriageService, clean_text


def _read(line: str, max_chars: int) -> Tuple[Any, str, str]:
    try:
        item = json.loads(line)
    except ValueError:
        raise InputError("not valid JSON") from None
    if not isinstance(item, dict):
        raise InputError("not a JSON object")
    if "id" not in item:
        raise InputError("missing 'id'")
    surface = item.get("surface", "public_comment")
    if surface not in SURFACES:
        raise InputError(f"'surface' must be one of {', '.join(SURFACES)}")
    return item["id"], clean_text(item.get("text"), max_chars), surface


def triage_line(service: TriageService, classifier: Classifier, item_id: Any, text: str,
                surface: str) -> Dict[str, Any]:
    # The model's PHI flagger supplies the PHI types, as in the live service.
    parse = parse_from_nlu(classifier.parse(text))
    decision = service.assess(phi.deidentify(text), parse, surface)
    replies = service.render(decision, None)
    return {
        "id": item_id,
        "category": parse.category,
        "confidence": round(parse.confidence, 4),
        "phi": bool(parse.phi_types),
        "phi_types": list(parse.phi_types),
        "redacted_text": phi.redact(text),
        "action": decision.action.value,
        "priority": decision.priority.value if decision.priority else None,
        "template_id": replies[0].template_id if replies else None,
        "reply_text": replies[0].text if replies else None,
    }


def run_batch(service: TriageService, classifier: Classifier, lines: Iterator[str],
              out: IO[str], err: IO[str]) -> Tuple[int, int]:
    """Triage every line; bad lines are reported on `err` and skipped. Returns (ok, bad)."""
    ok = bad = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item_id, text, surface = _read(line, service.settings.max_message_chars)
        except InputError as exc:
            bad += 1
            err.write(f"line {number}: {exc}\n")
            continue
        out.write(json.dumps(triage_line(service, classifier, item_id, text, surface),
                             ensure_ascii=False) + "\n")
        ok += 1
    return ok, bad
