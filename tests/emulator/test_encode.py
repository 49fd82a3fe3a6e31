"""recon.emulator.encode: the JSON the emulator serves: the sample week's statements and
invoices written back as the documents the fixture generator wrote, decimals written
exactly and floats refused."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from paths import FIXTURES

from recon.emulator import encode as enc
from recon.sources.invoice_json import read_invoice_json
from recon.sources.statement_json import read_detail_json, read_summary_json

JSON = FIXTURES / "sample_week" / "json"


def test_dumps_writes_decimals_exactly() -> None:
    out = enc.dumps(
        {
            "v": [
                Decimal("1.50000000"),
                Decimal("-0.00000001"),
                Decimal("2"),
                Decimal("12345678901234.12345678"),
                Decimal("-0E-8"),
            ],
            "m": "1234.50",
            "b": True,
            "n": None,
            "i": 7,
        }
    )
    assert out == (
        b'{"v":[1.5,-0.00000001,2,12345678901234.12345678,0],"m":"1234.50","b":true,"n":null,"i":7}'
    )


def test_dumps_refuses_floats() -> None:
    with pytest.raises(TypeError):
        enc.dumps({"v": 1.5})


def _exact(text: bytes | str) -> Any:
    """JSON with every number, and every element of a Value array, as a Decimal."""

    def values(node: Any) -> Any:
        if isinstance(node, dict):
            return {
                k: [Decimal(v) for v in x] if k == "value" else values(x) for k, x in node.items()
            }
        if isinstance(node, list):
            return [values(v) for v in node]
        return node

    return values(json.loads(text, parse_float=Decimal, parse_int=Decimal))


@pytest.mark.parametrize(
    ("name", "read", "write"),
    [
        (
            "SWANGEN_51230_INITIAL_SettlementStatementSummary.json",
            read_summary_json,
            enc.summary_to_document,
        ),
        ("SWANGEN_51230_INITIAL_Invoice.json", read_invoice_json, enc.invoice_to_document),
        ("SWANGEN_53874_ADJ1_Invoice.json", read_invoice_json, enc.invoice_to_document),
    ],
)
def test_a_document_read_and_written_is_the_one_the_generator_wrote(
    name: str, read: Any, write: Any
) -> None:
    path = JSON / name
    written = _exact(path.read_bytes())
    written = written.get("data", written) if "transactionId" in written else written
    assert _exact(enc.dumps(write(read(path)))) == written


def test_a_detail_day_read_and_written_is_the_one_the_generator_wrote() -> None:
    path = JSON / "SWANGEN_51230_INITIAL_SettlementStatementDetail_2024-12-03.json"
    st = read_detail_json(path)
    doc = enc.detail_day_to_document(st, st.days[0])
    assert _exact(enc.dumps(doc)) == _exact(path.read_bytes())


def test_wrap() -> None:
    assert enc.wrap({"runId": 1}, "t-1") == {"transactionId": "t-1", "data": {"runId": 1}}


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("1.50000000"), "1.5"),
        (Decimal("100"), "100"),
        (Decimal("1E+2"), "100"),
        (Decimal("-0.00000000"), "0"),
        (Decimal("-0"), "0"),
        (Decimal("0.10"), "0.1"),
        (Decimal("-12345678901234.12345678"), "-12345678901234.12345678"),
    ],
)
def test_number_text_is_the_shortest_exact_form(value: Decimal, text: str) -> None:
    assert enc.number_text(value) == text


@pytest.mark.parametrize("value", [Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity")])
def test_number_text_refuses_what_json_cannot_hold(value: Decimal) -> None:
    with pytest.raises(ValueError, match="cannot be written as a JSON number"):
        enc.number_text(value)


def test_dumps_indents_objects_and_keeps_arrays_of_numbers_on_one_line() -> None:
    doc = {
        "a": [Decimal("1.0"), Decimal("2")],
        "b": [{"c": "Ünïcode"}, []],
        "d": {},
        "e": [1, "x", None],
        "f": (),
    }
    assert enc.dumps(doc, indent=2).decode() == (
        "{\n"
        '  "a": [1,2],\n'
        '  "b": [\n'
        "    {\n"
        '      "c": "Ünïcode"\n'
        "    },\n"
        "    []\n"
        "  ],\n"
        '  "d": {},\n'
        '  "e": [1,"x",null],\n'
        '  "f": []\n'
        "}"
    )
    assert (
        enc.dumps(doc)
        == '{"a":[1,2],"b":[{"c":"Ünïcode"},[]],"d":{},"e":[1,"x",null],"f":[]}'.encode()
    )


def test_dumps_refuses_what_is_no_json() -> None:
    with pytest.raises(TypeError, match="cannot write set as JSON"):
        enc.dumps({"v": {1}})
    with pytest.raises(TypeError, match="recon never writes floats"):
        enc.dumps([Decimal(1), 2.5])
