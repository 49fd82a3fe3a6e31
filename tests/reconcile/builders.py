"""Small hand-made statements and invoices for the reconcile tests."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal as D

from hypothesis import strategies as st

from recon.models.invoices import Invoice, LineItem
from recon.models.statements import (
    Designation,
    PaymentOrCharge,
    RunHeader,
    SummaryRow,
    SummaryStatement,
)
from recon.reconcile.recompute import LineTotal, make_line_total

PAY, CHG = PaymentOrCharge.PAYMENT, PaymentOrCharge.CHARGE
WEEK_FROM = date(2024, 12, 1)
WEEK_TO = date(2024, 12, 7)
DAYS = [WEEK_FROM + timedelta(days=i) for i in range(7)]
PERIOD = "TW 01 Dec 2024"


def header(
    designation: str = "INITIAL",
    run_id: int = 100,
    published: datetime | None = None,
    *,
    participant: str = "SWANGEN",
    period: str = PERIOD,
) -> RunHeader:
    """A run header of TW 01 Dec 2024."""
    order = Designation(designation).order
    return RunHeader(
        run_id=run_id,
        published_at=published or datetime(2024, 12, 19, 15, 30) + timedelta(days=30 * order),
        designation=Designation(designation),
        period=period,
        period_from=WEEK_FROM,
        period_to=WEEK_TO,
        participant=participant,
    )


Row = tuple[str, date, PaymentOrCharge, bool, str]


def summary(h: RunHeader, rows: Iterable[Row], source: str = "summary.csv") -> SummaryStatement:
    """A Summary statement from ``(variable, day, P Or C, GST, value)`` rows."""
    return SummaryStatement(
        header=h,
        source=source,
        form="csv",
        rows=[
            SummaryRow(
                variable=v,
                timestamp=d,
                payment_or_charge=p,
                gst_applicable=g,
                value=D(x),
                source=f"{source}:{i + 2}",
            )
            for i, (v, d, p, g, x) in enumerate(rows)
        ],
    )


def week(variable: str, poc: PaymentOrCharge, gst: bool, values: Iterable[str]) -> list[Row]:
    """Rows of one variable, one value per Trading Day from 1 Dec."""
    return [(variable, DAYS[i], poc, gst, v) for i, v in enumerate(values)]


def flat(variable: str, poc: PaymentOrCharge, gst: bool, total: str) -> list[Row]:
    """Rows of one variable whose week adds up to ``total`` (all on the first day, zeros after)."""
    return week(variable, poc, gst, [total, *["0"] * 6])


def as_invoiced(computed: Invoice, source: str = "inv.json", **changes: object) -> Invoice:
    """A copy of a computed invoice as if AEMO had sent it (JSON form, with sources)."""
    lines = [
        li.model_copy(update={"source": f"{source}#/data/0/lineItems/{i}"})
        for i, li in enumerate(computed.line_items)
    ]
    update: dict[str, object] = {"line_items": lines, "source": source, "form": "json"}
    update.update(changes)
    return computed.model_copy(update=update)


def replace_line(inv: Invoice, variable: str, **changes: object) -> Invoice:
    """A copy of an invoice with one line changed."""
    lines = [
        li.model_copy(update=changes) if li.variable == variable else li for li in inv.line_items
    ]
    return inv.model_copy(update={"line_items": lines})


def line(
    variable: str, poc: PaymentOrCharge, gst_applicable: bool, amount: str, gst: str
) -> LineItem:
    """An invoice line."""
    return LineItem(
        variable=variable,
        payment_or_charge=poc,
        gst_applicable=gst_applicable,
        amount=D(amount),
        gst=D(gst),
    )


decimals8 = st.decimals(
    min_value=D("-99999.99999999"),
    max_value=D("99999.99999999"),
    places=8,
    allow_nan=False,
    allow_infinity=False,
)
"""Hypothesis: Decimal(23,8) Summary values."""

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
