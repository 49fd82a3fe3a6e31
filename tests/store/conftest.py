"""Fixtures for the history store tests: the sample week ingested once per session.

Ingesting the whole sample week (with its PDF invoices) takes several seconds, so it is
done once into a template store; each test that needs it gets its own copy.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from paths import FIXTURES

from recon.store import IngestReport, ingest, open_store

SAMPLE_WEEK = FIXTURES / "sample_week"


def copy_store(src: Path, dst_dir: Path) -> Path:
    """Copy a closed store file (and any write-ahead log) into ``dst_dir``."""
    dst_dir.mkdir(parents=True, exist_ok=True)
    dst = dst_dir / src.name
    shutil.copy2(src, dst)
    wal = src.with_name(src.name + ".wal")
    if wal.exists():
        shutil.copy2(wal, dst.with_name(dst.name + ".wal"))
    return dst


@pytest.fixture(scope="session")
def sample() -> Path:
    """``fixtures/sample_week`` (committed; ``fixtures/generate.py`` writes it)."""
    return SAMPLE_WEEK


@pytest.fixture(scope="session")
def template_store(
    sample: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, IngestReport]:
    """A store holding the whole sample week (CSV, JSON, PDF), and the ingest's report."""
    path = tmp_path_factory.mktemp("template") / "recon.duckdb"
    with open_store(path) as store:
        report = ingest(store, [sample])
    return path, report


@pytest.fixture()
def week_store(template_store: tuple[Path, IngestReport], tmp_path: Path) -> Path:
    """A private copy of the template store."""
    return copy_store(template_store[0], tmp_path / "store")


@pytest.fixture()
def sample_files(sample: Path) -> Callable[..., list[Path]]:
    """``files(*runs, forms=("csv",))``: sample-week files of some runs and forms.

    Runs are named by RunId (``"51230"``); forms are the sample's folders (csv, json, pdf).
    """

    def files(*runs: str, forms: tuple[str, ...] = ("csv",)) -> list[Path]:
        out = []
        for form in forms:
            out.extend(
                p
                for p in sorted((sample / form).iterdir())
                if any(f"_{r}_" in p.name for r in runs)
            )
        return out

    return files
