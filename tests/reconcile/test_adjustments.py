"""Adjustments: previous run, run chain, ADJ lines and materiality (SPEC §4.7, §5)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal as D

from builders.invoice import as_invoiced, replace_line
from builders.runs import CHG, PAY, header
from builders.strategies import chains
from builders.summary import flat, summary
from hypothesis import given, settings
from hypothesis import strategies as st

from recon.models.findings import Finding, Severity
from recon.models.invoices import Invoice, LineItem
from recon.models.statements import RunHeader
from recon.reconcile.adjustments import (
    adjustment_lines,
    check_chain,
    previous_missing,
    previous_run,
)
from recon.reconcile.invoices import check_invoice
from recon.reconcile.recompute import (
    LineTotal,
    compute_invoice,
    expanded_form,
    full_invoice,
    line_totals,
    net_form,
    net_line,
    with_lines,
)

T0, T1, T2 = (
    datetime(2024, 12, 19, 15, 30),
    datetime(2025, 2, 20, 15, 30),
    datetime(2025, 5, 22, 15, 30),
)
H0 = header("INITIAL", 100, T0)
H1 = header("ADJ1", 101, T1)
H2 = header("ADJ2", 102, T2)


def _totals(h: RunHeader, rtm: str, fee: str, extra: str | None = None) -> dict[str, LineTotal]:
    rows = flat("RTMSA_P_D", PAY, True, rtm) + flat("MKTFEE_P_D", CHG, True, fee)
    if extra is not None:
        rows += flat("ADJINT_P_D", PAY, False, extra)
    return line_totals(summary(h, rows))[0]


R0 = _totals(H0, "1000.00", "30.00")
R1 = _totals(H1, "990.004", "30.00", "-4.44")
R2 = _totals(H2, "995.55", "31.05", "-4.44")


def _invoices() -> tuple[dict[int, Invoice], dict[int, Invoice]]:
    full = {100: full_invoice(H0, R0), 101: full_invoice(H1, R1), 102: full_invoice(H2, R2)}
    invoiced = {
        100: as_invoiced(compute_invoice(H0, R0)),
        101: as_invoiced(compute_invoice(H1, R1, R0, 100)),
        102: as_invoiced(compute_invoice(H2, R2, R1, 101)),
    }
    return full, invoiced


def _chain(findings: list[Finding]) -> list[Finding]:
    assert {f.check for f in findings} <= {"adjustment.chain"}
    assert all(f.severity is Severity.ERROR for f in findings)
    return findings


# ---------------------------------------------------------------- previous_run


def test_previous_run_is_latest_published_before() -> None:
    other_week = header("INITIAL", 90, datetime(2025, 1, 1), period="TW 08 Dec 2024")
    other_participant = header("INITIAL", 91, datetime(2025, 1, 2), participant="OTHER")
    candidates = [H2, H0, H1, other_week, other_participant]
    assert previous_run(H2, candidates) == H1
    assert previous_run(H1, candidates) == H0
    assert previous_run(H0, candidates) is None
    assert previous_run(H2, [H0, H2]) == H0


def test_previous_run_is_strictly_before() -> None:
    same_time = header("ADJ1", 105, T2)
    assert previous_run(H2, [same_time]) is None
    assert previous_run(H2, [H2]) is None


def test_previous_missing_is_a_warning() -> None:
    f = previous_missing(H2)
    assert (f.check, f.severity, f.run_id, f.designation) == (
        "adjustment.previous_missing",
        Severity.WARNING,
        102,
        "ADJ2",
    )
    assert "cannot be checked" in f.message


# ---------------------------------------------------------------- check_chain: order


def test_a_clean_chain_has_no_findings() -> None:
    full, invoiced = _invoices()
    assert check_chain([H2, H0, H1, H1], full, invoiced) == []


def test_designation_skip_is_an_error() -> None:
    (f,) = _chain(check_chain([H0, H2], {}, {}))
    assert f.run_id == 102 and "ADJ1" in f.message and "skip" in f.message


def test_chain_starting_at_adj1_is_not_a_skip() -> None:
    assert check_chain([H1, H2], {}, {}) == []
    assert check_chain([H2], {}, {}) == []


def test_adj_published_before_initial_is_an_error() -> None:
    early_adj = header("ADJ1", 101, datetime(2024, 12, 1))
    (f,) = _chain(check_chain([H0, early_adj], {}, {}))
    assert "published" in f.message and f.run_id == 101


def test_run_id_going_backwards_is_an_error() -> None:
    low_id = header("ADJ1", 99, T1)
    (f,) = _chain(check_chain([H0, low_id], {}, {}))
    assert "RunId" in f.message


def test_two_runs_with_the_same_designation_is_an_error() -> None:
    twin = header("ADJ1", 103, datetime(2025, 3, 1))
    findings = _chain(check_chain([H0, H1, twin, H2], {}, {}))
    assert any("two ADJ1 runs" in f.message for f in findings)


def test_other_weeks_and_participants_are_separate_chains() -> None:
    other = header("ADJ2", 5, datetime(2020, 1, 1), participant="OTHER")
    assert check_chain([H0, H1, other], {}, {}) == []


# ---------------------------------------------------------------- check_chain: adds up


def test_chain_invoices_that_do_not_add_up() -> None:
    full, invoiced = _invoices()
    invoiced[101] = replace_line(invoiced[101], "RTMSA_P_D", amount=D("-10.01"))
    findings = _chain(check_chain([H0, H1, H2], full, invoiced))
    line = next(f for f in findings if f.variable == "RTMSA_P_D")
    assert (line.expected, line.actual, line.difference) == ("995.55", "995.54", "-0.01")
    assert line.run_id == 102
    assert "RTMSA_P_D" in line.message and "$0.01 less" in line.message
    # The RCTI totals were not changed with the line: they still add up.
    assert [f.variable for f in findings] == ["RTMSA_P_D"]


def test_chain_section_totals_that_do_not_add_up() -> None:
    full, invoiced = _invoices()
    inv = invoiced[102]
    invoiced[102] = inv.model_copy(
        update={
            "tax_invoice": inv.tax_invoice.model_copy(
                update={"total": inv.tax_invoice.total + D("0.10")}
            )
        }
    )
    (f,) = _chain(check_chain([H0, H1, H2], full, invoiced))
    assert "Tax Invoice Total" in f.message
    assert f.difference == "0.10"


def test_sum_is_not_checked_without_every_invoice() -> None:
    full, invoiced = _invoices()
    invoiced[101] = replace_line(invoiced[101], "RTMSA_P_D", amount=D("-10.01"))
    del invoiced[100]
    assert check_chain([H0, H1, H2], full, invoiced) == []


def test_sum_handles_a_line_that_changed_direction() -> None:
    h1 = header("ADJ1", 101, T1)
    r0 = line_totals(summary(H0, flat("X_P_D", PAY, False, "100")))[0]
    r1 = line_totals(summary(h1, flat("X_P_D", CHG, False, "50")))[0]
    full = {101: full_invoice(h1, r1)}
    invoiced = {
        100: as_invoiced(compute_invoice(H0, r0)),
        101: as_invoiced(compute_invoice(h1, r1, r0, 100)),
    }
    findings = check_chain([H0, h1], full, invoiced)
    assert [f.variable for f in findings if f.variable] == []


# ---------------------------------------------------------------- adjustment_lines


def test_adjustment_lines_full_amounts_delta_and_invoiced() -> None:
    _, invoiced = _invoices()
    inv = replace_line(invoiced[101], "ADJINT_P_D", amount=D("-4.40"))
    lines, findings = adjustment_lines(H1, H0, R1, R0, inv, None)
    assert findings == []
    by = {a.variable: a for a in lines}
    assert list(by) == ["RTMSA_P_D", "MKTFEE_P_D", "ADJINT_P_D"]
    rtm = by["RTMSA_P_D"]
    assert (rtm.previous, rtm.current, rtm.delta, rtm.invoiced_delta, rtm.difference) == (
        D("1000.00"),
        D("990.00"),
        D("-10.00"),
        D("-10.00"),
        D("0.00"),
    )
    assert (rtm.run_id, rtm.previous_run_id, rtm.designation) == (101, 100, "ADJ1")
    fee = by["MKTFEE_P_D"]
    assert (fee.delta, fee.invoiced_delta, fee.difference) == (D(0), D(0), D(0))  # omitted
    new = by["ADJINT_P_D"]
    assert (new.previous, new.current, new.delta, new.invoiced_delta, new.difference) == (
        D(0),
        D("-4.44"),
        D("-4.44"),
        D("-4.40"),
        D("0.04"),
    )
    assert not any(a.material for a in lines)


def test_adjustment_lines_without_invoice_and_gone_variable() -> None:
    lines, _ = adjustment_lines(H2, H1, R0, R1, None, None)
    gone = next(a for a in lines if a.variable == "ADJINT_P_D")
    assert (gone.previous, gone.current, gone.delta) == (D("-4.44"), D(0), D("4.44"))
    assert gone.invoiced_delta is None and gone.difference is None
    assert gone.payment_or_charge == "Payment"


def test_material_adjustment_warning_at_threshold() -> None:
    lines, findings = adjustment_lines(H1, H0, R1, R0, None, D("10.00"))
    assert [a.variable for a in lines if a.material] == ["RTMSA_P_D"]  # |-10.00| >= 10.00
    (f,) = findings
    assert (f.check, f.severity, f.variable) == (
        "adjustment.material",
        Severity.WARNING,
        "RTMSA_P_D",
    )
    assert (f.expected, f.actual, f.difference) == ("1000.00", "990.00", "-10.00")
    assert "-$10.00" in f.message and "$10.00" in f.message


def test_below_threshold_or_off_is_not_material() -> None:
    assert adjustment_lines(H1, H0, R1, R0, None, D("10.01"))[1] == []
    lines, findings = adjustment_lines(H1, H0, R1, R0, None, None)
    assert findings == [] and not any(a.material for a in lines)


@settings(max_examples=100, deadline=None)
@given(chains())
def test_recomputed_chain_checks_clean(chain: tuple[list[dict[str, LineTotal]], list[str]]) -> None:
    """Invoices equal to recon's own pass every invoice and chain check, for any week."""
    (r0, r1, r2), _ = chain
    runs = [(H0, r0, None, None), (H1, r1, r0, 100), (H2, r2, r1, 101)]
    full, invoiced = {}, {}
    for h, cur, prev, prev_id in runs:
        computed = compute_invoice(h, cur, prev, prev_id)
        inv = as_invoiced(computed)
        findings, comparisons, _ = check_invoice(h, computed, inv, current=cur, previous=prev)
        assert findings == []
        assert all(c.status == "agrees" for c in comparisons)
        full[h.run_id], invoiced[h.run_id] = full_invoice(h, cur), inv
    assert check_chain([H0, H1, H2], full, invoiced) == []


