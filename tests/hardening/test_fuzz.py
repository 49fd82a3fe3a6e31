"""Fuzzing every reader (issue 9): a result or a clear recon error, never another exception.

Generated and mutated rows, arrays, scopes, ZIPs, JSON documents and PDFs are thrown at
the parsers of :mod:`recon.wem`, :mod:`recon.models.decimals` and every reader of
:mod:`recon.sources`. Each must return its model or raise what it documents:
:class:`~recon.errors.InputError` (a :class:`~recon.errors.ReconError`) for a file, or
``ScopeError``/``VariableNameError``/``DecimalFormatError`` (``ValueError`` subclasses) for
the vocabulary parsers. The budget is fixed and derandomised so CI is stable.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from builders.detail import detail_document
from builders.invoice import ZERO_PDF_LINES, invoice_document, invoice_pdf
from builders.summary import summary_document
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from recon.emulator import encode as enc
from recon.errors import InputError, ReconError
from recon.models.decimals import DecimalFormatError, parse_decimal
from recon.models.invoices import Invoice
from recon.models.statements import DetailStatement, SummaryStatement
from recon.sources import invoice_json, json_exact, statement_json
from recon.sources.detail_csv import parse_detail_csv, read_detail
from recon.sources.detect import NotAnArtefact, sniff
from recon.sources.invoice_pdf import read_invoice_pdf
from recon.sources.limits import Limits
from recon.sources.loading import load_artefact as load
from recon.sources.summary_csv import parse_summary_csv
from recon.wem.scopes import ScopeError, parse_scope
from recon.wem.variables import SCOPE_CODES, VariableNameError, parse_variable

from .corpus import detail_rows, raw_zip, stored_member, summary_rows

FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
"""The budget of one fuzz test: fixed, derandomised, no example database."""
SLOW_FUZZ = settings(FUZZ, max_examples=60)
"""For readers that cost tens of milliseconds an example (ZIP on disk, PDF)."""

SMALL = Limits(
    max_member_bytes=4 * 1024 * 1024, max_ratio=1000, max_members=16, max_line_bytes=256 * 1024
)
"""Caps used while fuzzing, so that a generated file can hit every one of them."""

# ------------------------------------------------------------------------- strategies

EDGE_TEXT = [
    "",
    " ",
    "NaN",
    "nan",
    "Infinity",
    "-Infinity",
    "inf",
    "1e999",
    "-0",
    "+1",
    "1.2.3",
    "0.123456789",
    "1234567890123456",
    "999999999999999.99999999",
    "-999999999999999.99999999",
    "1_000",
    "١٢٣",
    "0x10",
    "=1+2",
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example","x")',
    "<script>alert(1)</script>",
    "[/x]",
    "\x00",
    "\ufeff",
    "\u202e",
    "\r",
    "\n",
    '"',
    ",",
    "[",
    "]",
    "[1,",
    "[]",
    "[,]",
    "0001-01-01",
    "9999-12-31",
    "2024-02-30",
    "2024-12-01T00:00:00",
    "2024-12-01junk",
    "TW 01 Dec 2024",
    "TW 31 Feb 2024",
    "TW 01 Dec 99999",
    "INITIAL",
    "ADJ9",
    "Payment",
    "Charge",
    "Y",
    "N",
    "SWANGEN",
    "Global",
    "RTMSA_P_D",
    "MSQ_F_I",
    "X_Y_Z_W",
    "_P_D",
    "A__D",
    "5e4",
    "-1",
    "0",
    "99999999999999999999999",
]

edge = st.sampled_from(EDGE_TEXT)
field_text = st.one_of(
    edge, st.text(max_size=30), st.from_regex(r"-?[0-9]{0,17}(\.[0-9]{0,10})?", fullmatch=True)
)
number_text = st.one_of(
    edge,
    st.from_regex(r"-?[0-9]{1,17}(\.[0-9]{1,10})?", fullmatch=True),
    st.text(alphabet="0123456789.-+eE,[] ", max_size=20),
)
array_text = st.one_of(
    edge,
    st.lists(number_text, max_size=300).map(lambda xs: "[" + ",".join(xs) + "]"),
    st.lists(number_text, max_size=50).map(lambda xs: "[" + ",".join(xs)),
    st.text(alphabet="[]0123456789.,-eE aN", max_size=80),
)
scope_code = st.one_of(st.sampled_from(SCOPE_CODES), st.text(max_size=4))
scope_text = st.one_of(
    edge,
    st.text(max_size=60),
    st.from_regex(r"[A-Z0-9_]{0,12}( [A-Z0-9_]{0,20})?( \[[A-Za-z]{0,12}\])?", fullmatch=True),
    st.lists(st.sampled_from(["NIL * NBT-NT 91", "SPS_MARNET", "A", "", "*"]), max_size=5).map(
        ", ".join
    ),
)
variable_text = st.one_of(
    edge,
    st.text(max_size=40),
    st.builds(
        lambda b, s, g: f"{b}_{s}_{g}",
        st.from_regex(r"[A-Za-z0-9_]{0,10}", fullmatch=True),
        scope_code,
        st.sampled_from(["D", "I", "DI", "M", "CY", "FY", "X", "Q", ""]),
    ),
)


def mutate(data: bytes, ops: list[tuple[int, int, bytes]]) -> bytes:
    """Apply byte edits: (kind, position, bytes) with kind 0 flip, 1 insert, 2 delete, 3 cut."""
    out = bytearray(data)
    for kind, pos, blob in ops:
        if not out:
            out += blob
            continue
        i = pos % len(out)
        if kind == 0:
            out[i] ^= (blob[0] if blob else 0xFF) or 0x01
        elif kind == 1:
            out[i:i] = blob
        elif kind == 2:
            del out[i : i + 1 + len(blob)]
        else:
            del out[i:]
    return bytes(out)


edits = st.lists(
    st.tuples(st.integers(0, 3), st.integers(0, 1 << 20), st.binary(max_size=8)), max_size=6
)

# ------------------------------------------------------------------------- helpers


def expect(fn: Callable[[], Any], *allowed: type[BaseException]) -> Any:
    """Call ``fn``; an exception not in ``allowed`` fails the test with its type."""
    try:
        return fn()
    except allowed:
        return None


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder for the files the fuzz tests write (overwritten example by example)."""
    return tmp_path_factory.mktemp("fuzz")


