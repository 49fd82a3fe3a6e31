"""The store's location, schema versions, migrations, and exact decimals."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from recon.errors import StoreError
from recon.store import db
from recon.store.db import (
    SCHEMA_VERSION,
    Migration,
    decimal_form,
    from_column,
    open_store,
    resolve_store_path,
    to_column,
)


@pytest.mark.parametrize(
    "text",
    [
        "5",
        "1234.56",
        "0.12345678",
        "-1234.5",
        "0",
        "0.00",
        "-0",
        "-0.00",
        "999999999999999.99999999",
        "-0.00000001",
        "1E+2",
        "1.100000000",
    ],
)
def test_decimal_roundtrip_keeps_the_digits(text: str) -> None:
    value = Decimal(text)
    stored = to_column(value)
    assert stored.as_tuple().exponent == -8
    back = from_column(stored, decimal_form(value))
    assert str(back) == str(value)


def test_store_location(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RECON_STORE", raising=False)
    assert resolve_store_path().name == "recon.duckdb"
    assert resolve_store_path(tmp_path) == tmp_path / "recon.duckdb"
    assert resolve_store_path(tmp_path / "x.duckdb") == tmp_path / "x.duckdb"
    monkeypatch.setenv("RECON_STORE", str(tmp_path / "env.duckdb"))
    assert resolve_store_path() == tmp_path / "env.duckdb"
    assert resolve_store_path(tmp_path / "opt.duckdb") == tmp_path / "opt.duckdb"


def test_new_store_is_at_the_latest_version(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.duckdb") as store:
        assert store.schema_version == SCHEMA_VERSION
        assert store.counts() == dict.fromkeys(db.TABLES, 0)
    with open_store(tmp_path / "s.duckdb") as store:  # reopening applies nothing again
        assert store.scalar("SELECT count(*) FROM schema_version") == SCHEMA_VERSION


def test_pending_migration_applied_failed_one_rolled_back(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "s.duckdb"
    open_store(path).close()
    good = Migration(
        SCHEMA_VERSION + 1, "add a note column", ("ALTER TABLE runs ADD COLUMN note VARCHAR",)
    )
    bad = Migration(
        SCHEMA_VERSION + 2, "broken", ("CREATE TABLE half_done (x INTEGER)", "THIS IS NOT SQL")
    )
    monkeypatch.setattr(db, "MIGRATIONS", (*db.MIGRATIONS, good, bad))
    monkeypatch.setattr(db, "SCHEMA_VERSION", bad.version)
    with pytest.raises(StoreError, match="migrate"):
        open_store(path)
    con = duckdb.connect(str(path), read_only=True)
    try:
        assert con.execute("SELECT max(version) FROM schema_version").fetchall() == [
            (good.version,)
        ]
        tables = {
            r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        }
    finally:
        con.close()
    assert "half_done" not in tables


def test_refuses_newer_or_foreign_databases(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    with open_store(path) as store:
        store.con.execute("INSERT INTO schema_version VALUES (99, 'future', now()::TIMESTAMP)")
    with pytest.raises(StoreError, match="newer"):
        open_store(path)
    other = tmp_path / "other.duckdb"
    con = duckdb.connect(str(other))
    con.execute("CREATE TABLE t (x INTEGER)")
    con.close()
    with pytest.raises(StoreError, match="not a recon store"):
        open_store(other)
    junk = tmp_path / "junk.duckdb"
    junk.write_bytes(b"this is not a database at all" * 200)
    with pytest.raises(StoreError):
        open_store(junk)
    with pytest.raises(StoreError, match="no store"):
        open_store(tmp_path / "absent.duckdb", must_exist=True)


def test_transaction_rolls_back_on_error(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.duckdb") as store:
        with pytest.raises(RuntimeError), store.transaction():
            store.con.execute(
                "INSERT INTO weekly_runs VALUES (now()::TIMESTAMP, "
                "now()::TIMESTAMP, NULL, [], NULL, 0)"
            )
            raise RuntimeError("boom")
        assert store.scalar("SELECT count(*) FROM weekly_runs") == 0
