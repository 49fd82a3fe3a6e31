"""PaSS JSON (SPEC §3.3): exact reading, wrapper and bare forms, clear errors, row findings,
and the writers the emulator uses."""

from __future__ import annotations

import copy
import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from builders.detail import detail_document
from builders.invoice import invoice_document
from builders.strategies import decimals_23_8 as decimal8
from builders.summary import summary_document
from hypothesis import given, settings
from hypothesis import strategies as st

from recon.emulator import encode as enc
from recon.errors import InputError
from recon.models.statements import Designation, PaymentOrCharge
from recon.sources import invoice_json, json_exact, statement_json


def summary_doc() -> dict[str, Any]:
    return summary_document(
        [
            {
                "variable": "RTMSA_P_D",
                "paymentOrCharge": "Payment",
                "gstApplicable": True,
                "tradingDays": [
                    {"tradingDay": "2024-12-01T00:00:00", "value": [Decimal("123.12345678")]},
                    {"tradingDay": "2024-12-02T00:00:00", "value": [Decimal("-0.00000001")]},
                ],
            },
            {
                "variable": "MKTFEE_P_D",
                "paymentOrCharge": "Charge",
                "gstApplicable": False,
                "tradingDays": [
                    {
                        "tradingDay": "2024-12-01T00:00:00",
                        "value": [Decimal("12345678901234.12345678")],
                    }
                ],
            },
        ],
        runId=50000,
    )


def detail_doc(day: str = "2024-12-01") -> dict[str, Any]:
    return detail_document(
        day,
        [
            {
                "variable": "MSQ_F_I",
                "scope": "SWANGEN_WF1",
                "tradingDays": [
                    {
                        "tradingDay": f"{day}T00:00:00",
                        "value": [Decimal("1.5")] * 47 + [Decimal("-0.00000001")],
                    }
                ],
            },
            {
                "variable": "TRCCrank_T_D",
                "scope": "SWANGEN_WF1 F",
                "tradingDays": [{"tradingDay": f"{day}T00:00:00", "value": [Decimal(2)]}],
            },
            {
                "variable": "MFRATE_G_FY",
                "scope": "Global",
                "tradingDays": [
                    {
                        "tradingDay": "2024-07-01T00:00:00",
                        "value": [Decimal("99999999999999.99999999")],
                    }
                ],
            },
            {
                "variable": "CONSTRAINT_NC_D",
                "scope": "NIL * NBT-NT 91, SPS_MARNET [LargestContingency]",
                "tradingDays": [{"tradingDay": f"{day}T00:00:00", "value": [Decimal("0.5")]}],
            },
        ],
        runId=50000,
    )


def invoice_doc(adj: bool = False) -> dict[str, Any]:
    doc = invoice_document(
        [
            {
                "variable": "RTMSA_P_D",
                "description": "Energy",
                "paymentOrCharge": "Payment",
                "gstApplicable": True,
                "amount": "1234.56",
                "gst": "123.46",
            },
            {
                "variable": "MKTFEE_P_D",
                "description": "Market Fee",
                "paymentOrCharge": "Charge",
                "gstApplicable": True,
                "amount": "10.00",
                "gst": "1.00",
            },
        ],
        payment_summary={
            "gstApplicableAmount": "-1224.56",
            "gstNotApplicableAmount": "0.00",
            "gst": "-122.46",
            "totalPayable": "-1347.02",
            "prepaymentApplied": "0.00",
            "amountDue": "-1347.02",
            "prepaymentBalance": "0.00",
        },
        rcti=("1234.56", "123.46", "1358.02"),
        tax_invoice=("10.00", "1.00", "11.00"),
        runId=50000,
    )
    if adj:
        doc.update(
            designation="ADJ1",
            runId=50001,
            previousRunId=50000,
            invoiceNumber="WEM-INV-50001-SWANGEN",
        )
        doc["adjustmentInformation"] = {
            "previousRunId": 50000,
            "rctiDifference": "-5.00",
            "taxInvoiceDifference": "1.10",
        }
    return doc


def text_of(doc: Any) -> str:
    return enc.dumps(doc).decode()


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode() if isinstance(text, str) else text)
    return p


def checks(findings: list[Any]) -> list[str]:
    return sorted(f.check for f in findings)


# ----------------------------------------------------------------------------- exactness


