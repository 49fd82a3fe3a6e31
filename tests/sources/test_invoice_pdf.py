"""Invoice PDF (SPEC §3.4): PDF -> model equals JSON -> model, multi-page sections, amount
forms, and clear errors for what is not a readable invoice."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from paths import REPO

from recon.errors import InputError
from recon.models.invoices import Invoice
from recon.models.statements import Designation, PaymentOrCharge
from recon.sources import invoice_json as jinv
from recon.sources.invoice_pdf import pdf_lines, read_invoice_pdf, read_pdf_header

TEMPLATE_DIR = REPO / "templates"


def canvas_pdf(path: Path, pages: list[list[str]], *, user_password: str | None = None) -> Path:
    """Write text lines as a PDF, one list per page (a plain layout unlike the template)."""
    from reportlab import rl_config
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    rl_config.invariant = 1
    encrypt = None
    if user_password is not None:
        from reportlab.lib.pdfencrypt import StandardEncryption

        encrypt = StandardEncryption(user_password, ownerPassword="owner")
    c = canvas.Canvas(str(path), pagesize=A4, encrypt=encrypt)
    for lines in pages:
        y = 800
        for line in lines:
            c.drawString(40, y, line)
            y -= 14
        c.showPage()
    c.save()
    return path


HAND_PAGES = [
    [
        "Tax Invoice",  # a title above the first section: not the Tax Invoice section
        "Invoice Number: WEM-INV-50001-IMOWA    Participant: IMOWA",
        "Run: 50001 (ADJ1)",
        "Previous Run: 50000",
        "Trading Week: TW 01 Oct 2023",
        "Issued: 2023-10-31",
        "Currency: AUD",
        "Payment Summary",
        "GST Applicable",
        "Variable Description Amount GST",
        "RTMSA_P_D Real-Time Market energy 2 (1,234.56) ($123.46)",
        "MKTFEE_P_D Market Fee $10.00 $1.00",
        "GST Not Applicable",
        "Variable Description Amount GST",
        "ADJINT_P_D Interest -$0.50 0.00",
        "GST Applicable Amount (1,224.56)",
        "GST Not Applicable Amount -0.50",
        "GST (122.46)",
        "Total Payable (1,347.52)",
        "Prepayment Applied 0.00",
        "Amount Due (1,347.52)",
        "Prepayment Balance $0.00",
        "Page 1 of 2",
    ],
    [
        "Invoice Number: WEM-INV-50001-IMOWA",  # page header repeated: ignored
        "Recipient Created Tax Invoice",
        "Variable Description Amount GST",
        "RTMSA_P_D Real-Time Market energy 2 1,234.56 123.46",
        "ADJINT_P_D Interest 0.50 0.00",
        "Amount 1,235.06",
        "GST 123.46",
        "Total 1,358.52",
        "Tax Invoice",
        "Variable Description Amount GST",
        "MKTFEE_P_D Market Fee 10.00 1.00",
        "Page 2 of 3",
    ],
    [
        "Tax Invoice (continued)",
        "Variable Description Amount GST",
        "Amount 10.00",
        "GST 1.00",
        "Total 11.00",
        "Adjustment Information",
        "RCTI Difference 5.00",
        "Tax Invoice Difference $(1.10)",
        "Page 3 of 3",
    ],
]


def test_hand_made_layout_reads(tmp_path: Path) -> None:
    inv = read_invoice_pdf(canvas_pdf(tmp_path / "hand.pdf", HAND_PAGES))
    assert inv.form == "pdf"
    assert inv.invoice_number == "WEM-INV-50001-IMOWA"
    assert inv.participant == "IMOWA"
    assert inv.run_id == 50001 and inv.designation is Designation.ADJ1
    assert inv.previous_run_id == 50000
    assert inv.period == inv.trade_week == "TW 01 Oct 2023"
    assert inv.issued_at is not None and inv.issued_at.date().isoformat() == "2023-10-31"
    lines = {li.variable: li for li in inv.line_items}
    assert [li.variable for li in inv.line_items] == ["RTMSA_P_D", "ADJINT_P_D", "MKTFEE_P_D"]
    assert lines["RTMSA_P_D"].description == "Real-Time Market energy 2"
    assert lines["RTMSA_P_D"].amount == Decimal("1234.56")
    assert lines["RTMSA_P_D"].payment_or_charge is PaymentOrCharge.PAYMENT
    assert lines["RTMSA_P_D"].gst_applicable is True
    assert lines["ADJINT_P_D"].gst_applicable is False
    assert lines["MKTFEE_P_D"].payment_or_charge is PaymentOrCharge.CHARGE
    assert lines["MKTFEE_P_D"].source == f"{tmp_path / 'hand.pdf'}#page=2"
    assert inv.summary_lines is not None
    summary = {li.variable: li for li in inv.summary_lines}
    assert summary["RTMSA_P_D"].amount == Decimal("-1234.56")
    assert summary["RTMSA_P_D"].gst == Decimal("-123.46")
    assert summary["ADJINT_P_D"].amount == Decimal("-0.50")
    assert summary["ADJINT_P_D"].payment_or_charge is PaymentOrCharge.PAYMENT
    assert inv.payment_summary.total_payable == Decimal("-1347.52")
    assert inv.payment_summary.prepayment_balance == Decimal("0.00")
    assert inv.tax_invoice.total == Decimal("11.00")
    assert inv.adjustment_information is not None
    assert inv.adjustment_information.previous_run_id == 50000
    assert inv.adjustment_information.tax_invoice_difference == Decimal("-1.10")


def test_hand_made_pdf_header(tmp_path: Path) -> None:
    head = read_pdf_header(canvas_pdf(tmp_path / "hand.pdf", HAND_PAGES))
    assert (head.invoice_number, head.participant, head.period, head.run_id, head.designation) == (
        "WEM-INV-50001-IMOWA",
        "IMOWA",
        "TW 01 Oct 2023",
        50001,
        "ADJ1",
    )


# --------------------------------------------------------------------------- errors


def test_not_a_pdf(tmp_path: Path) -> None:
    p = tmp_path / "invoice.pdf"
    p.write_text("Invoice Number: X\nPayment Summary\n")
    with pytest.raises(InputError, match="is not a PDF file") as e:
        read_invoice_pdf(p)
    assert str(p) in str(e.value)


def test_truncated_pdf(tmp_path: Path) -> None:
    good = canvas_pdf(tmp_path / "good.pdf", HAND_PAGES).read_bytes()
    p = tmp_path / "cut.pdf"
    p.write_bytes(good[:200])
    with pytest.raises(InputError, match=r"cut\.pdf"):
        read_invoice_pdf(p)


def test_encrypted_pdf(tmp_path: Path) -> None:
    p = canvas_pdf(tmp_path / "locked.pdf", HAND_PAGES, user_password="secret")
    with pytest.raises(InputError, match="encrypted"):
        read_invoice_pdf(p)


def test_pdf_without_invoice_content(tmp_path: Path) -> None:
    p = canvas_pdf(tmp_path / "letter.pdf", [["Dear participant,", "Season's greetings."]])
    with pytest.raises(InputError, match="no invoice content"):
        read_invoice_pdf(p)


def test_pdf_without_any_text(tmp_path: Path) -> None:
    p = canvas_pdf(tmp_path / "blank.pdf", [[]])
    with pytest.raises(InputError, match="no invoice content"):
        read_invoice_pdf(p)


@pytest.mark.parametrize(
    "drop,words",
    [
        ("Amount Due (1,347.52)", "'Amount Due' total row"),
        ("Run: 50001 (ADJ1)", "'Run: ...'"),
        ("Previous Run: 50000", "no 'Previous Run: ...' line"),
        ("Total 11.00", "'Total' total row"),
    ],
)
def test_missing_parts_are_clear_errors(tmp_path: Path, drop: str, words: str) -> None:
    pages = [[line for line in page if line != drop] for page in HAND_PAGES]
    with pytest.raises(InputError) as e:
        read_invoice_pdf(canvas_pdf(tmp_path / "part.pdf", pages))
    assert words in e.value.problem


def test_payment_summary_row_outside_a_subheading_is_an_error(tmp_path: Path) -> None:
    pages = [[line for line in HAND_PAGES[0] if line != "GST Applicable"], *HAND_PAGES[1:]]
    with pytest.raises(InputError, match="sub-heading"):
        read_invoice_pdf(canvas_pdf(tmp_path / "sub.pdf", pages))


def test_line_row_with_an_amount_that_does_not_read_is_a_finding(tmp_path: Path) -> None:
    """A row-level problem: the line is left out with a data.value finding naming its page;
    the rest of the invoice is read (and checked)."""
    pages = [
        HAND_PAGES[0],
        [line.replace("Market Fee 10.00", "Market Fee 10.000000001") for line in HAND_PAGES[1]],
        HAND_PAGES[2],
    ]
    path = canvas_pdf(tmp_path / "bad_line.pdf", pages)
    inv = read_invoice_pdf(path)
    assert [li.variable for li in inv.line_items] == ["RTMSA_P_D", "ADJINT_P_D"]
    assert inv.tax_invoice.total == Decimal("11.00")
    [f] = inv.findings
    assert (f.check, f.variable, f.source) == ("data.value", "MKTFEE_P_D", f"{path}#page=2")
    assert (f.participant, f.run_id, f.designation) == ("IMOWA", 50001, "ADJ1")
    assert "10.000000001" in f.message and "the line was not used" in f.message


def test_total_shown_twice_differently_is_an_error(tmp_path: Path) -> None:
    pages = [HAND_PAGES[0], HAND_PAGES[1], [*HAND_PAGES[2][:3], "GST 2.00", *HAND_PAGES[2][3:]]]
    with pytest.raises(InputError, match="twice"):
        read_invoice_pdf(canvas_pdf(tmp_path / "twice.pdf", pages))


# ------------------------------------------------- the template, over several pages


def _render_template(path: Path, ctx: dict[str, Any]) -> Path:
    import logging

    import jinja2
    from xhtml2pdf import pisa

    logging.getLogger("xhtml2pdf").setLevel(logging.ERROR)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR), autoescape=jinja2.select_autoescape(["html"])
    )
    env.filters["money"] = lambda x: f"{Decimal(x):,.2f}"
    buf = io.BytesIO()
    result = pisa.CreatePDF(
        env.get_template("invoice.html").render(**ctx), dest=buf, encoding="utf-8"
    )
    assert not result.err
    path.write_bytes(buf.getvalue())
    return path


def _long_invoice_context(n: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    lines = []
    for i in range(n):
        poc = "Payment" if i % 3 else "Charge"
        gst = i % 2 == 0
        amount = Decimal(i * 1000 + 17) / 100 * (-1 if i % 5 == 0 else 1)
        lines.append(
            {
                "variable": f"LINE{i:03d}_P_D",
                "description": f"Line item number {i}",
                "poc": poc,
                "gst_flag": gst,
                "amount": amount,
                "gst": (amount / 10).quantize(Decimal("0.01")) if gst else Decimal(0),
            }
        )

    def rows(sel: list[dict[str, Any]], signed: bool) -> list[dict[str, Any]]:
        out = []
        for ln in sel:
            sign = -1 if signed and ln["poc"] == "Payment" else 1
            out.append(
                {
                    "variable": ln["variable"],
                    "description": ln["description"],
                    "amount": sign * ln["amount"],
                    "gst": sign * ln["gst"],
                }
            )
        return out

    pay = [ln for ln in lines if ln["poc"] == "Payment"]
    chg = [ln for ln in lines if ln["poc"] == "Charge"]

    def tot(sel: list[dict[str, Any]]) -> list[tuple[str, Decimal]]:
        a = sum((ln["amount"] for ln in sel), Decimal(0))
        g = sum((ln["gst"] for ln in sel), Decimal(0))
        return [("Amount", a), ("GST", g), ("Total", a + g)]

    ctx = {
        "synthetic": True,
        "issuer": {"name": "AEMO", "abn": "94 072 010 327", "address": ["Perth WA 6000"]},
        "recipient": {"name": "Test Pty Ltd", "abn": "11 111 111 111", "address": ["Perth"]},
        "invoice": {
            "number": "WEM-INV-70000-TESTP",
            "participant": "TESTP",
            "run": "70000 (INITIAL)",
            "previous_run": None,
            "trading_week": "TW 01 Dec 2024",
            "issued": "2024-12-19",
            "due": "2024-12-27",
            "period_from": "2024-12-01",
            "period_to": "2024-12-07",
        },
        "payment_summary": {
            "gst_applicable": rows([ln for ln in lines if ln["gst_flag"]], True),
            "gst_not_applicable": rows([ln for ln in lines if not ln["gst_flag"]], True),
            "totals": [
                ("GST Applicable Amount", Decimal(1)),
                ("GST Not Applicable Amount", Decimal(2)),
                ("GST", Decimal(3)),
                ("Total Payable", Decimal(4)),
                ("Prepayment Applied", Decimal(0)),
                ("Amount Due", Decimal(4)),
                ("Prepayment Balance", Decimal(0)),
            ],
        },
        "rcti": {"rows": rows(pay, False), "totals": tot(pay)},
        "tax": {"rows": rows(chg, False), "totals": tot(chg)},
        "adjustment": None,
    }
    return ctx, lines


def test_sections_over_several_pages_with_repeated_header_rows(tmp_path: Path) -> None:
    ctx, lines = _long_invoice_context(60)
    p = _render_template(tmp_path / "long.pdf", ctx)
    text_lines = pdf_lines(p)
    assert max(line.page for line in text_lines) >= 3
    headers = [line for line in text_lines if line.text == "Variable Description Amount GST"]
    assert len(headers) > 4  # 4 tables, plus the repeats on new pages
    inv = read_invoice_pdf(p)
    assert len(inv.line_items) == 60
    assert inv.summary_lines is not None and len(inv.summary_lines) == 60
    got = {li.variable: li for li in inv.line_items}
    for ln in lines:
        li = got[ln["variable"]]
        assert li.amount == ln["amount"] and li.gst == ln["gst"]
        assert li.payment_or_charge.value == ln["poc"]
        assert li.gst_applicable is ln["gst_flag"]
        assert li.description == ln["description"]
    pages = {li.source.rsplit("=", 1)[1] for li in inv.line_items if li.source}
    assert len(pages) > 1
    rcti_total = sum(
        (ln["amount"] + ln["gst"] for ln in lines if ln["poc"] == "Payment"), Decimal(0)
    )
    assert inv.rcti.total == rcti_total


# ------------------------------------------------------------------- the sample week


def _compare(pdf: Invoice, js: Invoice) -> None:
    for name in Invoice.model_fields:
        if name in ("source", "form", "summary_lines", "line_items", "issued_at"):
            continue
        assert getattr(pdf, name) == getattr(js, name), name
    assert pdf.issued_at is not None and js.issued_at is not None
    assert pdf.issued_at.date() == js.issued_at.date()
    assert len(pdf.line_items) == len(js.line_items)
    for a, b in zip(pdf.line_items, js.line_items, strict=True):
        for name in (
            "variable",
            "description",
            "payment_or_charge",
            "gst_applicable",
            "amount",
            "gst",
        ):
            assert getattr(a, name) == getattr(b, name), (a.variable, name)


def _sample_invoices(sample_week: Path) -> list[tuple[Path, Path]]:
    pdfs = sorted((sample_week / "pdf").glob("*_Invoice.pdf"))
    assert len(pdfs) == 3, pdfs  # INITIAL, ADJ1, ADJ2
    return [(p, sample_week / "json" / (p.stem + ".json")) for p in pdfs]


def test_sample_pdf_equals_json_field_by_field(sample_week: Path) -> None:
    pairs = _sample_invoices(sample_week)
    assert len(pairs) == 3
    for pdf_path, json_path in pairs:
        pdf = read_invoice_pdf(pdf_path)
        js = jinv.read_invoice_json(json_path)
        _compare(pdf, js)
        assert pdf.form == "pdf" and js.form == "json"
        # the Payment Summary rows are the lines signed Charge + / Payment -
        assert pdf.summary_lines is not None
        signed = {li.variable: li for li in pdf.summary_lines}
        assert set(signed) == {li.variable for li in js.line_items}
        for li in js.line_items:
            sign = 1 if li.payment_or_charge is PaymentOrCharge.CHARGE else -1
            assert signed[li.variable].amount == sign * li.amount
            assert signed[li.variable].gst == sign * li.gst
            assert signed[li.variable].gst_applicable is li.gst_applicable


def test_sample_two_page_invoice(sample_week: Path) -> None:
    import pdfplumber

    two_page = []
    for pdf_path, json_path in _sample_invoices(sample_week):
        with pdfplumber.open(pdf_path) as doc:
            if len(doc.pages) >= 2:
                two_page.append((pdf_path, json_path))
    assert two_page, "the sample week holds no invoice over two pages"
    for pdf_path, json_path in two_page:
        pdf = read_invoice_pdf(pdf_path)
        _compare(pdf, jinv.read_invoice_json(json_path))
        assert any(li.source and li.source.endswith("#page=2") for li in pdf.line_items)