@settings(max_examples=100, deadline=None)
@given(chains(vary_classes=True), st.booleans())
def test_reclassified_chain_checks_clean_as_pairs_or_net_lines(
    chain: tuple[list[dict[str, LineTotal]], list[str]], net: bool
) -> None:
    """SPEC §4 step 8, for any week whose classifications change between runs: invoices in
    recon's reversal-and-rebill form, or showing one net line per reclassified variable,
    pass every invoice check and the chain check section by section."""
    (r0, r1, r2), _ = chain
    runs = [(H0, r0, None, None), (H1, r1, r0, 100), (H2, r2, r1, 101)]
    full, invoiced = {}, {}
    for h, cur, prev, prev_id in runs:
        computed = compute_invoice(h, cur, prev, prev_id)
        shown = computed
        if net:  # one net line per reclassified variable, in its new classification
            pairs: dict[str, list[LineItem]] = {}
            for li in computed.line_items:
                pairs.setdefault(li.variable, []).append(li)
            lines = []
            for li in computed.line_items:
                ls = pairs[li.variable]
                if len(ls) == 1:
                    lines.append(li)
                elif li is ls[-1]:
                    lines.append(net_line(ls, li))
            shown = with_lines(computed, lines)
        inv = as_invoiced(shown)
        findings, comparisons, _ = check_invoice(h, computed, inv, current=cur, previous=prev)
        assert findings == []
        assert all(c.status == "agrees" for c in comparisons)
        netted = net_form(computed, inv)[1]
        full[h.run_id], invoiced[h.run_id] = (
            full_invoice(h, cur),
            expanded_form(inv, computed, netted),
        )
    assert check_chain([H0, H1, H2], full, invoiced) == []


