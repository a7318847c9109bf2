"""The model manifest: a JSON file next to a model that says what made it.

`models/20261124-101500-x.tar.gz` gets `models/20261124-101500-x.manifest.json` with the
hash of the training files, the held-out metrics of candidate and current model, the
parent model, the time and the gate's decision. Only names, hashes and figures: no text
(`DatasetSummary.as_dict` holds counts and hashes only).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any, Dict, Iterable, Mapping, Optional, Tuple, Union

from triage.errors import ConfigError
from triage.evaluation import ClassScores, Report

__all__ = [
    "MANIFEST_SUFFIX",
    "MANIFEST_VERSION",
    "Manifest",
    "hash_files",
    "manifest_path",
    "read_manifest",
    "report_from_dict",
    "report_to_dict",
    "write_manifest",
]

MANIFEST_VERSION = 1
MANIFEST_SUFFIX = ".manifest.json"


def hash_files(paths: Iterable[Union[str, Path]], root: Union[str, Path]) -> str:
    """sha256 over each file's path (relative to `root`, sorted) and bytes."""
    root = Path(root).resolve()
    digest = hashlib.sha256()
    entries = []
    for p in paths:
        resolved = Path(p).resolve()
        try:
            name = resolved.relative_to(root).as_posix()
        except ValueError:
            name = resolved.name
        entries.append((name, resolved))
    for name, resolved in sorted(entries):
        try:
            data = resolved.read_bytes()
        except OSError as exc:
            raise ConfigError(f"cannot hash {name}: {exc.strerror}") from exc
        digest.update(name.encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(data).digest())
    return "sha256:" + digest.hexdigest()


def report_to_dict(report: Report) -> Dict[str, Any]:
    return {
        "labels": list(report.labels),
        "per_class": {k: dataclasses.asdict(v) for k, v in report.per_class.items()},
        "macro_f1": report.macro_f1,
        "accuracy": report.accuracy,
        "confusion": {t: dict(row) for t, row in report.confusion.items()},
    }


def report_from_dict(raw: Mapping[str, Any]) -> Report:
    try:
        return Report(
            labels=tuple(raw["labels"]),
            per_class={k: ClassScores(**v) for k, v in raw["per_class"].items()},
            macro_f1=float(raw["macro_f1"]),
            accuracy=float(raw["accuracy"]),
            confusion={t: {p: int(n) for p, n in row.items()}
                       for t, row in raw["confusion"].items()},
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(f"manifest metrics are malformed: {exc}") from exc


@dataclasses.dataclass(frozen=True)
class Manifest:
    model: str
    created_at: str  # ISO 8601, UTC
    parent_model: Optional[str]
    data_hash: str
    data_files: Tuple[str, ...]
    candidate_metrics: Optional[Dict[str, Any]]
    current_metrics: Optional[Dict[str, Any]]
    gate: Optional[Dict[str, Any]]
    dataset: Optional[Dict[str, Any]] = None
    export_name: Optional[str] = None
    version: int = MANIFEST_VERSION

    @classmethod
    def build(cls, model: Union[str, Path], *, parent_model: Optional[str], data_hash: str,
              data_files: Iterable[str], candidate: Optional[Report] = None,
              current: Optional[Report] = None, gate: Optional[Mapping[str, Any]] = None,
              dataset: Optional[Mapping[str, Any]] = None, export_name: Optional[str] = None,
              now: Optional[dt.datetime] = None) -> "Manifest":
        now = now or dt.datetime.now(dt.timezone.utc)
        if now.tzinfo is None:
            now = now.replace(tzinfo=dt.timezone.utc)
        return cls(
            model=Path(model).name,
            created_at=now.astimezone(dt.timezone.utc).isoformat(timespec="seconds"),
            parent_model=Path(parent_model).name if parent_model else None,
            data_hash=data_hash,
            data_files=tuple(sorted(data_files)),
            candidate_metrics=report_to_dict(candidate) if candidate else None,
            current_metrics=report_to_dict(current) if current else None,
            gate=dict(gate) if gate is not None else None,
            dataset=dict(dataset) if dataset is not None else None,
            export_name=Path(export_name).name if export_name else None,
        )

    @property
    def candidate_report(self) -> Optional[Report]:
        return report_from_dict(self.candidate_metrics) if self.candidate_metrics else None


def manifest_path(model_path: Union[str, Path]) -> Path:
    """models/x.tar.gz -> models/x.manifest.json"""
    model_path = Path(model_path)
    name = model_path.name
    for suffix in (".tar.gz", ".tgz"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    else:
        name = model_path.stem
    return model_path.with_name(name + MANIFEST_SUFFIX)


def write_manifest(manifest: Manifest, model_path: Union[str, Path]) -> Path:
    path = manifest_path(model_path)
    data = dataclasses.asdict(manifest)
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


def read_manifest(path: Union[str, Path]) -> Manifest:
    """Read a manifest, given its own path or its model's path."""
    path = Path(path)
    if not path.name.endswith(MANIFEST_SUFFIX):
        path = manifest_path(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ConfigError(f"cannot read manifest {path.name}: {exc}") from exc
    if not isinstance(raw, dict) or raw.get("version") != MANIFEST_VERSION:
        raise ConfigError(f"manifest {path.name} has an unknown version")
    fields = {f.name for f in dataclasses.fields(Manifest)}
    try:
        raw["data_files"] = tuple(raw.get("data_files") or ())
        return Manifest(**{k: v for k, v in raw.items() if k in fields})
    except TypeError as exc:
        raise ConfigError(f"manifest {path.name} is malformed: {exc}") from exc
