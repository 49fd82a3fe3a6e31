"""Writing PaSS API JSON documents, for the emulator (SPEC §3.3).

``summary_to_document``, ``detail_day_to_document`` and ``invoice_to_document`` build
documents holding :class:`~decimal.Decimal` values, and :func:`dumps` writes them exactly:
statement values as JSON numbers, money as strings. The field names are
:mod:`recon.models.aemo_names`'.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

import polars as pl

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
    F_WRAP_DATA,
    F_WRAP_ID,
    H_DESIGNATION,
    H_MARKET_SERVICE,
    H_PARTICIPANT,
    H_PERIOD,
    H_PERIOD_FROM,
    H_PERIOD_TO,
    H_PUBLISHED_AT,
    H_RUN_ID,
    INV_ADJUSTMENT,
    INV_AMOUNT,
    INV_DATA,
    INV_DESCRIPTION,
    INV_DESIGNATION,
    INV_GST,
    INV_ISSUED_AT,
    INV_LINE_ITEMS,
    INV_NUMBER,
    INV_PARTICIPANT,
    INV_PAYMENT_SUMMARY,
    INV_PERIOD,
    INV_PREVIOUS_RUN_ID,
    INV_RCTI,
    INV_RCTI_DIFFERENCE,
    INV_RUN_ID,
    INV_TAX_INVOICE,
    INV_TAX_INVOICE_DIFFERENCE,
    INV_TRADE_WEEK,
    PAYMENT_SUMMARY_FIELDS,
    SECTION_FIELDS,
)
from recon.models.invoices import (
    Invoice,
)
from recon.models.statements import (
    DetailStatement,
    RunHeader,
    SummaryStatement,
)

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------------------
# Writing (the emulator)
# --------------------------------------------------------------------------------------


def _header_document(header: RunHeader) -> dict[str, Any]:
    return {
        H_RUN_ID: header.run_id,
        H_PUBLISHED_AT: header.published_at.isoformat(timespec="seconds"),
        H_MARKET_SERVICE: header.market_service,
        H_DESIGNATION: header.designation.value,
        H_PERIOD: header.period,
        H_PERIOD_FROM: header.period_from.isoformat(),
        H_PERIOD_TO: header.period_to.isoformat(),
        H_PARTICIPANT: header.participant,
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
