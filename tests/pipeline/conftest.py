"""Stores for the pipeline's tests: SWANGEN's TW 15 Dec 2024 (``fixtures/history_adj``, from
its fixture generator) as its runs arrive, each ingested and checked from the store."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from paths import FIXTURES

from recon.pipeline.check import CheckRequest, check
from recon.store import ingest, open_store

HISTORY_ADJ = FIXTURES / "history_adj" / "SWANGEN_2024-12-15"
WEEK = date(2024, 12, 15)
RUNS = ("1_INITIAL", "2_ADJ1", "3_ADJ2")


def arrive(store: Path, run: str) -> None:
    """Ingest one run's folder and record a check of the week from the store."""
    with open_store(store) as st:
        ingest(st, [HISTORY_ADJ / run])
    check(CheckRequest.make(store=store, week=WEEK), command="check")


@pytest.fixture(scope="session")
def adj1_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The week after INITIAL and ADJ1 arrived (built once; never written to)."""
    store = tmp_path_factory.mktemp("adj1") / "recon.duckdb"
    for run in RUNS[:2]:
        arrive(store, run)
    return store


@pytest.fixture
def adj1_store(adj1_template: Path, tmp_path: Path) -> Path:
    """A copy of :func:`adj1_template` the test may write to."""
    dst = tmp_path / "store" / "recon.duckdb"
    dst.parent.mkdir()
    shutil.copy2(adj1_template, dst)
    return dst
