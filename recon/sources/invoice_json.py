"""PaSS API JSON Invoices (SPEC §3.3).

Invoices are read into :class:`~recon.models.invoices.Invoice`. The Invoice model has no
findings, so a bad figure on an invoice raises :class:`~recon.errors.InputError`.
Decoding is :mod:`recon.sources.json_exact`'s.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from recon.errors import InputError
from recon.models.aemo_names import (
    F_GST_APPLICABLE,
    F_P_OR_C,
    F_VARIABLE,
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
from recon.models.decimals import DecimalFormatError, parse_decimal
from recon.models.findings import CheckId, Finding
from recon.models.invoices import (
    AdjustmentInformation,
    Invoice,
    LineItem,
    PaymentSummary,
    SectionTotals,
)
from recon.models.statements import (
    Designation,
    PaymentOrCharge,
)
from recon.sources.json_exact import (
    DocReader,
    flag_text,
    kind_of,
    number_text,
    read_json,
    unwrap,
    unwrapped_pointer,
)
from recon.sources.limits import DEFAULT_LIMITS, Limits

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------------------
# Invoice
# --------------------------------------------------------------------------------------


def _money(d: DocReader, obj: Mapping[str, Any], key: str, *parts: object) -> str:
    v = d.get(obj, key, *parts)
    text = number_text(v)
    if text is None:
        raise d.fail(
            f"{key!r} must be an amount (a number or a string), found {kind_of(v)}", *parts, key
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
        DecimalFormatError: If it is not such an amount (quoting it as written).
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
    d: DocReader, obj: Mapping[str, Any], key: str, *parts: object, required: bool = True
) -> int | None:
    v = d.text(obj, key, *parts, required=required)
    if v is None:
        return None
    if not re.fullmatch(r"[0-9]+", v.strip()):
        raise d.fail(f"{key!r} must be a whole number, found {v!r}", *parts, key)
    return int(v)


def _bool(d: DocReader, obj: Mapping[str, Any], key: str, *parts: object) -> bool:
    v = d.get(obj, key, *parts)
    flag = flag_text(v)
    if flag not in ("Y", "N"):
        raise d.fail(f"{key!r} must be true or false, found {v!r}", *parts, key)
    return flag == "Y"


def _enum(d: DocReader, obj: Mapping[str, Any], key: str, enum: type[Enum], *parts: object) -> Any:
    v = d.text(obj, key, *parts) or ""
    try:
        return enum(v)
    except ValueError:
        allowed = ", ".join(e.value for e in enum)
        raise d.fail(f"{key!r} must be one of {allowed}, found {v!r}", *parts, key) from None


def _timestamp(d: DocReader, obj: Mapping[str, Any], key: str) -> datetime | None:
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
        source: The file or URL; line items name ``source#/data/i/<INV_LINE_ITEMS>/j``.

    Raises:
        InputError: For a wrong shape, a missing required field or a figure that is not
            an amount, naming the JSON path.
    """
    d = DocReader(source, unwrapped_pointer(doc))
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

    def __init__(self, check: CheckId, variable: str | None, error: InputError) -> None:
        super().__init__(str(error))
        self.check, self.variable, self.error = check, variable, error


def _line_item(
    d: DocReader, li: Mapping[str, Any], at: tuple[object, ...], source: str | Path
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
        raise _LineProblem(CheckId.DATA_VARIABLE, None, e) from None
    try:
        payment_or_charge = _enum(d, li, F_P_OR_C, PaymentOrCharge, *at)
        gst_applicable = _bool(d, li, F_GST_APPLICABLE, *at)
    except InputError as e:
        raise _LineProblem(CheckId.DATA_CLASSIFICATION, variable, e) from None
    try:
        amount, gst = _money(d, li, INV_AMOUNT, *at), _money(d, li, INV_GST, *at)
    except InputError as e:
        raise _LineProblem(CheckId.DATA_VALUE, variable, e) from None
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
    return parse_invoice_document(read_json(path, limits), str(path))
