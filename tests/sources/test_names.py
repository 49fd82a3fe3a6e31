"""recon.sources.names: the artefact kind a file's *name* gives, and the run it names (the
fallback for a file whose content cannot say, SPEC §5 ``coverage.unread``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from paths import FIXTURES

from recon.models.kinds import Kind
from recon.sources.names import kind_from_name


@pytest.mark.parametrize(
    ("name", "kind", "run"),
    [
        (
            "SWANGEN_51230_INITIAL_SettlementStatementSummary.csv",
            Kind.SUMMARY_CSV,
            {"participant": "SWANGEN", "run_id": 51230, "designation": "INITIAL"},
        ),
        (
            "SWANGEN_53874_ADJ1_SettlementStatementDetail_2024-12-03.json",
            Kind.DETAIL_JSON,
            {
                "participant": "SWANGEN",
                "run_id": 53874,
                "designation": "ADJ1",
                "trading_day": "2024-12-03",
            },
        ),
        (
            "SWAN_GEN_56492_adj2_SettlementStatementDetail.ZIP",
            Kind.DETAIL_ZIP,
            {"participant": "SWAN_GEN", "run_id": 56492, "designation": "ADJ2"},
        ),
        (
            "SWANGEN_51230_INITIAL_Invoice.pdf",
            Kind.INVOICE_PDF,
            {"participant": "SWANGEN", "run_id": 51230, "designation": "INITIAL"},
        ),
        ("settlementstatementsummary.json", Kind.SUMMARY_JSON, {}),
        # recon fetch's names: RUNID_word_[day_]sha
        (
            "51230_detail_2024-12-01_0123456789ab.json",
            Kind.DETAIL_JSON,
            {"run_id": 51230, "trading_day": "2024-12-01"},
        ),
        ("51230_invoice_0123456789ab.pdf", Kind.INVOICE_PDF, {"run_id": 51230}),
        ("51230_SUMMARY.csv", Kind.SUMMARY_CSV, {"run_id": 51230}),
        # a lower-case participant is not a participant code; a day needs its dashes
        (
            "swangen_51230_Invoice_20241201.json",
            Kind.INVOICE_JSON,
            {"run_id": 51230},
        ),
    ],
)
def test_a_name_gives_its_kind_and_run(name: str, kind: Kind, run: dict[str, object]) -> None:
    assert kind_from_name(Path("downloads") / name) == (kind, run)
    assert kind_from_name(name) == (kind, run)  # a str path as well


@pytest.mark.parametrize(
    "name",
    [
        "SWANGEN_51230_INITIAL_SettlementStatementSummary.pdf",  # not a Summary's form
        "SWANGEN_51230_INITIAL_Invoice.csv",
        "SWANGEN_51230_INITIAL_SettlementStatementDetail.txt",
        ".SWANGEN_51230_INITIAL_SettlementStatementSummary.csv",  # hidden
        "._SWANGEN_51230_INITIAL_Invoice.pdf",  # a Mac's resource copy
        "~$SWANGEN_51230_INITIAL_SettlementStatementSummary.csv",  # an Office lock file
        "notes.csv",
        "Invoices.pdf",  # the word must end there
        "MyInvoice.pdf",  # ...and start there
        "51230_summaryish.csv",
        "own.toml",
    ],
)
def test_names_that_are_no_artefacts(name: str) -> None:
    assert kind_from_name(name) is None


def test_every_file_of_the_sample_week_is_named_for_its_kind() -> None:
    kinds = {
        p.name: kind_from_name(p)
        for p in sorted((FIXTURES / "sample_week").glob("*/*"))
        if p.parent.name in ("csv", "json", "pdf")
    }
    assert kinds and None not in kinds.values()
    got = {name: k[0] for name, k in kinds.items() if k is not None}
    assert {k.artefact for k in got.values()} == {"summary", "detail", "invoice"}
    for name, kind in got.items():
        assert name.lower().endswith("." + kind.form), name
        assert kinds[name] is not None and kinds[name][1]["participant"] == "SWANGEN"
