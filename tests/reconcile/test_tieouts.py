"""recon.reconcile.tieouts: the tie-outs between forms (CSV/JSON, PDF/JSON) and between
Summary and Detail, on the sample week (clean) and the planted week (one plant each)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from paths import FIXTURES

from recon.models.findings import Finding
from recon.models.statements import DetailStatement, SummaryStatement
from recon.reconcile.tieouts import (
    check_pdf_json,
    detail_coverage,
    detail_mismatch,
    position_fields,
    summary_mismatch,
    summary_vs_detail,
)
from recon.sources.detect import sniff
from recon.sources.loading import load_artefact as load

SAMPLE = FIXTURES / "sample_week"
PLANTED = FIXTURES / "planted_week" / "SWANGEN_2024-12-01"


@cache
def read(path: Path) -> Any:
    """The model of one fixture file, read by the reader of its kind."""
    return load(sniff(path))


def _run_files(root: Path, run: str) -> dict[str, Path]:
    found = {}
    for p in sorted(root.rglob(f"SWANGEN_{run}_*")):
        name = p.name
        if "Summary" in name:
            found[f"summary_{p.suffix[1:]}"] = p
        elif "Detail" in name and p.suffix == ".zip":
            found["detail_zip"] = p
        elif "Invoice" in name:
            found[f"invoice_{p.suffix[1:]}"] = p
    return found


def _errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity in ("error", "warning")]


# ------------------------------------------------------------------ the clean sample week


@pytest.mark.parametrize("run", ["51230_INITIAL", "53874_ADJ1", "56492_ADJ2"])
def test_the_sample_week_ties_out(run: str) -> None:
    files = _run_files(SAMPLE, run)
    summary_csv, summary_json = read(files["summary_csv"]), read(files["summary_json"])
    detail = read(files["detail_zip"])
    assert _errors(summary_vs_detail(summary_csv, detail)) == []
    assert summary_mismatch(summary_csv, summary_json) == []
    assert check_pdf_json(read(files["invoice_pdf"]), read(files["invoice_json"])) == []
    assert detail_coverage(detail.header, detail) == []


def test_the_sample_detail_zip_and_json_agree() -> None:
    zip_detail = read(SAMPLE / "csv" / "SWANGEN_51230_INITIAL_SettlementStatementDetail.zip")
    day = SAMPLE / "json" / "SWANGEN_51230_INITIAL_SettlementStatementDetail_2024-12-04.json"
    assert detail_mismatch(zip_detail, read(day)) == []


# ------------------------------------------------------------------ the planted week


def test_pdf_json_finds_the_transposed_digits() -> None:
    """SWANGEN-2: MKTFEE_P_D is 20,879.21 on the PDF and 20,789.21 in the JSON."""
    files = _run_files(PLANTED, "51230_INITIAL")
    pdf, json_ = read(files["invoice_pdf"]), read(files["invoice_json"])
    findings = check_pdf_json(pdf, json_)
    assert [(f.check, f.variable) for f in findings] == [("invoice.pdf_json", "MKTFEE_P_D")]
    (f,) = findings
    assert Decimal(str(f.expected)) == Decimal("20789.21")
    assert Decimal(str(f.actual)) == Decimal("20879.21")
    assert check_pdf_json(json_, json_) == []


def test_detail_mismatch_finds_the_one_value_the_json_changed() -> None:
    """SWANGEN-1: one MSQ_F_I value of SWANGEN_GT1 on 2024-12-04, position 23."""
    zip_detail = read(PLANTED / "csv" / "SWANGEN_51230_INITIAL_SettlementStatementDetail.zip")
    day4 = PLANTED / "json" / "SWANGEN_51230_INITIAL_SettlementStatementDetail_2024-12-04.json"
    findings = detail_mismatch(zip_detail, read(day4))
    assert [(f.check, f.variable, f.scope, f.timestamp) for f in findings] == [
        ("source.mismatch", "MSQ_F_I", "SWANGEN_GT1", "2024-12-04")
    ]
    assert findings[0].position == 23
    # a day the JSON does not hold is not compared
    day3 = PLANTED / "json" / "SWANGEN_51230_INITIAL_SettlementStatementDetail_2024-12-03.json"
    assert detail_mismatch(zip_detail, read(day3)) == []


def test_summary_mismatch_finds_the_rounded_json_value() -> None:
    """SWANGEN-3: ADJ1's REGCHG_P_D on 2024-12-03 is 918.24 in the JSON."""
    files = _run_files(PLANTED, "53874_ADJ1")
    findings = summary_mismatch(read(files["summary_csv"]), read(files["summary_json"]))
    assert [(f.check, f.variable, f.timestamp) for f in findings] == [
        ("source.mismatch", "REGCHG_P_D", "2024-12-03")
    ]
    assert Decimal(str(findings[0].expected)) == Decimal("918.23809045")
    assert Decimal(str(findings[0].actual)) == Decimal("918.24")


def test_summary_vs_detail_finds_the_planted_difference() -> None:
    """SWANGEN-4: ADJ1's Summary CCPAY_P_D on 2024-12-05 differs from its Detail."""
    files = _run_files(PLANTED, "53874_ADJ1")
    summary: SummaryStatement = read(files["summary_csv"])
    detail: DetailStatement = read(files["detail_zip"])
    values = [
        (f.variable, f.scope, f.timestamp)
        for f in summary_vs_detail(summary, detail)
        if f.check == "summary_detail.value"
    ]
    assert values == [("CCPAY_P_D", "SWANGEN", "2024-12-05")]


def test_summary_vs_detail_warns_of_a_variable_missing_from_the_detail() -> None:
    """SWANGEN-7: SECDEPINT_P_D is absent from ADJ2's Detail."""
    files = _run_files(PLANTED, "56492_ADJ2")
    missing = [
        f.variable
        for f in summary_vs_detail(read(files["summary_csv"]), read(files["detail_zip"]))
        if f.check == "summary_detail.missing"
    ]
    assert missing == ["SECDEPINT_P_D"]


def test_detail_coverage_names_the_days_a_detail_lacks() -> None:
    summary = read(SAMPLE / "csv" / "SWANGEN_51230_INITIAL_SettlementStatementSummary.csv")
    one_day = read(
        SAMPLE / "json" / "SWANGEN_51230_INITIAL_SettlementStatementDetail_2024-12-04.json"
    )
    (f,) = detail_coverage(summary.header, one_day)
    assert f.check == "data.period"
    assert f.timestamp == "2024-12-01"
    for day in ("2024-12-01", "2024-12-02", "2024-12-03", "2024-12-05", "2024-12-07"):
        assert day in f.message
    assert "2024-12-04" not in f.message


def test_position_fields_of_a_trading_interval() -> None:
    out = position_fields("MSQ_F_I", date(2024, 12, 4), 23)
    assert out["position"] == 23
    assert out["interval_start"].startswith("2024-12-04T")
    assert out["interval_start"].endswith("+08:00")
    assert out["interval_start"] < out["interval_end"]
    # A Trading Day (or coarser) value names its day by Timestamp, never an interval
    # (SPEC §5): no position, no interval.
    assert position_fields("CCPAY_P_D", None, 1) == {}
    assert position_fields("CCPAY_P_D", date(2024, 12, 5), 1) == {}
    assert position_fields("MFRATE_G_FY", date(2024, 7, 1), 1) == {}
