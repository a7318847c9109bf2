"""`triage.phi` stays pure: standard library (and PyYAML) only, no Rasa or web/DB stacks."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import triage.phi

ROOT = Path(triage.phi.__file__).resolve().parent
ALLOWED_THIRD_PARTY = {"yaml"}


def _imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_phi_imports_only_stdlib_and_itself() -> None:
    for path in sorted(ROOT.rglob("*.py")):
        foreign = _imported_roots(path) - set(sys.stdlib_module_names) - {"triage"}
        assert foreign <= ALLOWED_THIRD_PARTY, (path.name, foreign)
        triage_imports = {
            node.module or ""
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("triage")
        }
        assert all(m.startswith("triage.phi") for m in triage_imports), (path.name, triage_imports)
