"""Root causes and money at stake (SPEC §10): ids, grouping, cash per root and per run."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from builders.invoice import as_invoiced, line, replace_line
from builders.runs import CHG, PAY
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recon.models.findings import AtStakeBasis, Finding, Severity
from recon.models.invoices import Invoice
from recon.reconcile.causes import (
    AMOUNT_DUE,
    Ledger,
    finding_id,
    finish,
    invoice_causes,
    summary_detail_estimates,
    with_ids,
)
from recon.reconcile.invoices import check_invoice
from recon.reconcile.recompute import LineTotal, compute_invoice

from .test_invoices import H0, _resummed, _totals
from .test_invoices import _base_rows as _rows


def _annotated(
    invoiced: Invoice, cur: dict[str, LineTotal] | None = None
) -> tuple[list[Finding], D]:
    """Check an invoice against the recomputed one; the findings annotated as the engine
    does, and the run's at_stake."""
    cur = cur or _totals(_rows())
    computed = compute_invoice(H0, cur)
    findings, _, _ = check_invoice(H0, computed, invoiced, current=cur)
    ledger = Ledger()
    stake = ledger.invoice(H0, computed, invoiced, findings)
    return ledger.annotate(findings), stake


def _roots(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.cause is None]


def _cash(findings: list[Finding]) -> D:
    return sum(
        (D(f.at_stake) for f in _roots(findings) if f.at_stake_basis is AtStakeBasis.CASH), D(0)
    )


def _computed() -> Invoice:
    return compute_invoice(H0, _totals(_rows()))


# ---------------------------------------------------------------- the run's cash


def test_a_clean_invoice_has_nothing_at_stake() -> None:
    findings, stake = _annotated(as_invoiced(_computed()))
    assert findings == [] and stake == D("0.00")


def test_a_wrong_line_whose_totals_follow_it_is_cash_at_stake() -> None:
    # A Charge line $10 too high and every total summed from it: the participant is
    # overcharged $10 plus $1 GST, so AEMO owes it $11.
    inv = _resummed(
        replace_line(as_invoiced(_computed()), "MKTFEE_P_D", amount=D("40.00"), gst=D("4.00"))
    )
    findings, stake = _annotated(inv)
    assert stake == D("11.00")
    (root,) = _roots(findings)
    assert (root.check, root.variable, root.at_stake, root.at_stake_basis) == (
        "invoice.line",
        "MKTFEE_P_D",
        "11.00",
        AtStakeBasis.CASH,
    )
    # The GST is 10% of the invoice's own (wrong) amount: it follows the amount; every
    # total recon finds different differs because of that one line.
    assert root.consequences == len(findings) - 1 >= 5
    assert all(f.cause == root.id and f.at_stake is None for f in findings if f is not root)


def test_an_underpaid_payment_line_is_owed_to_the_participant() -> None:
    inv = _resummed(replace_line(as_invoiced(_computed()), "OUTCOMP_P_D", amount=D("45.00")))
    findings, stake = _annotated(inv)
    assert stake == D("5.00")
    (root,) = _roots(findings)
    assert root.at_stake == "5.00"


def test_a_line_missing_while_the_totals_include_it_puts_nothing_at_stake() -> None:
    inv = as_invoiced(_computed())
    inv = inv.model_copy(
        update={"line_items": [li for li in inv.line_items if li.variable != "REGFEE_P_D"]}
    )
    findings, stake = _annotated(inv)
    assert stake == D("0.00")
    (root,) = _roots(findings)
    assert (root.check, root.variable, root.at_stake) == (
        "invoice.line_missing",
        "REGFEE_P_D",
        "0.00",
    )
    assert root.consequences == 2  # the Tax Invoice Amount, GST Not Applicable Amount
    assert {f.source for f in findings if f.cause} == {
        "inv.json#/taxInvoice/amount",
        "inv.json#/paymentSummary/gstNotApplicableAmount",
    }


def test_a_wrong_line_whose_totals_are_right_puts_nothing_at_stake() -> None:
    inv = replace_line(as_invoiced(_computed()), "RTMSA_P_D", amount=D("1012.34"))
    findings, stake = _annotated(inv)
    assert stake == D("0.00")
    (root,) = _roots(findings)
    assert (root.variable, root.at_stake) == ("RTMSA_P_D", "0.00")


def test_a_wrong_total_is_its_own_root_and_the_figures_built_on_it_follow() -> None:
    # The RCTI Total without its GST, and Total Payable and Amount Due built from it:
    # AEMO pays $100 less than the lines say, so AEMO owes the participant $100.
    inv = as_invoiced(_computed())
    rcti = inv.rcti.model_copy(update={"total": inv.rcti.total - D("100.00")})
    ps = inv.payment_summary.model_copy(
        update={
            "total_payable": inv.payment_summary.total_payable + D("100.00"),
            "amount_due": inv.payment_summary.amount_due + D("100.00"),
        }
    )
    findings, stake = _annotated(inv.model_copy(update={"rcti": rcti, "payment_summary": ps}))
    assert stake == D("100.00")
    (root,) = _roots(findings)
    assert root.source == "inv.json#/rcti/total" and root.at_stake == "100.00"
    assert root.consequences == len(findings) - 1


