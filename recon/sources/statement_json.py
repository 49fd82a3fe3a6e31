"""PaSS API JSON Summary and Detail statements (SPEC §3.3).

Summary and Detail documents are turned into a frame of raw string columns, the same frame
the CSV readers build, and validated by :mod:`recon.sources.validate`; so a bad value,
variable, scope, array length or timestamp becomes a ``data.*``
:class:`~recon.models.findings.Finding` exactly as it would in the CSV, and the rest of the
document is still read. Findings and rows name their place as ``file#/json/path``.
Decoding is :mod:`recon.sources.json_exact`'s.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

import polars as pl

from recon.errors import InputError
from recon.models import aemo_names as aemo
from recon.models.aemo_names import (
    F_GST_APPLICABLE,
    F_P_OR_C,
    F_SCOPE,
    F_SETTLEMENT_DAY,
    F_TRADING_DAY,
    F_TRADING_DAYS,
    F_VALUE,
    F_VARIABLE,
    F_VARIABLES,
    H_DESIGNATION,
    H_PERIOD_FROM,
    H_PERIOD_TO,
    H_PUBLISHED_AT,
    H_RUN_ID,
    HEADER_FIELDS,
    OPTIONAL_HEADER_DEFAULTS,
)
from recon.models.detail import combine_details
from recon.models.findings import CheckId, Finding
from recon.models.statements import (
    DETAIL_SCHEMA,
    Designation,
    DetailStatement,
    RunHeader,
    SummaryStatement,
)
from recon.sources.json_exact import (
    DocReader,
    array_text,
    element_text,
    flag_text,
    kind_of,
    put_back,
    read_json,
    trading_day_text,
    unwrap,
    unwrapped_pointer,
)
from recon.sources.limits import DEFAULT_LIMITS, Limits
from recon.sources.validate import (
    DETAIL_COLUMNS,
    SUMMARY_COLUMNS,
    parse_header,
    validate_summary,
)
from recon.sources.validate_detail import validate_detail
from recon.text import encodable

log = logging.getLogger(__name__)
_VALIDATOR_SOURCE = re.compile(r"^(.*#/.*):\d+$", re.S)
_POINTER_LINE = re.compile(r"(#/[^\s:;)]*):\d+")
"""A validator's ``file#/json/path:i`` inside a message."""


