"""Held-out figures of a trained model: `python -m bench.heldout [MODEL]` (default: newest in models/)."""

import sys
from pathlib import Path

from bot.evaluate import evaluate_model
from triage.evaluation import format_report
from triage.settings import REPO_ROOT


def main() -> None:
    from rasa.model import get_latest_model

    model = sys.argv[1] if len(sys.argv) > 1 else get_latest_model(str(REPO_ROOT / "models"))
    result = evaluate_model(Path(model), REPO_ROOT / "tests" / "nlu" / "heldout.yml")
    print(f"model: {Path(model).name}, {result.examples} held-out examples")
    print(format_report(result.report))
    print(f"median parse {result.median_parse_ms:.1f} ms, p95 {result.p95_parse_ms:.1f} ms")


if __name__ == "__main__":
    main()