def test_summary_numbers_with_8_decimals_read_exactly(tmp_path: Path) -> None:
    text = (
        '{"runId": 50000, "publishedAt": "2024-12-19T15:30:45", "marketService": "WEM", '
        '"designation": "INITIAL", "period": "TW 01 Dec 2024", "periodFrom": "2024-12-01", '
        '"periodTo": "2024-12-07", "participantCode": "SWANGEN", "variables": ['
        '{"variable": "RTMSA_P_D", "paymentOrCharge": "Payment", "gstApplicable": true, '
        '"tradingDays": [{"tradingDay": "2024-12-01T00:00:00", "value": [123.12345678]}, '
        '{"tradingDay": "2024-12-02T00:00:00", "value": [12345678901234.12345678]}, '
        '{"tradingDay": "2024-12-03T00:00:00", "value": ["-0.00000001"]}, '
        '{"tradingDay": "2024-12-04T00:00:00", "value": [0.10000000]}]}]}'
    )
    stmt = statement_json.read_summary_json(write(tmp_path, "s.json", text))
    assert stmt.findings == []
    assert stmt.form == "json"
    assert [r.value for r in stmt.rows] == [
        Decimal("123.12345678"),
        Decimal("12345678901234.12345678"),
        Decimal("-0.00000001"),
        Decimal("0.1"),
    ]
    assert all(isinstance(r.value, Decimal) for r in stmt.rows)
    assert stmt.rows[0].payment_or_charge is PaymentOrCharge.PAYMENT
    assert stmt.rows[0].gst_applicable is True
    assert stmt.rows[0].timestamp == date(2024, 12, 1)
    assert stmt.rows[1].source == f"{tmp_path / 's.json'}#/variables/0/tradingDays/1"
    assert stmt.header.run_id == 50000
    assert stmt.header.designation is Designation.INITIAL


def test_detail_values_read_exactly(tmp_path: Path) -> None:
    stmt = statement_json.read_detail_json(write(tmp_path, "d.json", text_of(detail_doc())))
    assert stmt.findings == []
    assert stmt.days == [date(2024, 12, 1)]
    assert stmt.form == "json"
    rows = {r["variable"]: r for r in stmt.frame.iter_rows(named=True)}
    assert rows["MSQ_F_I"]["values"][-1] == Decimal("-0.00000001")
    assert len(rows["MSQ_F_I"]["values"]) == 48
    assert rows["MFRATE_G_FY"]["values"] == [Decimal("99999999999999.99999999")]
    assert rows["MFRATE_G_FY"]["timestamp"] == date(2024, 7, 1)
    assert rows["CONSTRAINT_NC_D"]["scope"] == "NIL * NBT-NT 91, SPS_MARNET [LargestContingency]"
    assert rows["TRCCrank_T_D"]["source_file"].endswith("d.json#/variables/1/tradingDays/0")
    assert rows["TRCCrank_T_D"]["source_line"] == 1


def test_documents_decoded_with_decimal_are_accepted() -> None:
    doc = json.loads(text_of(summary_doc()), parse_float=Decimal)
    stmt = statement_json.parse_summary_document(doc, "mem.json")
    assert stmt.rows[0].value == Decimal("123.12345678")


def test_documents_decoded_with_floats_are_refused() -> None:
    doc = json.loads(text_of(summary_doc()))
    with pytest.raises(InputError, match="float") as e:
        statement_json.parse_summary_document(doc, "mem.json")
    assert e.value.json_path == "/variables/0/tradingDays/0/value/0"


# ------------------------------------------------------------------------ wrapper / bare


@pytest.mark.parametrize(
    "make,parse",
    [
        (summary_doc, statement_json.parse_summary_document),
        (detail_doc, statement_json.parse_detail_document),
        (invoice_doc, invoice_json.parse_invoice_document),
    ],
)
def test_wrapped_and_bare_read_the_same(make: Any, parse: Any) -> None:
    bare = json_exact.loads(text_of(make()))
    wrapped = json_exact.loads(text_of({"transactionId": "abc-123", "data": make()}))
    a, b = parse(bare, "x.json"), parse(wrapped, "x.json")
    if hasattr(a, "frame"):
        assert a.frame.drop("source_file").equals(b.frame.drop("source_file"))
        assert a.header == b.header
        assert b.frame["source_file"][0] == "x.json#/data/variables/0/tradingDays/0"
    elif hasattr(a, "rows"):
        assert [r.model_dump(exclude={"source"}) for r in a.rows] == [
            r.model_dump(exclude={"source"}) for r in b.rows
        ]
        assert b.rows[0].source == "x.json#/data/variables/0/tradingDays/0"
    else:
        assert a.model_dump(exclude={"line_items"}) == b.model_dump(exclude={"line_items"})
        assert b.line_items[0].source == "x.json#/data/data/0/lineItems/0"


