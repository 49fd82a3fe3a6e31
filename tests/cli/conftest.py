"""Fixtures of the command tests: isolation from the user's recon settings; stores holding
SWANGEN's TW 15 Dec 2024 (``fixtures/history_adj``) as its runs arrive, each ingested and
checked from the store as the commands do it; a users file for ``recon serve``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from isolation import isolate
from paths import FIXTURES

from recon.cli.main import main
from recon.serve.users import add_user

HISTORY_ADJ = FIXTURES / "history_adj" / "SWANGEN_2024-12-15"
USER = "alice"
PASSWORD = "correct horse battery staple"


def walk(store: Path, runs: tuple[str, ...]) -> Path:
    """Ingest each run of the history_adj week in turn (``recon ingest``) and check the
    week from the store after each (``recon check --store``), as a weekly job would."""
    with pytest.MonkeyPatch.context() as mp:
        for name in ("RECON_PASS_URL", "RECON_CONFIG", "RECON_STORE"):
            mp.delenv(name, raising=False)
        for run in runs:
            assert main(["ingest", str(HISTORY_ADJ / run), "--store", str(store),
                         "--no-progress"]) == 0  # fmt: skip
            out = store.parent / f"check-{run}"
            assert main(["check", "--store", str(store), "--week", "2024-12-15", "--out",
                         str(out), "--no-reports", "--no-progress"]) == 1  # fmt: skip
    return store


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No user store, configuration or PaSS settings leak into these tests."""
    isolate(monkeypatch, tmp_path)


@pytest.fixture(scope="session")
def adj1_cli_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The week after INITIAL and ADJ1 arrived, by ``recon ingest`` and ``recon check
    --store`` (built once; never written to)."""
    return walk(tmp_path_factory.mktemp("cli-adj1") / "recon.duckdb", ("1_INITIAL", "2_ADJ1"))


@pytest.fixture
def adj1_cli_store(adj1_cli_template: Path, tmp_path: Path) -> Path:
    """A copy of :func:`adj1_cli_template` the test may write to."""
    dst = tmp_path / "store" / "recon.duckdb"
    dst.parent.mkdir()
    shutil.copy2(adj1_cli_template, dst)
    return dst


@pytest.fixture(scope="session")
def walk_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The week after INITIAL, ADJ1 and ADJ2 arrived (only D stays open). Read-only."""
    runs = ("1_INITIAL", "2_ADJ1", "3_ADJ2")
    return walk(tmp_path_factory.mktemp("cli-walk") / "walk.duckdb", runs)


@pytest.fixture(scope="session")
def users_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A users file with one user (``alice``)."""
    path = tmp_path_factory.mktemp("users") / "users.txt"
    add_user(path, USER, PASSWORD)
    return path