@pytest.fixture(scope="module")
def invoice_pdf_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A small valid Invoice PDF (reportlab), to mutate."""
    lines = [
        *ZERO_PDF_LINES[:7],  # the header, up to the GST Applicable heading
        "MFEE_P_D Market fees 1.00 0.10",
        "GST Applicable Amount 1.00",
        "GST Not Applicable Amount 0.00",
        "GST 0.10",
        "Total Payable 1.10",
        "Amount Due 1.10",
        "Recipient Created Tax Invoice",
        "Amount 0.00",
        "GST 0.00",
        "Total 0.00",
        "Tax Invoice",
        "MFEE_P_D Market fees 1.00 0.10",
        "Amount 1.00",
        "GST 0.10",
        "Total 1.10",
    ]
    return invoice_pdf(lines)


# ------------------------------------------------------------------------- vocabulary


@FUZZ
@given(st.one_of(number_text, st.text(max_size=40)))
def test_parse_decimal(text: str) -> None:
    value = expect(lambda: parse_decimal(text), DecimalFormatError)
    if value is not None:
        assert isinstance(value, Decimal) and value.is_finite()
        assert abs(value) < Decimal("1e15") and -value.as_tuple().exponent <= 8


@FUZZ
@given(variable_text)
def test_parse_variable(text: str) -> None:
    expect(lambda: parse_variable(text), VariableNameError)


@FUZZ
@given(scope_code, scope_text)
def test_parse_scope(code: str, text: str) -> None:
    scope = expect(lambda: parse_scope(code, text), ScopeError)
    if scope is not None:
        assert scope.raw == text


# ------------------------------------------------------------------------- CSV


def _summary_row(w: SimpleNamespace, fields: dict[str, str]) -> dict[str, str]:
    row = w.summary_row("RTMSA_P_D", "2024-12-01", "1")
    row.update(fields)
    return row


EDGE_DAYS = [
    date(1, 1, 1),
    date(1, 1, 2),
    date(1, 1, 7),
    date(9999, 12, 31),
    date(9999, 12, 25),
    date(2024, 2, 29),
    date(2024, 12, 1),
    date(2024, 12, 8),
]
day_text = st.one_of(
    st.sampled_from(EDGE_DAYS).map(date.isoformat), st.dates().map(date.isoformat), edge
)
week_text = st.one_of(
    st.sampled_from(EDGE_DAYS).map(lambda d: d.strftime("TW %d %b %Y")),
    st.dates().map(lambda d: d.strftime("TW %d %b %Y")),
    edge,
)
stamp_text = st.one_of(st.datetimes().map(lambda t: t.isoformat(timespec="seconds")), edge)
HEADER_VALUES: dict[str, st.SearchStrategy[str]] = {
    "RunId": st.one_of(st.integers(-5, 10**30).map(str), edge),
    "PublishedAt": stamp_text,
    "MarketService": field_text,
    "Designation": field_text,
    "Period": week_text,
    "PeriodFrom": day_text,
    "PeriodTo": day_text,
    "ParticipantCode": field_text,
}
SUMMARY_VALUES = {
    **HEADER_VALUES,
    "Variable": variable_text,
    "Timestamp": day_text,
    "P Or C": field_text,
    "GST Applicable": field_text,
    "Value": number_text,
}
DETAIL_VALUES = {
    **HEADER_VALUES,
    "Settlement Trading Day": day_text,
    "Variable": variable_text,
    "Scope": scope_text,
    "Timestamp": day_text,
    "Value": array_text,
}


@st.composite
def row_fields(draw: st.DrawFn, values: dict[str, st.SearchStrategy[str]]) -> dict[str, str]:
    """Some columns of a row, each drawn from its own strategy."""
    keys = draw(st.lists(st.sampled_from(sorted(values)), max_size=5, unique=True))
    return {k: draw(values[k]) for k in keys}


@FUZZ
@example(rows=[], keep_good=False, ops=[(1, 0, b"\r")], bom=False, crlf=False)
@given(
    rows=st.lists(row_fields(SUMMARY_VALUES), max_size=8),
    keep_good=st.booleans(),
    ops=edits,
    bom=st.booleans(),
    crlf=st.booleans(),
)
def test_summary_csv_rows(
    wem_csv: SimpleNamespace,
    rows: list[dict[str, str]],
    keep_good: bool,
    ops: list[tuple[int, int, bytes]],
    bom: bool,
    crlf: bool,
) -> None:
    w = wem_csv
    good = summary_rows(w) if keep_good else []
    data = w.summary_bytes(
        [*good, *(_summary_row(w, r) for r in rows)], bom=bom, newline="\r\n" if crlf else "\n"
    )
    stmt = expect(lambda: parse_summary_csv(mutate(data, ops), "fuzz.csv", SMALL), InputError)
    if stmt is not None:
        assert isinstance(stmt, SummaryStatement)
        assert all(f.severity.value in ("error", "warning", "info") for f in stmt.findings)


@FUZZ
@example(rows=[], keep_good=False, ops=[(1, 0, b"\r")], quote=False)
@given(
    rows=st.lists(row_fields(DETAIL_VALUES), max_size=8),
    keep_good=st.booleans(),
    ops=edits,
    quote=st.booleans(),
)
def test_detail_csv_rows(
    wem_csv: SimpleNamespace,
    rows: list[dict[str, str]],
    keep_good: bool,
    ops: list[tuple[int, int, bytes]],
    quote: bool,
) -> None:
    w = wem_csv
    made = []
    for r in rows:
        row = w.detail_row("MSQ_F_I", "SWANGEN_WF1", "2024-12-01", ["1"] * 48)
        row.update(r)
        made.append(row)
    good = detail_rows(w) if keep_good else []
    data = w.detail_bytes([*good, *made], quote_values=quote)
    stmt = expect(lambda: parse_detail_csv(mutate(data, ops), "fuzz.csv", limits=SMALL), InputError)
    if stmt is not None:
        assert isinstance(stmt, DetailStatement)


@FUZZ
@given(
    arrays=st.lists(array_text, min_size=1, max_size=6),
    variables=st.lists(variable_text, min_size=1, max_size=3),
    scopes=st.lists(scope_text, min_size=1, max_size=3),
)
def test_detail_csv_arrays_and_scopes(
    wem_csv: SimpleNamespace, arrays: list[str], variables: list[str], scopes: list[str]
) -> None:
    w = wem_csv
    rows = [
        w.detail_row(variables[i % len(variables)], scopes[i % len(scopes)], "2024-12-01", a)
        for i, a in enumerate(arrays)
    ]
    for quote in (True, False):
        data = w.detail_bytes(rows, quote_values=quote)
        expect(lambda d=data: parse_detail_csv(d, "fuzz.csv", limits=SMALL), InputError)


# ------------------------------------------------------------------------- ZIP


@SLOW_FUZZ
@example(ops=[], raw=True, extra=[(b"\x00", b"", 0)])
@given(
    ops=edits,
    raw=st.booleans(),
    extra=st.lists(
        st.tuples(
            st.binary(min_size=1, max_size=20),
            st.binary(max_size=200),
            st.sampled_from([0, 0x1, 0x800, 0x808]),
        ),
        max_size=3,
    ),
)
def test_detail_zip_mutated(
    wem_csv: SimpleNamespace,
    scratch: Path,
    ops: list[tuple[int, int, bytes]],
    raw: bool,
    extra: list[tuple[bytes, bytes, int]],
) -> None:
    """Deflated archives (zipfile) or stored ones with any member names and flags (raw)."""
    w = wem_csv
    days = [
        ("day1.csv", w.detail_bytes(detail_rows(w))),
        ("day2.csv", w.detail_bytes(detail_rows(w, "2024-12-02"))),
    ]
    if raw:
        archive = raw_zip(
            [stored_member(n, d) for n, d in days]
            + [stored_member(n, d, flags=f) for n, d, f in extra]
        )
    else:
        names = {n.decode("latin-1").replace("\x00", "_"): d for n, d, _ in extra}
        archive = w.zip_bytes({**dict(days), **names})
    path = scratch / "detail.zip"
    path.write_bytes(mutate(archive, ops))
    stmt = expect(lambda: read_detail(path, limits=SMALL), InputError)
    if stmt is not None:
        assert isinstance(stmt, DetailStatement)
    artefact = expect(lambda: sniff(path, limits=SMALL), NotAnArtefact, InputError)
    if artefact is not None:
        expect(lambda: load(artefact, limits=SMALL), InputError)


# ------------------------------------------------------------------------- detection


@SLOW_FUZZ
@given(
    kind=st.sampled_from(
        ["summary_csv", "detail_csv", "summary_json", "invoice_json", "zip", "random"]
    ),
    ops=edits,
    blob=st.binary(max_size=300),
)
def test_detect_and_load_mutated(
    wem_csv: SimpleNamespace,
    scratch: Path,
    kind: str,
    ops: list[tuple[int, int, bytes]],
    blob: bytes,
) -> None:
    w = wem_csv
    data = {
        "summary_csv": lambda: w.summary_bytes(summary_rows(w)),
        "detail_csv": lambda: w.detail_bytes(detail_rows(w)),
        "summary_json": lambda: enc.dumps(summary_document(), indent=1),
        "invoice_json": lambda: enc.dumps(invoice_document()),
        "zip": lambda: w.zip_bytes({"d.csv": w.detail_bytes(detail_rows(w))}),
        "random": lambda: blob,
    }[kind]()
    path = scratch / "input"
    path.write_bytes(mutate(data, ops))
    artefact = expect(lambda: sniff(path, limits=SMALL), NotAnArtefact, InputError)
    if artefact is not None:
        model = expect(lambda: load(artefact, limits=SMALL), InputError)
        assert model is None or isinstance(model, SummaryStatement | DetailStatement | Invoice)


# ------------------------------------------------------------------------- JSON

json_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    edge,
    st.text(max_size=20),
    number_text,
)
json_tree = st.recursive(
    json_leaf,
    lambda kids: st.one_of(
        st.lists(kids, max_size=4),
        st.dictionaries(st.one_of(edge, st.text(max_size=12)), kids, max_size=4),
    ),
    max_leaves=20,
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*prefix, i))
    return out


def _replace(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    parent = doc
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value
    return doc


def _json_roundtrip(doc: Any) -> Any:
    """Through text with recon's decoder, so numbers are exact as when read from a file."""
    return json_exact.loads(json.dumps(doc, default=str))


