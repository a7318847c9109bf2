"""Shared fixtures: settings on a per-test SQLite database, a real service."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from triage.replies import load_library
from triage.settings import Settings
from triage.taxonomy import load_taxonomy

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def settings(tmp_path) -> Settings:
    return dataclasses.replace(Settings(), database_url=f"sqlite:///{tmp_path / 'queue.db'}")


@pytest.fixture(scope="session")
def taxonomy():
    return load_taxonomy(Settings().taxonomy_path)


@pytest.fixture(scope="session")
def library():
    return load_library(Settings().templates_path)


@pytest.fixture
def service(settings, library, taxonomy):
    from triage.queue import QueueRepository, create_schema, make_engine
    from triage.service import TriageService

    engine = make_engine(settings.database_url)
    create_schema(engine)
    yield TriageService(settings, QueueRepository(engine), library, taxonomy, today=lambda: TODAY)
    engine.dispose()