def test_unwrap() -> None:
    doc = summary_doc()
    assert json_exact.unwrap(doc) is doc
    assert json_exact.unwrap({"transactionId": "t", "data": doc}) is doc
    inv = invoice_doc()
    assert json_exact.unwrap(inv) is inv  # an invoice's own data array is not a wrapper
    with pytest.raises(InputError, match="PaSS error response"):
        json_exact.unwrap(
            {
                "transactionId": "t",
                "errors": [{"code": "404", "title": "Not Found", "detail": "no run"}],
            },
            "r.json",
        )
    with pytest.raises(InputError, match="data holds an array"):
        json_exact.unwrap({"transactionId": "t", "data": []}, "r.json")


def test_wrap_round_trip() -> None:
    doc = summary_doc()
    assert json_exact.unwrap(json_exact.loads(enc.dumps(enc.wrap(doc, "t-1"))))["runId"] == "50000"


# ------------------------------------------------------------------------ clear errors


@pytest.mark.parametrize(
    "reader",
    [
        statement_json.read_summary_json,
        statement_json.read_detail_json,
        invoice_json.read_invoice_json,
    ],
)
def test_malformed_json_is_a_clear_error(tmp_path: Path, reader: Any) -> None:
    p = write(tmp_path, "bad.json", '{"runId": 50000,\n "variables": [1, 2,]}')
    with pytest.raises(InputError) as e:
        reader(p)
    assert "is not valid JSON" in str(e.value)
    assert str(p) in str(e.value)
    assert e.value.line == 2


def test_not_utf8_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not UTF-8"):
        statement_json.read_summary_json(write(tmp_path, "b.json", b'{"a": "\xff"}'))


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot be read"):
        statement_json.read_summary_json(tmp_path / "nope.json")


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_refused_with_their_path(tmp_path: Path, literal: str) -> None:
    text = text_of(detail_doc()).replace("[2]", f"[{literal}]")
    assert literal in text
    with pytest.raises(InputError) as e:
        statement_json.read_detail_json(write(tmp_path, "n.json", text))
    assert e.value.json_path == "/variables/1/tradingDays/0/value/0"
    assert literal in e.value.problem
    assert "n.json" in str(e.value)


def test_nan_in_an_invoice_amount_is_refused(tmp_path: Path) -> None:
    text = text_of(invoice_doc()).replace('"1234.56"', "NaN", 1)
    with pytest.raises(InputError) as e:
        invoice_json.read_invoice_json(write(tmp_path, "i.json", text))
    assert e.value.json_path == "/data/0/lineItems/0/amount"


def _without(doc: dict[str, Any], path: tuple[Any, ...]) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    node: Any = doc
    for p in path[:-1]:
        node = node[p]
    del node[path[-1]]
    return doc


@pytest.mark.parametrize(
    "make,parse,path",
    [
        (summary_doc, statement_json.parse_summary_document, ("runId",)),
        (summary_doc, statement_json.parse_summary_document, ("participantCode",)),
        (summary_doc, statement_json.parse_summary_document, ("variables",)),
        (summary_doc, statement_json.parse_summary_document, ("variables", 1, "paymentOrCharge")),
        (summary_doc, statement_json.parse_summary_document, ("variables", 0, "gstApplicable")),
        (
            summary_doc,
            statement_json.parse_summary_document,
            ("variables", 0, "tradingDays", 1, "value"),
        ),
        (detail_doc, statement_json.parse_detail_document, ("settlementTradingDay",)),
        (detail_doc, statement_json.parse_detail_document, ("variables", 2, "scope")),
        (
            detail_doc,
            statement_json.parse_detail_document,
            ("variables", 0, "tradingDays", 0, "tradingDay"),
        ),
        (invoice_doc, invoice_json.parse_invoice_document, ("invoiceNumber",)),
        (invoice_doc, invoice_json.parse_invoice_document, ("paymentSummary", "amountDue")),
        (invoice_doc, invoice_json.parse_invoice_document, ("rcti", "total")),
        (invoice_doc, invoice_json.parse_invoice_document, ("data", 0, "lineItems", 1, "amount")),
    ],
)
def test_missing_required_field_names_its_path(
    make: Any, parse: Any, path: tuple[Any, ...]
) -> None:
    doc = json_exact.loads(text_of(_without(make(), path)))
    with pytest.raises(InputError) as e:
        parse(doc, "m.json")
    assert e.value.json_path == "/" + "/".join(map(str, path))
    assert "missing" in e.value.problem
    assert str(e.value).startswith("m.json, at /")