@st.composite
def mutated_document(draw: st.DrawFn, base: Callable[[], dict[str, Any]]) -> Any:
    doc = base()
    for _ in range(draw(st.integers(1, 4))):
        paths = _paths(doc)
        path = draw(st.sampled_from(paths))
        action = draw(st.integers(0, 2))
        if action == 0:
            doc = _replace(doc, path, draw(json_tree))
        elif action == 1 and path:
            parent = doc
            for key in path[:-1]:
                parent = parent[key]
            del parent[path[-1]]
        else:
            doc = {"transactionId": "t", "data": doc} if draw(st.booleans()) else doc
    return doc


@FUZZ
@given(doc=st.one_of(mutated_document(summary_document), json_tree))
def test_summary_json_documents(doc: Any) -> None:
    stmt = expect(
        lambda: statement_json.parse_summary_document(_json_roundtrip(doc), "fuzz.json"), InputError
    )
    assert stmt is None or isinstance(stmt, SummaryStatement)


def _detail_document() -> dict[str, Any]:
    return detail_document(
        "2024-12-01",
        [
            {
                "variable": "MSQ_F_I",
                "scope": "SWANGEN_WF1",
                "tradingDays": [{"tradingDay": "2024-12-01T00:00:00", "value": ["0.5"] * 48}],
            },
            {
                "variable": "RTMSA_P_D",
                "scope": "SWANGEN",
                "tradingDays": [{"tradingDay": "2024-12-01", "value": [1]}],
            },
        ],
    )


