"""Scores of a trained model: `python -m bench.heldout [MODEL]` (default: newest in models/).

Prints the development-set figures per category and register with the policy's
crisis, PHI and spam figures (tests/nlu/dev), then the held-out file's table.
"""

import sys
from pathlib import Path

from bot.evaluate import evaluate_model, score_dev
from triage.evaluation import format_crisis_threshold, format_dev_figures, format_report
from triage.settings import REPO_ROOT, Settings
from triage.taxonomy import load_taxonomy


def main() -> None:
    from rasa.model import get_latest_model

    model = sys.argv[1] if len(sys.argv) > 1 else get_latest_model(str(REPO_ROOT / "models"))
    if model is None:
        sys.exit("no model under models/: run `make train` first")
    taxonomy = load_taxonomy(Settings().taxonomy_path)
    result, figures, rows = score_dev(Path(model), REPO_ROOT / "tests" / "nlu" / "dev", taxonomy)
    print(f"model: {Path(model).name}, {result.examples} development messages")
    print(format_dev_figures(figures))
    print(format_crisis_threshold(rows, taxonomy.emergency_threshold))
    held = evaluate_model(Path(model), REPO_ROOT / "tests" / "nlu" / "heldout.yml")
    print(f"\nheld-out file: {held.examples} examples")
    print(format_report(held.report))
    print(f"median parse {held.median_parse_ms:.1f} ms, p95 {held.p95_parse_ms:.1f} ms")


if __name__ == "__main__":
    main()