def test_a_wrong_rebill_line_is_an_error() -> None:
    h1 = header("ADJ1", 101, T1)
    r0 = line_totals(summary(H0, flat("X_P_D", CHG, True, "100")))[0]
    r1 = line_totals(summary(h1, flat("X_P_D", CHG, False, "100")))[0]
    computed = compute_invoice(h1, r1, r0, 100)
    lines = list(computed.line_items)
    lines[1] = lines[1].model_copy(update={"amount": D("90.00")})
    inv = as_invoiced(computed.model_copy(update={"line_items": lines}))
    findings, _, _ = check_invoice(h1, computed, inv, current=r1, previous=r0)
    assert next((f.check, f.variable, f.expected, f.actual) for f in findings) == (
        "invoice.line",
        "X_P_D",
        "100.00",
        "90.00",
    )


def test_a_net_line_that_does_not_net_the_same_is_an_error() -> None:
    h1 = header("ADJ1", 101, T1)
    r0 = line_totals(summary(H0, flat("X_P_D", CHG, True, "100")))[0]
    r1 = line_totals(summary(h1, flat("X_P_D", CHG, False, "100")))[0]
    computed = compute_invoice(h1, r1, r0, 100)
    # The old single-line form: amount 0 and GST -10 nets the same; GST 0 does not.
    good = as_invoiced(
        with_lines(computed, [net_line(list(computed.line_items), computed.line_items[1])])
    )
    assert check_invoice(h1, computed, good, current=r1, previous=r0)[0] == []
    bad = replace_line(good, "X_P_D", gst=D("0.00"))
    findings, _, _ = check_invoice(h1, computed, bad, current=r1, previous=r0)
    assert any(f.check == "invoice.line" and f.variable == "X_P_D" for f in findings)