@FUZZ
@given(doc=st.one_of(mutated_document(_detail_document), json_tree))
def test_detail_json_documents(doc: Any) -> None:
    stmt = expect(
        lambda: statement_json.parse_detail_document(_json_roundtrip(doc), "fuzz.json"), InputError
    )
    assert stmt is None or isinstance(stmt, DetailStatement)


@FUZZ
@given(
    docs=st.lists(st.one_of(mutated_document(_detail_document), json_tree), min_size=1, max_size=3)
)
def test_detail_json_days_combined(docs: list[Any]) -> None:
    items = [(_json_roundtrip(d), f"fuzz{i}.json") for i, d in enumerate(docs)]
    expect(lambda: statement_json.parse_detail_documents(items), InputError)


@FUZZ
@given(doc=st.one_of(mutated_document(invoice_document), json_tree))
def test_invoice_json_documents(doc: Any) -> None:
    inv = expect(
        lambda: invoice_json.parse_invoice_document(_json_roundtrip(doc), "fuzz.json"), InputError
    )
    assert inv is None or isinstance(inv, Invoice)


@FUZZ
@given(
    data=st.one_of(
        st.binary(max_size=200),
        st.builds(
            mutate,
            st.sampled_from(
                [enc.dumps(summary_document(), indent=1), enc.dumps(invoice_document())]
            ),
            edits,
        ),
    )
)
def test_json_bytes(data: bytes) -> None:
    doc = expect(lambda: json_exact.loads(data, "fuzz.json"), InputError)
    if doc is not None:
        expect(lambda: statement_json.parse_summary_document(doc, "fuzz.json"), InputError)
        expect(lambda: invoice_json.parse_invoice_document(doc, "fuzz.json"), InputError)


