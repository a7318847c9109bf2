"""Dependencies point inward: the core never imports Rasa, the adapters, or I/O it doesn't own."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def imports_of(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module.split(".")[0]


def files(package):
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("path", files("triage"), ids=lambda p: str(p.relative_to(ROOT)))
def test_triage_core_is_free_of_rasa_and_adapters(path):
    found = set(imports_of(path))
    assert not found & {"rasa", "rasa_sdk", "bot", "actions", "tensorflow"}
    rel = path.relative_to(ROOT).as_posix()
    if not rel.startswith("triage/portal/") and rel != "triage/ingest/app.py":
        assert "sanic" not in found  # the portal and the webhook receiver are our servers
    if not rel.startswith("triage/queue/"):
        assert "sqlalchemy" not in found


@pytest.mark.parametrize("path", files("bot"), ids=lambda p: str(p.relative_to(ROOT)))
def test_bot_never_imports_actions(path):
    assert "actions" not in set(imports_of(path))


@pytest.mark.parametrize("path", files("actions"), ids=lambda p: str(p.relative_to(ROOT)))
def test_actions_do_not_import_rasa_core(path):
    assert "rasa" not in set(imports_of(path))
