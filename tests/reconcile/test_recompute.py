"""SPEC §4: line amounts, GST, sections, ADJ differences, and money hygiene."""

from __future__ import annotations

import ast
from datetime import date
from decimal import ROUND_HALF_EVEN
from decimal import Decimal as D
from pathlib import Path

import pytest
from builders.invoice import line
from builders.runs import CHG, DAYS, PAY, header
from builders.strategies import chains, decimals8
from builders.summary import flat, summary, week
from hypothesis import given, settings
from hypothesis import strategies as st
from paths import REPO as ROOT

from recon.models.decimals import CENT, to_cents
from recon.models.statements import Designation
from recon.reconcile.recompute import (
    LineTotal,
    compute_invoice,
    full_invoice,
    gst_of,
    line_totals,
    make_line_total,
    section_totals,
    signed,
)

# ---------------------------------------------------------------- line amounts and GST


def test_week_summing_to_half_cent_rounds_away_from_zero() -> None:
    rows = week("X_P_D", PAY, False, ["1.001", "1.001", "1.001", "0.001", "0.001", "0", "0"])
    totals, findings = line_totals(summary(header(), rows))
    t = totals["X_P_D"]
    assert findings == []
    assert t.exact == D("3.005")
    assert t.amount == D("3.01")
    assert D("3.005").quantize(CENT, rounding=ROUND_HALF_EVEN) == D("3.00")  # not banker's


def test_negative_week_summing_to_half_cent_rounds_away_from_zero() -> None:
    rows = week("X_P_D", CHG, False, ["-2345.64", "-0.00250000", "-0.0025", "0", "0", "0", "0"])
    t = line_totals(summary(header(), rows))[0]["X_P_D"]
    assert t.exact == D("-2345.645")
    assert t.amount == D("-2345.65")


@pytest.mark.parametrize(
    ("amount", "gst"),
    [
        ("12.35", "1.24"),
        ("-12.35", "-1.24"),
        ("0.05", "0.01"),
        ("-0.05", "-0.01"),
        ("-2345.65", "-234.57"),
        ("12.34", "1.23"),
        ("12.36", "1.24"),
    ],
)
def test_gst_of_a_line_ending_in_five_rounds_away_from_zero(amount: str, gst: str) -> None:
    t = line_totals(summary(header(), flat("X_P_D", PAY, True, amount)))[0]["X_P_D"]
    assert t.amount == D(amount)
    assert t.gst == D(gst)
    assert gst_of(D(amount), False) == D("0.00")


def test_gst_not_applicable_is_zero() -> None:
    t = line_totals(summary(header(), flat("X_P_D", PAY, False, "100.00")))[0]["X_P_D"]
    assert t.gst == 0
    assert t.round_then_sum_gst == 0
    assert all(v == 0 for v in t.gst_orders().values())


def test_round_then_sum_is_kept_beside_sum_then_round() -> None:
    t = line_totals(summary(header(), week("X_P_D", PAY, True, ["0.004"] * 7)))[0]["X_P_D"]
    assert t.amount == D("0.03")
    assert t.round_then_sum == D("0.00")
    assert t.by_day == {d: D("0.004") for d in DAYS}
    assert t.gst == D("0.00")  # 10% of 0.03 = 0.003
    t2 = make_line_total("Y_P_D", PAY, True, {DAYS[0]: D("0.05"), DAYS[1]: D("0.05")})
    assert t2.gst == D("0.01")  # 10% of 0.10
    assert t2.round_then_sum_gst == D("0.02")  # 0.005 -> 0.01 each day


def test_a_tiny_negative_week_is_zero_not_negative_zero() -> None:
    t = line_totals(summary(header(), flat("X_P_D", PAY, True, "-0.004")))[0]["X_P_D"]
    inv = full_invoice(header(), {"X_P_D": t})
    figures = [
        t.amount,
        t.gst,
        t.round_then_sum,
        t.round_then_sum_gst,
        inv.line_items[0].amount,
        inv.rcti.total,
        inv.payment_summary.total_payable,
        inv.payment_summary.gst_applicable_amount,
    ]
    assert [str(x) for x in figures] == ["0.00"] * len(figures)


def test_only_rows_in_the_period_count() -> None:
    rows = [
        *flat("X_P_D", PAY, False, "10"),
        ("X_P_D", date(2024, 11, 30), PAY, False, "1000"),
        ("X_P_D", date(2024, 12, 8), PAY, False, "1000"),
    ]
    t = line_totals(summary(header(), rows))[0]["X_P_D"]
    assert t.amount == D("10.00")
    assert date(2024, 12, 8) not in t.by_day


def test_descriptions_are_attached() -> None:
    totals, _ = line_totals(summary(header(), flat("X_P_D", PAY, False, "1")), {"X_P_D": "Ex"})
    assert totals["X_P_D"].description == "Ex"