def test_an_amount_due_that_does_not_follow_its_total_payable_is_cash() -> None:
    inv = as_invoiced(_computed())
    ps = inv.payment_summary.model_copy(
        update={"amount_due": inv.payment_summary.amount_due - D("7.00")}
    )
    findings, stake = _annotated(inv.model_copy(update={"payment_summary": ps}))
    assert stake == D("-7.00")  # the participant would pay $7 too little: it owes AEMO
    (root,) = _roots(findings)
    assert root.at_stake == "-7.00"


def test_two_lines_behind_one_total_are_two_roots_that_add_up() -> None:
    inv = as_invoiced(_computed())
    inv = replace_line(inv, "MKTFEE_P_D", amount=D("33.00"), gst=D("3.30"))
    inv = _resummed(replace_line(inv, "REGFEE_P_D", amount=D("3.00")))
    findings, stake = _annotated(inv)
    roots = _roots(findings)
    assert sorted((r.variable, r.at_stake) for r in roots) == [
        ("MKTFEE_P_D", "3.30"),
        ("REGFEE_P_D", "1.00"),
    ]
    assert stake == D("4.30") == _cash(findings)
    # The Tax Invoice Amount differs by both lines together: a consequence of one of them.
    tax = next(f for f in findings if f.source == "inv.json#/taxInvoice/amount")
    assert tax.cause in {r.id for r in roots}


def test_an_extra_line_the_totals_leave_out_puts_nothing_at_stake() -> None:
    inv = as_invoiced(_computed())
    extra = line("SRCPAY_P_D", PAY, True, "3150.00", "315.00")
    findings, stake = _annotated(inv.model_copy(update={"line_items": [*inv.line_items, extra]}))
    assert stake == D("0.00")
    (root,) = _roots(findings)
    assert (root.check, root.at_stake, root.consequences) == ("invoice.line_missing", "0.00", 3)


def test_a_gst_slip_with_a_right_total_is_one_root_at_zero() -> None:
    inv = replace_line(as_invoiced(_computed()), "MKTFEE_P_D", gst=D("30.00"))
    findings, stake = _annotated(inv)
    (root,) = _roots(findings)
    assert (root.variable, root.at_stake, root.consequences) == ("MKTFEE_P_D", "0.00", 1)
    assert stake == D("0.00")


def test_a_line_shown_twice_is_the_cash_of_the_copy() -> None:
    inv = as_invoiced(_computed())
    copy = next(li for li in inv.line_items if li.variable == "REGFEE_P_D")
    findings, stake = _annotated(
        _resummed(inv.model_copy(update={"line_items": [*inv.line_items, copy]}))
    )
    assert stake == D("2.00") == _cash(findings)
    (root,) = _roots(findings)
    assert root.variable == "REGFEE_P_D" and root.at_stake == "2.00"


def test_a_payment_shown_as_a_charge_is_one_root_with_the_swing() -> None:
    inv = _resummed(replace_line(as_invoiced(_computed()), "OUTCOMP_P_D", payment_or_charge=CHG))
    findings, stake = _annotated(inv)
    assert stake == D("100.00")  # $50 charged instead of $50 paid
    assert _cash(findings) == stake
    classification = next(f for f in findings if f.check == "data.classification")
    assert classification.cause is None and classification.at_stake == "100.00"


# ---------------------------------------------------------------- property: roots add up


_VARIABLES = ["RTMSA_P_D", "OUTCOMP_P_D", "MKTFEE_P_D", "REGFEE_P_D"]
_FIGURES = [
    ("rcti", "amount"),
    ("rcti", "gst"),
    ("rcti", "total"),
    ("tax_invoice", "amount"),
    ("tax_invoice", "gst"),
    ("tax_invoice", "total"),
    ("payment_summary", "gst"),
    ("payment_summary", "gst_applicable_amount"),
    ("payment_summary", "total_payable"),
    ("payment_summary", "amount_due"),
]
_cents = st.integers(-50000, 50000).map(lambda n: D(n).scaleb(-2))


