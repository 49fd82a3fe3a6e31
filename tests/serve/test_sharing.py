"""Sharing the store (SPEC §12): serve holds it only within a request; a writer that finds
it busy waits for a bounded time and then fails with one line (exit 2); readers stand aside
for a waiting writer; and ``recon weekly`` finishes correctly while a client hammers serve."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest

from recon.errors import StoreBusyError
from recon.serve.config import ServeConfig
from recon.store.busy import announce_writer, writer_waiting
from recon.store.db import Store

from .helpers import REPO, WALK, WEEK, Running, serving

HOLD = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == "read")
print("held", flush=True)
time.sleep(float(sys.argv[3]))
con.close()
"""


@contextmanager
def held(store: Path, how: str, seconds: float) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the store (``how``: read or write) for ``seconds``."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(store), how, str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()


def _recon(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, **(env or {})}
    full.pop("RECON_STORE", None)
    return subprocess.run(
        [sys.executable, "-m", "recon", *args],
        cwd=REPO,
        env=full,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture
def store(walk_store: Path, tmp_path: Path) -> Path:
    """A copy of the walk-through store this test may write."""
    copy = tmp_path / "store.duckdb"
    shutil.copyfile(walk_store, copy)
    return copy


def test_a_writer_that_finds_the_store_busy_waits_then_fails_with_one_line(store: Path) -> None:
    with held(store, "write", 120):
        proc = _recon("ingest", str(WALK / "1_INITIAL"), "--store", str(store), "--no-progress",
                      env={"RECON_STORE_WAIT": "0.5"})  # fmt: skip
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        f"recon: the store {store} is in use by another recon process (waited 0.5 s); try "
        "again when it has finished"
    ]


def test_a_writer_gets_the_store_when_the_reader_lets_go(store: Path) -> None:
    with held(store, "read", 1.5) as reader:
        proc = _recon("ingest", str(WALK / "1_INITIAL"), "--store", str(store), "--no-progress")
        assert reader.poll() is not None  # it could only write once the reader had gone
    assert proc.returncode == 0, proc.stderr
    assert "0 new, 4 unchanged" in proc.stderr


def test_readers_stand_aside_while_a_writer_waits(store: Path) -> None:
    announced = announce_writer(store)
    assert announced is not None
    try:
        assert writer_waiting(store)
        with pytest.raises(StoreBusyError, match=r"waited 0\.2 s"):
            Store.open(store, read_only=True, wait=0.2)
    finally:
        announced.close()
    assert not writer_waiting(store)
    with Store.open(store, read_only=True, wait=0):
        pass


def test_a_page_says_the_store_is_busy_while_a_writer_holds_it(store: Path) -> None:
    with serving(ServeConfig(store=store, read_wait=0.2)) as server:
        assert server.get("/").status == 200
        with held(store, "write", 120):
            page = server.get("/")
            api = server.get("/api/issues")
        assert page.status == api.status == 503
        assert page.headers["retry-after"] == api.headers["retry-after"] == "5"
        assert "The store is busy" in page.text and "Traceback" not in page.text
        assert "another recon process" in api.json()["error"]
        assert server.get("/").status == 200


def test_serve_holds_the_store_only_within_a_request(store: Path) -> None:
    with serving(ServeConfig(store=store)) as server:
        for path in ("/", f"/weeks/SWANGEN/{WEEK}", "/issues?status=all", "/api/issues"):
            assert server.get(path).status == 200
        # between requests a writer gets the store at once, without waiting
        proc = _recon("ingest", str(WALK / "1_INITIAL"), "--store", str(store), "--no-progress",
                      env={"RECON_STORE_WAIT": "0"})  # fmt: skip
        assert proc.returncode == 0, proc.stderr


