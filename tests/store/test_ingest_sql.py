"""store/ingest_sql: the SQL inserts, into a fresh DuckDB store, of the sample week's files;
the stored rows are compared with the files read by the csv, json and zipfile modules."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from paths import FIXTURES

from recon.errors import StoreError
from recon.sources.artefacts import Artefact
from recon.sources.detail_csv import read_detail
from recon.sources.detect import sniff
from recon.sources.invoice_json import read_invoice_json
from recon.sources.summary_csv import read_summary_csv
from recon.store.db import Store
from recon.store.ingest_sql import (
    insert_detail,
    insert_file,
    insert_invoice,
    insert_summary,
    now_utc,
)

SAMPLE = FIXTURES / "sample_week"
SUMMARY = SAMPLE / "csv" / "SWANGEN_51230_INITIAL_SettlementStatementSummary.csv"
DETAIL = SAMPLE / "csv" / "SWANGEN_51230_INITIAL_SettlementStatementDetail.zip"
INVOICE = SAMPLE / "json" / "SWANGEN_51230_INITIAL_Invoice.json"
WEEK = date(2024, 12, 1)


@pytest.fixture()
def store(tmp_path: Path) -> Store:
    with Store.open(tmp_path / "recon.duckdb") as st:
        yield st  # type: ignore[misc]


def test_now_utc_is_naive_utc() -> None:
    now = now_utc()
    assert now.tzinfo is None
    assert abs(datetime.now(UTC).replace(tzinfo=None) - now) < timedelta(minutes=1)


def test_insert_file_records_the_artefact(store: Store) -> None:
    art = sniff(SUMMARY)
    insert_file(
        store,
        art,
        status="stored",
        form="csv",
        participant="SWANGEN",
        period="TW 01 Dec 2024",
        week=WEEK,
        run_id=51230,
        designation="INITIAL",
    )
    rows = store.con.execute(
        "SELECT sha256, path, size, kind, status, week, run_id, designation FROM files"
    ).fetchall()
    assert rows == [
        (
            art.sha256,
            str(SUMMARY),
            SUMMARY.stat().st_size,
            "summary_csv",
            "stored",
            WEEK,
            51230,
            "INITIAL",
        )
    ]


def test_insert_file_of_a_vanished_file_is_a_store_error(store: Store, tmp_path: Path) -> None:
    art = Artefact(path=str(tmp_path / "gone.csv"), kind="summary_csv", sha256="0" * 64)
    with pytest.raises(StoreError, match="cannot be read"):
        insert_file(
            store,
            art,
            status="stored",
            form="csv",
            participant=None,
            period=None,
            week=None,
            run_id=None,
            designation=None,
        )


def test_summary_values_are_stored_exactly_in_file_order(store: Store) -> None:
    insert_summary(store, "s1", read_summary_csv(SUMMARY), WEEK)
    with SUMMARY.open(newline="") as f:
        rows = list(csv.DictReader(f))
    stored = store.con.execute(
        "SELECT variable, value FROM summary_values WHERE sha256 = 's1' ORDER BY ord"
    ).fetchall()
    assert stored == [(r["Variable"], Decimal(r["Value"]).quantize(Decimal("1E-8"))) for r in rows]


def test_detail_values_hold_every_row_of_every_member(store: Store) -> None:
    insert_detail(store, "d1", read_detail(DETAIL), WEEK)
    with zipfile.ZipFile(DETAIL) as z:
        members = [list(csv.DictReader(io.StringIO(z.read(n).decode()))) for n in z.namelist()]
    assert store.con.execute("SELECT count(*) FROM detail_values").fetchone() == (
        sum(len(m) for m in members),
    )
    first = members[0][0]
    values = store.con.execute(
        "SELECT value FROM detail_values WHERE variable = ? AND scope = ? "
        "AND settlement_trading_day = ?",
        [first["Variable"], first["Scope"], date.fromisoformat(first["Settlement Trading Day"])],
    ).fetchone()
    assert values is not None
    assert [Decimal(v) for v in values[0]] == [
        Decimal(x) for x in first["Value"].strip("[]").split(",")
    ]


def test_invoice_totals_and_lines_are_the_documents(store: Store) -> None:
    insert_invoice(store, "i1", read_invoice_json(INVOICE), WEEK)
    doc = json.loads(INVOICE.read_text(), parse_float=Decimal)["data"]
    lines = doc["data"][0]["lineItems"]
    stored = store.con.execute(
        "SELECT variable, amount, gst FROM invoice_lines WHERE sha256 = 'i1' ORDER BY section, ord"
    ).fetchall()
    assert sorted(stored) == sorted(
        (li["variable"], Decimal(li["amount"]), Decimal(li["gst"])) for li in lines
    )
    rows = store.con.execute(
        "SELECT section, field, amount FROM invoice_totals WHERE sha256 = 'i1'"
    ).fetchall()
    totals = {(section, field): amount for section, field, amount in rows}
    for section, key in (("payment_summary", "paymentSummary"), ("rcti", "rcti")):
        for name, text in doc[key].items():
            field = "".join(f"_{c.lower()}" if c.isupper() else c for c in name)
            assert totals[(section, field)] == Decimal(text), (section, field)
