"""The Notice of Disagreement draft: one row per error finding, in AEMO's terms."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from recon.models.findings import Finding
from recon.models.results import CheckResult
from recon.report.disagreement import disagreement_rows, reason_text, when_text


def test_every_error_finding_is_a_row(result: CheckResult) -> None:
    rows = disagreement_rows(result)
    errors = [f for f in result.findings if f.severity.value == "error"]
    assert len(rows) == len(errors) == 5
    assert {(r.check, r.variable) for r in rows} == {(f.check, f.variable) for f in errors}
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
    assert (planted.aemo, planted.recon) == (D("-21.35"), D("-12.35"))
    assert planted.when == "Trading Week TW 01 Oct 2023"
    assert planted.source == "invoice_51000.json#/data/0/lineItems/0/amount"


@pytest.mark.parametrize(
    ("variable", "timestamp", "expected"),
    [
        (
            "RTMSA_F_I",
            "2023-10-03T16:00:00+08:00",
            "Trading Interval 2023-10-03 16:00–16:30 AWST (Trading Day 2023-10-03)",
        ),
        (
            "RTMSA_F_I",
            "2023-10-04T07:30:00",
            "Trading Interval 2023-10-04 07:30–08:00 AWST (Trading Day 2023-10-03)",
        ),
        (
            "RTEQ_T_DI",
            "2023-10-03T00:25:00Z",
            "Dispatch Interval 2023-10-03 08:25–08:30 AWST (Trading Day 2023-10-03)",
        ),
        ("RTMSA_P_D", "2023-10-03", "Trading Day 2023-10-03"),
        ("MFRATE_G_FY", "2023-07-01", "Financial Year 2023-07-01"),
        ("not a variable", "2023-10-03", "Trading Day 2023-10-03"),
        (None, None, "Trading Week TW 01 Oct 2023"),
        ("RTMSA_P_D", "garbage", "garbage"),
    ],
)
def test_when_text(variable: str | None, timestamp: str | None, expected: str) -> None:
    assert when_text(variable, timestamp, "TW 01 Oct 2023") == expected


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