def test_missing_field_in_a_wrapper_names_the_full_path() -> None:
    doc = json_exact.loads(
        text_of({"transactionId": "t", "data": _without(summary_doc(), ("runId",))})
    )
    with pytest.raises(InputError) as e:
        statement_json.parse_summary_document(doc, "w.json")
    assert e.value.json_path == "/data/runId"


@pytest.mark.parametrize(
    "mutate,path,words",
    [
        (lambda d: d.update(variables={}), "/variables", "must be an array"),
        (lambda d: d["variables"].__setitem__(0, "RTMSA_P_D"), "/variables/0", "must be an object"),
        (
            lambda d: d["variables"][0].update(tradingDays={"a": 1}),
            "/variables/0/tradingDays",
            "must be an array",
        ),
        (
            lambda d: d["variables"][0]["tradingDays"][0].update(value=[[1]]),
            "/variables/0/tradingDays/0/value/0",
            "must be a number",
        ),
        (lambda d: d.update(runId={"id": 1}), "/runId", "must be a string or a number"),
        (lambda d: d.update(runId="fifty"), "/runId", "whole number"),
        (lambda d: d.update(designation="FINAL"), "/designation", "INITIAL"),
        (lambda d: d.update(periodFrom="01/12/2024"), "/periodFrom", "date"),
    ],
)
def test_wrong_shape_is_a_clear_error(mutate: Any, path: str, words: str) -> None:
    doc = summary_doc()
    mutate(doc)
    with pytest.raises(InputError) as e:
        statement_json.parse_summary_document(json_exact.loads(text_of(doc)), "w.json")
    assert e.value.json_path == path
    assert words in e.value.problem


def test_root_that_is_not_an_object_is_a_clear_error() -> None:
    with pytest.raises(InputError, match="expected a JSON object"):
        statement_json.parse_summary_document(json_exact.loads("[1, 2]"), "a.json")


def test_detail_value_that_is_not_an_array_is_a_clear_error() -> None:
    doc = detail_doc()
    doc["variables"][1]["tradingDays"][0]["value"] = Decimal(2)
    with pytest.raises(InputError) as e:
        statement_json.parse_detail_document(json_exact.loads(text_of(doc)), "d.json")
    assert e.value.json_path == "/variables/1/tradingDays/0/value"


@pytest.mark.parametrize(
    "mutate,check,path,words",
    [
        (
            lambda d: d["data"][0]["lineItems"][0].update(amount="12.3.4"),
            "data.value",
            "/data/0/lineItems/0/amount",
            "not an amount",
        ),
        (
            lambda d: d["data"][0]["lineItems"][0].update(gst=True),
            "data.value",
            "/data/0/lineItems/0/gst",
            "must be an amount",
        ),
        (
            lambda d: d["data"][0]["lineItems"][0].update(paymentOrCharge="Refund"),
            "data.classification",
            "/data/0/lineItems/0/paymentOrCharge",
            "Payment, Charge",
        ),
        (
            lambda d: d["data"][0]["lineItems"][0].update(gstApplicable="maybe"),
            "data.classification",
            "/data/0/lineItems/0/gstApplicable",
            "true or false",
        ),
        (
            lambda d: d["data"][0]["lineItems"][0].update(variable=["RTMSA_P_D"]),
            "data.variable",
            "/data/0/lineItems/0/variable",
            "must be a string",
        ),
    ],
)
def test_invoice_bad_line_is_a_finding_and_the_rest_is_read(
    mutate: Any, check: str, path: str, words: str
) -> None:
    """A line item that does not read is left out with a data.* finding (SPEC: row-level
    problems are findings); the invoice's other lines and totals are still read."""
    doc = invoice_doc()
    mutate(doc)
    inv = invoice_json.parse_invoice_document(json_exact.loads(text_of(doc)), "i.json")
    assert [li.variable for li in inv.line_items] == ["MKTFEE_P_D"]
    assert (
        inv.payment_summary
        == invoice_json.parse_invoice_document(
            json_exact.loads(text_of(invoice_doc())), "i.json"
        ).payment_summary
    )
    [f] = inv.findings
    assert (f.check, f.source) == (check, f"i.json#{path}")
    assert words in f.message and "the line was not used" in f.message
    assert (f.participant, f.period, f.run_id, f.designation) == (
        "SWANGEN",
        "TW 01 Dec 2024",
        50000,
        "INITIAL",
    )
    assert f.variable == (None if check == "data.variable" else "RTMSA_P_D")


