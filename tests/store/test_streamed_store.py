"""The store streams too: ingest stores a Detail a day at a time, check --store reads only
the tie-out rows and compares an ADJ run with its previous run in SQL, day by day.

Weeks from ``bench/generate_big.py``: an INITIAL run and its ADJ1 (5% of the values drawn
again), and a copy of the ADJ1 Detail with a row repeated (the comparison then sums the
repeats, as the polars comparison does).
"""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import fixture_scripts
import pytest

from recon.models.statements import DetailStatement, Kept
from recon.reconcile.attribution import changed_by_day
from recon.store import ingest, open_store
from recon.store.db import temp_folder
from recon.store.rows import StoredDays, load_weeks

WEEK = ("BIGPORT", date(2024, 12, 1))


@pytest.fixture(scope="module")
def week(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("week")
    fixture_scripts.big_week_and_adjustment(folder, rows_per_day=90, seed=43)
    return folder


def _details(store: Path, kept: Kept | None) -> list[DetailStatement]:
    with open_store(store, read_only=True) as st:
        held = load_weeks(st, [WEEK], kept=kept)
    models = [i.model for i in held.loaded if isinstance(i.model, DetailStatement)]
    return sorted(models, key=lambda m: m.header.run_id)


def test_ingested_day_by_day_reads_back_whole(week: Path, tmp_path: Path) -> None:
    from recon.sources.detail_csv import read_detail

    store = tmp_path / "s.duckdb"
    with open_store(store) as st:
        report = ingest(st, [week])
    assert report.counts["ingested"] == 4
    assert not temp_folder(store).exists() or not any(temp_folder(store).iterdir())
    prev, _ = _details(store, None)
    want = read_detail(next(week.glob("*71234*.zip")))
    assert prev.frame.equals(want.frame) and prev.days == want.days
    assert prev.findings == want.findings
    # Streamed: only the *_P_D rows are read; each day is read again from the store.
    s_prev, _ = _details(store, Kept())
    assert isinstance(s_prev.reread, StoredDays)
    assert s_prev.frame.height == prev.frame.filter(Kept().expr()).height
    for day, frame in s_prev.day_frames(prev.days[2:4]):
        assert frame.equals(prev.day_frames([day]).__next__()[1])


@pytest.mark.parametrize("top", [1, 20])
def test_adj_runs_are_compared_in_sql_as_in_polars(week: Path, tmp_path: Path, top: int) -> None:
    store = tmp_path / "s.duckdb"
    with open_store(store) as st:
        ingest(st, [week])
    prev, cur = _details(store, Kept())
    whole_prev, whole_cur = _details(store, None)
    in_sql = changed_by_day(cur, prev, top)
    in_polars = changed_by_day(whole_cur, whole_prev, top)
    assert in_sql.height > top  # several variables changed
    assert in_sql.equals(in_polars)
    assert in_sql.schema == in_polars.schema


def test_a_repeated_row_is_summed_in_sql_as_in_polars(week: Path, tmp_path: Path) -> None:
    """A key held twice in one run: every row of the day is compared, repeats summed."""
    src = next(week.glob("*71235*.zip"))
    folder = tmp_path / "dup"
    folder.mkdir()
    for f in week.glob("*.csv"):
        (folder / f.name).write_bytes(f.read_bytes())
    (folder / next(week.glob("*71234*.zip")).name).write_bytes(
        next(week.glob("*71234*.zip")).read_bytes()
    )
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(folder / src.name, "w") as zout:
        for i, info in enumerate(zin.infolist()):
            data = zin.read(info)
            if i == 2:  # repeat a DI row of the third day
                lines = data.split(b"\n")
                row = next(x for x in lines if b"_DI," in x)
                data = b"\n".join([*lines[:-1], row, lines[-1]])
            zout.writestr(info, data)
    store = tmp_path / "s.duckdb"
    with open_store(store) as st:
        ingest(st, [folder])
    prev, cur = _details(store, Kept())
    whole_prev, whole_cur = _details(store, None)
    assert any(f.check == "data.duplicate" for f in whole_cur.findings)
    assert changed_by_day(cur, prev, 5).equals(changed_by_day(whole_cur, whole_prev, 5))


def test_the_store_spills_beside_itself(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.duckdb") as st:
        limit, folder = st.con.execute(
            "SELECT current_setting('memory_limit'), current_setting('temp_directory')"
        ).fetchone()
    assert folder == str(tmp_path / "s.duckdb.tmp")
    assert limit.endswith("MiB") and float(limit.split()[0]) <= 256
