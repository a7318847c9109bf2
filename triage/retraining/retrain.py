"""Retrain, evaluate, gate, promote: `python -m triage retrain --export FILE`.

Training and scoring need Rasa, which this package never imports: a `Trainer`
(by default `bot.retrain:RasaTrainer`, found by dotted path) does both. The current
model and the candidate are scored on the same held-out set: the project's held-out
file plus the export's own held-out split. A refused candidate leaves nothing behind
in `data/` or `models/`; its data and report stay in the run folder for inspection.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import shutil
from pathlib import Path
from typing import Callable, Optional, Protocol, Union

from triage.errors import ConfigError
from triage.evaluation import Report
from triage.retraining.gate import DEFAULT_TOLERANCE, GateDecision, decide
from triage.retraining.manifest import Manifest, hash_files, write_manifest
from triage.retraining.prepare import prepare_dataset
from triage.retraining.report import ReportInfo, write_report

__all__ = ["RetrainResult", "Trainer", "load_trainer", "latest_model", "retrain"]

Progress = Callable[[str], None]


class Trainer(Protocol):
    def train(self, data_dir: Path, out_dir: Path, name: str) -> Path:
        """Train on `data_dir` (nlu/, rules/); return the model file."""

    def evaluate(self, model: Path, heldout: Path) -> Report:
        """Score `model` on a held-out NLU file or folder."""


@dataclasses.dataclass(frozen=True)
class RetrainResult:
    promoted: bool
    decision: GateDecision
    run_dir: Path
    report: Path
    candidate: Path
    promoted_model: Optional[Path]


def load_trainer(spec: str, **kwargs) -> Trainer:
    module_name, _, attr = spec.partition(":")
    try:
        factory = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        raise ConfigError(f"cannot load trainer {spec!r}: {exc}") from exc
    return factory(**kwargs)


def latest_model(models_dir: Path) -> Optional[Path]:
    models = sorted(Path(models_dir).glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return models[-1] if models else None


def retrain(export: Union[str, Path], *, trainer: Trainer, data_dir: Path, models_dir: Path,
            work_dir: Path, base_heldout: Path, tolerance: float = DEFAULT_TOLERANCE,
            progress: Optional[Progress] = None, now: Optional[dt.datetime] = None,
            **dataset_options) -> RetrainResult:
    say = progress or (lambda _msg: None)
    now = now or dt.datetime.now(dt.timezone.utc)
    current = latest_model(models_dir)
    if current is None:
        raise ConfigError(f"no current model in {models_dir}: train one first (make train)")
    run_dir = Path(work_dir) / now.strftime("%Y%m%d-%H%M%S")
    heldout_dir = run_dir / "heldout"
    heldout_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(base_heldout, heldout_dir / "project.yml")
    say(f"[1/5] preparing data (run folder {run_dir})")
    prepared = prepare_dataset(export, heldout_dir / "export.yml", nlu_dir=Path(data_dir) / "nlu",
                               data_dir=data_dir, progress=lambda m: say("      " + m),
                               **dataset_options)
    try:
        say("[2/5] training the candidate (this takes a minute or two)")
        candidate = trainer.train(Path(data_dir), run_dir, "candidate")
        say(f"[3/5] scoring the current model {current.name} and the candidate on the same held-out set")
        current_report = trainer.evaluate(current, heldout_dir)
        candidate_report = trainer.evaluate(candidate, heldout_dir)
        decision = decide(current_report, candidate_report, tolerance)
    except BaseException:
        _withdraw(prepared.training_file, run_dir)
        raise
    say("[4/5] writing the report")
    info = ReportInfo(prepared.export_name, candidate.name, current.name,
                      "tests/nlu/heldout.yml + the export's held-out split", now)
    report, _png = write_report(run_dir / "report.md", info, candidate_report, current_report,
                                decision, prepared.dataset.summary)
    promoted_model = None
    if decision.promote:
        promoted_model = Path(models_dir) / f"{now.strftime('%Y%m%d-%H%M%S')}-retrained.tar.gz"
        shutil.copyfile(candidate, promoted_model)
        data_files = sorted((Path(data_dir) / "nlu").rglob("*.yml"))
        write_manifest(Manifest.build(
            promoted_model, parent_model=current.name, data_hash=hash_files(data_files, data_dir),
            data_files=[str(p.relative_to(data_dir)) for p in data_files],
            candidate=candidate_report, current=current_report, gate=decision.as_dict(),
            dataset=prepared.dataset.summary.as_dict(), export_name=prepared.export_name, now=now,
        ), promoted_model)
        say(f"[5/5] promoted: {promoted_model}")
    else:
        _withdraw(prepared.training_file, run_dir)
        say("[5/5] refused: the candidate stays out of models/ and its data out of data/")
    return RetrainResult(decision.promote, decision, run_dir, report, candidate, promoted_model)


def _withdraw(training_file: Path, run_dir: Path) -> None:
    """Move a refused (or failed) run's generated training file out of data/."""
    if Path(training_file).exists():
        shutil.move(str(training_file), str(Path(run_dir) / Path(training_file).name))
