"""models/loaded: each artefact of the sample week as loaded, its record and its model."""

from __future__ import annotations

from pathlib import Path

from paths import FIXTURES

from recon.models.invoices import Invoice
from recon.models.loaded import Loaded
from recon.models.statements import DetailStatement, SummaryStatement
from recon.sources.loading import load

SAMPLE = FIXTURES / "sample_week"
MODEL_OF_KIND = {
    "summary_csv": SummaryStatement,
    "summary_json": SummaryStatement,
    "detail_zip": DetailStatement,
    "detail_json": DetailStatement,
    "invoice_json": Invoice,
    "invoice_pdf": Invoice,
}


def test_each_loaded_artefact_pairs_its_record_with_its_model() -> None:
    loaded, _, _ = load([SAMPLE / "csv", SAMPLE / "pdf"])
    assert loaded and all(isinstance(item, Loaded) for item in loaded)
    names = {Path(item.record.path).name for item in loaded}
    files = {p.name for d in ("csv", "pdf") for p in (SAMPLE / d).iterdir()}
    assert names == files
    for item in loaded:
        assert isinstance(item.model, MODEL_OF_KIND[item.record.kind])
        model = item.model
        run = model if isinstance(model, Invoice) else model.header
        assert (run.run_id, run.participant) == (item.record.run_id, "SWANGEN")
        assert str(item.record.run_id) in Path(item.record.path).name
