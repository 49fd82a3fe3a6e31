"""recon.sources.invoice_json: the Invoice JSON (SPEC §3.3) read exactly, its money parsed
from the texts an invoice writes, and clear errors for what is no invoice.

The documents are the sample week's invoices (written by ``fixtures/generate.py``), each
test changing one field; ``test_json_readers.py`` has the readers side by side.
"""

from __future__ import annotations

import copy
import json
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from paths import FIXTURES

from recon.errors import InputError
from recon.models.decimals import DecimalFormatError
from recon.models.findings import CheckId
from recon.models.statements import Designation, PaymentOrCharge
from recon.sources import invoice_json
from recon.sources.json_exact import loads
from recon.sources.limits import Limits

JSON = FIXTURES / "sample_week" / "json"
INITIAL = JSON / "SWANGEN_51230_INITIAL_Invoice.json"
ADJ1 = JSON / "SWANGEN_53874_ADJ1_Invoice.json"


def _doc(path: Path = ADJ1) -> dict[str, Any]:
    return loads(path.read_bytes())


def _parse(doc: Any, source: str = "i.json") -> Any:
    return invoice_json.parse_invoice_document(copy.deepcopy(doc), source)


@pytest.mark.parametrize(
    "text,value",
    [
        ("1,234.56", "1234.56"),
        ("-1,234.56", "-1234.56"),
        ("(1,234.56)", "-1234.56"),
        ("$1,234.56", "1234.56"),
        ("-$1,234.56", "-1234.56"),
        ("($0.01)", "-0.01"),
    ],
)
def test_parse_money(text: str, value: str) -> None:
    assert invoice_json.parse_money(text, grouping=True) == Decimal(value)


@pytest.mark.parametrize(
    ("text", "grouping", "problem"),
    [
        ("(-5.00)", False, "'(-5.00)' is negated twice"),
        ("1,234.56", False, "'1,234.56' has a thousands separator, which this form does not use"),
        (
            "21,543,20.45",
            True,
            "'21,543,20.45' is not an amount: thousands separators must split the whole "
            "number into groups of three digits (as in 2,154,320.45)",
        ),
        ("$12.3.4", False, "'$12.3.4'"),  # quoted as written, not as cleaned
    ],
)
def test_what_parse_money_refuses(text: str, grouping: bool, problem: str) -> None:
    with pytest.raises(DecimalFormatError) as e:
        invoice_json.parse_money(text, grouping=grouping)
    assert problem in str(e.value)
    assert "'12.3.4'" not in str(e.value)


def test_parse_money_without_grouping() -> None:
    assert invoice_json.parse_money(" - 5.10 ") == Decimal("-5.10")
    assert invoice_json.parse_money("( 0.01 )") == Decimal("-0.01")


# ------------------------------------------------------------------------ the reader


def test_the_sample_weeks_adj_invoice_reads_as_written() -> None:
    raw = json.loads(ADJ1.read_text())
    inv = invoice_json.read_invoice_json(ADJ1)
    assert (inv.run_id, inv.previous_run_id, inv.designation) == (53874, 51230, Designation.ADJ1)
    assert inv.invoice_number == raw["invoiceNumber"] and inv.participant == "SWANGEN"
    assert inv.issued_at == datetime(2025, 2, 20, 15, 30, 45)
    assert inv.source == str(ADJ1) and inv.form == "json" and inv.findings == []
    items = raw["data"][0]["lineItems"]
    assert [(li.variable, li.amount, li.gst) for li in inv.line_items] == [
        (r["variable"], Decimal(r["amount"]), Decimal(r["gst"])) for r in items
    ]
    assert inv.line_items[3].payment_or_charge is PaymentOrCharge.CHARGE
    assert inv.line_items[1].gst_applicable is False
    assert inv.line_items[2].source == f"{ADJ1}#/data/0/lineItems/2"
    assert inv.payment_summary.amount_due == Decimal(raw["paymentSummary"]["amountDue"])
    adj = raw["adjustmentInformation"]
    assert inv.adjustment_information is not None
    assert inv.adjustment_information.rcti_difference == Decimal(adj["rctiDifference"])


def test_a_file_over_the_cap_is_refused() -> None:
    with pytest.raises(InputError, match="over the cap of 100"):
        invoice_json.read_invoice_json(INITIAL, Limits(max_member_bytes=100))


