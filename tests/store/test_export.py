"""``recon export``: hive-partitioned Parquet that reads back equal to the store."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
from paths import FIXTURES

from recon.store import export_store, open_store
from recon.store.export import EXPORT_TABLES, MANIFEST, PART_FILE


def test_export_reads_back_equal(week_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "lake"
    with open_store(week_store, read_only=True) as store:
        report = export_store(store, out)
        counts = store.counts()
    assert report.partitions and not report.unchanged
    assert len(report.written) == sum(1 for t in EXPORT_TABLES if counts[t])  # no check yet
    part = out / "summary_values" / "participant=SWANGEN" / "week=2024-12-01" / PART_FILE
    assert part.is_file()
    assert not list(out.rglob("*.tmp"))

    con = duckdb.connect(str(week_store), read_only=True)
    try:
        for table in EXPORT_TABLES:
            if not counts[table]:
                continue
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


def test_export_writes_the_history_checks_findings_and_issues(tmp_path: Path) -> None:
    """SPEC §8: ``recon export`` writes the history too: the checks recorded, their runs
    and findings, and the issue register (history_adj's INITIAL, four planted issues)."""
    import recon
    from recon.store import ingest
    from recon.store.export import ISSUES
    from recon.store.register import build_register

    week_store = tmp_path / "s.duckdb"
    walk = FIXTURES / "history_adj"
    with open_store(week_store) as store:
        ingest(store, [walk / "SWANGEN_2024-12-15" / "1_INITIAL"])
    recon.check(store=week_store, week="2024-12-15")
    out = tmp_path / "lake"
    with open_store(week_store, read_only=True) as store:
        export_store(store, out)
        counts = store.counts()
        issues = build_register(store)
    assert counts["checks"] and counts["check_findings"] and len(issues) == 4
    con = duckdb.connect()
    try:
        for table in ("checks", "check_runs", "check_findings"):
            n = con.execute(
                f"SELECT count(*) FROM read_parquet('{out}/{table}/**/*.parquet', "
                "hive_partitioning = true)"
            ).fetchall()[0][0]
            assert n == counts[table], table
        rows = con.execute(
            f"SELECT id, key, status, participant, week FROM read_parquet('{out}/{ISSUES}/**/"
            "*.parquet', hive_partitioning = true) ORDER BY key"
        ).fetchall()
    finally:
        con.close()
    assert [(r[0], r[1], r[2], r[3], r[4]) for r in rows] == sorted(
        ((i.id, i.key, i.status, i.participant, i.week) for i in issues), key=lambda r: r[1]
    )
    manifest = json.loads((out / MANIFEST).read_text())
    assert {"checks", "check_runs", "check_findings", ISSUES} <= set(manifest["tables"])
    again = recon.check(store=week_store, week="2024-12-15")  # a new check: re-exported
    assert again.findings is not None
    with open_store(week_store, read_only=True) as store:
        report = export_store(store, out)
    assert report.partitions and not report.unchanged
