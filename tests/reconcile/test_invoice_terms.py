"""reconcile/invoice_terms: the names, places, money format and one-cent tolerance the
invoice checks share, on the sample week's JSON and PDF invoices."""

from __future__ import annotations

import json
from decimal import Decimal as D

import pytest
from paths import FIXTURES

from recon.models.results import FigureState
from recon.models.statements import PaymentOrCharge
from recon.reconcile.invoice_terms import (
    FIELDS,
    SECTIONS,
    figure_label,
    figure_of_source,
    figure_source,
    figures_of,
    gst_text,
    judge,
    money,
    more_less,
    section_name,
)
from recon.reconcile.recompute import GST_ON_SECTION, ROUND_THEN_SUM, SUM_THEN_ROUND
from recon.sources.invoice_json import read_invoice_json
from recon.sources.invoice_pdf import read_invoice_pdf

SAMPLE = FIXTURES / "sample_week"
JSON = SAMPLE / "json" / "SWANGEN_51230_INITIAL_Invoice.json"
PDF = SAMPLE / "pdf" / "SWANGEN_51230_INITIAL_Invoice.pdf"


@pytest.mark.parametrize(
    ("value", "text"),
    [(D("1234.5"), "$1,234.50"), (D("-0.01"), "-$0.01"), (D("0"), "$0.00")],
)
def test_money(value: D, text: str) -> None:
    assert money(value) == text


def test_more_less() -> None:
    assert more_less(D("0.01")) == "$0.01 more"
    assert more_less(D("-12")) == "$12.00 less"


def test_labels() -> None:
    assert figure_label("rcti", "gst") == "RCTI GST"
    assert figure_label("payment_summary", "amount_due") == "Payment Summary Amount Due"
    assert gst_text(True) == "GST applicable" and gst_text(False) == "GST not applicable"
    assert section_name(PaymentOrCharge.PAYMENT) == "RCTI"
    assert section_name(PaymentOrCharge.CHARGE) == "Tax Invoice"


def test_every_json_figure_place_exists_in_the_sample_document() -> None:
    doc = json.loads(JSON.read_text(), parse_float=D)["data"]
    inv = read_invoice_json(JSON)
    for (section, name), value in figures_of(
        inv.rcti, inv.tax_invoice, inv.payment_summary
    ).items():
        source = figure_source(inv, section, name)
        pointer = source.split("#", 1)[1].strip("/").split("/")
        assert D(doc[pointer[0]][pointer[1]]) == value, source
        assert figure_of_source(source) == figure_label(section, name)


def test_pdf_figure_places_name_the_printed_section() -> None:
    inv = read_invoice_pdf(PDF)
    source = figure_source(inv, "tax_invoice", "total")
    assert source.endswith("#Tax Invoice/Total")
    assert figure_of_source(source) == "Tax Invoice Total"
    assert figure_of_source("x.pdf#line RTMSA_P_D") is None
    assert figure_of_source(None) is None


def test_sections_and_fields_are_named_for_each_form() -> None:
    assert set(SECTIONS) == {"rcti", "tax_invoice", "payment_summary", "adjustment_information"}
    assert all(len(names) == 3 for names in SECTIONS.values())
    assert FIELDS["total_payable"][1] == "Total Payable"


def test_judge_is_exact_to_the_cent_with_named_rounding_orders() -> None:
    assert judge(D("10.00"), D("10.00"), {}) == (FigureState.AGREES, None)
    alts = {SUM_THEN_ROUND: D("10.01"), ROUND_THEN_SUM: D("10.01")}
    assert judge(D("10.00"), D("10.01"), alts) == (FigureState.ROUNDING, ROUND_THEN_SUM)
    assert judge(D("10.00"), D("10.01"), {SUM_THEN_ROUND: D("10.01")}) == (
        FigureState.DIFFERS,
        None,
    )
    assert judge(D("10.00"), D("10.02"), {GST_ON_SECTION: D("10.02")}) == (
        FigureState.DIFFERS,
        None,
    )
