"""recon.store.rows: the one place stored rows become models again, exactly as read."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from recon.errors import StoreError
from recon.models.invoices import Invoice
from recon.models.statements import DetailStatement, SummaryStatement
from recon.sources.detect import sniff
from recon.sources.loading import load_artefact as load
from recon.store import open_store
from recon.store.rows import StoredWeek, load_invoice, load_weeks

WEEK = ("SWANGEN", date(2024, 12, 1))


def test_every_stored_artefact_comes_back_as_its_file_reads(week_store: Path) -> None:
    with open_store(week_store) as store:
        stored = load_weeks(store, [WEEK])
    assert stored.findings == [] and stored.skipped == []
    kinds = sorted(x.record.kind for x in stored.loaded)
    assert kinds.count("summary_csv") == 3 and kinds.count("summary_json") == 3
    assert kinds.count("detail_zip") == 3 and kinds.count("detail_json") == 21
    assert kinds.count("invoice_json") == 3 and kinds.count("invoice_pdf") == 3
    paths = [x.record.path for x in stored.loaded]
    assert paths == sorted(paths)
    for item in stored.loaded:
        art = sniff(item.record.path)
        assert item.record.sha256 == art.sha256
        read = load(art)
        model = item.model
        assert type(model) is type(read)
        if isinstance(model, SummaryStatement):
            assert model.header == read.header
            assert model.rows == read.rows
        elif isinstance(model, DetailStatement):
            assert model.header == read.header
            assert model.days == read.days
            cols = ["variable", "scope", "timestamp", "settlement_trading_day", "values"]
            key = cols[:4]
            a = model.with_values().frame.select(cols).sort(key)
            b = read.with_values().frame.select(cols).sort(key)
            assert a.equals(b), item.record.path
        else:
            assert isinstance(model, Invoice)
            assert model.model_dump(exclude={"source", "findings"}) == read.model_dump(
                exclude={"source", "findings"}
            )


def test_load_invoice_by_sha(week_store: Path, sample: Path) -> None:
    path = sample / "json" / "SWANGEN_53874_ADJ1_Invoice.json"
    art = sniff(path)
    with open_store(week_store) as store:
        inv = load_invoice(store, art.sha256)
        with pytest.raises(StoreError, match="no invoice"):
            load_invoice(store, "0" * 64)
    read = load(art)
    assert inv.run_id == 53874
    skip = {"source", "findings"}
    assert inv.model_dump(exclude=skip) == read.model_dump(exclude=skip)


def test_weeks_not_held_give_nothing(week_store: Path) -> None:
    with open_store(week_store) as store:
        assert load_weeks(store, []) == StoredWeek()
        assert load_weeks(store, [("SWANGEN", date(2024, 12, 8))]).loaded == []
        assert load_weeks(store, [("NOBODY", date(2024, 12, 1))]).loaded == []


def test_an_unusable_file_comes_back_as_its_finding(tmp_path: Path, sample: Path) -> None:
    src = sample / "csv" / "SWANGEN_51230_INITIAL_SettlementStatementSummary.csv"
    bad = tmp_path / "in" / src.name
    bad.parent.mkdir()
    bad.write_bytes(src.read_bytes().replace(b"GST Applicable", b"GST Applies", 1))
    from recon.store import ingest

    with open_store(tmp_path / "s.duckdb") as store:
        ingest(store, [bad])
        stored = load_weeks(store, [WEEK])
    assert stored.loaded == []
    assert [f.check for f in stored.findings] == ["data.columns"]
    assert [s["path"] for s in stored.skipped] == [str(bad)]