# ---------------------------------------------------------------- data.classification


def test_classification_changing_between_days_is_a_finding_and_first_day_kept() -> None:
    rows = [
        ("X_P_D", DAYS[2], CHG, False, "5"),  # file order: a later day first
        ("X_P_D", DAYS[0], PAY, True, "1"),
        ("X_P_D", DAYS[1], PAY, True, "2"),
    ]
    totals, findings = line_totals(summary(header(), rows))
    t = totals["X_P_D"]
    assert (t.payment_or_charge, t.gst_applicable) == (PAY, True)
    assert t.amount == D("8.00")
    assert sorted(f.check for f in findings) == ["data.classification"] * 2
    poc = next(f for f in findings if f.expected == "Payment")
    assert poc.actual == "Charge"
    assert poc.severity.value == "error"
    assert poc.timestamp == "2024-12-03"
    assert poc.variable == "X_P_D"
    assert poc.source == "summary.csv:2"
    assert poc.run_id == 100 and poc.participant == "SWANGEN"
    assert "Payment" in poc.message and "Charge" in poc.message


def test_consistent_classification_is_not_a_finding() -> None:
    rows = week("X_P_D", CHG, True, ["1"] * 7) + week("Y_P_D", PAY, False, ["-1"] * 7)
    assert line_totals(summary(header(), rows))[1] == []


# ---------------------------------------------------------------- full invoice


def _four_lines() -> dict[str, LineTotal]:
    rows = (
        flat("PAYY_P_D", PAY, True, "100")
        + flat("PAYN_P_D", PAY, False, "50")
        + flat("CHGY_P_D", CHG, True, "30")
        + flat("CHGN_P_D", CHG, False, "20")
    )
    return line_totals(summary(header(), rows))[0]


def test_full_invoice_sections_and_payment_summary() -> None:
    inv = compute_invoice(header(), _four_lines())
    assert [li.variable for li in inv.line_items] == [
        "PAYY_P_D",
        "PAYN_P_D",
        "CHGY_P_D",
        "CHGN_P_D",
    ]
    assert (inv.rcti.amount, inv.rcti.gst, inv.rcti.total) == (D(150), D(10), D(160))
    assert (inv.tax_invoice.amount, inv.tax_invoice.gst, inv.tax_invoice.total) == (
        D(50),
        D(3),
        D(53),
    )
    ps = inv.payment_summary
    assert ps.gst_applicable_amount == D(-70)
    assert ps.gst_not_applicable_amount == D(-30)
    assert ps.gst == D(-7)
    assert ps.total_payable == D(-107)
    assert ps.amount_due == D(-107)
    assert ps.prepayment_applied == 0 and ps.prepayment_balance == 0
    assert ps.gst_applicable_amount + ps.gst_not_applicable_amount + ps.gst == ps.total_payable
    assert inv.adjustment_information is None and inv.previous_run_id is None
    assert inv.invoice_number == "WEM-INV-100-SWANGEN"
    assert inv.designation is Designation.INITIAL


def test_full_invoice_keeps_zero_lines_and_designation() -> None:
    totals = line_totals(summary(header("ADJ1", 101), flat("Z_P_D", PAY, True, "0.004")))[0]
    inv = full_invoice(header("ADJ1", 101), totals)
    assert inv.designation is Designation.ADJ1
    assert [(li.variable, li.amount) for li in inv.line_items] == [("Z_P_D", D("0.00"))]
    assert inv.adjustment_information is None


def test_section_totals_with_prepayment() -> None:
    rcti, tax, ps = section_totals([line("A_P_D", CHG, True, "100", "10")], D("30"), D("5"))
    assert tax.total == D(110) and rcti.total == 0
    assert ps.total_payable == D(110)
    assert ps.amount_due == D(80)
    assert ps.prepayment_balance == D(5)


# ---------------------------------------------------------------- ADJ invoice


def test_adj_lines_are_differences_of_rounded_lines() -> None:
    prev = line_totals(
        summary(
            header(),
            flat("A_P_D", PAY, True, "100.004")
            + flat("GONE_P_D", CHG, False, "7")
            + flat("SAME_P_D", CHG, True, "3"),
        )
    )[0]
    cur = line_totals(
        summary(
            header("ADJ1", 101),
            flat("A_P_D", PAY, True, "100.016")
            + flat("NEW_P_D", CHG, True, "12.35")
            + flat("SAME_P_D", CHG, True, "3.00"),
        )
    )[0]
    inv = compute_invoice(header("ADJ1", 101), cur, prev, 100)
    lines = {li.variable: li for li in inv.line_items}
    assert "SAME_P_D" not in lines  # zero difference: omitted
    assert (lines["A_P_D"].amount, lines["A_P_D"].gst) == (D("0.02"), D("0.00"))  # 10.00-10.00
    assert (lines["NEW_P_D"].amount, lines["NEW_P_D"].gst) == (D("12.35"), D("1.24"))
    assert (lines["GONE_P_D"].amount, lines["GONE_P_D"].gst) == (D("-7.00"), D("0.00"))
    assert lines["GONE_P_D"].payment_or_charge is CHG
    assert inv.previous_run_id == 100
    ai = inv.adjustment_information
    assert ai is not None and ai.previous_run_id == 100
    full_cur, full_prev = full_invoice(header("ADJ1", 101), cur), full_invoice(header(), prev)
    assert ai.rcti_difference == full_cur.rcti.total - full_prev.rcti.total == inv.rcti.total
    assert (
        ai.tax_invoice_difference
        == (full_cur.tax_invoice.total - full_prev.tax_invoice.total)
        == inv.tax_invoice.total
    )