def _hammer(server: Running, paths: list[str], stop: threading.Event, seen: Counter) -> None:
    client = Running(server.url, server.host, server.port, server.state)
    i = 0
    while not stop.is_set():
        answer = client.get(paths[i % len(paths)])
        seen[answer.status] += 1
        if answer.status not in (200, 503):
            seen[f"{answer.status} {paths[i % len(paths)]}: {answer.text[:200]}"] += 1
        i += 1


def test_recon_weekly_finishes_while_a_client_hammers_serve(tmp_path: Path) -> None:
    store = tmp_path / "team.duckdb"
    inbox, later = tmp_path / "inbox", tmp_path / "later"
    shutil.copytree(WALK / "1_INITIAL", inbox / "1_INITIAL")
    for run in ("2_ADJ1", "3_ADJ2"):
        shutil.copytree(WALK / run, later / run)
    first = _recon("weekly", "--no-fetch", "--store", str(store), "--out-root",
                   str(tmp_path / "reports"), str(inbox), "--no-progress")  # fmt: skip
    assert first.returncode == 1, first.stderr  # planted discrepancies
    with serving(ServeConfig(store=store)) as server:
        ids = [i["id"] for i in server.get("/api/issues?status=all").json()]
        paths = ["/", f"/weeks/SWANGEN/{WEEK}", "/issues?status=all", "/api/issues",
                 f"/issues/{ids[0]}", "/api/weeks"]  # fmt: skip
        stop, seen = threading.Event(), Counter()
        threads = [
            threading.Thread(target=_hammer, args=(server, paths[k:] + paths[:k], stop, seen))
            for k in range(3)
        ]
        for t in threads:
            t.start()
        try:
            weekly = _recon("weekly", "--no-fetch", "--store", str(store), "--out-root",
                            str(tmp_path / "reports"), str(later), "--no-progress")  # fmt: skip
        finally:
            stop.set()
            for t in threads:
                t.join(timeout=120)
        # both finished correctly: the weekly run as it would alone...
        assert weekly.returncode == 1, weekly.stderr
        assert "in use" not in weekly.stderr
        today = date.today().isoformat()
        folder = tmp_path / "reports" / today / f"SWANGEN_{WEEK}"
        assert {p.name for p in folder.iterdir()} >= {"findings.json", "report.html"}
        # ...and every answer serve gave was a page or "busy", never an error
        assert set(seen) <= {200, 503}, seen
        assert seen[200] > 0
        # serve now shows what the weekly run recorded
        (week,) = server.get("/api/weeks").json()["weeks"]
        assert [r["designation"] for r in week["runs"]] == ["INITIAL", "ADJ1", "ADJ2"]
        register = {
            (i["check"], i["variable"], i["timestamp"]): (i["status"], i["resolved_by_run_id"])
            for i in server.get("/api/issues?status=all").json()
        }
    expected = json.loads((WALK.parent / "expected_register.json").read_text())["steps"][-1]
    assert register == {
        (i["check"], i["variable"], i["timestamp"]): (i["status"], i["resolved_by_run_id"])
        for i in expected["issues"]
    }


def test_what_is_kept_between_requests_is_dropped_when_the_store_changes(store: Path) -> None:
    from recon.serve.access import reading, state_of

    config = ServeConfig(store=store)
    before = state_of(store)
    with reading(config) as snap:
        first = snap.audit(date(2024, 12, 15), date(2024, 12, 15))
        assert snap.audit(date(2024, 12, 15), date(2024, 12, 15)) is first  # kept
    assert state_of(store) == before  # reading changes nothing
    with Store.open(store) as writer, writer.transaction():
        writer.con.execute(
            "UPDATE runs SET published_at = published_at + INTERVAL 1 SECOND WHERE run_id = 57219"
        )
    assert state_of(store) != before
    with reading(config) as snap:
        again = snap.audit(date(2024, 12, 15), date(2024, 12, 15))
    assert again is not first
    (week,) = again.weeks
    assert week.runs[-1].published_at.second == 46  # the change, not the kept audit
