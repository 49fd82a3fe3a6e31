"""recon.store.conflicts: when a file agrees with what the store holds, and when it is
refused (the sample week's files, planted copies)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from recon.sources.detect import sniff
from recon.sources.loading import load_artefact as load
from recon.store import open_store
from recon.store.conflicts import (
    Refusal,
    compare_detail_days,
    form_class,
    held_artefacts,
    held_summary_content,
    merge_run,
    merge_run_of_invoice,
    strip_invoice,
    summary_content,
)

WEEK = date(2024, 12, 1)


def test_form_class() -> None:
    assert form_class("detail_zip", "zip") == ("csv", "zip")
    assert form_class("detail_csv", "csv") == ("csv", "zip")
    assert form_class("detail_json", "json") == ("json",)
    assert form_class("summary_csv", "csv") == ("csv",)
    assert form_class("invoice_pdf", "pdf") == ("pdf",)


def test_a_held_summary_has_the_content_of_its_file(week_store: Path, sample: Path) -> None:
    path = sample / "csv" / "SWANGEN_53874_ADJ1_SettlementStatementSummary.csv"
    model = load(sniff(path))
    with open_store(week_store) as store:
        held = held_artefacts(store, "summary", "SWANGEN", "TW 01 Dec 2024", 53874, ("csv",))
        assert held == [sniff(path).sha256]
        assert held_summary_content(store, held[0]) == summary_content(model)
        other = held_artefacts(store, "summary", "SWANGEN", "TW 01 Dec 2024", 51230, ("csv",))
        assert held_summary_content(store, other[0]) != summary_content(model)


def test_the_two_invoice_forms_differ_only_where_read(sample: Path) -> None:
    pdf = load(sniff(sample / "pdf" / "SWANGEN_51230_INITIAL_Invoice.pdf"))
    json_ = load(sniff(sample / "json" / "SWANGEN_51230_INITIAL_Invoice.json"))
    assert pdf.source != json_.source
    stripped = strip_invoice(json_)
    assert stripped.source is None and stripped.findings == []
    assert all(li.source is None for li in stripped.line_items or [])
    assert strip_invoice(json_) == strip_invoice(json_.model_copy(update={"source": "elsewhere"}))


def test_a_held_detail_day_is_compared_row_by_row(week_store: Path, sample: Path) -> None:
    day = load(
        sniff(sample / "json" / "SWANGEN_51230_INITIAL_SettlementStatementDetail_2024-12-04.json")
    )
    with open_store(week_store) as store:
        new_days, same_as = compare_detail_days(store, day, ("json",))
        assert new_days == [] and same_as == sniff(day.source).sha256
        changed = day.with_values()
        frame = changed.frame.with_columns(changed.frame["values"].list.reverse())
        with pytest.raises(Refusal, match=r"held with a Detail for 2024-12-04 .* row\(s\) differ"):
            compare_detail_days(store, changed.model_copy(update={"frame": frame}), ("json",))
        # the ZIP holds every day too, in the other form
        assert compare_detail_days(store, day, ("csv", "zip"))[0] == []


def test_a_run_header_that_differs_is_refused(week_store: Path, sample: Path) -> None:
    header = load(
        sniff(sample / "csv" / "SWANGEN_51230_INITIAL_SettlementStatementSummary.csv")
    ).header
    with open_store(week_store) as store:
        merge_run(store, header, WEEK)  # the same header: nothing to do
        later = header.model_copy(update={"published_at": datetime(2024, 12, 20, 9, 0)})
        with pytest.raises(Refusal, match="PublishedAt 2024-12-19 15:30:45 held"):
            merge_run(store, later, WEEK)


def test_an_invoice_of_another_designation_is_refused(week_store: Path, sample: Path) -> None:
    inv = load(sniff(sample / "json" / "SWANGEN_53874_ADJ1_Invoice.json"))
    with open_store(week_store) as store:
        merge_run_of_invoice(store, inv, WEEK)
        other = inv.model_copy(update={"designation": inv.designation.__class__("ADJ2")})
        with pytest.raises(Refusal, match="is held as ADJ1 but this invoice says ADJ2"):
            merge_run_of_invoice(store, other, WEEK)