def test_adj_line_gst_is_difference_of_line_gsts() -> None:
    prev = line_totals(summary(header(), flat("A_P_D", CHG, True, "0.05")))[0]  # GST 0.01
    cur = line_totals(summary(header("ADJ1", 101), flat("A_P_D", CHG, True, "0.10")))[0]  # 0.01
    inv = compute_invoice(header("ADJ1", 101), cur, prev, 100)
    assert [(li.amount, li.gst) for li in inv.line_items] == [(D("0.05"), D("0.00"))]


def test_adj_gst_flag_change_is_a_reversal_and_a_rebill() -> None:
    """SPEC §4 step 8: the old line reversed under its old flag, the new one under its own."""
    prev = make_line_total("A_P_D", CHG, False, {DAYS[0]: D("10")})
    cur = make_line_total("A_P_D", CHG, True, {DAYS[0]: D("10")})
    inv = compute_invoice(header("ADJ1", 101), {"A_P_D": cur}, {"A_P_D": prev}, 100)
    assert [(li.gst_applicable, li.amount, li.gst) for li in inv.line_items] == [
        (False, D("-10.00"), D("0.00")),
        (True, D("10.00"), D("1.00")),
    ]
    ps = inv.payment_summary
    assert (ps.gst_applicable_amount, ps.gst_not_applicable_amount) == (D(10), D(-10))
    assert ps.total_payable == D("1.00")


def test_adj_payment_or_charge_change_is_a_reversal_and_a_rebill() -> None:
    prev = {"A_P_D": make_line_total("A_P_D", PAY, False, {DAYS[0]: D("100")})}
    cur = {"A_P_D": make_line_total("A_P_D", CHG, False, {DAYS[0]: D("50")})}
    inv = compute_invoice(header("ADJ1", 101), cur, prev, 100)
    assert [(li.payment_or_charge, li.amount) for li in inv.line_items] == [
        (PAY, D("-100.00")),
        (CHG, D("50.00")),
    ]
    assert (inv.rcti.total, inv.tax_invoice.total) == (D(-100), D(50))
    assert inv.payment_summary.total_payable == D(150)  # -(-100) + 50


def test_initial_gst_then_adj1_not_applicable_telescopes_section_by_section() -> None:
    """The issue's case: INITIAL GST applicable 100, ADJ1 not applicable 100."""
    h0, h1 = header(), header("ADJ1", 101)
    r0 = {"A_P_D": make_line_total("A_P_D", CHG, True, {DAYS[0]: D("100")})}
    r1 = {"A_P_D": make_line_total("A_P_D", CHG, False, {DAYS[0]: D("100")})}
    ini, adj = compute_invoice(h0, r0), compute_invoice(h1, r1, r0, 100)
    latest = full_invoice(h1, r1)
    for name in ("gst_applicable_amount", "gst_not_applicable_amount", "gst", "total_payable"):
        got = getattr(ini.payment_summary, name) + getattr(adj.payment_summary, name)
        assert got == getattr(latest.payment_summary, name), name
    for section in ("rcti", "tax_invoice"):
        for name in ("amount", "gst", "total"):
            got = getattr(getattr(ini, section), name) + getattr(getattr(adj, section), name)
            assert got == getattr(getattr(latest, section), name), (section, name)


def test_previous_without_run_id_is_refused() -> None:
    with pytest.raises(ValueError, match="previous_run_id"):
        compute_invoice(header("ADJ1", 101), {}, {}, None)


# ---------------------------------------------------------------- the chain adds up