# ------------------------------------------------------------------------- PDF


@settings(SLOW_FUZZ, max_examples=40)
@given(ops=edits)
def test_invoice_pdf_mutated(
    invoice_pdf_bytes: bytes, scratch: Path, ops: list[tuple[int, int, bytes]]
) -> None:
    path = scratch / "invoice.pdf"
    path.write_bytes(mutate(invoice_pdf_bytes, ops))
    inv = expect(lambda: read_invoice_pdf(path, limits=SMALL), InputError)
    assert inv is None or isinstance(inv, Invoice)
    expect(lambda: sniff(path, limits=SMALL), NotAnArtefact, InputError)


def test_the_valid_bases_read(
    wem_csv: SimpleNamespace, scratch: Path, invoice_pdf_bytes: bytes
) -> None:
    """The documents the fuzzers mutate are valid, so the mutations start from real input."""
    w = wem_csv
    assert not parse_summary_csv(w.summary_bytes(summary_rows(w)), "s.csv").findings
    assert not parse_detail_csv(w.detail_bytes(detail_rows(w)), "d.csv").findings
    assert not statement_json.parse_summary_document(
        _json_roundtrip(summary_document()), "s"
    ).findings
    assert not statement_json.parse_detail_document(
        _json_roundtrip(_detail_document()), "d"
    ).findings
    invoice_json.parse_invoice_document(_json_roundtrip(invoice_document()), "i")
    path = scratch / "valid.pdf"
    path.write_bytes(invoice_pdf_bytes)
    assert read_invoice_pdf(path).invoice_number == "WEM-INV-51230-SWANGEN"
    assert issubclass(InputError, ReconError)