@st.composite
def _damaged(draw: st.DrawFn) -> Invoice:
    """The invoice with lines changed, dropped or added, and figures changed, each either
    with the totals following or not."""
    inv = as_invoiced(_computed())
    for _ in range(draw(st.integers(0, 3))):
        v = draw(st.sampled_from(_VARIABLES))
        what = draw(st.sampled_from(["amount", "gst", "drop", "add", "class", "twice"]))
        lines = list(inv.line_items)
        if what == "twice":
            lines += [li for li in lines if li.variable == v][:1]
        elif what == "drop":
            lines = [li for li in lines if li.variable != v]
        elif what == "add":
            lines.append(
                line(
                    f"X{draw(st.integers(0, 3))}_P_D",
                    draw(st.sampled_from([PAY, CHG])),
                    draw(st.booleans()),
                    str(draw(_cents)),
                    str(draw(_cents)),
                )
            )
        elif what == "class":
            lines = [
                li.model_copy(
                    update={"payment_or_charge": CHG if li.payment_or_charge is PAY else PAY}
                )
                if li.variable == v
                else li
                for li in lines
            ]
        else:
            lines = [
                li.model_copy(update={what: getattr(li, what) + draw(_cents)})
                if li.variable == v
                else li
                for li in lines
            ]
        inv = inv.model_copy(update={"line_items": lines})
        if draw(st.booleans()):
            inv = _resummed(inv)
    if draw(st.booleans()):  # a prepayment, Amount Due following it or not
        prepay = draw(_cents)
        ps = inv.payment_summary
        due = ps.total_payable - prepay if draw(st.booleans()) else ps.amount_due
        inv = inv.model_copy(
            update={
                "payment_summary": ps.model_copy(
                    update={"prepayment_applied": prepay, "amount_due": due}
                )
            }
        )
    for _ in range(draw(st.integers(0, 2))):
        section, name = draw(st.sampled_from(_FIGURES))
        holder = getattr(inv, section)
        changed = holder.model_copy(update={name: getattr(holder, name) + draw(_cents)})
        inv = inv.model_copy(update={section: changed})
    return inv


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_damaged())
def test_a_runs_roots_add_up_to_its_cash_at_stake(inv: Invoice) -> None:
    findings, stake = _annotated(inv)
    # The run's cash: the invoice's Amount Due less recon's (the invoice's prepayment kept).
    ps = inv.payment_summary
    assert stake == ps.amount_due - (
        _computed().payment_summary.total_payable - ps.prepayment_applied
    )
    assert _cash(findings) == stake
    ids = {f.id for f in findings}
    assert len(ids) == len(findings)
    for f in findings:
        if f.cause is not None:
            assert f.cause in ids and f.consequences is None and f.at_stake is None
        else:
            assert f.consequences == sum(1 for g in findings if g.cause == f.id)
        if f.severity is not Severity.INFO and f.check.startswith("invoice."):
            assert f.cause is not None or f.at_stake is not None, f


def test_the_decomposition_holds_figure_by_figure() -> None:
    inv = _resummed(replace_line(as_invoiced(_computed()), "MKTFEE_P_D", amount=D("40.00")))
    computed = _computed()
    findings, _, _ = check_invoice(H0, computed, inv, current=_totals(_rows()))
    found = invoice_causes(computed, inv, findings)
    assert sum((r.impact[AMOUNT_DUE] for r in found.roots), D(0)) == found.at_stake == D("10.00")


# ---------------------------------------------------------------- ids


def _f(**kw: object) -> Finding:
    fields: dict[str, object] = {
        "participant": "SWANGEN",
        "period": "TW 01 Dec 2024",
        "run_id": 1,
        "source": "/home/me/week/x.json#/rcti/total",
    }
    fields.update(kw)
    return Finding.make("invoice.total", "RCTI Total differs.", **fields)


def test_ids_come_from_content_not_order_or_folder() -> None:
    a, b = _f(expected=D("1.00")), _f(expected=D("2.00"))
    assert [f.id for f in with_ids([a, b])] == list(reversed([f.id for f in with_ids([b, a])]))
    moved = _f(expected=D("1.00"), source=r"C:\other\place\x.json#/rcti/total")
    assert finding_id(moved) == finding_id(a)
    assert finding_id(_f(expected=D("1.00"), source="x.json#/taxInvoice/total")) != finding_id(a)
    assert len(finding_id(a)) == 12 and int(finding_id(a), 16) >= 0


def test_twins_get_distinct_ids_and_given_ids_are_kept() -> None:
    a = _f(expected=D("1.00"))
    out = finish([a, a, a.model_copy(update={"id": "kept"})])
    assert [f.id for f in out] == [finding_id(a), f"{finding_id(a)}-2", "kept"]
    assert [f.consequences for f in out] == [0, 0, 0]


def test_ids_of_hostile_text_are_hex() -> None:
    f = _f(scope="\ud800\x1b[31m\u202e", variable="\u202eX_P_D")
    assert all(c in "0123456789abcdef" for c in finding_id(f))


# ---------------------------------------------------------------- estimates


def test_summary_detail_estimate_is_the_line_change_the_detail_implies() -> None:
    cur = _totals(_rows())
    day = "2024-12-01"
    f = Finding.make(
        "summary_detail.value",
        "x",
        header=H0,
        variable="MKTFEE_P_D",
        timestamp=day,
        expected=D("20.00"),  # the Detail
        actual=D("30.00"),  # the Summary
    )
    (out,) = summary_detail_estimates([f], cur)
    # A Charge $10 lower, GST $1 lower: the participant would pay $11 less.
    assert (out.at_stake, out.at_stake_basis) == ("11.00", AtStakeBasis.ESTIMATE)
    g = f.model_copy(update={"variable": "OUTCOMP_P_D", "expected": "40.00", "actual": "50.00"})
    assert summary_detail_estimates([g], cur)[0].at_stake == "-10.00"
    assert summary_detail_estimates([f], None)[0].at_stake is None


@pytest.mark.parametrize("stake", ["-0.00", D("-0.001")])
def test_at_stake_is_never_negative_zero(stake: object) -> None:
    assert _f(at_stake=stake).at_stake == "0.00"