@settings(max_examples=200, deadline=None)
@given(st.one_of(chains(), chains(vary_classes=True)))
def test_initial_plus_adjs_add_up_to_latest_full_invoice(
    chain: tuple[list[dict[str, LineTotal]], list[str]],
) -> None:
    (r0, r1, r2), variables = chain
    h0, h1, h2 = header("INITIAL", 1), header("ADJ1", 2), header("ADJ2", 3)
    invoices = [
        compute_invoice(h0, r0),
        compute_invoice(h1, r1, r0, 1),
        compute_invoice(h2, r2, r1, 2),
    ]
    latest = full_invoice(h2, r2)
    for v in variables:
        # Every line of the variable signed as in the Payment Summary (Charge +, Payment -),
        # by GST flag: a reversal and rebill telescope per classification too.
        got = [li for inv in invoices for li in inv.line_items if li.variable == v]
        want = latest.line(v)
        for attr in ("amount", "gst"):
            for flag in (True, False):
                total = sum(
                    (
                        signed(getattr(li, attr), li.payment_or_charge)
                        for li in got
                        if li.gst_applicable is flag
                    ),
                    D(0),
                )
                expect = (
                    signed(getattr(want, attr), want.payment_or_charge)
                    if want is not None and want.gst_applicable is flag
                    else 0
                )
                assert total == expect, (v, attr, flag)
    for section in ("rcti", "tax_invoice", "payment_summary"):
        model = getattr(latest, section)
        for name in type(model).model_fields:
            total = sum((getattr(getattr(inv, section), name) for inv in invoices), D(0))
            assert total == getattr(model, name), (section, name)
    for inv, prev_full, cur_full in (
        (invoices[1], full_invoice(h0, r0), full_invoice(h1, r1)),
        (invoices[2], full_invoice(h1, r1), latest),
    ):
        ai = inv.adjustment_information
        assert ai is not None
        assert ai.rcti_difference == cur_full.rcti.total - prev_full.rcti.total
        assert ai.rcti_difference == inv.rcti.total


@given(decimals8)
def test_to_cents_is_half_away_from_zero(value: D) -> None:
    cents = to_cents(value)
    assert abs(value - cents) <= D("0.005")
    assert to_cents(-value) == -cents
    if abs(value - cents) == D("0.005"):
        assert abs(cents) > abs(value)


# ---------------------------------------------------------------- money hygiene


def _money_path_sources() -> list[Path]:
    return sorted(
        [*(ROOT / "recon" / "reconcile").glob("*.py"), *(ROOT / "recon" / "models").glob("*.py")]
    )


def _scan(text: str, where: str) -> list[str]:
    """Uses of ``round()``, ``.round()``, ``float``, float literals and float dtypes.

    The one allowed use of ``float`` is a type test that *rejects* a float
    (``isinstance(value, float)``, as in recon/models/decimals.py).
    """
    tree = ast.parse(text)
    allowed: set[int] = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "isinstance"
            and len(node.args) == 2
        ):
            allowed.update(id(n) for n in ast.walk(node.args[1]))
    problems: list[str] = []
    for node in ast.walk(tree):
        at = f"{where}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Call):
            f = node.func
            if isinstance(f, ast.Name) and f.id == "round":
                problems.append(f"{at}: round()")
            if isinstance(f, ast.Attribute) and f.attr == "round":
                problems.append(f"{at}: .round()")
        if isinstance(node, ast.Name) and node.id == "float" and id(node) not in allowed:
            problems.append(f"{at}: float")
        if isinstance(node, ast.Constant) and isinstance(node.value, float):
            problems.append(f"{at}: float literal {node.value!r}")
        if isinstance(node, ast.Attribute) and node.attr.lower() in ("float32", "float64"):
            problems.append(f"{at}: {node.attr}")
    return problems


def test_no_round_or_float_on_money_paths() -> None:
    """recon/reconcile and recon/models never round with round() nor touch a float."""
    problems: list[str] = []
    for path in _money_path_sources():
        problems += _scan(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert problems == []


@pytest.mark.parametrize(
    "bad",
    [
        "x = round(amount, 2)",
        "y = float(text)",
        "z = frame.round(2)",
        "w = amount * 1.1",
        "v = pl.Float64",
        "u = df.astype(float)",
    ],
)
def test_money_hygiene_scan_catches_offenders(bad: str) -> None:
    assert _scan(bad, "t") != []


def test_money_hygiene_scan_allows_float_rejection_and_docstrings() -> None:
    ok = 'def f(v):\n    """Never use round() or float."""\n    return isinstance(v, float)\n'
    assert _scan(ok, "t") == []


def test_weekly_total_beyond_15_integer_digits_is_computed_exactly() -> None:
    """Each day fits Decimal(23,8); the week's sum has 16 integer digits and is still exact."""
    from recon.reconcile.recompute import compute_invoice, line_totals

    h = header()
    day = "999999999999999.99"
    totals, findings = line_totals(summary(h, week("BIG_P_D", CHG, True, [day] * 7)))
    assert findings == []
    inv = compute_invoice(h, totals)
    assert inv.line("BIG_P_D").amount == D("6999999999999999.93")
    assert inv.tax_invoice.gst == D("699999999999999.99")
    assert inv.tax_invoice.total == D("7699999999999999.92")
