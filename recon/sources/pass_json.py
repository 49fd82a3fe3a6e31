"""PaSS API JSON (SPEC §3.3): the one module where AEMO's JSON field names live.

AEMO documents the JSON on its Developer Portal, which is not public; recon reads the
shape of SPEC §3.3 **[reading]**. A real schema replaces the names in this module only.

Reading:

* A document is decoded with every number kept as its exact text (never a float).
  ``NaN`` and ``Infinity`` literals, malformed JSON, a wrong shape (an object where an
  array belongs, ...) or a missing required field raise :class:`~recon.errors.InputError`
  naming the file and the JSON path.
* Summary and Detail documents are turned into a frame of raw string columns, the same
  frame the CSV readers build, and validated by :mod:`recon.sources.validate`; so a bad
  value, variable, scope, array length or timestamp becomes a ``data.*``
  :class:`~recon.models.findings.Finding` exactly as it would in the CSV, and the rest of
  the document is still read. Findings and rows name their place as ``file#/json/path``.
* Invoices are read into :class:`~recon.models.invoices.Invoice`. The Invoice model has no
  findings, so a bad figure on an invoice raises :class:`~recon.errors.InputError`.

Writing (for the emulator): ``summary_to_document``, ``detail_day_to_document`` and
``invoice_to_document`` build documents holding :class:`~decimal.Decimal` values, and
:func:`dumps` writes them exactly: statement values as JSON numbers, money as strings.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl

from recon.errors import InputError
from recon.models.decimals import DecimalFormatError, parse_decimal
from recon.models.findings import Finding
from recon.models.invoices import (
    AdjustmentInformation,
    Invoice,
    LineItem,
    PaymentSummary,
    SectionTotals,
)
from recon.models.statements import (
    DETAIL_SCHEMA,
    Designation,
    DetailStatement,
    PaymentOrCharge,
    RunHeader,
    SummaryStatement,
)
from recon.sources.files import read_bytes
from recon.sources.limits import DEFAULT_LIMITS, Limits
from recon.sources.validate import (
    DETAIL_COLUMNS,
    SUMMARY_COLUMNS,
    combine_details,
    parse_header,
    validate_detail,
    validate_summary,
)

log = logging.getLogger(__name__)

# --------------------------------------------------------------------------------------
# AEMO's field names (SPEC §3.3) and the CSV columns they map to (Guide Tables 4 and 5).
# --------------------------------------------------------------------------------------

HEADER_FIELDS: dict[str, str] = {
    "runId": "RunId",
    "publishedAt": "PublishedAt",
    "marketService": "MarketService",
    "designation": "Designation",
    "period": "Period",
    "periodFrom": "PeriodFrom",
    "periodTo": "PeriodTo",
    "participantCode": "ParticipantCode",
}
"""Statement header fields: JSON name -> CSV column."""

OPTIONAL_HEADER_DEFAULTS: dict[str, str] = {"marketService": "WEM"}
"""Header fields a document may leave out, with the value assumed."""

F_SETTLEMENT_DAY = "settlementTradingDay"
F_VARIABLES = "variables"
F_VARIABLE = "variable"
F_SCOPE = "scope"
F_P_OR_C = "paymentOrCharge"
F_GST_APPLICABLE = "gstApplicable"
F_TRADING_DAYS = "tradingDays"
F_TRADING_DAY = "tradingDay"
F_VALUE = "value"

F_WRAP_ID = "transactionId"
F_WRAP_DATA = "data"
F_WRAP_ERRORS = "errors"

INV_NUMBER = "invoiceNumber"
INV_RUN_ID = "runId"
INV_PREVIOUS_RUN_ID = "previousRunId"
INV_DESIGNATION = "designation"
INV_PERIOD = "period"
INV_PARTICIPANT = "participantCode"
INV_ISSUED_AT = "issuedAt"
INV_DATA = "data"
INV_TRADE_WEEK = "tradeWeek"
INV_LINE_ITEMS = "lineItems"
INV_DESCRIPTION = "description"
INV_AMOUNT = "amount"
INV_GST = "gst"
INV_PAYMENT_SUMMARY = "paymentSummary"
INV_RCTI = "rcti"
INV_TAX_INVOICE = "taxInvoice"
INV_ADJUSTMENT = "adjustmentInformation"
INV_TOTAL = "total"
INV_RCTI_DIFFERENCE = "rctiDifference"
INV_TAX_INVOICE_DIFFERENCE = "taxInvoiceDifference"

PAYMENT_SUMMARY_FIELDS: dict[str, str] = {
    "gstApplicableAmount": "gst_applicable_amount",
    "gstNotApplicableAmount": "gst_not_applicable_amount",
    "gst": "gst",
    "totalPayable": "total_payable",
    "prepaymentApplied": "prepayment_applied",
    "amountDue": "amount_due",
    "prepaymentBalance": "prepayment_balance",
}
"""Payment Summary: JSON name -> :class:`PaymentSummary` field."""

SECTION_FIELDS: dict[str, str] = {"amount": "amount", "gst": "gst", "total": "total"}
"""RCTI and Tax Invoice totals: JSON name -> :class:`SectionTotals` field."""

_MIDNIGHT = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:T00:00:00(?:\.0+)?)?$")
_UNSAFE_IN_ARRAY = re.compile(r"[,\[\]]")
_STAND_IN = {",": "\ue000", "[": "\ue001", "]": "\ue002"}
"""Characters of a Value element that the array syntax would split on, passed to the
array parser as private-use stand-ins (one bad element) and put back in its messages, so
a message quotes ``399,790.89331678`` as it was."""
_PUT_BACK = str.maketrans({v: k for k, v in _STAND_IN.items()})


def _put_back(message: str) -> str:
    """A message with the stand-ins of :data:`_STAND_IN` turned back into what the input
    held (raw, or as ``repr`` escapes them)."""
    for original, stand_in in _STAND_IN.items():
        message = message.replace(repr(stand_in)[1:-1], original)
    return message.translate(_PUT_BACK)


_VALIDATOR_SOURCE = re.compile(r"^(.*#/.*):\d+$", re.S)
_POINTER_LINE = re.compile(r"(#/[^\s:;)]*):\d+")
"""A validator's ``file#/json/path:i`` inside a message."""


