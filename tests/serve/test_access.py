"""recon.serve.access: the store opened for one request, the turns the server's own
requests take on it, and what is kept between requests for the same state of the file."""

from __future__ import annotations

import json
import threading
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from paths import FIXTURES

from recon.errors import StoreBusyError, StoreError
from recon.models.audit import Workflow
from recon.serve import access
from recon.serve.access import Turns
from recon.serve.config import ServeConfig
from recon.store.register import record_event
from recon.wem.calendar import AWST


def test_a_waiting_writer_goes_before_new_readers(tmp_path: Path) -> None:
    turns, path = Turns(readers=2), tmp_path / "s.duckdb"
    writing, done = threading.Event(), threading.Event()

    def writer() -> None:
        with turns.writing(10, path):
            writing.set()
            done.wait(10)

    thread = threading.Thread(target=writer)
    with turns.reading(1, path):
        thread.start()
        assert not writing.wait(0.2)  # the writer waits for the reader to finish...
        with pytest.raises(StoreBusyError):  # ...and a new reader stands aside for it
            with turns.reading(0.1, path):
                pass
    assert writing.wait(10)
    try:
        with pytest.raises(StoreBusyError):  # while it writes: no reader...
            with turns.reading(0.1, path):
                pass
        with pytest.raises(StoreBusyError):  # ...and no second writer
            with turns.writing(0.1, path):
                pass
    finally:
        done.set()
        thread.join(timeout=10)
    with turns.reading(0.1, path):
        pass


def test_a_writer_that_gives_up_lets_the_readers_in(tmp_path: Path) -> None:
    turns, path = Turns(readers=1), tmp_path / "s.duckdb"
    with turns.reading(1, path):
        with pytest.raises(StoreBusyError):
            with turns.writing(0.1, path):
                pass
    with turns.reading(0.1, path), pytest.raises(StoreBusyError):
        with turns.reading(0.1, path):  # the one turn is taken
            pass
    with turns.writing(0.1, path):
        pass


def test_one_turns_per_store_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "s.duckdb"
    assert access.turns(path) is access.turns(Path("s.duckdb"))
    assert access.turns(path) is not access.turns(tmp_path / "other.duckdb")


def test_a_turn_not_given_in_time_names_the_store_and_the_wait(tmp_path: Path) -> None:
    turns, path = Turns(readers=1), tmp_path / "s.duckdb"
    with turns.reading(1, path), pytest.raises(StoreBusyError) as e:
        with turns.reading(0.05, path):
            pass
    assert str(e.value) == (
        f"the store {path} is in use by other requests of this server (waited 0.05 s)"
    )


def test_the_state_of_a_store_file_and_its_log(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    assert access.state_of(path) == (None, None)
    path.write_bytes(b"12345")
    first = access.state_of(path)
    assert first[0][0] == 5 and first[1] is None
    (tmp_path / "s.duckdb.wal").write_bytes(b"ab")
    second = access.state_of(path)
    assert second[0] == first[0] and second[1][0] == 2


def test_today_is_the_day_in_awst() -> None:
    assert access.today() == datetime.now(AWST).date()


def _register_keys(snap: access.Snapshot) -> list[str]:
    return [i.key for i in snap.register("SWANGEN")]


def test_read_opens_the_store_read_only_for_the_call_alone(store: Path) -> None:
    config = ServeConfig(store=store)
    keys = access.read(config, _register_keys)
    doc = json.loads((FIXTURES / "history_adj" / "expected_register.json").read_text())
    assert sorted(keys) == sorted(i["key"] for i in doc["steps"][-1]["issues"])
    with access.reading(config) as snap:
        with pytest.raises(duckdb.Error):  # read-only
            snap.store.con.execute("CREATE TABLE t (x INTEGER)")
    with duckdb.connect(str(store)) as con:  # closed again: a writer may open it
        assert con.execute("SELECT count(*) FROM runs").fetchone() == (3,)


def test_what_is_worked_out_is_kept_for_the_same_state_only(store: Path) -> None:
    config = ServeConfig(store=store)
    with access.reading(config) as snap:
        first = snap.audit(date(2024, 12, 15), date(2024, 12, 15))
        assert snap.audit(date(2024, 12, 15), date(2024, 12, 15)) is first
        assert snap.audit(date(2024, 12, 15), date(2024, 12, 15), "SWANGEN") is not first
    with access.reading(config) as snap:  # a new request, the file unchanged
        assert snap.audit(date(2024, 12, 15), date(2024, 12, 15)) is first
    issue = first.issues[0]
    changed = access.write(
        config,
        lambda s: record_event(s, issue.id, workflow="investigating", by="alice"),
    )
    assert changed.workflow is Workflow.INVESTIGATING
    with access.reading(config) as snap:  # the file changed: worked out again
        again = snap.audit(date(2024, 12, 15), date(2024, 12, 15))
        assert again is not first
        assert next(i for i in again.issues if i.id == issue.id).workflow is Workflow.INVESTIGATING
        assert snap.issue(issue.id) is snap.issue(issue.id)
        assert snap.issue("0000000000") is None


def test_at_most_kept_results_are_held(store: Path) -> None:
    with access.reading(ServeConfig(store=store)) as snap:
        first = snap.register("SWANGEN")
        for k in range(access.KEPT):
            snap.register("SWANGEN", date(2024, 1, 1) + timedelta(days=k))
        assert snap.register("SWANGEN") is not first  # the least recently used went first


def test_a_missing_store_is_a_store_error(tmp_path: Path) -> None:
    config = ServeConfig(store=tmp_path / "missing.duckdb")
    with pytest.raises(StoreError):
        access.read(config, _register_keys)
    with pytest.raises(StoreError):
        access.write(config, lambda s: None)
    assert not (tmp_path / "missing.duckdb").exists()


def test_with_turn_runs_in_a_readers_turn(tmp_path: Path) -> None:
    config = ServeConfig(store=tmp_path / "turns.duckdb", write_wait=0.05)
    held: list[bool] = []

    def inside() -> str:
        with pytest.raises(StoreBusyError):  # a writer of this process must wait
            with access.turns(config.store).writing(0.05, config.store):
                pass
        held.append(True)
        return "done"

    assert access.with_turn(config, inside) == "done"
    assert held == [True]
    with access.turns(config.store).writing(0.05, config.store):  # the turn is given back
        pass
