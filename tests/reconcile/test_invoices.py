"""Invoice checks: invoice.line, invoice.line_missing, invoice.total, data.classification,
invoice.pdf_json, and the one-cent rounding-order tolerance (SPEC §4, §5)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal as D

from builders.invoice import as_invoiced, line, replace_line
from builders.runs import CHG, PAY, header
from builders.summary import flat, summary, week

from recon.models.findings import Finding, Severity
from recon.models.invoices import AdjustmentInformation, Invoice
from recon.reconcile.invoice_sums import check_invoice_arithmetic
from recon.reconcile.invoice_terms import money
from recon.reconcile.invoices import check_invoice
from recon.reconcile.recompute import LineTotal, compute_invoice, line_totals, section_totals
from recon.reconcile.tieouts import check_pdf_json

H0 = header("INITIAL", 100)
H1 = header("ADJ1", 101)


def _totals(rows: list, h=H0) -> dict[str, LineTotal]:  # type: ignore[type-arg,no-untyped-def]
    return line_totals(summary(h, rows))[0]


def _base_rows() -> list:  # type: ignore[type-arg]
    return (
        flat("RTMSA_P_D", PAY, True, "1000.00")
        + flat("OUTCOMP_P_D", PAY, False, "50.00")
        + flat("MKTFEE_P_D", CHG, True, "30.00")
        + flat("REGFEE_P_D", CHG, False, "2.00")
    )


def _resummed(inv: Invoice) -> Invoice:
    """The invoice with its sections summed again from its (changed) lines."""
    rcti, tax, ps = section_totals(inv.line_items)
    return inv.model_copy(update={"rcti": rcti, "tax_invoice": tax, "payment_summary": ps})


def _check(
    current: dict[str, LineTotal],
    invoiced: Invoice,
    computed: Invoice | None = None,
    previous: dict[str, LineTotal] | None = None,
    h=H0,
):  # type: ignore[no-untyped-def]
    if computed is None:
        computed = compute_invoice(h, current, previous, 100 if previous is not None else None)
    return check_invoice(h, computed, invoiced, current=current, previous=previous)[:2]


def _by(findings: list[Finding], check: str, severity: Severity | None = None) -> list[Finding]:
    return [
        f for f in findings if f.check == check and (severity is None or f.severity is severity)
    ]


def _assert_figures(f: Finding) -> None:
    assert f.expected is not None and f.actual is not None and f.difference is not None
    assert D(f.actual) - D(f.expected) == D(f.difference)
    assert f.source
    assert f.message.endswith(".")
    assert f.participant == "SWANGEN" and f.period == "TW 01 Dec 2024"


# ---------------------------------------------------------------- clean


def test_an_invoice_equal_to_the_recomputed_one_has_no_findings() -> None:
    cur = _totals(_base_rows())
    computed = compute_invoice(H0, cur)
    findings, comparisons, _ = check_invoice(H0, computed, as_invoiced(computed), current=cur)
    assert findings == []
    assert [c.status for c in comparisons] == ["agrees"] * 4
    c = comparisons[0]
    assert (c.variable, c.computed_amount, c.invoiced_amount, c.computed_gst, c.invoiced_gst) == (
        "RTMSA_P_D",
        D("1000.00"),
        D("1000.00"),
        D("100.00"),
        D("100.00"),
    )
    assert (c.run_id, c.designation, c.payment_or_charge, c.gst_applicable) == (
        100,
        "INITIAL",
        "Payment",
        True,
    )


def test_same_amount_written_with_other_precision_agrees() -> None:
    cur = _totals(_base_rows())
    inv = replace_line(as_invoiced(compute_invoice(H0, cur)), "MKTFEE_P_D", amount=D("30.0"))
    assert _check(cur, inv)[0] == []


# ---------------------------------------------------------------- invoice.line


def test_line_amount_differs_is_an_error_with_figures_and_source() -> None:
    cur = _totals(_base_rows())
    inv = _resummed(
        replace_line(as_invoiced(compute_invoice(H0, cur)), "RTMSA_P_D", amount=D("1012.34"))
    )
    findings, comparisons = _check(cur, inv)
    (f,) = _by(findings, "invoice.line")
    assert f.severity is Severity.ERROR
    assert (f.variable, f.expected, f.actual, f.difference) == (
        "RTMSA_P_D",
        "1000.00",
        "1012.34",
        "12.34",
    )
    assert f.message == (
        "Invoice line RTMSA_P_D is $12.34 more than the week's Summary values add up to."
    )
    assert f.source == "inv.json#/data/0/lineItems/0"
    assert f.run_id == 100 and f.designation == "INITIAL"
    _assert_figures(f)
    assert next(c for c in comparisons if c.variable == "RTMSA_P_D").status == "differs"
    # The sections were summed from the wrong line: they differ from recon's too.
    totals = _by(findings, "invoice.total", Severity.ERROR)
    assert {f.source for f in totals} >= {
        "inv.json#/rcti/amount",
        "inv.json#/rcti/total",
        "inv.json#/paymentSummary/totalPayable",
    }
    for t in totals:
        _assert_figures(t)


def test_line_gst_differs_is_an_error() -> None:
    cur = _totals(_base_rows())
    inv = _resummed(
        replace_line(as_invoiced(compute_invoice(H0, cur)), "MKTFEE_P_D", gst=D("2.95"))
    )
    (f,) = _by(_check(cur, inv)[0], "invoice.line")
    assert (f.expected, f.actual, f.difference, f.severity) == (
        "3.00",
        "2.95",
        "-0.05",
        Severity.ERROR,
    )
    assert "GST on invoice line MKTFEE_P_D is $0.05 less" in f.message


# ---------------------------------------------------------------- rounding tolerance


def _rounding_week() -> dict[str, LineTotal]:
    # 3 x 100.004: sum-then-round 300.01, round-then-sum 300.00.
    return _totals(
        week("RTMSA_P_D", PAY, True, ["100.004"] * 3) + flat("MKTFEE_P_D", CHG, True, "30")
    )


def test_one_cent_explained_by_round_then_sum_is_info_not_error() -> None:
    cur = _rounding_week()
    assert (cur["RTMSA_P_D"].amount, cur["RTMSA_P_D"].round_then_sum) == (D("300.01"), D("300.00"))
    inv = _resummed(
        replace_line(as_invoiced(compute_invoice(H0, cur)), "RTMSA_P_D", amount=D("300.00"))
    )
    findings, comparisons = _check(cur, inv)
    assert _by(findings, "invoice.line", Severity.ERROR) == []
    assert [f for f in findings if f.severity is not Severity.INFO] == []
    (f,) = _by(findings, "invoice.line", Severity.INFO)
    assert "round-then-sum" in f.message
    assert (f.expected, f.actual, f.difference) == ("300.01", "300.00", "-0.01")
    assert next(c for c in comparisons if c.variable == "RTMSA_P_D").status == "rounding"
    # The sections, summed from that line, are info too, naming why.
    totals = _by(findings, "invoice.total")
    assert totals and all(t.severity is Severity.INFO for t in totals)
    assert all("rounding order" in t.message for t in totals)


def test_one_cent_not_explained_by_rounding_is_an_error() -> None:
    cur = _rounding_week()
    inv = _resummed(
        replace_line(as_invoiced(compute_invoice(H0, cur)), "RTMSA_P_D", amount=D("300.02"))
    )
    findings, _ = _check(cur, inv)
    (f,) = _by(findings, "invoice.line")
    assert f.severity is Severity.ERROR
    assert all(t.severity is Severity.ERROR for t in _by(findings, "invoice.total"))


def test_more_than_a_cent_is_an_error_even_if_round_then_sum_gives_it() -> None:
    cur = _totals(week("X_P_D", PAY, False, ["0.006"] * 7))
    assert (cur["X_P_D"].amount, cur["X_P_D"].round_then_sum) == (D("0.04"), D("0.07"))
    inv = _resummed(replace_line(as_invoiced(compute_invoice(H0, cur)), "X_P_D", amount=D("0.07")))
    (f,) = _by(_check(cur, inv)[0], "invoice.line")
    assert f.severity is Severity.ERROR


def test_gst_one_cent_from_gst_on_unrounded_sum_is_info() -> None:
    cur = _totals(flat("X_P_D", CHG, True, "12.345"))
    assert (cur["X_P_D"].amount, cur["X_P_D"].gst) == (D("12.35"), D("1.24"))
    inv = _resummed(replace_line(as_invoiced(compute_invoice(H0, cur)), "X_P_D", gst=D("1.23")))
    findings, _ = _check(cur, inv)
    (f,) = _by(findings, "invoice.line")
    assert f.severity is Severity.INFO
    assert "unrounded" in f.message
    assert all(x.severity is Severity.INFO for x in findings)


def test_gst_of_each_day_rounded_is_info() -> None:
    cur = _totals(week("X_P_D", CHG, True, ["0.05", "0.05"]))
    assert (cur["X_P_D"].gst, cur["X_P_D"].round_then_sum_gst) == (D("0.01"), D("0.02"))
    inv = _resummed(replace_line(as_invoiced(compute_invoice(H0, cur)), "X_P_D", gst=D("0.02")))
    findings, _ = _check(cur, inv)
    assert findings and all(f.severity is Severity.INFO for f in findings)


def test_section_gst_taken_on_section_sum_is_info() -> None:
    cur = _totals(flat("A_P_D", PAY, True, "0.05") + flat("B_P_D", PAY, True, "0.05"))
    computed = compute_invoice(H0, cur)
    assert computed.rcti.gst == D("0.02")
    inv = as_invoiced(computed)
    rcti = inv.rcti.model_copy(update={"gst": D("0.01"), "total": D("0.11")})
    ps = inv.payment_summary.model_copy(
        update={"gst": D("-0.01"), "total_payable": D("-0.11"), "amount_due": D("-0.11")}
    )
    inv = inv.model_copy(update={"rcti": rcti, "payment_summary": ps})
    findings, _ = _check(cur, inv)
    assert findings
    assert all(f.severity is Severity.INFO and f.check == "invoice.total" for f in findings)
    assert all("section" in f.message for f in findings)
    # Its own-lines check says the same about the RCTI GST.
    assert any("Payment lines' GST" in f.message for f in findings)


# ---------------------------------------------------------------- invoice.line_missing


def test_nonzero_line_missing_from_invoice() -> None:
    cur = _totals(_base_rows())
    inv = as_invoiced(compute_invoice(H0, cur))
    inv = _resummed(inv.model_copy(update={"line_items": inv.line_items[1:]}))
    findings, comparisons = _check(cur, inv)
    (f,) = _by(findings, "invoice.line_missing")
    assert (f.variable, f.expected, f.actual, f.difference) == (
        "RTMSA_P_D",
        "1000.00",
        "0.00",
        "-1000.00",
    )
    assert "no line" in f.message
    assert comparisons[0].status == "differs"
    assert comparisons[0].invoiced_amount is None


def test_zero_line_missing_from_invoice_is_fine() -> None:
    cur = _totals(_base_rows() + flat("ZERO_P_D", PAY, True, "0.001"))
    computed = compute_invoice(H0, cur)
    assert computed.line("ZERO_P_D") is not None
    inv = as_invoiced(computed)
    inv = inv.model_copy(
        update={"line_items": [li for li in inv.line_items if li.variable != "ZERO_P_D"]}
    )
    findings, comparisons = _check(cur, inv, computed)
    assert findings == []
    assert next(c for c in comparisons if c.variable == "ZERO_P_D").status == "agrees"


def test_invoice_line_without_statement_variable() -> None:
    cur = _totals(_base_rows())
    inv = as_invoiced(compute_invoice(H0, cur))
    inv = _resummed(
        inv.model_copy(
            update={"line_items": [*inv.line_items, line("GHOST_P_D", CHG, False, "5.00", "0.00")]}
        )
    )
    findings, comparisons = _check(cur, inv)
    (f,) = _by(findings, "invoice.line_missing")
    assert (f.variable, f.expected, f.actual, f.difference) == ("GHOST_P_D", "0.00", "5.00", "5.00")
    assert "no variable in the statement" in f.message
    assert comparisons[-1].status == "differs"


def test_adj_zero_line_invoiced_as_zero_is_accepted() -> None:
    prev = _totals(_base_rows())
    cur = _totals(_base_rows()[:-7] + flat("REGFEE_P_D", CHG, False, "3.00"), H1)
    computed = compute_invoice(H1, cur, prev, 100)
    assert [li.variable for li in computed.line_items] == ["REGFEE_P_D"]
    inv = as_invoiced(computed)
    inv = inv.model_copy(
        update={"line_items": [*inv.line_items, line("RTMSA_P_D", PAY, True, "0.00", "0.00")]}
    )
    findings, comparisons = _check(cur, inv, computed, prev, H1)
    assert findings == []
    assert {c.variable: c.status for c in comparisons} == {
        "REGFEE_P_D": "agrees",
        "RTMSA_P_D": "agrees",
    }


def test_adj_zero_line_invoiced_non_zero_is_a_line_error() -> None:
    prev = _totals(_base_rows())
    cur = _totals(_base_rows(), H1)
    computed = compute_invoice(H1, cur, prev, 100)
    assert computed.line_items == []
    inv = _resummed(
        as_invoiced(computed).model_copy(
            update={"line_items": [line("MKTFEE_P_D", CHG, True, "1.00", "0.10")]}
        )
    )
    findings, _ = _check(cur, inv, computed, prev, H1)
    amount = next(f for f in _by(findings, "invoice.line") if "GST" not in f.message)
    assert (amount.expected, amount.actual) == ("0.00", "1.00")
    assert "change from run 100 to run 101" in amount.message
    assert _by(findings, "invoice.line_missing") == []


# ---------------------------------------------------------------- invoice.total


def test_section_total_differs_from_its_own_lines() -> None:
    cur = _totals(_base_rows())
    inv = as_invoiced(compute_invoice(H0, cur))
    inv = inv.model_copy(update={"rcti": inv.rcti.model_copy(update={"amount": D("1060.00")})})
    findings, _ = _check(cur, inv)
    totals = _by(findings, "invoice.total")
    assert all(f.severity is Severity.ERROR for f in totals)
    own = next(f for f in totals if "sum of its Payment lines" in f.message)
    assert (own.expected, own.actual, own.difference) == ("1050.00", "1060.00", "10.00")
    assert own.source == "inv.json#/rcti/amount"
    vs_recon = next(f for f in totals if "recomputed" in f.message)
    assert vs_recon.source == "inv.json#/rcti/amount"
    total = next(f for f in totals if "Amount plus GST" in f.message)  # 1060 + 100 != 1150
    _assert_figures(total)
    assert _by(findings, "invoice.line") == []


def test_payment_summary_arithmetic_inconsistent() -> None:
    cur = _totals(_base_rows())
    inv = as_invoiced(compute_invoice(H0, cur))
    ps = inv.payment_summary.model_copy(update={"amount_due": D("0.00")})
    findings, _ = _check(cur, inv.model_copy(update={"payment_summary": ps}))
    assert {f.check for f in findings} == {"invoice.total"}
    assert any("Total Payable less Prepayment Applied" in f.message for f in findings)
    assert all(f.source == "inv.json#/paymentSummary/amountDue" for f in findings)


def test_prepayment_applied_consistently_is_fine() -> None:
    cur = _totals(_base_rows())
    inv = as_invoiced(compute_invoice(H0, cur))
    ps = inv.payment_summary
    ps = ps.model_copy(
        update={
            "prepayment_applied": D("-10.00"),
            "amount_due": ps.total_payable + D("10.00"),
            "prepayment_balance": D("25.00"),
        }
    )
    assert _check(cur, inv.model_copy(update={"payment_summary": ps}))[0] == []


def test_invoice_arithmetic_alone_for_an_adj_without_its_previous_run() -> None:
    _, _, computed = _adj_pair()
    inv = as_invoiced(computed)
    assert check_invoice_arithmetic(H1, inv)[0] == []
    bad = inv.model_copy(
        update={
            "tax_invoice": inv.tax_invoice.model_copy(
                update={"amount": inv.tax_invoice.amount + D("0.05")}
            )
        }
    )
    findings, _ = check_invoice_arithmetic(H1, bad)
    assert {f.source for f in findings} == {
        "inv.json#/taxInvoice/amount",
        "inv.json#/taxInvoice/total",
    }
    assert all(f.check == "invoice.total" and f.run_id == 101 for f in findings)


def test_pdf_totals_are_located_by_section_heading() -> None:
    cur = _totals(_base_rows())
    inv = as_invoiced(compute_invoice(H0, cur), source="inv.pdf", form="pdf")
    inv = inv.model_copy(
        update={
            "tax_invoice": inv.tax_invoice.model_copy(
                update={"gst": D("3.10"), "total": D("35.10")}
            )
        }
    )
    findings, _ = _check(cur, inv)
    assert "inv.pdf#Tax Invoice/GST" in {f.source for f in findings}


def test_payment_summary_rows_of_a_pdf() -> None:
    cur = _totals(_base_rows())
    inv = as_invoiced(compute_invoice(H0, cur), source="inv.pdf", form="pdf")
    rows = [
        li.model_copy(
            update={
                "amount": -li.amount if li.payment_or_charge is PAY else li.amount,
                "gst": -li.gst if li.payment_or_charge is PAY else li.gst,
            }
        )
        for li in inv.line_items
    ]
    assert _check(cur, inv.model_copy(update={"summary_lines": rows}))[0] == []
    rows[0] = rows[0].model_copy(update={"amount": D("1000.00")})  # not negated
    findings, _ = _check(cur, inv.model_copy(update={"summary_lines": rows}))
    assert {f.check for f in findings} == {"invoice.total"}
    assert any(f.variable == "RTMSA_P_D" for f in findings)


# ---------------------------------------------------------------- data.classification


def test_invoice_line_classification_differs_from_statement() -> None:
    cur = _totals(_base_rows())
    inv = replace_line(
        as_invoiced(compute_invoice(H0, cur)),
        "OUTCOMP_P_D",
        payment_or_charge=CHG,
        gst_applicable=True,
    )
    findings, _ = _check(cur, inv)
    cls = _by(findings, "data.classification")
    assert len(cls) == 2
    assert {(f.expected, f.actual) for f in cls} == {("Payment", "Charge"), ("N", "Y")}
    assert all(f.variable == "OUTCOMP_P_D" and f.severity is Severity.ERROR for f in cls)
    assert all(f.source == "inv.json#/data/0/lineItems/1" for f in cls)


def test_invoice_line_classification_same_as_statement_is_fine() -> None:
    cur = _totals(_base_rows())
    findings, _ = _check(cur, as_invoiced(compute_invoice(H0, cur)))
    assert _by(findings, "data.classification") == []


# ---------------------------------------------------------------- ADJ invoices


def _adj_pair() -> tuple[dict[str, LineTotal], dict[str, LineTotal], Invoice]:
    prev = _totals(_base_rows())
    cur = _totals(
        flat("RTMSA_P_D", PAY, True, "900.00")
        + flat("OUTCOMP_P_D", PAY, False, "50")
        + flat("MKTFEE_P_D", CHG, True, "31.00")
        + flat("NEW_P_D", CHG, False, "4"),
        H1,
    )
    return prev, cur, compute_invoice(H1, cur, prev, 100)


def test_adj_invoice_equal_to_recomputed_has_no_findings() -> None:
    prev, cur, computed = _adj_pair()
    findings, comparisons = _check(cur, as_invoiced(computed), computed, prev, H1)
    assert findings == []
    assert {c.variable for c in comparisons} == {"RTMSA_P_D", "MKTFEE_P_D", "REGFEE_P_D", "NEW_P_D"}


def test_adj_rounding_tolerance_uses_both_runs() -> None:
    prev = _totals(week("X_P_D", PAY, False, ["100.004"] * 3))  # 300.01 / rts 300.00
    cur = _totals(week("X_P_D", PAY, False, ["100.004"] * 3 + ["5"]), H1)  # 305.01 / 305.00
    computed = compute_invoice(H1, cur, prev, 100)
    assert computed.line_items[0].amount == D("5.00")
    inv = _resummed(replace_line(as_invoiced(computed), "X_P_D", amount=D("5.01")))
    inv = inv.model_copy(update={"adjustment_information": computed.adjustment_information})
    (f,) = _by(_check(cur, inv, computed, prev, H1)[0], "invoice.line")
    assert f.severity is Severity.ERROR  # the same order in both runs gives 5.00 again


def test_adjustment_information_differs() -> None:
    prev, cur, computed = _adj_pair()
    ai = computed.adjustment_information
    assert ai is not None
    inv = as_invoiced(
        computed,
        adjustment_information=ai.model_copy(
            update={"rcti_difference": ai.rcti_difference + D("1")}
        ),
    )
    (f,) = _check(cur, inv, computed, prev, H1)[0]
    assert f.check == "invoice.total"
    assert f.source == "inv.json#/adjustmentInformation/rctiDifference"
    assert f.difference == "1.00"
    assert "RCTI Difference" in f.message


def test_adjustment_information_missing() -> None:
    prev, cur, computed = _adj_pair()
    inv = as_invoiced(computed, adjustment_information=None)
    (f,) = _check(cur, inv, computed, prev, H1)[0]
    assert f.check == "invoice.total" and "no Adjustment Information" in f.message


def test_invoice_adjusting_another_run_than_the_chain_says() -> None:
    prev, cur, computed = _adj_pair()
    inv = as_invoiced(
        computed,
        previous_run_id=99,
        adjustment_information=AdjustmentInformation(
            previous_run_id=99,
            rcti_difference=computed.rcti.total,
            tax_invoice_difference=computed.tax_invoice.total,
        ),
    )
    (f,) = _check(cur, inv, computed, prev, H1)[0]
    assert (f.check, f.expected, f.actual) == ("adjustment.chain", "100", "99")


# ---------------------------------------------------------------- invoice.pdf_json


def _json_pdf() -> tuple[Invoice, Invoice]:
    computed = _adj_pair()[2]
    json = as_invoiced(computed, issued_at=datetime(2025, 2, 20, 15, 30, 45))
    pdf = as_invoiced(computed, source="inv.pdf", form="pdf", issued_at=datetime(2025, 2, 20))
    pdf = pdf.model_copy(
        update={"line_items": [li.model_copy(update={"source": None}) for li in pdf.line_items]}
    )
    return pdf, json


def test_pdf_and_json_that_agree() -> None:
    pdf, json = _json_pdf()
    assert check_pdf_json(pdf, json) == []
    # Descriptions are not compared (the PDF wraps them); nor a missing trade week.
    pdf2 = replace_line(pdf, "RTMSA_P_D", description="Real-Time Market\nenergy")
    assert check_pdf_json(pdf2.model_copy(update={"trade_week": None}), json) == []


def test_pdf_and_json_that_differ_in_every_way() -> None:
    pdf, json = _json_pdf()
    pdf = replace_line(pdf, "RTMSA_P_D", amount=D("-99.00"), gst=D("-9.90"))
    pdf = replace_line(pdf, "MKTFEE_P_D", payment_or_charge=PAY, gst_applicable=False)
    pdf = pdf.model_copy(
        update={
            "invoice_number": "WEM-INV-X",
            "issued_at": datetime(2025, 2, 21),
            "line_items": [li for li in pdf.line_items if li.variable != "NEW_P_D"]
            + [line("EXTRA_P_D", CHG, False, "1.00", "0.00")],
            "rcti": pdf.rcti.model_copy(update={"total": D("1.23")}),
            "adjustment_information": None,
        }
    )
    findings = check_pdf_json(pdf, json)
    assert {f.check for f in findings} == {"invoice.pdf_json"}
    assert all(f.severity is Severity.ERROR for f in findings)
    msgs = " | ".join(f.message for f in findings)
    for text in (
        "invoice number",
        "issue date",
        "RTMSA_P_D's amount",
        "RTMSA_P_D's GST",
        "MKTFEE_P_D as a Payment",
        "MKTFEE_P_D as GST not applicable",
        "Line NEW_P_D",
        "Line EXTRA_P_D",
        "RCTI Total",
        "Adjustment Information",
    ):
        assert text in msgs, text
    amount = next(f for f in findings if "RTMSA_P_D's amount" in f.message)
    assert (amount.expected, amount.actual, amount.difference) == ("-100.00", "-99.00", "1.00")
    assert amount.variable == "RTMSA_P_D" and amount.run_id == 101
    rcti = next(f for f in findings if "RCTI Total" in f.message)
    assert rcti.source == "inv.pdf#Recipient Created Tax Invoice/Total"


def test_pdf_and_json_adjustment_information_differs() -> None:
    pdf, json = _json_pdf()
    ai = pdf.adjustment_information
    assert ai is not None
    pdf = pdf.model_copy(
        update={
            "adjustment_information": ai.model_copy(
                update={"previous_run_id": 7, "tax_invoice_difference": D("0")}
            )
        }
    )
    findings = check_pdf_json(pdf, json)
    assert len(findings) == 2
    assert any("previous run 7" in f.message for f in findings)


def test_money_format() -> None:
    assert money(D("1234.5")) == "$1,234.50"
    assert money(D("-0.01")) == "-$0.01"