# --------------------------------------------------------------------------------------
# Decoding
# --------------------------------------------------------------------------------------


class _Num(str):
    """The exact text of a JSON number (kept apart from a JSON string)."""

    __slots__ = ()


class _Constant(str):
    """A ``NaN``, ``Infinity`` or ``-Infinity`` literal, which recon refuses."""

    __slots__ = ()


def _pointer(*parts: object) -> str:
    """Return a JSON Pointer (RFC 6901) for a path of keys and indexes."""
    out = []
    for p in parts:
        out.append(str(p).replace("~", "~0").replace("/", "~1"))
    return "/" + "/".join(out) if out else ""


def _find_constant(
    node: Any, path: tuple[object, ...] = ()
) -> tuple[tuple[object, ...], str] | None:
    if isinstance(node, _Constant):
        return path, str(node)
    if isinstance(node, dict):
        for k, v in node.items():
            if found := _find_constant(v, (*path, k)):
                return found
    elif isinstance(node, list):
        for i, v in enumerate(node):
            if isinstance(v, str) and not isinstance(v, _Constant):
                continue
            if found := _find_constant(v, (*path, i)):
                return found
    return None


def loads(data: bytes | str, source: str | Path = "<document>") -> Any:
    """Decode JSON with every number kept as its exact text.

    Args:
        data: The JSON text or bytes (UTF-8, a BOM allowed).
        source: The file it came from, for error messages.

    Returns:
        The decoded document. Numbers are ``str`` subclasses holding their literal text.

    Raises:
        InputError: If the bytes are not UTF-8, the JSON is malformed, or it holds a
            ``NaN`` or ``Infinity`` literal (with the JSON path of the first one).
    """
    if isinstance(data, bytes | bytearray):
        try:
            text = bytes(data).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(
                source, f"is not UTF-8 text ({exc.reason} at byte {exc.start})"
            ) from None
    else:
        text = data.removeprefix("\ufeff")
    seen: list[str] = []

    def constant(name: str) -> _Constant:
        seen.append(name)
        return _Constant(name)

    try:
        doc = json.loads(text, parse_float=_Num, parse_int=_Num, parse_constant=constant)
    except json.JSONDecodeError as exc:
        raise InputError(
            source, f"is not valid JSON: {exc.msg} (column {exc.colno})", line=exc.lineno
        ) from None
    except RecursionError:
        raise InputError(source, "is not valid JSON: nested too deeply") from None
    if seen:
        found = _find_constant(doc)
        where = _pointer(*found[0]) if found else None
        raise InputError(
            source,
            f"holds the literal {seen[0]}, which is not a number (JSON has no NaN or Infinity)",
            json_path=where or "/",
        )
    return doc


def _read(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> Any:
    return loads(read_bytes(path, limits), str(path))


def unwrap(doc: Any, source: str | Path = "<document>") -> dict[str, Any]:
    """Return the document inside a PaSS response, or the document itself.

    A PaSS response is ``{"transactionId": ..., "data": <document>}`` (SPEC §7); recon
    also accepts the bare document. An Invoice's own ``data`` array is not a wrapper.

    Args:
        doc: A decoded JSON value.
        source: The file or URL it came from, for error messages.

    Raises:
        InputError: If it is not an object, is a PaSS error response, or is a wrapper
            without an object in ``data``.
    """
    if not isinstance(doc, dict):
        raise InputError(source, f"expected a JSON object, found {_kind(doc)}", json_path="/")
    if F_WRAP_ERRORS in doc and F_WRAP_DATA not in doc:
        errors = doc.get(F_WRAP_ERRORS)
        first = errors[0] if isinstance(errors, list) and errors else {}
        first = first if isinstance(first, dict) else {}
        detail = " ".join(str(first.get(k, "")) for k in ("code", "title", "detail")).strip()
        raise InputError(
            source,
            f"is a PaSS error response, not a document ({detail or 'no detail'})",
            json_path=_pointer(F_WRAP_ERRORS),
        )
    wrapped = F_WRAP_ID in doc or (set(doc) == {F_WRAP_DATA} and isinstance(doc[F_WRAP_DATA], dict))
    if not wrapped:
        return doc
    inner = doc.get(F_WRAP_DATA)
    if not isinstance(inner, dict):
        what = "nothing" if F_WRAP_DATA not in doc else _kind(inner)
        raise InputError(
            source,
            f"is a PaSS response whose data holds {what}, not a document",
            json_path=_pointer(F_WRAP_DATA),
        )
    return inner


def _unwrapped_pointer(doc: Any) -> tuple[str, ...]:
    """The path prefix of the document inside ``doc`` (``("data",)`` for a wrapper)."""
    if (
        isinstance(doc, dict)
        and (F_WRAP_ID in doc or set(doc) == {F_WRAP_DATA})
        and isinstance(doc.get(F_WRAP_DATA), dict)
    ):
        return (F_WRAP_DATA,)
    return ()


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, _Num):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, float):
        return "a float (decode with recon.sources.pass_json.loads to keep numbers exact)"
    return type(value).__name__