@pytest.mark.parametrize(
    "mutate,path,words",
    [
        (lambda d: d.update(issuedAt="yesterday"), "/issuedAt", "date and time"),
        (
            lambda d: d["paymentSummary"].update(amountDue="12.3.4"),
            "/paymentSummary/amountDue",
            "not an amount",
        ),
        (
            lambda d: d["data"][0]["lineItems"].__setitem__(0, "RTMSA_P_D"),
            "/data/0/lineItems/0",
            "a line item",
        ),
        (lambda d: d.update(data={}), "/data", "must be an array"),
        (
            lambda d: d["data"].append({"tradeWeek": "TW 08 Dec 2024", "lineItems": []}),
            "/data",
            "several Trading Weeks",
        ),
    ],
)
def test_invoice_bad_fields_are_clear_errors(mutate: Any, path: str, words: str) -> None:
    doc = invoice_doc()
    mutate(doc)
    with pytest.raises(InputError) as e:
        invoice_json.parse_invoice_document(json_exact.loads(text_of(doc)), "i.json")
    assert e.value.json_path == path
    assert words in e.value.problem


# ---------------------------------------------------------------------- row findings


def test_summary_row_problems_become_findings_and_the_rest_is_read() -> None:
    doc = summary_doc()
    days = doc["variables"][0]["tradingDays"]
    days += [
        {"tradingDay": "2024-12-03T00:00:00", "value": ["1e-05"]},  # data.value
        {"tradingDay": "2024-12-04T00:00:00", "value": ["0.123456789"]},  # data.value
        {"tradingDay": "2024-12-05T00:00:00", "value": [Decimal(1), Decimal(2)]},  # length
        {"tradingDay": "2024-13-05T00:00:00", "value": [Decimal(1)]},  # timestamp
        {"tradingDay": "2024-12-06T00:00:00", "value": [True]},  # data.value
    ]
    doc["variables"].append(
        {
            "variable": "NOT A VARIABLE",
            "paymentOrCharge": "Charge",
            "gstApplicable": True,
            "tradingDays": [{"tradingDay": "2024-12-01T00:00:00", "value": [Decimal(1)]}],
        }
    )
    stmt = statement_json.parse_summary_document(json_exact.loads(text_of(doc)), "s.json")
    assert checks(stmt.findings) == [
        "data.array_length",
        "data.timestamp",
        "data.value",
        "data.value",
        "data.value",
        "data.variable",
    ]
    assert len(stmt.rows) == 3
    by_check = {f.check: f for f in stmt.findings}
    assert by_check["data.array_length"].source == "s.json#/variables/0/tradingDays/4/value"
    assert by_check["data.timestamp"].source == "s.json#/variables/0/tradingDays/5"
    assert by_check["data.variable"].source == "s.json#/variables/2/tradingDays/0"
    assert all(f.participant == "SWANGEN" and f.run_id == 50000 for f in stmt.findings)


