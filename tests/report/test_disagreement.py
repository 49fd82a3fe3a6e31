"""The Notice of Disagreement draft: one row per distinct discrepancy, in AEMO's terms."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal as D

import pytest

from recon.models.findings import Finding
from recon.models.results import CheckResult
from recon.report.disagreement import (
    disagreement_rows,
    reason_text,
    week_text,
    when_text,
)
from recon.wem.calendar import AWST

RUN = {"participant": "SWANGEN", "period": "TW 01 Dec 2024", "run_id": 51230}
INV = "x/SWANGEN_51230_INITIAL_Invoice.json"
ZIP = "x/SWANGEN_51230_INITIAL_SettlementStatementDetail.zip!D_20241204.csv:46"
DJSON = "x/SWANGEN_51230_INITIAL_SettlementStatementDetail_2024-12-04.json#/variables/44"


def _f(check: str, message: str = "Something differs.", **kw: object) -> Finding:
    fields: dict[str, object] = {**RUN, "designation": "INITIAL"}
    fields.update(kw)
    return Finding.make(check, message, **fields)


def _result(result: CheckResult, findings: list[Finding]) -> CheckResult:
    return result.model_copy(update={"findings": findings})


def test_every_distinct_error_is_one_row(result: CheckResult) -> None:
    rows = disagreement_rows(result)
    errors = [f for f in result.findings if f.severity.value == "error"]
    assert len(rows) == len(errors) == 5
    # by run, then the largest absolute difference first
    assert [(r.run_id, r.difference) for r in rows] == [
        (50000, None),
        (51000, D("-9.00")),
        (51000, D("9.00")),
        (51000, D("-9.00")),
        (51000, None),
    ]
    planted = rows[1]
    assert (planted.designation, planted.period, planted.variable) == (
        "ADJ1",
        "TW 01 Oct 2023",
        "RTMSA_P_D",
    )
    assert planted.description == "Real-Time Market settlement amount"
    assert (planted.disputed, planted.against) == (D("-21.35"), D("-12.35"))
    assert planted.disputed_by == "AEMO, Invoice JSON"
    assert planted.against_by == "recon, recomputed from the Summary"
    assert planted.no_amount == ""
    assert planted.when == "Trading Week TW 01 Oct 2023, 1–7 Oct 2023"
    assert planted.week == "TW 01 Oct 2023, 1–7 Oct 2023"
    assert planted.run == "ADJ1, run 51000"


def test_the_same_figure_found_twice_is_one_row(result: CheckResult) -> None:
    src = f"{INV}#/rcti/total"
    a = _f(
        "invoice.total",
        "RCTI Total is $5.00 less than recon's recomputed figure.",
        expected=D("10.00"),
        actual=D("5.00"),
        difference=D("-5.00"),
        source=src,
    )
    b = a.model_copy(update={"message": "RCTI Total on the invoice is less than Amount plus GST."})
    rows = disagreement_rows(_result(result, [a, b]))
    assert len(rows) == 1
    assert rows[0].variable == "RCTI Total"
    assert rows[0].reason == a.message


def test_money_columns_hold_amounts_only(result: CheckResult) -> None:
    chain = _f("adjustment.chain", "ADJ2 follows INITIAL.", expected="ADJ1", actual="ADJ2")
    array = _f(
        "data.value",
        "A value is not a number.",
        variable="MSQ_F_I",
        expected="a Decimal(23,8) number",
        actual="[1.0, 2.0, x, " + "3.0, " * 60 + "]",
    )
    rows = disagreement_rows(_result(result, [chain, array]))
    assert len(rows) == 2
    for r in rows:
        assert (r.disputed, r.against, r.difference) == (None, None, None)
        assert r.no_amount.startswith("No amount:")
    by_check = {r.check: r for r in rows}
    assert "expected ADJ1, found ADJ2" in by_check["adjustment.chain"].no_amount
    assert "[" not in by_check["data.value"].no_amount


def test_where_aemos_two_forms_disagree_both_sides_are_aemos(result: CheckResult) -> None:
    mismatch = _f(
        "source.mismatch",
        expected=D("27.13739275"),
        actual=D("26.59464490"),
        difference=D("-0.54274785"),
        variable="MSQ_F_I",
        scope="SWANGEN_GT1",
        timestamp="2024-12-04",
        source=f"{ZIP} vs {DJSON}",
    )
    sd = _f(
        "summary_detail.value",
        expected=D("40998.16"),
        actual=D("41422.00"),
        difference=D("423.84"),
        variable="CCPAY_P_D",
        source="x/S_SettlementStatementSummary.csv:13 vs x/S_SettlementStatementDetail.zip!a.csv:3",
    )
    pdf = _f(
        "invoice.pdf_json",
        expected=D("1.00"),
        actual=D("2.00"),
        difference=D("1.00"),
        variable="MKTFEE_P_D",
        source="x/SWANGEN_51230_INITIAL_Invoice.pdf#page=2",
    )
    rows = {r.check: r for r in disagreement_rows(_result(result, [mismatch, sd, pdf]))}
    assert (rows["source.mismatch"].disputed_by, rows["source.mismatch"].against_by) == (
        "AEMO, Detail JSON",
        "AEMO, Detail ZIP",
    )
    assert (rows["summary_detail.value"].disputed_by, rows["summary_detail.value"].against_by) == (
        "AEMO, Summary CSV",
        "AEMO, Detail ZIP",
    )
    assert (rows["invoice.pdf_json"].disputed_by, rows["invoice.pdf_json"].against_by) == (
        "AEMO, Invoice PDF",
        "AEMO, Invoice JSON",
    )


def test_a_position_level_finding_names_its_interval(result: CheckResult) -> None:
    f = _f(
        "source.mismatch",
        variable="MSQ_F_I",
        scope="SWANGEN_GT1",
        timestamp="2024-12-04",
        position=23,
        interval_start=datetime(2024, 12, 4, 19, 0, tzinfo=AWST),
        interval_end=datetime(2024, 12, 4, 19, 30, tzinfo=AWST),
        expected=D("1"),
        actual=D("2"),
        difference=D("1"),
        source=f"{ZIP} vs {DJSON}",
    )
    (row,) = disagreement_rows(_result(result, [f]))
    assert row.when == "Trading Interval 23, 19:00–19:30 AWST, 4 Dec 2024"
    assert row.interval_start == datetime(2024, 12, 4, 19, 0, tzinfo=AWST)
    assert row.interval_end == datetime(2024, 12, 4, 19, 30, tzinfo=AWST)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {
                "variable": "MSQ_F_I",
                "position": 40,
                "interval_start": "2024-12-05T03:30:00+08:00",
                "interval_end": "2024-12-05T04:00:00+08:00",
            },
            "Trading Interval 40, 03:30–04:00 AWST, 5 Dec 2024 (Trading Day 4 Dec 2024)",
        ),
        (
            {
                "variable": "RTEQ_T_DI",
                "position": 6,
                "interval_start": "2024-12-04T00:25:00Z",
                "interval_end": "2024-12-04T00:30:00Z",
            },
            "Dispatch Interval 6, 08:25–08:30 AWST, 4 Dec 2024",
        ),
        (
            {"variable": "RTMSA_F_I", "timestamp": "2023-10-03T16:00:00+08:00"},
            "Trading Interval 17, 16:00–16:30 AWST, 3 Oct 2023",
        ),
        (  # a result.json of an older recon gave a Trading Day finding an "interval"
            {
                "variable": "CCPAY_P_D",
                "timestamp": "2024-12-05",
                "position": 1,
                "interval_start": "2024-12-05T08:00:00+08:00",
                "interval_end": "2024-12-06T08:00:00+08:00",
            },
            "Trading Day 5 Dec 2024",
        ),
        (  # own.missing: one finding for a range of intervals
            {
                "variable": "MSQ_F_I",
                "timestamp": "2024-12-02",
                "interval_start": "2024-12-02T10:00:00+08:00",
                "interval_end": "2024-12-02T11:30:00+08:00",
            },
            "Trading Intervals 5–7, 10:00–11:30 AWST, 2 Dec 2024",
        ),
        ({"variable": "RTMSA_P_D", "timestamp": "2023-10-03"}, "Trading Day 3 Oct 2023"),
        (
            {"variable": "MFRATE_G_FY", "timestamp": "2023-07-01"},
            "Financial Year 2023-24 (from 1 Jul 2023)",
        ),
        ({"variable": "CAPPRICE_G_M", "timestamp": "2024-12-01"}, "Trading Month Dec 2024"),
        (
            {"variable": "CAPCRED_F_CY", "timestamp": "2024-10-01"},
            "Capacity Year 2024 (from 1 Oct 2024)",
        ),
        ({"variable": "not a variable", "timestamp": "2023-10-03"}, "Trading Day 3 Oct 2023"),
        ({}, "Trading Week TW 01 Dec 2024, 1–7 Dec 2024"),
        ({"variable": "RTMSA_P_D", "timestamp": "garbage"}, "garbage"),
    ],
)
def test_when_text(fields: dict[str, object], expected: str) -> None:
    assert when_text(_f("data.value", **fields)) == expected


def test_week_text_spans_months_and_years() -> None:
    assert week_text("TW 29 Dec 2024") == "TW 29 Dec 2024, 29 Dec 2024 – 4 Jan 2025"
    assert week_text("TW 27 Oct 2024") == "TW 27 Oct 2024, 27 Oct – 2 Nov 2024"
    assert week_text("not a week") == "not a week"


def test_rows_sort_by_week_date_not_text(result: CheckResult) -> None:
    weeks = ["TW 08 Dec 2024", "TW 24 Nov 2024", "TW 01 Dec 2024"]
    fs = [_f("invoice.line", variable="X_P_D", period=w) for w in weeks]
    assert [r.period for r in disagreement_rows(_result(result, fs))] == [
        "TW 24 Nov 2024",
        "TW 01 Dec 2024",
        "TW 08 Dec 2024",
    ]


def test_reason_is_one_sentence() -> None:
    f = Finding(check="invoice.total", severity="error", message="  The RCTI total\n differs ")
    assert reason_text(f) == "The RCTI total differs."
    assert reason_text(f.model_copy(update={"message": ""})) == (
        "A section or Payment Summary figure differs."
    )


def test_clean_check_has_no_rows(result: CheckResult) -> None:
    clean = result.model_copy(
        update={"findings": [f for f in result.findings if f.severity.value != "error"]}
    )
    assert disagreement_rows(clean) == []
