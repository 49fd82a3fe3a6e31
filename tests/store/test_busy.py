"""recon.store.busy: the bounded wait for a store another process holds, and the writer's
turn (``<store>.wait`` held locked while a writer waits, readers standing aside).

Processes sharing a real store (a reader holding it while ``recon ingest`` waits, pages
saying it is busy) are in ``tests/serve/test_sharing.py``; here the functions are called
directly. ``flock`` locks belong to an open file, so two opens in one process contend
as two processes would.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from recon.store.busy import (
    DEFAULT_STORE_WAIT,
    ENV_STORE_WAIT,
    announce_writer,
    store_wait,
    wait_file,
    writer_waiting,
)

needs_flock = pytest.mark.skipif(sys.platform == "win32", reason="no file locks on Windows")


@pytest.mark.parametrize(
    ("raw", "seconds"),
    [
        ("5", 5.0),
        (" 2.5 ", 2.5),
        ("0", 0.0),
        ("-3", 0.0),  # never a negative wait
        ("", DEFAULT_STORE_WAIT),
        ("   ", DEFAULT_STORE_WAIT),
        ("soon", DEFAULT_STORE_WAIT),  # not a number: the default, not an error
    ],
)
def test_store_wait_from_the_environment(raw: str, seconds: float) -> None:
    assert store_wait({ENV_STORE_WAIT: raw}) == seconds


def test_store_wait_defaults_to_a_minute(monkeypatch: pytest.MonkeyPatch) -> None:
    assert ENV_STORE_WAIT == "RECON_STORE_WAIT"
    assert store_wait({}) == 60.0
    monkeypatch.setenv(ENV_STORE_WAIT, "7")
    assert store_wait() == 7.0  # the process's own environment when none is given


def test_wait_file_sits_beside_the_store(tmp_path: Path) -> None:
    assert wait_file(tmp_path / "recon.duckdb") == tmp_path / "recon.duckdb.wait"
    assert wait_file(Path("rel/x.db")) == Path("rel/x.db.wait")


@needs_flock
def test_no_writer_waits_until_one_announces_itself(tmp_path: Path) -> None:
    store = tmp_path / "recon.duckdb"
    assert not writer_waiting(store)  # no .wait file at all
    announced = announce_writer(store)
    assert announced is not None
    try:
        assert wait_file(store).exists()
        assert writer_waiting(store)
    finally:
        announced.close()
    assert wait_file(store).exists()  # left behind, but unlocked: no writer waits
    assert not writer_waiting(store)


@needs_flock
def test_one_writer_holds_the_turn_at_a_time(tmp_path: Path) -> None:
    store = tmp_path / "recon.duckdb"
    first = announce_writer(store)
    assert first is not None
    try:
        assert announce_writer(store) is None  # another writer already holds it
    finally:
        first.close()
    second = announce_writer(store)  # the turn is free again once closed
    assert second is not None
    second.close()


@needs_flock
def test_a_wait_file_that_cannot_be_created_means_no_turn(tmp_path: Path) -> None:
    store = tmp_path / "missing-folder" / "recon.duckdb"
    assert announce_writer(store) is None
    assert not writer_waiting(store)
