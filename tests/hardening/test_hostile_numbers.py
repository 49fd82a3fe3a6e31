"""Numbers quoted as they were written, separators only where the form has them, and a
materiality that fits Decimal(23,8) (issue 16 item 6)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from paths import FIXTURES

from recon.models.decimals import DecimalFormatError
from recon.sources import invoice_json, invoice_pdf

from .helpers import RunCli

DETAIL = (
    FIXTURES / "sample_week/json/SWANGEN_51230_INITIAL_SettlementStatementDetail_2024-12-01.json"
)


@pytest.mark.parametrize("bad", ["399,790.89331678", "1[2]", "7,"])
def test_a_json_value_is_quoted_as_it_was(tmp_path: Path, recon_cli: RunCli, bad: str) -> None:
    doc = json.loads(DETAIL.read_text("utf-8"))
    doc["variables"][0]["tradingDays"][0]["value"][3] = bad
    path = tmp_path / "detail.json"
    path.write_text(json.dumps(doc), "utf-8")
    run = recon_cli("decode", path, "--out", tmp_path / "o.csv", "--no-progress")
    run.assert_no_traceback()
    assert run.code == 1, run.err[-2000:]
    err = run.err.replace("\n", "")
    assert repr(bad) in err or bad in err, err[-2000:]
    assert bad.replace(",", "?").replace("[", "?").replace("]", "?") not in err


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2,154,320.45", "2154320.45"),
        ("$ 2,154,320.45", "2154320.45"),
        ("(1,234.56)", "-1234.56"),
        ("-1,234.56", "-1234.56"),
        ("999.99", "999.99"),
        ("1234567.89", "1234567.89"),
    ],
)
def test_pdf_amounts_take_thousands_separators_in_groups_of_three(text: str, value: str) -> None:
    assert invoice_pdf.pdf_amount(text) == Decimal(value)


@pytest.mark.parametrize("text", ["21,543,20.45", "2.154.320,45", "1,23.45", ",123.00", "1,2345"])
def test_pdf_amounts_with_misplaced_separators_are_refused_quoted_as_written(text: str) -> None:
    with pytest.raises(DecimalFormatError) as e:
        invoice_pdf.pdf_amount(text)
    assert repr(text) in str(e.value)


def test_json_invoice_amounts_take_no_thousands_separator() -> None:
    with pytest.raises(DecimalFormatError) as e:
        invoice_json.parse_money("1,234.56")
    assert "'1,234.56'" in str(e.value)
    assert invoice_json.parse_money("-1234.56") == Decimal("-1234.56")


@pytest.mark.parametrize("amount", ["1e400", "1E+16", "0.000000001", "NaN", "-1", "12,3a"])
def test_materiality_out_of_decimal_23_8_is_a_usage_error(
    tmp_path: Path, recon_cli: RunCli, amount: str
) -> None:
    run = recon_cli("check", tmp_path, "--out", tmp_path / "o", "--materiality", amount)
    run.assert_no_traceback()
    assert run.code == 2
    assert "--materiality" in run.err
    assert not (tmp_path / "o").exists()
