"""Fixtures of the ``recon serve`` tests: the history_adj walk-through store (built once),
a users file, and isolation from the user's own recon settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from recon.serve.users import add_user

from .helpers import PASSWORD, USER, build_walk


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("RECON_PASS_URL", "RECON_CONFIG", "RECON_STORE", "RECON_STORE_WAIT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))


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


@pytest.fixture(scope="session")
def users_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A users file with one user (``alice``)."""
    path = tmp_path_factory.mktemp("users") / "users.txt"
    add_user(path, USER, PASSWORD)
    return path
