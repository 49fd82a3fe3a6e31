"""``recon ingest``: idempotent by SHA-256, conflicts refused, one transaction per file."""

from __future__ import annotations

import importlib
import shutil
from pathlib import Path
from typing import Any

import pytest

from recon.errors import StoreError
from recon.store import IngestRefused, IngestReport, ingest, open_store
from recon.store.ingest import NothingToIngest

ingest_mod = importlib.import_module("recon.store.ingest")


def _snapshot(path: Path) -> tuple[dict[str, int], list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Row counts, the files table and the runs table of a store."""
    with open_store(path, read_only=True) as store:
        return (
            store.counts(),
            store.rows("SELECT * FROM files ORDER BY sha256"),
            store.rows("SELECT * FROM runs ORDER BY run_id"),
        )


def test_sample_week_ingested_whole(template_store: tuple[Path, IngestReport]) -> None:
    path, report = template_store
    assert report.counts["ingested"] == 36
    assert report.counts["refused"] == report.counts["unusable"] == 0
    counts, _files, runs = _snapshot(path)
    assert counts["files"] == 36
    assert [(r[3], r[4]) for r in runs] == [(51230, "INITIAL"), (53874, "ADJ1"), (56492, "ADJ2")]
    with open_store(path, read_only=True) as store:
        kinds = store.rows(
            "SELECT run_id, list(DISTINCT kind ORDER BY kind) FROM files "
            "GROUP BY run_id ORDER BY run_id"
        )
    every = [
        "detail_json",
        "detail_zip",
        "invoice_json",
        "invoice_pdf",
        "summary_csv",
        "summary_json",
    ]
    assert kinds == [(51230, every), (53874, every), (56492, every)]


def test_ingest_twice_changes_nothing(week_store: Path, sample: Path) -> None:
    before = _snapshot(week_store)
    with open_store(week_store) as store:
        report = ingest(store, [sample])
    assert report.counts == {
        "ingested": 0,
        "unchanged": 36,
        "duplicate": 0,
        "unusable": 0,
        "refused": 0,
    }
    assert _snapshot(week_store) == before


def _tampered_summary(sample: Path, tmp_path: Path) -> Path:
    """The ADJ1 Summary CSV with one Value changed (another file for a RunId held)."""
    src = sample / "csv" / "SWANGEN_53874_ADJ1_SettlementStatementSummary.csv"
    dst = tmp_path / "tampered" / src.name
    dst.parent.mkdir()
    lines = src.read_bytes().split(b"\n")
    head, _, value = lines[3].rstrip(b"\r").rpartition(b",")
    lines[3] = head + b"," + (b"1" if value != b"1" else b"2") + b"\r"
    dst.write_bytes(b"\n".join(lines))
    return dst


def test_conflicting_run_is_refused_and_store_unchanged(
    week_store: Path, sample: Path, tmp_path: Path
) -> None:
    tampered = _tampered_summary(sample, tmp_path)
    before = _snapshot(week_store)
    with open_store(week_store) as store, pytest.raises(StoreError) as err:
        ingest(store, [tampered])
    assert isinstance(err.value, IngestRefused)
    assert "53874" in str(err.value) and "differ" in str(err.value)
    assert err.value.report.counts["refused"] == 1
    assert _snapshot(week_store) == before


def test_refusal_does_not_stop_other_files(tmp_path: Path, sample: Path, sample_files: Any) -> None:
    store_path = tmp_path / "s.duckdb"
    with open_store(store_path) as store:
        ingest(store, [sample / "csv" / "SWANGEN_53874_ADJ1_SettlementStatementSummary.csv"])
        tampered = _tampered_summary(sample, tmp_path)
        with pytest.raises(IngestRefused) as err:
            ingest(store, [tampered, *sample_files("51230")])
        assert err.value.report.counts["ingested"] == 2
        assert store.scalar("SELECT count(*) FROM runs") == 2


def test_other_bytes_same_content_is_a_duplicate(
    week_store: Path, sample: Path, tmp_path: Path
) -> None:
    """A re-download (other bytes, same figures) is recorded, and nothing is stored twice."""
    src = sample / "json" / "SWANGEN_51230_INITIAL_SettlementStatementSummary.json"
    copy = tmp_path / "again" / src.name
    copy.parent.mkdir()
    copy.write_bytes(src.read_bytes().replace(b"\n", b"\r\n") + b"\n")
    zsrc = sample / "csv" / "SWANGEN_51230_INITIAL_SettlementStatementDetail.zip"
    import zipfile

    rezipped = tmp_path / "again" / zsrc.name
    with zipfile.ZipFile(zsrc) as zin, zipfile.ZipFile(rezipped, "w", zipfile.ZIP_STORED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info))
    before = _snapshot(week_store)
    with open_store(week_store) as store:
        report = ingest(store, [copy.parent])
        assert report.counts["duplicate"] == 2
        assert store.scalar("SELECT count(*) FROM files WHERE status = 'duplicate'") == 2
    counts, _, runs = _snapshot(week_store)
    assert counts["files"] == before[0]["files"] + 2
    assert {k: v for k, v in counts.items() if k != "files"} == {
        k: v for k, v in before[0].items() if k != "files"
    }
    assert runs == before[2]


def test_json_form_beside_csv_form_is_accepted(tmp_path: Path, sample: Path) -> None:
    with open_store(tmp_path / "s.duckdb") as store:
        ingest(store, [sample / "csv" / "SWANGEN_51230_INITIAL_SettlementStatementSummary.csv"])
        report = ingest(
            store, [sample / "json" / "SWANGEN_51230_INITIAL_SettlementStatementSummary.json"]
        )
        assert report.counts["ingested"] == 1
        assert store.scalar("SELECT count(*) FROM runs") == 1


def test_header_conflict_is_refused(tmp_path: Path, sample: Path) -> None:
    """The same RunId published at another time is not the same run."""
    src = sample / "csv" / "SWANGEN_51230_INITIAL_SettlementStatementSummary.csv"
    other = tmp_path / "other" / src.name
    other.parent.mkdir()
    other.write_bytes(src.read_bytes().replace(b"2024-12-19T15:30:45", b"2024-12-20T09:00:00"))
    with open_store(tmp_path / "s.duckdb") as store:
        ingest(store, [sample / "json" / "SWANGEN_51230_INITIAL_SettlementStatementSummary.json"])
        with pytest.raises(IngestRefused, match="PublishedAt"):
            ingest(store, [other])


@pytest.mark.parametrize("interruption", [RuntimeError("disk gone"), KeyboardInterrupt()])
def test_interrupted_ingest_leaves_store_as_before(
    tmp_path: Path, sample_files: Any, monkeypatch: pytest.MonkeyPatch, interruption: BaseException
) -> None:
    store_path = tmp_path / "s.duckdb"
    with open_store(store_path) as store:
        ingest(store, sample_files("51230"))
    before = _snapshot(store_path)

    real = ingest_mod.insert_detail

    def half_then_die(store: Any, *args: Any, **kwargs: Any) -> None:
        real(store, *args, **kwargs)  # the rows are written ...
        assert store.scalar("SELECT count(*) FROM detail_values") > before[0]["detail_values"]
        raise interruption  # ... and then the process is interrupted

    monkeypatch.setattr(ingest_mod, "insert_detail", half_then_die)
    adj1 = sample_files("53874")
    with open_store(store_path) as store, pytest.raises(type(interruption)):
        ingest(store, adj1)
    after = _snapshot(store_path)
    # the ZIP sorts before the Summary CSV: nothing of the ADJ1 run was kept
    assert after == before

    monkeypatch.setattr(ingest_mod, "insert_detail", real)
    with open_store(store_path) as store:
        report = ingest(store, adj1)
    assert report.counts["ingested"] == 2
    assert _snapshot(store_path)[0]["files"] == before[0]["files"] + 2


def test_a_database_error_while_loading_a_detail_is_reported_as_itself(
    tmp_path: Path, sample_files: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DuckDB loads a Detail on one thread, its setting restored outside the file's
    transaction: an error that aborts the transaction is the one raised, the store is as
    before, and the store's threads are as they were after a failed and a good load."""
    import duckdb

    store_path = tmp_path / "s.duckdb"
    with open_store(store_path) as store:
        ingest(store, sample_files("51230"))
        threads = store.scalar("SELECT current_setting('threads')")
    before = _snapshot(store_path)
    real = ingest_mod.insert_detail

    def fails(store: Any, *args: Any, **kwargs: Any) -> None:
        real(store, *args, **kwargs)
        store.con.execute("SELECT CAST('not a number' AS INTEGER)")  # aborts the transaction

    monkeypatch.setattr(ingest_mod, "insert_detail", fails)
    adj1 = sample_files("53874")
    with open_store(store_path) as store:
        with pytest.raises(duckdb.ConversionException):
            ingest(store, adj1)
        assert store.scalar("SELECT current_setting('threads')") == threads
    assert _snapshot(store_path) == before

    monkeypatch.setattr(ingest_mod, "insert_detail", real)
    with open_store(store_path) as store:
        assert ingest(store, adj1).counts["ingested"] == 2
        assert store.scalar("SELECT current_setting('threads')") == threads


def test_each_new_file_is_hashed_once(
    tmp_path: Path, sample_files: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The SHA-256 ingest computes to find the files held is the one detection records."""
    from collections import Counter

    detect_mod = importlib.import_module("recon.sources.detect")
    real = ingest_mod.sha256_file
    hashed: Counter[str] = Counter()

    def counted(path: Any) -> str:
        hashed[str(path)] += 1
        return real(path)

    monkeypatch.setattr(ingest_mod, "sha256_file", counted)
    monkeypatch.setattr(detect_mod, "sha256_file", counted)
    files = sample_files("51230")
    with open_store(tmp_path / "s.duckdb") as store:
        report = ingest(store, files)
        held = dict(store.rows("SELECT path, sha256 FROM files"))
    assert report.counts["ingested"] == len(files) == len(hashed)
    assert set(hashed.values()) == {1}
    assert held == {str(f): real(f) for f in files}


def test_a_detail_is_read_ahead_of_its_insert(
    tmp_path: Path, sample_files: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reader threads cast READ_AHEAD_VALUES values ahead of DuckDB's insert."""
    real = ingest_mod.map_detail_batches
    aheads: list[int] = []

    def spied(*args: Any, **kwargs: Any) -> Any:
        aheads.append(kwargs["ahead_values"])
        return real(*args, **kwargs)

    monkeypatch.setattr(ingest_mod, "map_detail_batches", spied)
    files = [f for f in sample_files("51230") if f.suffix == ".zip"]
    with open_store(tmp_path / "s.duckdb") as store:
        assert ingest(store, files).counts["ingested"] == 1
    assert aheads == [ingest_mod.READ_AHEAD_VALUES] == [4_000_000]


def test_unusable_csv_is_recorded_with_its_finding(tmp_path: Path, sample: Path) -> None:
    src = sample / "csv" / "SWANGEN_51230_INITIAL_SettlementStatementSummary.csv"
    bad = tmp_path / "bad" / src.name
    bad.parent.mkdir()
    bad.write_bytes(src.read_bytes().replace(b"GST Applicable", b"GST Applies", 1))
    with open_store(tmp_path / "s.duckdb") as store:
        report = ingest(store, [bad])
        assert report.counts["unusable"] == 1
        row = store.one("SELECT status, findings FROM files")
    assert row is not None and row[0] == "unusable" and "data.columns" in row[1]


def test_nothing_to_ingest_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "readme.txt").write_text("hello")
    with open_store(tmp_path / "s.duckdb") as store, pytest.raises(NothingToIngest) as err:
        ingest(store, [tmp_path / "readme.txt"])
    assert getattr(err.value, "exit_code", None) == 2


def test_progress_is_reported(tmp_path: Path, sample_files: Any) -> None:
    calls: list[tuple[int, int]] = []
    files = sample_files("51230")
    with open_store(tmp_path / "s.duckdb") as store:
        ingest(store, files, progress=lambda done, total: calls.append((done, total)))
    assert calls[0] == (0, len(files)) and calls[-1] == (len(files), len(files))


def test_copy_store_helper_roundtrip(week_store: Path, tmp_path: Path) -> None:
    """A copied store opens and holds the same rows (the fixtures rely on it)."""
    copy = tmp_path / "copy" / "recon.duckdb"
    copy.parent.mkdir()
    shutil.copy2(week_store, copy)
    assert _snapshot(copy)[0] == _snapshot(week_store)[0]