def test_detail_row_problems_become_findings_and_the_rest_is_read() -> None:
    doc = detail_doc()
    day = "2024-12-01T00:00:00"
    doc["variables"] += [
        {
            "variable": "MSQ_F_I",
            "scope": "SWANGEN SF1",  # bad scope: kept, finding
            "tradingDays": [{"tradingDay": day, "value": [Decimal(1)] * 48}],
        },
        {
            "variable": "MSQ_F_I",
            "scope": "SWANGEN_SF1",  # 47 values: array length
            "tradingDays": [{"tradingDay": day, "value": [Decimal(1)] * 47}],
        },
        {
            "variable": "RATE_G_FY",
            "scope": "Global",  # FY not 1 July: timestamp
            "tradingDays": [{"tradingDay": "2024-08-01T00:00:00", "value": [Decimal(1)]}],
        },
        {
            "variable": "X_Q_D",
            "scope": "Global",  # unknown scope code: variable
            "tradingDays": [{"tradingDay": day, "value": [Decimal(1)]}],
        },
        {
            "variable": "PRICE_G_D",
            "scope": "Global",  # 9 decimals: value
            "tradingDays": [{"tradingDay": day, "value": ["0.000000001"]}],
        },
        {
            "variable": "PRICE_G_D",
            "scope": "Global",  # comma inside a string element
            "tradingDays": [{"tradingDay": "2024-12-02T00:00:00", "value": ["1,5"]}],
        },
    ]
    stmt = statement_json.parse_detail_document(json_exact.loads(text_of(doc)), "d.json")
    assert checks(stmt.findings) == [
        "data.array_length",
        "data.scope",
        "data.timestamp",
        "data.value",
        "data.value",
        "data.variable",
    ]
    scope = next(f for f in stmt.findings if f.check == "data.scope")
    assert scope.source == "d.json#/variables/4/tradingDays/0"
    length = next(f for f in stmt.findings if f.check == "data.array_length")
    assert length.source == "d.json#/variables/5/tradingDays/0"
    # 4 good rows + the bad-scope row (kept with its raw scope) + the FY row (kept, flagged)
    assert stmt.frame.height == 6
    assert "SWANGEN SF1" in stmt.frame["scope"].to_list()


def test_settlement_day_outside_the_period_is_a_timestamp_finding() -> None:
    doc = detail_doc("2024-12-09")
    stmt = statement_json.parse_detail_document(json_exact.loads(text_of(doc)), "d.json")
    assert "data.timestamp" in checks(stmt.findings)


def test_header_differing_between_day_documents_is_a_header_finding(tmp_path: Path) -> None:
    a = detail_doc("2024-12-01")
    b = detail_doc("2024-12-02")
    b["runId"] = 50001
    pa = write(tmp_path, "a.json", text_of(a))
    pb = write(tmp_path, "b.json", text_of(b))
    stmt = statement_json.read_detail_json_days(
        [pa, pb, write(tmp_path, "c.json", text_of(detail_doc("2024-12-03")))]
    )
    header = [f for f in stmt.findings if f.check == "data.header"]
    assert len(header) == 1
    assert header[0].actual == "50001"
    assert header[0].source == f"{pb}#/variables/0/tradingDays/0"
    assert stmt.header.run_id == 50000
    assert stmt.days == [date(2024, 12, 1), date(2024, 12, 2), date(2024, 12, 3)]
    assert stmt.sources == [str(pa), str(pb), str(tmp_path / "c.json")]


def test_same_row_in_two_day_documents_is_a_duplicate() -> None:
    a = detail_doc("2024-12-01")
    docs = [(json_exact.loads(text_of(a)), "a.json"), (json_exact.loads(text_of(a)), "b.json")]
    stmt = statement_json.parse_detail_documents(docs)
    assert "data.duplicate" in checks(stmt.findings)
    assert stmt.frame.height == 4


def test_duplicate_in_one_document_keeps_the_first_in_document_order() -> None:
    """The repeat is the later entry of the document, not the later pointer as text
    (``/variables/10`` sorts before ``/variables/2``)."""
    doc = detail_doc("2024-12-01")
    fillers = [
        {
            "variable": "MSQ_F_I",
            "scope": f"SWANGEN_WF{k}",
            "tradingDays": [{"tradingDay": "2024-12-01T00:00:00", "value": [Decimal(k)] * 48}],
        }
        for k in range(10, 17)
    ]
    first = {
        "variable": "TRCCrank_T_D",
        "scope": "SWANGEN_BESS1 F",
        "tradingDays": [{"tradingDay": "2024-12-01T00:00:00", "value": [Decimal(7)]}],
    }
    repeat = copy.deepcopy(first)
    repeat["tradingDays"][0]["value"] = [Decimal(8)]
    doc["variables"] = [*doc["variables"][:2], first, *fillers, repeat]  # 2, ..., 10
    assert doc["variables"].index(repeat) == 10
    stmt = statement_json.parse_detail_document(json_exact.loads(text_of(doc)), "d.json")
    dups = [f for f in stmt.findings if f.check == "data.duplicate"]
    assert [f.source for f in dups] == ["d.json#/variables/10/tradingDays/0"]
    assert "(first at d.json#/variables/2/tradingDays/0)" in dups[0].message
    kept = stmt.frame.filter(pl.col("scope") == "SWANGEN_BESS1 F").get_column("values")
    assert kept.to_list() == [[Decimal(7)]]