def _header_texts(d: DocReader, doc: Mapping[str, Any]) -> dict[str, str]:
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
        H_RUN_ID: (int, "a whole number such as 50000"),
        H_PUBLISHED_AT: (datetime.fromisoformat, "a date and time like 2023-10-31T15:30:45"),
        H_DESIGNATION: (Designation, "one of INITIAL, ADJ1, ADJ2, ADJ3"),
        H_PERIOD_FROM: (date.fromisoformat, "a date like 2023-10-01"),
        H_PERIOD_TO: (date.fromisoformat, "a date like 2023-10-07"),
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
        if isinstance(message, str) and message != put_back(message):
            update["message"] = put_back(message)  # the Value element as it was
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
    doc: Mapping[str, Any], d: DocReader, findings: list[Finding]
) -> tuple[dict[str, str], dict[str, list[Any]]]:
    header = _header_texts(d, doc)
    variables = d.arr(doc, F_VARIABLES)
    rows: dict[str, list[Any]] = {c: [] for c in (*SUMMARY_COLUMNS, "__file", "__line")}
    run_fields: dict[str, Any] = {
        "participant": header[aemo.C_PARTICIPANT],
        "period": header[aemo.C_PERIOD],
        "run_id": int(header[aemo.C_RUN_ID]),
        "designation": header[aemo.C_DESIGNATION],
    }
    for i, var in enumerate(variables):
        where = (F_VARIABLES, i)
        var = d.item(var, "a variable", *where)
        name = d.text(var, F_VARIABLE, *where) or ""
        p_or_c = d.text(var, F_P_OR_C, *where) or ""
        gst = flag_text(d.get(var, F_GST_APPLICABLE, *where))
        for j, td in enumerate(d.arr(var, F_TRADING_DAYS, *where)):
            at = (*where, F_TRADING_DAYS, j)
            td = d.item(td, f"a {F_TRADING_DAYS} entry", *at)
            day = trading_day_text(d.text(td, F_TRADING_DAY, *at) or "")
            value = d.get(td, F_VALUE, *at)
            if isinstance(value, list):
                if len(value) != 1:
                    findings.append(
                        Finding.make(
                            CheckId.DATA_ARRAY_LENGTH,
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
                text = element_text(value[0], d, *at, F_VALUE, 0)
            else:
                text = element_text(value, d, *at, F_VALUE)
            for col, h in header.items():
                rows[col].append(h)
            rows[aemo.C_VARIABLE].append(name)
            rows[aemo.C_TIMESTAMP].append(day)
            rows[aemo.C_P_OR_C].append(p_or_c)
            rows[aemo.C_GST_APPLICABLE].append(gst)
            rows[aemo.C_VALUE].append(text)
            rows["__file"].append(f"{d.source}#{d.path(*at)}")
            rows["__line"].append(i)
    return header, rows


def parse_summary_document(doc: Any, source: str | Path) -> SummaryStatement:
    """Read a Summary JSON document (bare or wrapped) already decoded.

    Args:
        doc: The decoded JSON, as from :func:`loads`; numbers may be JSON numbers or
            strings (floats are refused: decode with :func:`loads`).
        source: The file (or URL) it came from; rows and findings name
            ``source#/variables/i/<F_TRADING_DAYS>/j``.

    Returns:
        The Summary, its ``findings`` holding every row-level problem (``data.*``).

    Raises:
        InputError: For a wrong shape, a missing required field or a run header that does
            not read, naming the JSON path.
    """
    source = encodable(str(source))  # a file name's undecodable bytes: \udcff
    d = DocReader(source, unwrapped_pointer(doc))
    body = unwrap(doc, source)
    findings: list[Finding] = []
    header, rows = _summary_raw(body, d, findings)
    if not rows[aemo.C_VARIABLE]:
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
    return parse_summary_document(read_json(path, limits), str(path))


# --------------------------------------------------------------------------------------
# Detail
# --------------------------------------------------------------------------------------


def _detail_raw(
    doc: Mapping[str, Any], d: DocReader, rows: dict[str, list[Any]]
) -> tuple[dict[str, str], str]:
    header = _header_texts(d, doc)
    settlement_day = trading_day_text(d.text(doc, F_SETTLEMENT_DAY) or "")
    for i, var in enumerate(d.arr(doc, F_VARIABLES)):
        where = (F_VARIABLES, i)
        var = d.item(var, "a variable", *where)
        name = d.text(var, F_VARIABLE, *where) or ""
        scope = d.text(var, F_SCOPE, *where) or ""
        for j, td in enumerate(d.arr(var, F_TRADING_DAYS, *where)):
            at = (*where, F_TRADING_DAYS, j)
            td = d.item(td, f"a {F_TRADING_DAYS} entry", *at)
            day = d.text(td, F_TRADING_DAY, *at) or ""
            value = d.get(td, F_VALUE, *at)
            if not isinstance(value, list):
                raise d.fail(f"{F_VALUE!r} must be an array, found {kind_of(value)}", *at, F_VALUE)
            for col, h in header.items():
                rows[col].append(h)
            rows[aemo.C_SETTLEMENT_DAY].append(settlement_day)
            rows[aemo.C_VARIABLE].append(name)
            rows[aemo.C_SCOPE].append(scope)
            rows[aemo.C_TIMESTAMP].append(trading_day_text(day))
            rows[aemo.C_VALUE].append(array_text(value, d, *at, F_VALUE))
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
        source = encodable(str(source))  # a file name's undecodable bytes: \udcff
        d = DocReader(source, unwrapped_pointer(doc))
        rows: dict[str, list[Any]] = {c: [] for c in (*DETAIL_COLUMNS, "__file", "__line")}
        texts, day = _detail_raw(unwrap(doc, source), d, rows)
        del doc
        sources.append(source)
        try:
            days.add(date.fromisoformat(day))
        except ValueError:
            pass  # the validator reports it (data.timestamp) on the day's rows
        if not rows[aemo.C_VARIABLE]:
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
            ``source#/variables/i/<F_TRADING_DAYS>/j``, and the frame's ``source_file`` holds
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
    return parse_detail_document(read_json(path, limits), str(path))


def read_detail_json_days(
    paths: Iterable[str | Path], limits: Limits = DEFAULT_LIMITS
) -> DetailStatement:
    """Read the Detail JSON files of one run (one per day) into one DetailStatement.

    Raises:
        InputError: If a file cannot be read or is not a Detail document.
    """
    return parse_detail_documents((read_json(p, limits), str(p)) for p in paths)
