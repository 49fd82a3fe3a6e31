"""recon.models.invoices: the invoice models read exact money, are frozen where they are
values, list each section's figures and find a line by its variable."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError

from recon.models.invoices import (
    INVOICE_TOTALS,
    AdjustmentInformation,
    Invoice,
    LineItem,
    PaymentSummary,
    SectionTotals,
)
from recon.models.statements import Designation, PaymentOrCharge

ZERO = {"amount": "0", "gst": "0", "total": "0"}
SUMMARY = dict.fromkeys(INVOICE_TOTALS["payment_summary"], "0")


def _line(variable: str, amount: object, gst: object = "0") -> LineItem:
    return LineItem(
        variable=variable,
        payment_or_charge=PaymentOrCharge.CHARGE,
        gst_applicable=True,
        amount=amount,  # type: ignore[arg-type]
        gst=gst,  # type: ignore[arg-type]
    )


def _invoice(lines: list[LineItem], **extra: object) -> Invoice:
    return Invoice.model_validate(
        {
            "invoice_number": "WEM-INV-50000-IMOWA",
            "run_id": 50000,
            "designation": "INITIAL",
            "period": "TW 01 Dec 2024",
            "participant": "SWANGEN",
            "line_items": lines,
            "payment_summary": SUMMARY,
            "rcti": ZERO,
            "tax_invoice": ZERO,
            **extra,
        }
    )


@pytest.mark.parametrize(
    ("text", "value"),
    [("1,234.56", "1234.56"), ("-1,234.56", "-1234.56"), ("(1,234.56)", "-1234.56"),
     ("$12.50", "12.50"), ("0.00000001", "0.00000001"),
     ("12345678901234567890.12345678", "12345678901234567890.12345678")],
)  # fmt: skip
def test_amounts_are_read_exactly_from_the_ways_invoices_write_them(text: str, value: str) -> None:
    line = _line("ENERGY_P_D", text)
    assert line.amount == Decimal(value)
    assert format(line.amount, "f") == value


@pytest.mark.parametrize(
    "bad", ["1.5E3", "12.123456789", "123456789012345678901", "abc", 1.5, True, "", "1,2,3.x"]
)
def test_an_amount_that_is_not_exact_money_is_refused(bad: object) -> None:
    with pytest.raises(ValidationError):
        _line("ENERGY_P_D", bad)


def test_money_is_dumped_as_plain_digits_and_read_back_equal() -> None:
    line = _line("ENERGY_P_D", Decimal("1E-8"), Decimal("-0.10"))
    dumped = line.model_dump(mode="json")
    assert dumped["amount"] == "0.00000001" and dumped["gst"] == "-0.10"
    assert LineItem.model_validate(dumped) == line


def test_lines_and_totals_are_frozen() -> None:
    line = _line("ENERGY_P_D", "1")
    with pytest.raises(ValidationError):
        line.amount = Decimal(2)  # type: ignore[misc]
    with pytest.raises(ValidationError):
        SectionTotals(amount=1, gst=0, total=1).total = Decimal(0)  # type: ignore[arg-type,misc]


def test_invoice_totals_list_every_figure_of_each_section_in_order() -> None:
    models = {
        "payment_summary": PaymentSummary,
        "rcti": SectionTotals,
        "tax_invoice": SectionTotals,
        "adjustment_information": AdjustmentInformation,
    }
    assert set(INVOICE_TOTALS) == set(models)
    for section, model in models.items():
        money = [name for name, field in model.model_fields.items() if field.annotation is Decimal]
        assert list(INVOICE_TOTALS[section]) == money
        assert section in Invoice.model_fields


def test_line_finds_the_first_line_of_a_variable_or_none() -> None:
    first, second = _line("ENERGY_P_D", "1.00"), _line("ENERGY_P_D", "2.00")
    invoice = _invoice([_line("FEE_P_D", "3"), first, second])
    assert invoice.line("ENERGY_P_D") is first
    assert invoice.line("CAPACITY_P_D") is None
    assert invoice.designation is Designation.INITIAL
    assert invoice.form == "json" and invoice.findings == []


def test_an_adj_invoice_carries_its_adjustment_information() -> None:
    adj = _invoice(
        [],
        designation="ADJ1",
        run_id=50010,
        previous_run_id=50000,
        adjustment_information={
            "previous_run_id": 50000,
            "rcti_difference": "(10.00)",
            "tax_invoice_difference": "2.50",
        },
    )
    assert adj.adjustment_information is not None
    assert adj.adjustment_information.rcti_difference == Decimal("-10.00")
    with pytest.raises(ValidationError, match="designation"):
        _invoice([], designation="ADJ4")