def test_an_adj_invoice_takes_its_previous_run_from_either_place() -> None:
    doc = _doc()
    doc["previousRunId"] = None
    assert _parse(doc).previous_run_id == 51230  # from adjustmentInformation
    del doc["adjustmentInformation"]["previousRunId"]
    with pytest.raises(InputError) as e:
        _parse(doc)
    assert e.value.problem == "the required field 'previousRunId' is missing"
    assert e.value.json_path == "/adjustmentInformation/previousRunId"
    doc["previousRunId"] = "51230"
    assert _parse(doc).adjustment_information.previous_run_id == 51230


def _set(doc: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    node: Any = doc
    for p in path[:-1]:
        node = node[p]
    node[path[-1]] = value
    return doc


@pytest.mark.parametrize(
    ("path", "value", "problem", "json_path"),
    [
        (("runId",), "53874a", "'runId' must be a whole number, found '53874a'", "/runId"),
        (
            ("issuedAt",),
            "20 Feb 2025",
            "'issuedAt' must be a date and time like 2023-10-31T15:30:45, found '20 Feb 2025'",
            "/issuedAt",
        ),
        (
            ("designation",),
            "ADJ9",
            "'designation' must be one of INITIAL, ADJ1, ADJ2, ADJ3, found 'ADJ9'",
            "/designation",
        ),
        (
            ("paymentSummary", "amountDue"),
            [1],
            "'amountDue' must be an amount (a number or a string), found an array",
            "/paymentSummary/amountDue",
        ),
        (
            ("rcti", "total"),
            "1,000.00",
            "'total' is not an amount: '1,000.00' has a thousands separator, which this "
            "form does not use",
            "/rcti/total",
        ),
        (("data",), {}, "'data' must be an array, found an object", "/data"),
        (("data", 0), "x", "a data entry must be an object, found a string", "/data/0"),
        (
            ("data", 0, "lineItems", 1),
            7,
            "a line item must be an object, found a number",
            "/data/0/lineItems/1",
        ),
    ],
)
def test_a_bad_field_is_a_clear_error(
    path: tuple[Any, ...], value: Any, problem: str, json_path: str
) -> None:
    doc = _set(_doc(), path, loads(json.dumps(value)))
    with pytest.raises(InputError) as e:
        _parse(doc, "w/i.json")
    assert (e.value.path, e.value.problem, e.value.json_path) == ("w/i.json", problem, json_path)


def test_a_wrapped_invoice_names_paths_inside_the_wrapper() -> None:
    doc = {"transactionId": "t-1", "data": _set(_doc(), ("runId",), "x")}
    with pytest.raises(InputError) as e:
        _parse(doc)
    assert e.value.json_path == "/data/runId"


def test_line_items_of_two_trading_weeks_are_refused() -> None:
    doc = _doc()
    doc["data"].append({"tradeWeek": "TW 08 Dec 2024", "lineItems": []})
    with pytest.raises(InputError) as e:
        _parse(doc)
    assert e.value.problem == (
        "holds line items for several Trading Weeks (TW 01 Dec 2024, TW 08 Dec 2024); "
        "an invoice covers one"
    )


@pytest.mark.parametrize(
    ("field", "value", "check", "problem"),
    [
        ("variable", [], CheckId.DATA_VARIABLE, "'variable' must be a string or a number"),
        (
            "paymentOrCharge",
            "Refund",
            CheckId.DATA_CLASSIFICATION,
            "'paymentOrCharge' must be one of Payment, Charge, found 'Refund'",
        ),
        (
            "gstApplicable",
            "maybe",
            CheckId.DATA_CLASSIFICATION,
            "'gstApplicable' must be true or false, found 'maybe'",
        ),
        ("gst", "n/a", CheckId.DATA_VALUE, "'gst' is not an amount"),
    ],
)
def test_a_bad_line_is_a_finding_and_the_others_are_read(
    field: str, value: Any, check: CheckId, problem: str
) -> None:
    doc = _doc()
    doc["data"][0]["lineItems"][1][field] = value
    inv = _parse(doc, "w/i.json")
    assert len(inv.line_items) == 5
    [f] = inv.findings
    assert f.check == check and problem in f.message
    assert f.message.startswith("Invoice line ") and f.message.endswith("; the line was not used.")
    assert f.source.startswith("w/i.json#/data/0/lineItems/1/")
    assert (f.run_id, f.designation) == (53874, "ADJ1")
    assert f.variable == (None if check is CheckId.DATA_VARIABLE else "OUTCOMP_P_D")


def test_a_line_missing_a_field_is_the_documents_shape_not_a_finding() -> None:
    doc = _doc()
    del doc["data"][0]["lineItems"][0]["gst"]
    with pytest.raises(InputError) as e:
        _parse(doc)
    assert e.value.json_path == "/data/0/lineItems/0/gst"
