"""``recon export``: hive-partitioned Parquet that reads back equal to the store."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from recon.store import export_store, open_store
from recon.store.export import EXPORT_TABLES, MANIFEST, PART_FILE


def test_export_reads_back_equal(week_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "lake"
    with open_store(week_store, read_only=True) as store:
        report = export_store(store, out)
        counts = store.counts()
    assert report.partitions and not report.unchanged
    assert len(report.written) == len(EXPORT_TABLES)
    part = out / "summary_values" / "participant=SWANGEN" / "week=2024-12-01" / PART_FILE
    assert part.is_file()
    assert not list(out.rglob("*.tmp"))

    con = duckdb.connect(str(week_store), read_only=True)
    try:
        for table in EXPORT_TABLES:
            cols = [
                r[0]
                for r in con.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                    "ORDER BY ordinal_position",
                    [table],
                ).fetchall()
            ]
            select = ", ".join(f'"{c}"' for c in cols)
            lake = (
                f"SELECT {select} FROM read_parquet('{out}/{table}/**/*.parquet', "
                "hive_partitioning = true)"
            )
            held = f"SELECT {select} FROM {table}"
            n = con.execute(f"SELECT count(*) FROM ({lake})").fetchall()[0][0]
            assert n == counts[table], table
            for a, b in ((lake, held), (held, lake)):
                diff = con.execute(f"SELECT count(*) FROM ({a} EXCEPT ALL {b})").fetchall()
                assert diff[0][0] == 0, table
        types = dict(
            con.execute(
                f"DESCRIBE SELECT * FROM read_parquet('{out}/detail_values/**/*.parquet', "
                "hive_partitioning = true)"
            ).fetchall()[i][:2]
            for i in range(12)
        )
    finally:
        con.close()
    assert types["value"] == "DECIMAL(23,8)[]"
    assert types["week"] == "DATE"

    manifest = json.loads((out / MANIFEST).read_text())
    assert manifest["partitions"].keys() == {"SWANGEN/2024-12-01"}
    assert {c["name"] for c in manifest["tables"]["summary_values"]} >= {"value", "value_form"}


def test_export_again_skips_unchanged_partitions(
    week_store: Path, tmp_path: Path, sample_files: object
) -> None:
    out = tmp_path / "lake"
    with open_store(week_store, read_only=True) as store:
        export_store(store, out)
        first = {p: p.stat().st_mtime_ns for p in out.rglob("*.parquet")}
        again = export_store(store, out)
        assert again.unchanged == [("SWANGEN", again.unchanged[0][1])]
        assert not again.written
        full = export_store(store, out, full=True)
        assert len(full.written) == len(first)