class _Doc:
    """Reads fields of one document, raising InputError with the JSON path."""

    def __init__(self, source: str | Path, prefix: tuple[object, ...] = ()) -> None:
        self.source = str(source)
        self.prefix = prefix

    def path(self, *parts: object) -> str:
        return _pointer(*self.prefix, *parts)

    def fail(self, problem: str, *parts: object) -> InputError:
        return InputError(self.source, problem, json_path=self.path(*parts))

    def get(
        self,
        obj: Mapping[str, Any],
        key: str,
        *parts: object,
        required: bool = True,
        default: Any = None,
    ) -> Any:
        if key not in obj or obj[key] is None:
            if required:
                raise self.fail(f"the required field {key!r} is missing", *parts, key)
            return default
        return obj[key]

    def obj(
        self, obj: Mapping[str, Any], key: str, *parts: object, required: bool = True
    ) -> dict[str, Any] | None:
        v = self.get(obj, key, *parts, required=required)
        if v is None:
            return None
        if not isinstance(v, dict):
            raise self.fail(f"{key!r} must be an object, found {_kind(v)}", *parts, key)
        return v

    def arr(self, obj: Mapping[str, Any], key: str, *parts: object) -> list[Any]:
        v = self.get(obj, key, *parts)
        if not isinstance(v, list):
            raise self.fail(f"{key!r} must be an array, found {_kind(v)}", *parts, key)
        return v

    def text(
        self,
        obj: Mapping[str, Any],
        key: str,
        *parts: object,
        required: bool = True,
        default: str | None = None,
    ) -> str | None:
        """A string or number leaf as its text."""
        v = self.get(obj, key, *parts, required=required, default=default)
        if v is None or (not required and v is default):
            return v
        text = _number_text(v)
        if text is not None:
            return text
        raise self.fail(f"{key!r} must be a string or a number, found {_kind(v)}", *parts, key)

    def item(self, value: Any, what: str, *parts: object) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(f"{what} must be an object, found {_kind(value)}", *parts)
        return value