def test_documents_with_no_variables_read_as_empty() -> None:
    s = summary_doc()
    s["variables"] = []
    stmt = statement_json.parse_summary_document(json_exact.loads(text_of(s)), "s.json")
    assert stmt.rows == [] and stmt.header.participant == "SWANGEN"
    d = detail_doc()
    d["variables"] = []
    dstmt = statement_json.parse_detail_document(json_exact.loads(text_of(d)), "d.json")
    assert dstmt.frame.height == 0 and dstmt.days == [date(2024, 12, 1)]


def test_gst_flag_and_numbers_given_as_strings() -> None:
    doc = summary_doc()
    doc["runId"] = "50000"
    doc["variables"][0]["gstApplicable"] = "N"
    stmt = statement_json.parse_summary_document(json_exact.loads(text_of(doc)), "s.json")
    assert stmt.header.run_id == 50000
    assert stmt.rows[0].gst_applicable is False


def test_bad_gst_flag_is_a_classification_finding() -> None:
    doc = summary_doc()
    doc["variables"][1]["gstApplicable"] = "perhaps"
    stmt = statement_json.parse_summary_document(json_exact.loads(text_of(doc)), "s.json")
    assert checks(stmt.findings) == ["data.classification"]
    assert len(stmt.rows) == 2


# ---------------------------------------------------------------------------- invoices


def test_invoice_reads() -> None:
    inv = invoice_json.parse_invoice_document(json_exact.loads(text_of(invoice_doc())), "i.json")
    assert inv.form == "json" and inv.source == "i.json"
    assert inv.run_id == 50000 and inv.designation is Designation.INITIAL
    assert inv.previous_run_id is None and inv.adjustment_information is None
    assert inv.trade_week == "TW 01 Dec 2024"
    assert inv.line("RTMSA_P_D").amount == Decimal("1234.56")
    assert inv.line("RTMSA_P_D").payment_or_charge is PaymentOrCharge.PAYMENT
    assert inv.line("MKTFEE_P_D").source == "i.json#/data/0/lineItems/1"
    assert inv.payment_summary.total_payable == Decimal("-1347.02")
    assert inv.rcti.total == Decimal("1358.02")
    assert inv.summary_lines is None
    assert inv.issued_at is not None and inv.issued_at.hour == 15


def test_adj_invoice_reads() -> None:
    inv = invoice_json.parse_invoice_document(
        json_exact.loads(text_of(invoice_doc(adj=True))), "i.json"
    )
    assert inv.previous_run_id == 50000
    assert inv.adjustment_information is not None
    assert inv.adjustment_information.rcti_difference == Decimal("-5.00")


def test_adj_previous_run_ids_that_disagree_are_an_error() -> None:
    doc = invoice_doc(adj=True)
    doc["adjustmentInformation"]["previousRunId"] = 49999
    with pytest.raises(InputError) as e:
        invoice_json.parse_invoice_document(json_exact.loads(text_of(doc)), "i.json")
    assert e.value.json_path == "/adjustmentInformation/previousRunId"


def test_invoice_amounts_as_json_numbers_read_exactly() -> None:
    text = text_of(invoice_doc()).replace('"1234.56"', "1234.56")
    inv = invoice_json.parse_invoice_document(json_exact.loads(text), "i.json")
    assert inv.line("RTMSA_P_D").amount == Decimal("1234.56")


# ----------------------------------------------------------------------------- writers


def test_dumps_indent_is_valid_json() -> None:
    text = enc.dumps(summary_doc(), indent=2).decode()
    assert "\n" in text
    assert json.loads(text)["variables"][0]["tradingDays"][0]["value"] == [123.12345678]


def test_invoice_document_writes_money_as_strings() -> None:
    inv = invoice_json.parse_invoice_document(
        json_exact.loads(text_of(invoice_doc(adj=True))), "i.json"
    )
    doc = enc.invoice_to_document(inv)
    assert doc["data"][0]["lineItems"][0]["amount"] == "1234.56"
    assert doc["paymentSummary"]["amountDue"] == "-1347.02"
    assert doc["adjustmentInformation"]["previousRunId"] == 50001 - 1
    again = invoice_json.parse_invoice_document(json_exact.loads(enc.dumps(doc)), "i.json")
    assert again == inv


