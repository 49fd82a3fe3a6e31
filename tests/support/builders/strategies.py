"""Hypothesis strategies of inputs: Decimal(23,8) values and line totals of a run chain."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

from recon.reconcile.recompute import LineTotal, make_line_total

from .runs import CHG, DAYS, PAY


def _places8(integer_digits: int) -> st.SearchStrategy[Decimal]:
    """Decimals of eight places and up to ``integer_digits`` digits before the point."""
    bound = Decimal(10) ** integer_digits - Decimal("0.00000001")
    return st.decimals(
        min_value=-bound, max_value=bound, places=8, allow_nan=False, allow_infinity=False
    )


decimals8 = _places8(5)
"""Hypothesis: Decimal(23,8) Summary values of a modest size (five integer digits)."""

decimals_23_8 = _places8(14)
"""Hypothesis: any Decimal(23,8) value a statement may hold (14 integer digits, 8 places)."""

_CLASSES = st.tuples(st.sampled_from([PAY, CHG]), st.booleans())


@st.composite
def chains(
    draw: st.DrawFn, vary_classes: bool = False
) -> tuple[list[dict[str, LineTotal]], list[str]]:
    """Hypothesis: line totals of three runs (INITIAL, ADJ1, ADJ2) of one week.

    About a quarter of the variables are missing from any one run. Each variable keeps one
    classification, unless ``vary_classes``: then each run may give a variable another
    Payment/Charge or GST flag (SPEC §4 step 8).
    """
    n = draw(st.integers(1, 6))
    variables = [f"V{i}_P_D" for i in range(n)]
    classes = {v: draw(_CLASSES) for v in variables}
    runs = []
    for _ in range(3):
        totals: dict[str, LineTotal] = {}
        for v in variables:
            if not draw(st.booleans()) and draw(st.booleans()):
                continue
            if vary_classes and draw(st.booleans()):
                classes[v] = draw(_CLASSES)
            days = draw(st.lists(st.sampled_from(DAYS), min_size=1, max_size=7, unique=True))
            values = {d: draw(decimals8) for d in days}
            totals[v] = make_line_total(v, *classes[v], values)
        runs.append(totals)
    return runs, variables
