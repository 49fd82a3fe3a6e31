"""recon.models.aemo_names: the names match the documents the fixture generator writes, the
mappings name real model fields, and no other module of recon spells an AEMO JSON name."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

import pytest
from paths import FIXTURES, REPO

from recon.models import aemo_names as aemo
from recon.models.invoices import Invoice, PaymentSummary, SectionTotals
from recon.pass_client.protocol import TimelineEntry

SAMPLE_JSON = FIXTURES / "sample_week" / "json"
SAMPLE_CSV = FIXTURES / "sample_week" / "csv"


def _body(path: Path) -> dict[str, Any]:
    doc = json.loads(path.read_text(encoding="utf-8"))
    if set(doc) == aemo.ENVELOPE_KEYS:
        return doc[aemo.F_WRAP_DATA]
    return doc


def _statements(kind: str) -> list[Path]:
    return sorted(SAMPLE_JSON.glob(f"*_SettlementStatement{kind}*.json"))


def test_a_document_is_bare_or_in_the_envelope() -> None:
    enveloped = 0
    for path in sorted(SAMPLE_JSON.glob("*.json")):
        keys = set(json.loads(path.read_text(encoding="utf-8")))
        if keys == aemo.ENVELOPE_KEYS:
            enveloped += 1
        else:
            assert aemo.F_WRAP_DATA not in keys or aemo.INV_NUMBER in keys, path.name
            assert aemo.H_RUN_ID in keys, path.name
    assert enveloped >= 1


@pytest.mark.parametrize("kind", ["Summary", "Detail"])
def test_statement_headers_use_the_header_names(kind: str) -> None:
    for path in _statements(kind):
        body = _body(path)
        assert set(aemo.HEADER_FIELDS) <= set(body), path.name
        extra = set(body) - set(aemo.HEADER_FIELDS)
        want = {aemo.F_VARIABLES, aemo.F_SETTLEMENT_DAY} if kind == "Detail" else {aemo.F_VARIABLES}
        assert extra == want, path.name


def test_header_fields_map_to_the_csv_columns() -> None:
    with open(SAMPLE_CSV / "SWANGEN_51230_INITIAL_SettlementStatementSummary.csv", newline="") as f:
        columns = next(csv.reader(f))
    assert set(aemo.HEADER_FIELDS.values()) <= set(columns)
    assert set(aemo.OPTIONAL_HEADER_DEFAULTS) <= set(aemo.HEADER_FIELDS)


@pytest.mark.parametrize(
    ("kind", "keys"),
    [
        ("Summary", {aemo.F_VARIABLE, aemo.F_P_OR_C, aemo.F_GST_APPLICABLE, aemo.F_TRADING_DAYS}),
        ("Detail", {aemo.F_VARIABLE, aemo.F_SCOPE, aemo.F_TRADING_DAYS}),
    ],
)
def test_statement_bodies_use_the_body_names(kind: str, keys: set[str]) -> None:
    body = _body(_statements(kind)[0])
    for entry in body[aemo.F_VARIABLES]:
        assert set(entry) == keys
        for day in entry[aemo.F_TRADING_DAYS]:
            assert set(day) == {aemo.F_TRADING_DAY, aemo.F_VALUE}


def test_invoices_use_the_invoice_names() -> None:
    for path in sorted(SAMPLE_JSON.glob("*_Invoice.json")):
        body = _body(path)
        for name in (aemo.INV_NUMBER, aemo.INV_RUN_ID, aemo.INV_DESIGNATION, aemo.INV_PERIOD):
            assert name in body, path.name
        assert {aemo.INV_PARTICIPANT, aemo.INV_ISSUED_AT, aemo.INV_PAYMENT_SUMMARY} <= set(body)
        assert set(body[aemo.INV_PAYMENT_SUMMARY]) == set(aemo.PAYMENT_SUMMARY_FIELDS)
        for section in (aemo.INV_RCTI, aemo.INV_TAX_INVOICE):
            assert set(body[section]) == set(aemo.SECTION_FIELDS)
        for block in body[aemo.INV_DATA]:
            assert aemo.INV_TRADE_WEEK in block
            for item in block[aemo.INV_LINE_ITEMS]:
                want = {aemo.F_VARIABLE, aemo.INV_DESCRIPTION, aemo.INV_AMOUNT, aemo.INV_GST}
                assert want <= set(item)
        assert set(body) <= {
            *aemo.HEADER_FIELDS,
            aemo.INV_NUMBER,
            aemo.INV_PREVIOUS_RUN_ID,
            aemo.INV_ISSUED_AT,
            aemo.INV_DATA,
            *aemo.INVOICE_SECTIONS.values(),
            aemo.INV_RCTI_DIFFERENCE,
            aemo.INV_TAX_INVOICE_DIFFERENCE,
        }


def test_mappings_name_real_model_fields() -> None:
    assert set(aemo.PAYMENT_SUMMARY_FIELDS.values()) <= set(PaymentSummary.model_fields)
    assert set(aemo.SECTION_FIELDS.values()) <= set(SectionTotals.model_fields)
    assert set(aemo.INVOICE_SECTIONS) <= set(Invoice.model_fields)
    assert set(aemo.TIMELINE_FIELDS.values()) <= set(TimelineEntry.model_fields)
    figures = set(aemo.INVOICE_FIGURES)
    assert {"amount_due", "total_payable", "previous_run_id"} <= figures


NAMES = ("tradingDays", "lineItems", "paymentSummary", "settlementTradingDay", "invoiceNumber")


def test_no_other_module_of_recon_spells_an_aemo_json_name() -> None:
    """Issue 17: a real schema changes one file."""
    home = REPO / "recon" / "models" / "aemo_names.py"
    pattern = re.compile("|".join(NAMES))
    spelled = [
        f"{p.relative_to(REPO)}:{n}"
        for p in sorted((REPO / "recon").rglob("*.py"))
        if p != home
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert spelled == []
    assert {aemo.F_TRADING_DAYS, aemo.INV_LINE_ITEMS, aemo.INV_PAYMENT_SUMMARY} <= set(
        re.findall(r'"(\w+)"', home.read_text(encoding="utf-8"))
    )