def test_summary_and_detail_round_trip() -> None:
    stmt = statement_json.parse_summary_document(json_exact.loads(text_of(summary_doc())), "s.json")
    doc = enc.summary_to_document(stmt)
    assert doc["variables"][0]["tradingDays"][0] == {
        "tradingDay": "2024-12-01T00:00:00",
        "value": [Decimal("123.12345678")],
    }
    again = statement_json.parse_summary_document(json_exact.loads(enc.dumps(doc)), "s.json")
    assert [r.model_dump(exclude={"source"}) for r in again.rows] == [
        r.model_dump(exclude={"source"}) for r in stmt.rows
    ]
    assert again.header == stmt.header

    det = statement_json.parse_detail_document(json_exact.loads(text_of(detail_doc())), "d.json")
    ddoc = enc.detail_day_to_document(det, date(2024, 12, 1))
    assert ddoc["settlementTradingDay"] == "2024-12-01"
    assert ddoc["variables"][3]["scope"] == "NIL * NBT-NT 91, SPS_MARNET [LargestContingency]"
    back = statement_json.parse_detail_document(json_exact.loads(enc.dumps(ddoc)), "d.json")
    assert back.frame.drop("source_file").equals(det.frame.drop("source_file"))


@settings(max_examples=60, deadline=None)
@given(values=st.lists(decimal8, min_size=48, max_size=48))
def test_any_decimal_23_8_survives_write_and_read(values: list[Decimal]) -> None:
    doc = detail_doc()
    doc["variables"][0]["tradingDays"][0]["value"] = values
    stmt = statement_json.parse_detail_document(json_exact.loads(enc.dumps(doc)), "h.json")
    assert stmt.findings == []
    got = stmt.frame.filter(pl.col("variable") == "MSQ_F_I")["values"][0].to_list()
    assert got == values


# ------------------------------------------------------------------ the sample week


def _runs(sample_week: Path) -> list[str]:
    return sorted(
        p.name.split("_Settlement")[0]
        for p in (sample_week / "csv").glob("*_SettlementStatementSummary.csv")
    )


def test_sample_week_json_equals_csv(sample_week: Path) -> None:
    from recon.sources.detail_csv import read_detail
    from recon.sources.summary_csv import read_summary_csv

    runs = _runs(sample_week)
    assert runs
    for run in runs:
        sj = statement_json.read_summary_json(
            sample_week / "json" / f"{run}_SettlementStatementSummary.json"
        )
        sc = read_summary_csv(sample_week / "csv" / f"{run}_SettlementStatementSummary.csv")
        assert sj.findings == [] and sj.header == sc.header
        key = [r.model_dump(exclude={"source"}) for r in sj.rows]
        assert sorted(key, key=repr) == sorted(
            [r.model_dump(exclude={"source"}) for r in sc.rows], key=repr
        )
        days = sorted((sample_week / "json").glob(f"{run}_SettlementStatementDetail_*.json"))
        dj = statement_json.read_detail_json_days(days)
        dc = read_detail(sample_week / "csv" / f"{run}_SettlementStatementDetail.zip")
        cols = ["settlement_trading_day", "variable", "scope", "timestamp", "values"]
        assert dj.findings == [] and dj.header == dc.header and dj.days == dc.days
        assert dj.frame.select(cols).sort(cols[:4]).equals(dc.frame.select(cols).sort(cols[:4]))


def test_sample_week_documents_round_trip_through_the_writers(sample_week: Path) -> None:
    for run in _runs(sample_week):
        inv = invoice_json.read_invoice_json(sample_week / "json" / f"{run}_Invoice.json")
        again = invoice_json.parse_invoice_document(
            json_exact.loads(enc.dumps(enc.invoice_to_document(inv))), inv.source
        )
        assert again.model_dump(exclude={"line_items"}) == inv.model_dump(exclude={"line_items"})
        assert [li.model_dump(exclude={"source"}) for li in again.line_items] == [
            li.model_dump(exclude={"source"}) for li in inv.line_items
        ]
        path = sorted((sample_week / "json").glob(f"{run}_SettlementStatementDetail_*.json"))[0]
        det = statement_json.read_detail_json(path)
        back = statement_json.parse_detail_document(
            json_exact.loads(enc.dumps(enc.detail_day_to_document(det, det.days[0]))),
            str(path),
        )
        assert back.frame.drop("source_file").equals(det.frame.drop("source_file"))
