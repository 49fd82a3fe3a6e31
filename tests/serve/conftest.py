"""Fixtures of the ``recon serve`` tests: the history_adj walk-through store (built once),
a users file, and isolation from the user's own recon settings."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from isolation import isolate

from recon.serve.users import add_user

from .helpers import PASSWORD, USER, build_walk


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate(monkeypatch, tmp_path)


@pytest.fixture(scope="session")
def walk_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """SWANGEN's TW 15 Dec 2024 after INITIAL, ADJ1 and ADJ2 arrived, each ingested and
    checked from the store (``fixtures/history_adj``). Read-only for the tests."""
    store = tmp_path_factory.mktemp("walk") / "walk.duckdb"
    with pytest.MonkeyPatch.context() as mp:
        for name in ("RECON_PASS_URL", "RECON_CONFIG", "RECON_STORE"):
            mp.delenv(name, raising=False)
        build_walk(store)
    return store


@pytest.fixture
def store(walk_store: Path, tmp_path: Path) -> Path:
    """A copy of the walk-through store this test may write."""
    copy = tmp_path / "store.duckdb"
    shutil.copyfile(walk_store, copy)
    return copy


@pytest.fixture(scope="session")
def users_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A users file with one user (``alice``)."""
    path = tmp_path_factory.mktemp("users") / "users.txt"
    add_user(path, USER, PASSWORD)
    return path


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
"""The system Chromium, headless, with no network of its own (nothing is downloaded)."""


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Playwright driving the system Chromium (``/usr/bin/chromium``, which ``.ci/run``
    installs); skipped without it or without Playwright, failed instead when CI is set."""
    missing = None
    if not Path(CHROMIUM).is_file():
        missing = f"{CHROMIUM} is not installed (apt-get install chromium)"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing = missing or "playwright is not installed (pip install -e '.[test]')"
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"{missing}, and CI is set: the browser tests must run in CI")
        pytest.skip(f"{missing}; set CI=1 to make this a failure")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