def _number_text(value: Any) -> str | None:
    """The text of a number or string leaf (exact), or None for anything else."""
    if isinstance(value, str):  # a JSON string, or a number as _Num
        return str(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def _flag_text(value: Any) -> str:
    """``gstApplicable`` as the CSV's Y/N (anything else kept as text for the validator)."""
    if value is True:
        return "Y"
    if value is False:
        return "N"
    if isinstance(value, str):
        low = value.strip().lower()
        return {"true": "Y", "false": "N", "y": "Y", "n": "N"}.get(low, str(value))
    return _number_text(value) or _kind(value)


def _day_text(value: str) -> str:
    """``tradingDay`` ``2024-12-01T00:00:00`` as the CSV's ``2024-12-01`` (else unchanged)."""
    m = _MIDNIGHT.match(value.strip())
    return m.group(1) if m else value


def _element_text(value: Any, d: _Doc, *at: object) -> str:
    """One Value element as text the array parser sees as one (possibly bad) element.

    Raises:
        InputError: For a float (the document was decoded losing exactness) or an array
            or object where a number belongs.
    """
    text = _number_text(value)
    if text is not None:
        if _UNSAFE_IN_ARRAY.search(text):
            return _UNSAFE_IN_ARRAY.sub(lambda m: _STAND_IN[m.group()], text)
        return text
    if isinstance(value, float):
        raise d.fail(
            "holds a float: decode JSON with recon.sources.pass_json.loads so numbers stay exact",
            *at,
        )
    if isinstance(value, list | dict):
        raise d.fail(f"a value must be a number, found {_kind(value)}", *at)
    return "null" if value is None else str(value).lower()  # true/false: a data.value finding


def _array_text(values: list[Any], d: _Doc, *at: object) -> str:
    """A Value array as the CSV writes it: ``[1.5,2,-0.00000001]``."""
    if all(type(v) is _Num for v in values):
        return "[" + ",".join(values) + "]"
    return "[" + ",".join(_element_text(v, d, *at, k) for k, v in enumerate(values)) + "]"


def _header_texts(d: _Doc, doc: Mapping[str, Any]) -> dict[str, str]:
    """The run header of a statement document as CSV column texts, each field checked.

    Raises:
        InputError: If a field is missing or malformed, naming its JSON path (the run
            cannot be named, as for a CSV whose header fields do not read).
    """
    out: dict[str, str] = {}
    for key, column in HEADER_FIELDS.items():
        default = OPTIONAL_HEADER_DEFAULTS.get(key)
        value = (d.text(doc, key, required=default is None, default=default) or "").strip()
        if not value:
            raise d.fail(f"{key!r} is empty, so the run cannot be named", key)
        out[column] = value
    checks: dict[str, tuple[Any, str]] = {
        "runId": (int, "a whole number such as 50000"),
        "publishedAt": (datetime.fromisoformat, "a date and time like 2023-10-31T15:30:45"),
        "designation": (Designation, "one of INITIAL, ADJ1, ADJ2, ADJ3"),
        "periodFrom": (date.fromisoformat, "a date like 2023-10-01"),
        "periodTo": (date.fromisoformat, "a date like 2023-10-07"),
    }
    for key, (parse, expected) in checks.items():
        text = out[HEADER_FIELDS[key]]
        try:
            parse(text)
        except ValueError:
            raise d.fail(f"{key!r} must be {expected}, found {text!r}", key) from None
    return out


def _json_source(src: str | None) -> str | None:
    """``file#/json/path:i`` (the validators' ``file:line``) -> ``file#/json/path``."""
    if src is None:
        return None
    m = _VALIDATOR_SOURCE.match(src)
    return m.group(1) if m else src


def _relocated(items: Iterable[Any]) -> list[Any]:
    out = []
    for item in items:
        src = getattr(item, "source", None)
        new = _json_source(src)
        message = getattr(item, "message", None)
        update: dict[str, Any] = {}
        if new != src:
            update["source"] = new
            if isinstance(message, str):  # "first at file#/path:i" in a duplicate's text
                message = update["message"] = _POINTER_LINE.sub(r"\1", message)
        if isinstance(message, str) and message != _put_back(message):
            update["message"] = _put_back(message)  # the element as it was
        if update:
            item = item.model_copy(update=update)
        out.append(item)
    return out


def _raw_frame(rows: dict[str, list[Any]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            c: pl.Series(c, v, dtype=pl.Int64 if c == "__line" else pl.String)
            for c, v in rows.items()
        }
    )


# --------------------------------------------------------------------------------------
# Summary
# --------------------------------------------------------------------------------------


def _summary_raw(
    doc: Mapping[str, Any], d: _Doc, findings: list[Finding]
) -> tuple[dict[str, str], dict[str, list[Any]]]:
    header = _header_texts(d, doc)
    variables = d.arr(doc, F_VARIABLES)
    rows: dict[str, list[Any]] = {c: [] for c in (*SUMMARY_COLUMNS, "__file", "__line")}
    run_fields = {
        "participant": header["ParticipantCode"],
        "period": header["Period"],
        "run_id": int(header["RunId"]),
        "designation": header["Designation"],
    }
    for i, var in enumerate(variables):
        where = (F_VARIABLES, i)
        var = d.item(var, "a variable", *where)
        name = d.text(var, F_VARIABLE, *where) or ""
        p_or_c = d.text(var, F_P_OR_C, *where) or ""
        gst = _flag_text(d.get(var, F_GST_APPLICABLE, *where))
        for j, td in enumerate(d.arr(var, F_TRADING_DAYS, *where)):
            at = (*where, F_TRADING_DAYS, j)
            td = d.item(td, "a tradingDays entry", *at)
            day = _day_text(d.text(td, F_TRADING_DAY, *at) or "")
            value = d.get(td, F_VALUE, *at)
            if isinstance(value, list):
                if len(value) != 1:
                    findings.append(
                        Finding.make(
                            "data.array_length",
                            f"{name} on {day} holds {len(value)} values but a Summary value "
                            "(granularity D) is one; the row was not used.",
                            variable=name,
                            timestamp=day,
                            expected="1",
                            actual=str(len(value)),
                            source=f"{d.source}#{d.path(*at, F_VALUE)}",
                            **run_fields,
                        )
                    )
                    continue
                text = _element_text(value[0], d, *at, F_VALUE, 0)
            else:
                text = _element_text(value, d, *at, F_VALUE)
            for col, h in header.items():
                rows[col].append(h)
            rows["Variable"].append(name)
            rows["Timestamp"].append(day)
            rows["P Or C"].append(p_or_c)
            rows["GST Applicable"].append(gst)
            rows["Value"].append(text)
            rows["__file"].append(f"{d.source}#{d.path(*at)}")
            rows["__line"].append(i)
    return header, rows


def parse_summary_document(doc: Any, source: str | Path) -> SummaryStatement:
    """Read a Summary JSON document (bare or wrapped) already decoded.

    Args:
        doc: The decoded JSON, as from :func:`loads`; numbers may be JSON numbers or
            strings (floats are refused: decode with :func:`loads`).
        source: The file (or URL) it came from; rows and findings name
            ``source#/variables/i/tradingDays/j``.

    Returns:
        The Summary, its ``findings`` holding every row-level problem (``data.*``).

    Raises:
        InputError: For a wrong shape, a missing required field or a run header that does
            not read, naming the JSON path.
    """
    source = str(source)
    d = _Doc(source, _unwrapped_pointer(doc))
    body = unwrap(doc, source)
    findings: list[Finding] = []
    header, rows = _summary_raw(body, d, findings)
    if not rows["Variable"]:
        return SummaryStatement(
            header=parse_header(header, source),
            rows=[],
            source=source,
            form="json",
            findings=findings,
        )
    statement = validate_summary(_raw_frame(rows), source, "json")
    return SummaryStatement(
        header=statement.header,
        rows=_relocated(statement.rows),
        source=source,
        form="json",
        findings=findings + _relocated(statement.findings),
    )


def read_summary_json(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> SummaryStatement:
    """Read a Settlement Statement Summary from a PaSS JSON file (SPEC §3.3).

    Raises:
        InputError: If the file cannot be read or is not a Summary document.
    """
    return parse_summary_document(_read(path, limits), str(path))


# --------------------------------------------------------------------------------------
# Detail
# --------------------------------------------------------------------------------------


def _detail_raw(
    doc: Mapping[str, Any], d: _Doc, rows: dict[str, list[Any]]
) -> tuple[dict[str, str], str]:
    header = _header_texts(d, doc)
    settlement_day = _day_text(d.text(doc, F_SETTLEMENT_DAY) or "")
    for i, var in enumerate(d.arr(doc, F_VARIABLES)):
        where = (F_VARIABLES, i)
        var = d.item(var, "a variable", *where)
        name = d.text(var, F_VARIABLE, *where) or ""
        scope = d.text(var, F_SCOPE, *where) or ""
        for j, td in enumerate(d.arr(var, F_TRADING_DAYS, *where)):
            at = (*where, F_TRADING_DAYS, j)
            td = d.item(td, "a tradingDays entry", *at)
            day = d.text(td, F_TRADING_DAY, *at) or ""
            value = d.get(td, F_VALUE, *at)
            if not isinstance(value, list):
                raise d.fail(f"{F_VALUE!r} must be an array, found {_kind(value)}", *at, F_VALUE)
            for col, h in header.items():
                rows[col].append(h)
            rows["Settlement Trading Day"].append(settlement_day)
            rows["Variable"].append(name)
            rows["Scope"].append(scope)
            rows["Timestamp"].append(_day_text(day))
            rows["Value"].append(_array_text(value, d, *at, F_VALUE))
            rows["__file"].append(f"{d.source}#{d.path(*at)}")
            rows["__line"].append(i)
    return header, settlement_day


def parse_detail_documents(items: Iterable[tuple[Any, str | Path]]) -> DetailStatement:
    """Read several Detail JSON documents of one run (one per Settlement Trading Day).

    Each document is validated in turn against the run header of the first, as the CSV
    files of one ZIP are, so a header that differs between them is a ``data.header``
    finding and a row repeated across them a ``data.duplicate``. Memory holds one decoded
    document at a time (pass a generator).

    Args:
        items: ``(decoded document, source)`` pairs.

    Returns:
        One DetailStatement holding every day; ``source`` is the first document's source
        and ``sources`` all of them, in order.

    Raises:
        InputError: For a wrong shape, a missing required field or a run header that does
            not read (naming the JSON path), or when no document is given.
    """
    sources: list[str] = []
    parts: list[DetailStatement] = []
    header: RunHeader | None = None
    days: set[date] = set()
    for doc, source in items:
        source = str(source)
        d = _Doc(source, _unwrapped_pointer(doc))
        rows: dict[str, list[Any]] = {c: [] for c in (*DETAIL_COLUMNS, "__file", "__line")}
        texts, day = _detail_raw(unwrap(doc, source), d, rows)
        del doc
        sources.append(source)
        try:
            days.add(date.fromisoformat(day))
        except ValueError:
            pass  # the validator reports it (data.timestamp) on the day's rows
        if not rows["Variable"]:
            header = header or parse_header(texts, source)
            continue
        part = validate_detail(_raw_frame(rows), source, "json", header=header)
        header = header or part.header
        parts.append(part)
    if not sources:
        raise InputError("<no file>", "no Detail JSON document was given")
    assert header is not None
    if not parts:
        return DetailStatement(
            header=header,
            days=sorted(days),
            frame=pl.DataFrame(schema=DETAIL_SCHEMA),
            source=sources[0],
            sources=sources,
            form="json",
        )
    statement = combine_details(parts, sources[0])
    return DetailStatement(
        header=header,
        days=sorted(days | set(statement.days)),
        frame=statement.frame,
        source=sources[0],
        sources=sources,
        form="json",
        findings=_relocated(statement.findings),
    )


def parse_detail_document(doc: Any, source: str | Path) -> DetailStatement:
    """Read one Detail JSON document (one Settlement Trading Day), already decoded.

    Args:
        doc: The decoded JSON, bare or wrapped.
        source: The file or URL it came from; findings name
            ``source#/variables/i/tradingDays/j``, and the frame's ``source_file`` holds
            the same (``source_line`` is ``i``).

    Raises:
        InputError: For a wrong shape, a missing required field or a run header that does
            not read, naming the JSON path.
    """
    return parse_detail_documents([(doc, source)])


def read_detail_json(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> DetailStatement:
    """Read one Settlement Trading Day of a Detail from a PaSS JSON file (SPEC §3.3).

    Raises:
        InputError: If the file cannot be read or is not a Detail document.
    """
    return parse_detail_document(_read(path, limits), str(path))


def read_detail_json_days(
    paths: Iterable[str | Path], limits: Limits = DEFAULT_LIMITS
) -> DetailStatement:
    """Read the Detail JSON files of one run (one per day) into one DetailStatement.

    Raises:
        InputError: If a file cannot be read or is not a Detail document.
    """
    return parse_detail_documents((_read(p, limits), str(p)) for p in paths)


# --------------------------------------------------------------------------------------
# Invoice
# --------------------------------------------------------------------------------------


def _money(d: _Doc, obj: Mapping[str, Any], key: str, *parts: object) -> str:
    v = d.get(obj, key, *parts)
    text = _number_text(v)
    if text is None:
        raise d.fail(
            f"{key!r} must be an amount (a number or a string), found {_kind(v)}", *parts, key
        )
    try:
        parse_money(text)
    except DecimalFormatError as exc:
        raise d.fail(f"{key!r} is not an amount: {exc}", *parts, key) from None
    return text


def parse_money(text: str, *, grouping: bool = False) -> Decimal:
    """Parse an invoice amount: ``1234.56``, ``-1234.56``, ``(1234.56)``, with or without
    ``$``; with ``grouping`` (the PDF, which prints them) also ``1,234.56``, the
    separators splitting the number into groups of exactly three (``21,543,20.45`` is
    refused, not read as 2154320.45). A JSON amount has no thousands separators.

    Raises:
        DecimalFormatError: If it is not such an amount.
    """
    s = text.strip().replace("$", "").strip()
    if s.startswith("(") and s.endswith(")"):
        inner = s[1:-1].strip()
        if inner.startswith("-"):
            raise DecimalFormatError(f"{text!r} is negated twice")
        s = "-" + inner
    elif s.startswith("-"):
        s = "-" + s[1:].strip()
    if "," in s:
        if not grouping:
            raise DecimalFormatError(
                f"{text!r} has a thousands separator, which this form does not use"
            )
        if not _GROUPED.fullmatch(s):
            raise DecimalFormatError(
                f"{text!r} is not an amount: thousands separators must split the whole "
                "number into groups of three digits (as in 2,154,320.45)"
            )
        s = s.replace(",", "")
    try:
        return parse_decimal(s)
    except DecimalFormatError as exc:
        if s == text.strip():
            raise
        # Quote the amount as it was written, not the text left after cleaning it.
        raise DecimalFormatError(str(exc).replace(repr(s), repr(text.strip()), 1)) from None


_GROUPED = re.compile(r"-?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?")
"""A number with thousands separators: 1-3 digits, then groups of exactly three."""


def _int(
    d: _Doc, obj: Mapping[str, Any], key: str, *parts: object, required: bool = True
) -> int | None:
    v = d.text(obj, key, *parts, required=required)
    if v is None:
        return None
    if not re.fullmatch(r"[0-9]+", v.strip()):
        raise d.fail(f"{key!r} must be a whole number, found {v!r}", *parts, key)
    return int(v)


def _bool(d: _Doc, obj: Mapping[str, Any], key: str, *parts: object) -> bool:
    v = d.get(obj, key, *parts)
    flag = _flag_text(v)
    if flag not in ("Y", "N"):
        raise d.fail(f"{key!r} must be true or false, found {v!r}", *parts, key)
    return flag == "Y"


def _enum(d: _Doc, obj: Mapping[str, Any], key: str, enum: type, *parts: object) -> Any:
    v = d.text(obj, key, *parts) or ""
    try:
        return enum(v)
    except ValueError:
        allowed = ", ".join(e.value for e in enum)
        raise d.fail(f"{key!r} must be one of {allowed}, found {v!r}", *parts, key) from None


def _timestamp(d: _Doc, obj: Mapping[str, Any], key: str) -> datetime | None:
    v = d.text(obj, key, required=False)
    if v is None:
        return None
    try:
        return datetime.fromisoformat(v)
    except ValueError:
        raise d.fail(
            f"{key!r} must be a date and time like 2023-10-31T15:30:45, found {v!r}", key
        ) from None


def parse_invoice_document(doc: Any, source: str | Path) -> Invoice:
    """Read an Invoice JSON document (bare or wrapped) already decoded (SPEC §3.3).

    Args:
        doc: The decoded JSON, as from :func:`loads`.
        source: The file or URL; line items name ``source#/data/i/lineItems/j``.

    Raises:
        InputError: For a wrong shape, a missing required field or a figure that is not
            an amount, naming the JSON path.
    """
    d = _Doc(source, _unwrapped_pointer(doc))
    body = unwrap(doc, source)
    data = d.arr(body, INV_DATA)
    lines: list[LineItem] = []
    problems: list[_LineProblem] = []
    weeks: list[str] = []
    for i, block in enumerate(data):
        block = d.item(block, "a data entry", INV_DATA, i)
        week = d.text(block, INV_TRADE_WEEK, INV_DATA, i, required=False)
        if week is not None and week not in weeks:
            weeks.append(week)
        for j, li in enumerate(d.arr(block, INV_LINE_ITEMS, INV_DATA, i)):
            at = (INV_DATA, i, INV_LINE_ITEMS, j)
            li = d.item(li, "a line item", *at)
            try:
                lines.append(_line_item(d, li, at, source))
            except _LineProblem as e:
                problems.append(e)
    if len(weeks) > 1:
        raise d.fail(
            f"holds line items for several Trading Weeks ({', '.join(weeks)}); "
            "an invoice covers one",
            INV_DATA,
        )

    ps = d.obj(body, INV_PAYMENT_SUMMARY)
    assert ps is not None
    payment_summary = PaymentSummary(
        **{
            field: _money(d, ps, key, INV_PAYMENT_SUMMARY)
            for key, field in PAYMENT_SUMMARY_FIELDS.items()
        }
    )
    sections = {}
    for key in (INV_RCTI, INV_TAX_INVOICE):
        sec = d.obj(body, key)
        assert sec is not None
        sections[key] = SectionTotals(
            **{field: _money(d, sec, k, key) for k, field in SECTION_FIELDS.items()}
        )

    previous = _int(d, body, INV_PREVIOUS_RUN_ID, required=False)
    adjustment = None
    adj = d.obj(body, INV_ADJUSTMENT, required=False)
    if adj is not None:
        adj_previous = _int(d, adj, INV_PREVIOUS_RUN_ID, INV_ADJUSTMENT, required=False)
        if adj_previous is None:
            adj_previous = previous
        if adj_previous is None:
            raise d.fail(
                f"the required field {INV_PREVIOUS_RUN_ID!r} is missing",
                INV_ADJUSTMENT,
                INV_PREVIOUS_RUN_ID,
            )
        if previous is not None and adj_previous != previous:
            raise d.fail(
                f"previousRunId {adj_previous} differs from the invoice's previousRunId {previous}",
                INV_ADJUSTMENT,
                INV_PREVIOUS_RUN_ID,
            )
        previous = adj_previous
        adjustment = AdjustmentInformation(
            previous_run_id=adj_previous,
            rcti_difference=_money(d, adj, INV_RCTI_DIFFERENCE, INV_ADJUSTMENT),
            tax_invoice_difference=_money(d, adj, INV_TAX_INVOICE_DIFFERENCE, INV_ADJUSTMENT),
        )

    invoice = Invoice(
        invoice_number=d.text(body, INV_NUMBER) or "",
        run_id=_int(d, body, INV_RUN_ID),
        previous_run_id=previous,
        designation=_enum(d, body, INV_DESIGNATION, Designation),
        period=d.text(body, INV_PERIOD) or "",
        participant=d.text(body, INV_PARTICIPANT) or "",
        issued_at=_timestamp(d, body, INV_ISSUED_AT),
        trade_week=weeks[0] if weeks else None,
        line_items=lines,
        payment_summary=payment_summary,
        rcti=sections[INV_RCTI],
        tax_invoice=sections[INV_TAX_INVOICE],
        adjustment_information=adjustment,
        summary_lines=None,
        source=str(source),
        form="json",
    )
    invoice.findings = [
        Finding.make(
            e.check,
            f"Invoice line {e.error.problem}; the line was not used.",
            header=invoice,
            variable=e.variable,
            source=f"{source}#{e.error.json_path}",
        )
        for e in problems
    ]
    return invoice


class _LineProblem(Exception):
    """A line item that cannot be read: its check id, variable (if read) and the error."""

    def __init__(self, check: str, variable: str | None, error: InputError) -> None:
        super().__init__(str(error))
        self.check, self.variable, self.error = check, variable, error


def _line_item(
    d: _Doc, li: Mapping[str, Any], at: tuple[object, ...], source: str | Path
) -> LineItem:
    """One Invoice line item; a field whose value does not read raises
    :class:`_LineProblem` (``data.variable``, ``data.classification`` or ``data.value``).
    A missing field is the document's shape, not a value: it raises InputError, as a
    missing field of a Summary or Detail row does."""
    for key in (F_VARIABLE, F_P_OR_C, F_GST_APPLICABLE, INV_AMOUNT, INV_GST):
        d.get(li, key, *at)
    try:
        variable = d.text(li, F_VARIABLE, *at) or ""
    except InputError as e:
        raise _LineProblem("data.variable", None, e) from None
    try:
        payment_or_charge = _enum(d, li, F_P_OR_C, PaymentOrCharge, *at)
        gst_applicable = _bool(d, li, F_GST_APPLICABLE, *at)
    except InputError as e:
        raise _LineProblem("data.classification", variable, e) from None
    try:
        amount, gst = _money(d, li, INV_AMOUNT, *at), _money(d, li, INV_GST, *at)
    except InputError as e:
        raise _LineProblem("data.value", variable, e) from None
    return LineItem(
        variable=variable,
        description=d.text(li, INV_DESCRIPTION, *at, required=False, default="") or "",
        payment_or_charge=payment_or_charge,
        gst_applicable=gst_applicable,
        amount=amount,
        gst=gst,
        source=f"{source}#{d.path(*at)}",
    )


def read_invoice_json(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> Invoice:
    """Read an Invoice from a PaSS JSON file (SPEC §3.3).

    Raises:
        InputError: If the file cannot be read or is not an Invoice document.
    """
    return parse_invoice_document(_read(path, limits), str(path))


# --------------------------------------------------------------------------------------
# Writing (the emulator)
# --------------------------------------------------------------------------------------


def _header_document(header: RunHeader) -> dict[str, Any]:
    return {
        "runId": header.run_id,
        "publishedAt": header.published_at.isoformat(timespec="seconds"),
        "marketService": header.market_service,
        "designation": header.designation.value,
        "period": header.period,
        "periodFrom": header.period_from.isoformat(),
        "periodTo": header.period_to.isoformat(),
        "participantCode": header.participant,
    }


def _day_stamp(day: date) -> str:
    return f"{day.isoformat()}T00:00:00"


def summary_to_document(statement: SummaryStatement) -> dict[str, Any]:
    """Build the Summary JSON document of a Summary (values as Decimals; see :func:`dumps`).

    Rows are grouped by variable (and classification) in order of first appearance.
    """
    doc = _header_document(statement.header)
    groups: dict[tuple[str, str, bool], list[dict[str, Any]]] = {}
    for row in statement.rows:
        key = (row.variable, row.payment_or_charge.value, row.gst_applicable)
        groups.setdefault(key, []).append(
            {F_TRADING_DAY: _day_stamp(row.timestamp), F_VALUE: [row.value]}
        )
    doc[F_VARIABLES] = [
        {F_VARIABLE: name, F_P_OR_C: p_or_c, F_GST_APPLICABLE: gst, F_TRADING_DAYS: days}
        for (name, p_or_c, gst), days in groups.items()
    ]
    return doc


def detail_day_to_document(statement: DetailStatement, day: date) -> dict[str, Any]:
    """Build the Detail JSON document of one Settlement Trading Day of a Detail.

    Rows are grouped by (variable, scope) in order of first appearance.

    Args:
        statement: The Detail (any form).
        day: The Settlement Trading Day.
    """
    doc = _header_document(statement.header)
    doc[F_SETTLEMENT_DAY] = day.isoformat()  # a date, like periodFrom (the reader takes both)
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    frame = statement.frame.filter(pl.col("settlement_trading_day") == day)
    for variable, scope, timestamp, values in frame.select(
        "variable", "scope", "timestamp", "values"
    ).iter_rows():
        groups.setdefault((variable, scope), []).append(
            {F_TRADING_DAY: _day_stamp(timestamp), F_VALUE: list(values)}
        )
    doc[F_VARIABLES] = [
        {F_VARIABLE: name, F_SCOPE: scope, F_TRADING_DAYS: days}
        for (name, scope), days in groups.items()
    ]
    return doc


def _money_text(value: Decimal) -> str:
    return format(value, "f")


def invoice_to_document(invoice: Invoice) -> dict[str, Any]:
    """Build the Invoice JSON document of an Invoice (money as strings)."""
    doc: dict[str, Any] = {
        INV_NUMBER: invoice.invoice_number,
        INV_RUN_ID: invoice.run_id,
        INV_PREVIOUS_RUN_ID: invoice.previous_run_id,
        INV_DESIGNATION: invoice.designation.value,
        INV_PERIOD: invoice.period,
        INV_PARTICIPANT: invoice.participant,
        INV_ISSUED_AT: (
            invoice.issued_at.isoformat(timespec="seconds") if invoice.issued_at else None
        ),
        INV_DATA: [
            {
                INV_TRADE_WEEK: invoice.trade_week or invoice.period,
                INV_LINE_ITEMS: [
                    {
                        F_VARIABLE: li.variable,
                        INV_DESCRIPTION: li.description,
                        F_P_OR_C: li.payment_or_charge.value,
                        F_GST_APPLICABLE: li.gst_applicable,
                        INV_AMOUNT: _money_text(li.amount),
                        INV_GST: _money_text(li.gst),
                    }
                    for li in invoice.line_items
                ],
            }
        ],
        INV_PAYMENT_SUMMARY: {
            key: _money_text(getattr(invoice.payment_summary, field))
            for key, field in PAYMENT_SUMMARY_FIELDS.items()
        },
        INV_RCTI: {
            key: _money_text(getattr(invoice.rcti, field)) for key, field in SECTION_FIELDS.items()
        },
        INV_TAX_INVOICE: {
            key: _money_text(getattr(invoice.tax_invoice, field))
            for key, field in SECTION_FIELDS.items()
        },
    }
    if invoice.adjustment_information is not None:
        adj = invoice.adjustment_information
        doc[INV_ADJUSTMENT] = {
            INV_PREVIOUS_RUN_ID: adj.previous_run_id,
            INV_RCTI_DIFFERENCE: _money_text(adj.rcti_difference),
            INV_TAX_INVOICE_DIFFERENCE: _money_text(adj.tax_invoice_difference),
        }
    return doc


def wrap(doc: Mapping[str, Any], transaction_id: str) -> dict[str, Any]:
    """Wrap a document as a PaSS response: ``{"transactionId": ..., "data": doc}``."""
    return {F_WRAP_ID: transaction_id, F_WRAP_DATA: doc}


def number_text(value: Decimal) -> str:
    """A Decimal as the shortest plain JSON number equal to it (``1.50000000`` -> ``1.5``)."""
    if not value.is_finite():
        raise ValueError(f"{value} cannot be written as a JSON number")
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _encode(value: Any, out: list[str], indent: int | None, level: int) -> None:
    if isinstance(value, str):
        out.append(json.dumps(value, ensure_ascii=False))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, Decimal):
        out.append(number_text(value))
    elif isinstance(value, int):
        out.append(str(value))
    elif isinstance(value, float):
        raise TypeError("recon never writes floats; use decimal.Decimal")
    elif isinstance(value, Mapping):
        if not value:
            out.append("{}")
            return
        nl = "" if indent is None else "\n" + " " * (indent * (level + 1))
        end = "" if indent is None else "\n" + " " * (indent * level)
        sep = ": " if indent is not None else ":"
        out.append("{")
        for n, (k, v) in enumerate(value.items()):
            if n:
                out.append(",")
            out.append(nl)
            out.append(json.dumps(str(k), ensure_ascii=False))
            out.append(sep)
            _encode(v, out, indent, level + 1)
        out.append(end)
        out.append("}")
    elif isinstance(value, list | tuple):
        if value and all(isinstance(v, Decimal) for v in value):
            out.append("[" + ",".join(map(number_text, value)) + "]")
            return
        scalar = all(not isinstance(v, Mapping | list | tuple) for v in value)
        if indent is None or scalar:
            out.append("[")
            for n, v in enumerate(value):
                if n:
                    out.append(",")
                _encode(v, out, None, level)
            out.append("]")
            return
        nl = "\n" + " " * (indent * (level + 1))
        out.append("[")
        for n, v in enumerate(value):
            if n:
                out.append(",")
            out.append(nl)
            _encode(v, out, indent, level + 1)
        out.append("\n" + " " * (indent * level) + "]")
    else:
        raise TypeError(f"cannot write {type(value).__name__} as JSON")


def dumps(doc: Any, *, indent: int | None = None) -> bytes:
    """Write a document as UTF-8 JSON with every Decimal exact.

    Decimals become JSON numbers in their shortest exact form (statement values, as in
    SPEC §3.3); money is already text in the documents this module builds, so it is
    written as strings. Floats are refused.

    Args:
        doc: A document of dicts, lists, str, int, bool, None and Decimal.
        indent: Spaces per level for readable output; arrays of numbers stay on one line.
    """
    out: list[str] = []
    _encode(doc, out, indent, 0)
    return "".join(out).encode("utf-8")