def test_mutate_is_deterministic() -> None:
    # flip b[1], insert XY at 2, delete b[0], cut at 5
    assert mutate(b"abcdef", [(0, 1, b"\x01"), (1, 2, b"XY"), (2, 0, b""), (3, 5, b"")]) == b"cXYcd"
    assert mutate(b"", [(2, 0, b"z")]) == b"z"


# ------------------------------------------------------------------------- end to end


@SLOW_FUZZ
@given(
    summary=st.lists(row_fields(SUMMARY_VALUES), max_size=4),
    detail=st.lists(row_fields(DETAIL_VALUES), max_size=4),
    invoice=st.one_of(st.none(), mutated_document(invoice_document)),
)
def test_check_and_decode_end_to_end(
    wem_csv: SimpleNamespace,
    scratch: Path,
    summary: list[dict[str, str]],
    detail: list[dict[str, str]],
    invoice: Any,
) -> None:
    """Whole checks and decodes of fuzzed inputs: the engine and the long table too."""
    from recon.api import check, decode

    w = wem_csv
    folder = scratch / "week"
    folder.mkdir(exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    srows = [*summary_rows(w), *(_summary_row(w, r) for r in summary)]
    drows = [*detail_rows(w)]
    for r in detail:
        row = w.detail_row("MSQ_F_I", "SWANGEN_WF1", "2024-12-01", ["1"] * 48)
        row.update(r)
        drows.append(row)
    (folder / "s.csv").write_bytes(w.summary_bytes(srows))
    (folder / "d.csv").write_bytes(w.detail_bytes(drows))
    if invoice is not None:
        (folder / "i.json").write_bytes(json.dumps(invoice, default=str).encode())
    result = expect(lambda: check([folder], limits=SMALL), ReconError)
    if result is not None:
        assert result.exit_code() in (0, 1)
    for name in ("s.csv", "d.csv"):
        expect(lambda n=name: decode(folder / n, limits=SMALL), ReconError)
