"""The Invoice PDF (SPEC §3.4 **[reading]**): text lines in, an Invoice out.

recon reads the PDF with pdfplumber from its text lines only, never from page
coordinates, so any layout carrying the content of SPEC §3.4 reads the same:

* header lines ``Label: value`` before the first section (``Invoice Number``,
  ``Participant``, ``Run``, ``Previous Run``, ``Trading Week``, ``Issued``; other labels are
  ignored);
* sections, each starting with its heading alone on a line, in the order of Guide
  Table 6: Payment Summary, Recipient Created Tax Invoice, Tax Invoice, Adjustment
  Information. A section may run over several pages; a repeated heading (``Tax Invoice
  (continued)``) or table header row is skipped;
* line rows ``Variable Description Amount GST``: the Variable code is the first token,
  Amount and GST the last two, the description what lies between;
* Payment Summary sub-headings ``GST Applicable`` / ``GST Not Applicable`` giving each
  line's GST flag (the same sub-headings in the other sections are honoured too);
* total rows ``Label Amount``;
* amounts as ``1,234.56``, ``-1,234.56`` or ``(1,234.56)``, with or without ``$``.

RCTI lines are Payments and Tax Invoice lines Charges, both in the statement's
direction; the Payment Summary's own rows (signed Charge +, Payment -) are kept in
``Invoice.summary_lines``.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from recon.errors import InputError
from recon.models.decimals import DecimalFormatError
from recon.models.findings import CheckId, Finding
from recon.models.invoices import (
    AdjustmentInformation,
    Invoice,
    LineItem,
    PaymentSummary,
    SectionTotals,
)
from recon.models.statements import Designation, PaymentOrCharge
from recon.sources.files import unreadable
from recon.sources.invoice_json import parse_money
from recon.sources.json_exact import escape_surrogates
from recon.sources.limits import DEFAULT_LIMITS, Limits
from recon.wem.variables import VariableNameError, parse_variable

log = logging.getLogger(__name__)

PDF_MAGIC = b"%PDF-"
MAGIC_WINDOW = 1024
"""The PDF header may follow a little junk; readers look for it in the first 1 KiB."""

PAYMENT_SUMMARY = "Payment Summary"
RCTI = "Recipient Created Tax Invoice"
TAX_INVOICE = "Tax Invoice"
ADJUSTMENT = "Adjustment Information"
SECTIONS = (PAYMENT_SUMMARY, RCTI, TAX_INVOICE, ADJUSTMENT)
"""Section headings in their order (Guide Table 6)."""

GST_APPLICABLE = "GST Applicable"
GST_NOT_APPLICABLE = "GST Not Applicable"

HEADER_LABELS = {
    "Invoice Number": "invoice_number",
    "Participant": "participant",
    "Previous Run": "previous_run",
    "Run": "run",
    "Trading Week": "trading_week",
    "Issued": "issued",
}
"""Header labels recon reads -> keys (``Previous Run`` before ``Run``: longest first)."""

TOTAL_LABELS: dict[str, dict[str, str]] = {
    PAYMENT_SUMMARY: {
        "GST Applicable Amount": "gst_applicable_amount",
        "GST Not Applicable Amount": "gst_not_applicable_amount",
        "GST": "gst",
        "Total Payable": "total_payable",
        "Prepayment Applied": "prepayment_applied",
        "Amount Due": "amount_due",
        "Prepayment Balance": "prepayment_balance",
    },
    RCTI: {"Amount": "amount", "GST": "gst", "Total": "total"},
    TAX_INVOICE: {"Amount": "amount", "GST": "gst", "Total": "total"},
    ADJUSTMENT: {
        "RCTI Difference": "rcti_difference",
        "Tax Invoice Difference": "tax_invoice_difference",
    },
}
"""Total row labels of each section -> model field."""

_AMOUNT = (
    r"(?:\$?\s*\(\s*\$?\s*[0-9][0-9,]*(?:\.[0-9]+)?\s*\)"
    r"|-?\s*\$?\s*-?[0-9][0-9,]*(?:\.[0-9]+)?)"
)
_LINE_ROW = re.compile(rf"^(?P<head>\S+(?:\s+.*?)?)\s+(?P<amount>{_AMOUNT})\s+(?P<gst>{_AMOUNT})$")
_TOTAL_ROW = re.compile(rf"^(?P<label>[A-Za-z][A-Za-z ]*?)\s*:?\s+(?P<amount>{_AMOUNT})$")
_HEADER_RE = re.compile(
    r"(?<![A-Za-z])(" + "|".join(re.escape(k) for k in HEADER_LABELS) + r")\s*:\s*"
)
_RUN_RE = re.compile(r"^(?P<run>[0-9]+)\s*(?:\(\s*(?P<designation>[A-Z0-9]+)\s*\))?$")
_CONTINUED = re.compile(r"\s*\((?:continued|cont\.?)\)\s*$", re.I)
_TABLE_HEADER = re.compile(r"^variable\s+description\s+amount\s+gst$", re.I)
_SPACES = re.compile(r"\s+")


@dataclass
class _Line:
    text: str
    page: int


@dataclass
class _Row:
    variable: str
    description: str
    amount: Decimal
    gst: Decimal
    gst_flag: bool | None
    page: int


@dataclass
class _Parsed:
    header: dict[str, str] = field(default_factory=dict)
    sections_seen: list[str] = field(default_factory=list)
    rows: dict[str, list[_Row]] = field(default_factory=lambda: {s: [] for s in SECTIONS})
    totals: dict[str, dict[str, Decimal]] = field(default_factory=lambda: {s: {} for s in SECTIONS})
    previous_run_in_section: str | None = None
    problems: list[tuple[int, str, str]] = field(default_factory=list)
    """(page, variable, what is wrong) of line rows left out (row-level findings)."""


def _norm(text: str) -> str:
    return _SPACES.sub(" ", text.replace("\u00a0", " ")).strip()


def _check_magic(path: Path, limits: Limits | None = None) -> None:
    try:
        with open(path, "rb") as f:
            head = f.read(MAGIC_WINDOW)
            size = os.fstat(f.fileno()).st_size
    except OSError as exc:
        raise unreadable(path, exc) from None
    if PDF_MAGIC not in head:
        raise InputError(path, "is not a PDF file (no %PDF- header)")
    if limits is not None and size > limits.max_member_bytes:
        raise InputError(
            path,
            f"is {size} bytes, over the cap of {limits.max_member_bytes} "
            "(raise it with --max-member-mb)",
        )


def _open_error(path: Path, exc: Exception) -> InputError:
    chain: list[BaseException] = []
    cur: BaseException | None = exc
    while cur is not None and len(chain) < 5:
        chain.append(cur)
        cur = cur.__cause__ or cur.__context__
    names = " ".join(f"{type(e).__name__} {e}" for e in chain).lower()
    if "password" in names or "encrypt" in names:
        return InputError(
            path,
            "is an encrypted PDF; recon cannot read it without the "
            "password (save an unprotected copy)",
        )
    return InputError(
        path, f"cannot be read as a PDF ({type(exc).__name__}: {str(exc)[:120] or 'no detail'})"
    )


def pdf_lines(
    path: str | Path, *, max_pages: int | None = None, limits: Limits | None = None
) -> list[_Line]:
    """Return the text lines of a PDF, page by page, whitespace normalised.

    Args:
        path: The PDF.
        max_pages: Read only the first pages (detection reads one).
        limits: Input caps; the file may be at most ``limits.max_member_bytes`` (None:
            no size cap, as for detection, which reads one page).

    Raises:
        InputError: If the file is not a PDF, is over the size cap, is encrypted or
            cannot be parsed.
    """
    # start-up: pdfplumber costs 30 ms to import (python -X importtime, 2026-12-05); only an
    # Invoice PDF needs it, not a check, decode or ingest of none
    import pdfplumber

    p = Path(path)
    _check_magic(p, limits)
    lines: list[_Line] = []
    try:
        with pdfplumber.open(p) as pdf:
            pages = pdf.pages if max_pages is None else pdf.pages[:max_pages]
            for number, page in enumerate(pages, start=1):
                text = page.extract_text() or ""
                for raw in text.splitlines():
                    t = escape_surrogates(_norm(raw))  # as JSON text is read
                    if t:
                        lines.append(_Line(t, number))
                page.flush_cache()
    except InputError:
        raise
    except Exception as exc:  # pdfminer raises many kinds on a broken or locked file
        raise _open_error(p, exc) from None
    return lines


def _heading(text: str) -> str | None:
    t = _CONTINUED.sub("", text)
    for s in SECTIONS:
        if t.lower() == s.lower():
            return s
    return None


def pdf_amount(text: str) -> Decimal:
    """An amount as a PDF invoice prints it (``$ 1,234.56``, ``(1,234.56)``), exact.

    Raises:
        DecimalFormatError: If it is not an amount, or its thousands separators are not
            in groups of three (quoted as written).
    """
    return parse_money(text.replace(" ", ""), grouping=True)  # a PDF prints 1,234.56


def _header_pairs(text: str) -> list[tuple[str, str]]:
    """``Label: value`` pairs of one line (two pairs on one line are split)."""
    matches = list(_HEADER_RE.finditer(text))
    out = []
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        out.append((m.group(1), text[m.end() : end].strip()))
    return out


def _is_variable(token: str) -> bool:
    try:
        parse_variable(token)
    except VariableNameError:
        return False
    return True


def _parse_lines(lines: list[_Line], path: Path) -> _Parsed:
    out = _Parsed()
    section: str | None = None
    sub_flag: bool | None = None
    for line in lines:
        t = line.text
        heading = _heading(t)
        if heading is not None:
            idx = SECTIONS.index(heading)
            cur = SECTIONS.index(section) if section else -1
            if section is None and idx != 0:
                continue  # a title such as "Tax Invoice" above the first section
            if idx > cur:
                section, sub_flag = heading, None
                out.sections_seen.append(heading)
            continue  # the current heading again (a new page), or an earlier one: skip
        if section is None:
            for label, value in _header_pairs(t):
                key = HEADER_LABELS[label]
                out.header.setdefault(key, value)
            continue
        low = t.lower()
        if low == GST_APPLICABLE.lower():
            sub_flag = True
            continue
        if low == GST_NOT_APPLICABLE.lower():
            sub_flag = False
            continue
        if _TABLE_HEADER.match(t):
            continue
        if section == ADJUSTMENT:
            for label, value in _header_pairs(t):
                if label == "Previous Run":
                    out.previous_run_in_section = value
        if (m := _LINE_ROW.match(t)) and _is_variable(m.group("head").split(" ", 1)[0]):
            variable, _, description = m.group("head").partition(" ")
            try:
                amount, gst = pdf_amount(m.group("amount")), pdf_amount(m.group("gst"))
            except DecimalFormatError as exc:
                out.problems.append(
                    (
                        line.page,
                        variable,
                        f"Invoice line row {t!r} on page "
                        f"{line.page} holds an amount that does not read: "
                        f"{exc}; the line was not used.",
                    )
                )
                continue
            out.rows[section].append(
                _Row(variable, description.strip(), amount, gst, sub_flag, line.page)
            )
            continue
        if m := _TOTAL_ROW.match(t):
            labels = {k.lower(): v for k, v in TOTAL_LABELS[section].items()}
            total_key = labels.get(m.group("label").strip().lower())
            if total_key is not None:
                try:
                    total = pdf_amount(m.group("amount"))
                except DecimalFormatError as exc:
                    raise InputError(
                        path,
                        f"page {line.page}: total row {t!r} holds an amount"
                        f" that does not read: {exc}",
                    ) from None
                seen = out.totals[section]
                if total_key in seen and seen[total_key] != total:
                    raise InputError(
                        path,
                        f"page {line.page}: the {section} shows "
                        f"{m.group('label')!r} twice with different "
                        f"amounts ({seen[total_key]} and {total})",
                    )
                seen[total_key] = total
                continue
        log.debug("%s page %d: ignored line %r", path, line.page, t)
    return out


_ISSUED_FORMATS = ("%d %b %Y", "%d %B %Y", "%d/%m/%Y")
"""Date forms accepted besides ISO 8601 (``2023-10-31``) for the Issued header."""


def _issued(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        pass
    for fmt in _ISSUED_FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt)
        except ValueError:
            continue
    return None


def _need(parsed: _Parsed, key: str, label: str, path: Path) -> str:
    value = parsed.header.get(key)
    if not value:
        raise InputError(
            path, f"lacks the header line '{label}: ...' before the {PAYMENT_SUMMARY} section"
        )
    return value


def _totals(
    parsed: _Parsed, section: str, path: Path, optional: tuple[str, ...] = ()
) -> dict[str, Decimal]:
    got = dict(parsed.totals[section])
    for label, key in TOTAL_LABELS[section].items():
        if key not in got:
            if key in optional:
                got[key] = Decimal("0.00")
                log.info("%s: the %s has no %r row; read as 0.00", path, section, label)
                continue
            raise InputError(path, f"the {section} section lacks its {label!r} total row")
    return got


def read_invoice_pdf(path: str | Path, *, limits: Limits = DEFAULT_LIMITS) -> Invoice:
    """Read an Invoice PDF (SPEC §3.4) into an :class:`~recon.models.invoices.Invoice`.

    Args:
        path: The PDF.
        limits: Input caps (the file may be at most ``limits.max_member_bytes``).

    Returns:
        The invoice with ``form="pdf"``: ``line_items`` from the RCTI (Payments) and the
        Tax Invoice (Charges), in the statement's direction; ``summary_lines`` the Payment
        Summary's rows, signed Charge + / Payment -; ``issued_at`` the Issued date at
        midnight.

    Raises:
        InputError: If the file is not a PDF, is over the size cap, is encrypted, holds
            no invoice, or lacks a header line, section or total row the invoice needs.
    """
    p = Path(path)
    parsed = _parse_lines(pdf_lines(p, limits=limits), p)
    if PAYMENT_SUMMARY not in parsed.sections_seen:
        if not parsed.header:
            raise InputError(
                p,
                "holds no invoice content (no header lines and no "
                f"{PAYMENT_SUMMARY!r} section; is it a scanned image or "
                "another document?)",
            )
        raise InputError(p, f"holds no {PAYMENT_SUMMARY!r} section heading on a line of its own")
    for s in (RCTI, TAX_INVOICE):
        if s not in parsed.sections_seen:
            raise InputError(p, f"lacks the {s!r} section")

    invoice_number = _need(parsed, "invoice_number", "Invoice Number", p)
    participant = _need(parsed, "participant", "Participant", p)
    week = _need(parsed, "trading_week", "Trading Week", p)
    run_text = _need(parsed, "run", "Run", p)
    m = _RUN_RE.match(run_text)
    if not m:
        raise InputError(p, f"the Run header {run_text!r} is not like '50000 (INITIAL)'")
    designation_text = m.group("designation")
    if designation_text is None:
        raise InputError(
            p, f"the Run header {run_text!r} names no designation; expected '50000 (INITIAL)'"
        )
    try:
        designation = Designation(designation_text)
    except ValueError:
        raise InputError(
            p,
            f"the Run header names designation {designation_text!r}; "
            "expected INITIAL, ADJ1, ADJ2 or ADJ3",
        ) from None
    previous_text = parsed.header.get("previous_run") or parsed.previous_run_in_section
    previous: int | None = None
    if previous_text:
        pm = _RUN_RE.match(previous_text)
        if not pm:
            raise InputError(p, f"the Previous Run header {previous_text!r} is not a run id")
        previous = int(pm.group("run"))
    issued: datetime | None = None
    if parsed.header.get("issued"):
        issued = _issued(parsed.header["issued"])
        if issued is None:
            raise InputError(
                p, f"the Issued header {parsed.header['issued']!r} is not a date like 2023-10-31"
            )

    summary_rows = parsed.rows[PAYMENT_SUMMARY]
    ps_flags = {r.variable: r.gst_flag for r in summary_rows if r.gst_flag is not None}
    src = f"{p}#page="

    def item(row: _Row, direction: PaymentOrCharge) -> LineItem:
        flag = row.gst_flag
        if flag is None:
            flag = ps_flags.get(row.variable, row.gst != 0)
        return LineItem(
            variable=row.variable,
            description=row.description,
            payment_or_charge=direction,
            gst_applicable=flag,
            amount=row.amount,
            gst=row.gst,
            source=f"{src}{row.page}",
        )

    lines = [item(r, PaymentOrCharge.PAYMENT) for r in parsed.rows[RCTI]] + [
        item(r, PaymentOrCharge.CHARGE) for r in parsed.rows[TAX_INVOICE]
    ]
    direction = {li.variable: li.payment_or_charge for li in lines}
    summary_lines = []
    for r in summary_rows:
        if r.gst_flag is None:
            raise InputError(
                p,
                f"page {r.page}: the {PAYMENT_SUMMARY} row {r.variable} is not "
                f"under a '{GST_APPLICABLE}' or '{GST_NOT_APPLICABLE}' "
                "sub-heading",
            )
        pc = direction.get(r.variable) or (
            PaymentOrCharge.PAYMENT if r.amount < 0 else PaymentOrCharge.CHARGE
        )
        summary_lines.append(
            LineItem(
                variable=r.variable,
                description=r.description,
                payment_or_charge=pc,
                gst_applicable=r.gst_flag,
                amount=r.amount,
                gst=r.gst,
                source=f"{src}{r.page}",
            )
        )

    ps = _totals(parsed, PAYMENT_SUMMARY, p, optional=("prepayment_applied", "prepayment_balance"))
    adjustment = None
    if ADJUSTMENT in parsed.sections_seen:
        adj = _totals(parsed, ADJUSTMENT, p)
        if previous is None:
            raise InputError(
                p, "has an Adjustment Information section but no 'Previous Run: ...' line"
            )
        adjustment = AdjustmentInformation(previous_run_id=previous, **adj)

    fields: dict[str, Any] = {
        "invoice_number": invoice_number,
        "run_id": int(m.group("run")),
        "previous_run_id": previous,
        "designation": designation,
        "period": week,
        "participant": participant,
        "issued_at": issued,
        "trade_week": week,
        "line_items": lines,
        "payment_summary": PaymentSummary(**ps),
        "rcti": SectionTotals(**_totals(parsed, RCTI, p)),
        "tax_invoice": SectionTotals(**_totals(parsed, TAX_INVOICE, p)),
        "adjustment_information": adjustment,
        "summary_lines": summary_lines,
        "source": str(p),
        "form": "pdf",
    }
    invoice = Invoice(**fields)
    invoice.findings = [
        Finding.make(
            CheckId.DATA_VALUE, message, header=invoice, variable=variable, source=f"{src}{page}"
        )
        for page, variable, message in parsed.problems
    ]
    return invoice


@dataclass(frozen=True)
class PdfHeader:
    """What the first page of an Invoice PDF says about its run (for detection).

    Attributes:
        invoice_number: ``Invoice Number``.
        participant: ``Participant``.
        period: ``Trading Week``.
        run_id: The run id of ``Run``.
        designation: The designation of ``Run``.
        has_sections: Whether a section heading appeared on the first page.
    """

    invoice_number: str | None
    participant: str | None
    period: str | None
    run_id: int | None
    designation: str | None
    has_sections: bool


def read_pdf_header(path: str | Path) -> PdfHeader:
    """Read the header lines of an Invoice PDF from its first page only.

    Raises:
        InputError: If the file is not a PDF, is encrypted or cannot be parsed.
    """
    p = Path(path)
    parsed = _parse_lines(pdf_lines(p, max_pages=1), p)
    run_id = designation = None
    if (m := _RUN_RE.match(parsed.header.get("run", ""))) is not None:
        run_id = int(m.group("run"))
        designation = m.group("designation")
    return PdfHeader(
        invoice_number=parsed.header.get("invoice_number"),
        participant=parsed.header.get("participant"),
        period=parsed.header.get("trading_week"),
        run_id=run_id,
        designation=designation,
        has_sections=bool(parsed.sections_seen),
    )
