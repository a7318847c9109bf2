"""Batch triage of an exported inbox: JSON Lines in, JSON Lines out.

Lines are parsed in chunks (one run of the model per chunk, so the encoder batches
texts of similar length) and two chunks are in flight at once: while one is in the
encoder, which releases the GIL, the other is in the Python parts of the pipeline.
Output keeps the input's order; memory stays bounded by the chunks in flight.
"""

from __future__ import annotations

import json
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from typing import IO, Any, Deque, Dict, Iterator, List, Mapping, Sequence, Tuple

from triage import phi
from triage.classifier import Classifier
from triage.errors import InputError
from triage.parse import parse_from_nlu
from triage.service import SURFACES, TriageService, clean_text

CHUNK = 32
IN_FLIGHT = 2

Item = Tuple[Any, str, str]  # id, text, surface


def _read(line: str, max_chars: int) -> Item:
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


def parse_all(classifier: Classifier, texts: Sequence[str]) -> List[Mapping[str, Any]]:
    """One parse per text: in one call where the classifier can, else one by one."""
    many = getattr(classifier, "parse_many", None)
    if many is not None:
        return list(many(texts))
    return [classifier.parse(text) for text in texts]


def triage_line(service: TriageService, item: Item, nlu: Mapping[str, Any]) -> Dict[str, Any]:
    item_id, text, surface = item
    # The model's PHI flagger supplies the PHI types, as in the live service.
    parse = parse_from_nlu(nlu)
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


def _triage_chunk(service: TriageService, classifier: Classifier,
                  items: List[Item]) -> List[Dict[str, Any]]:
    # The model's PHI flagger and triage_line scan the same texts: once each here.
    with phi.reuse_scans():
        parses = parse_all(classifier, [text for _, text, _ in items])
        return [triage_line(service, item, nlu) for item, nlu in zip(items, parses)]


def _chunks(lines: Iterator[str], max_chars: int, err: IO[str],
            counts: Dict[str, int], size: int) -> Iterator[List[Item]]:
    chunk: List[Item] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            chunk.append(_read(line, max_chars))
        except InputError as exc:
            counts["bad"] += 1
            err.write(f"line {number}: {exc}\n")
            continue
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def run_batch(service: TriageService, classifier: Classifier, lines: Iterator[str],
              out: IO[str], err: IO[str], chunk_size: int = CHUNK,
              in_flight: int = IN_FLIGHT) -> Tuple[int, int]:
    """Triage every line; bad lines are reported on `err` and skipped. Returns (ok, bad)."""
    counts = {"ok": 0, "bad": 0}
    pending: Deque[Future] = deque()

    def write(results: List[Dict[str, Any]]) -> None:
        for result in results:
            out.write(json.dumps(result, ensure_ascii=False) + "\n")
        counts["ok"] += len(results)

    with ThreadPoolExecutor(max_workers=in_flight, thread_name_prefix="triage-batch") as pool:
        for chunk in _chunks(lines, service.settings.max_message_chars, err, counts, chunk_size):
            pending.append(pool.submit(_triage_chunk, service, classifier, chunk))
            if len(pending) >= in_flight:
                write(pending.popleft().result())
        while pending:
            write(pending.popleft().result())
    return counts["ok"], counts["bad"]
