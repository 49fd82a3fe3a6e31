"""A realistic CheckResult built by hand (the one the report tests write): an INITIAL and
an ADJ1 run of one Trading Week.

The ADJ1 invoice carries one planted discrepancy: AEMO invoiced -21.35 for ``RTMSA_P_D``
where the statements give a delta of -12.35 (a 9.00 difference that runs through the RCTI,
the Payment Summary and the Adjustment Information). Findings include a variable text
starting with ``=`` (formula injection) and a scope holding ``<script>`` (HTML injection).
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from decimal import Decimal as D

from recon.models.findings import Finding, Severity
from recon.models.invoices import (
    AdjustmentInformation,
    Invoice,
    LineItem,
    PaymentSummary,
    SectionTotals,
)
from recon.models.results import (
    AdjustmentLine,
    AttributionRow,
    CheckResult,
    FigureComparison,
    InputRecord,
    LineComparison,
    RunInfo,
)
from recon.models.statements import Designation, PaymentOrCharge
from recon.wem.calendar import AWST, trading_interval

P, C = PaymentOrCharge.PAYMENT, PaymentOrCharge.CHARGE
PARTICIPANT = "IMOWA"
WEEK = "TW 01 Oct 2023"
INITIAL, ADJ1 = 50000, 51000
FORMULA_VARIABLE = '=HYPERLINK("http://evil.example","x")_P_D'
SCRIPT_SCOPE = "<script>alert(1)</script>"

DESCRIPTIONS = {
    "RTMSA_P_D": "Real-Time Market settlement amount",
    "CCP_P_D": "Capacity Credit payment",
    "MFEE_P_D": "Market fees",
    "PRUD_P_D": "Prudential charge",
}
FLAGS = {
    "RTMSA_P_D": (P, True),
    "CCP_P_D": (P, True),
    "MFEE_P_D": (C, True),
    "PRUD_P_D": (C, False),
}


def _lines(amounts: dict[str, tuple[str, str]], source: str | None = None) -> list[LineItem]:
    return [
        LineItem(
            variable=v,
            description=DESCRIPTIONS[v],
            payment_or_charge=FLAGS[v][0],
            gst_applicable=FLAGS[v][1],
            amount=D(a),
            gst=D(g),
            source=source,
        )
        for v, (a, g) in amounts.items()
    ]


def _invoice(
    run_id: int,
    designation: Designation,
    lines: list[LineItem],
    summary: tuple[str, ...],
    rcti: tuple[str, str, str],
    tax: tuple[str, str, str],
    adj: tuple[str, str] | None = None,
    form: str = "json",
) -> Invoice:
    ga, gna, gst, total = summary
    return Invoice(
        invoice_number=f"WEM-INV-{run_id}-{PARTICIPANT}",
        run_id=run_id,
        previous_run_id=INITIAL if adj else None,
        designation=designation,
        period=WEEK,
        participant=PARTICIPANT,
        issued_at=datetime(2023, 10, 31, 15, 30, 45),
        trade_week=WEEK,
        line_items=lines,
        payment_summary=PaymentSummary(
            gst_applicable_amount=D(ga),
            gst_not_applicable_amount=D(gna),
            gst=D(gst),
            total_payable=D(total),
            prepayment_applied=D("0.00"),
            amount_due=D(total),
            prepayment_balance=D("0.00"),
        ),
        rcti=SectionTotals(amount=D(rcti[0]), gst=D(rcti[1]), total=D(rcti[2])),
        tax_invoice=SectionTotals(amount=D(tax[0]), gst=D(tax[1]), total=D(tax[2])),
        adjustment_information=(
            AdjustmentInformation(
                previous_run_id=INITIAL, rcti_difference=D(adj[0]), tax_invoice_difference=D(adj[1])
            )
            if adj
            else None
        ),
        source=f"invoice_{run_id}.{form}",
        form=form,
    )


INITIAL_LINES = {
    "RTMSA_P_D": ("125430.55", "12543.06"),
    "CCP_P_D": ("48210.00", "4821.00"),
    "MFEE_P_D": ("1530.42", "153.04"),
    "PRUD_P_D": ("250.00", "0.00"),
}
INITIAL_ARGS = dict(
    summary=("-172110.13", "250.00", "-17211.02", "-189071.15"),
    rcti=("173640.55", "17364.06", "191004.61"),
    tax=("1780.42", "153.04", "1933.46"),
)
ADJ_COMPUTED = {
    "RTMSA_P_D": ("-12.35", "-1.24"),
    "CCP_P_D": ("0.00", "0.00"),
    "MFEE_P_D": ("4.68", "0.47"),
    "PRUD_P_D": ("0.00", "0.00"),
}
ADJ_INVOICED = {**ADJ_COMPUTED, "RTMSA_P_D": ("-21.35", "-1.24")}


def _comparisons(
    run_id: int,
    designation: str,
    computed: dict[str, tuple[str, str]],
    invoiced: dict[str, tuple[str, str]],
) -> list[LineComparison]:
    out = []
    for v, (a, g) in computed.items():
        ia, ig = invoiced[v]
        out.append(
            LineComparison(
                participant=PARTICIPANT,
                period=WEEK,
                run_id=run_id,
                designation=designation,
                variable=v,
                description=DESCRIPTIONS[v],
                payment_or_charge=FLAGS[v][0].value,
                gst_applicable=FLAGS[v][1],
                computed_amount=D(a),
                computed_gst=D(g),
                invoiced_amount=D(ia),
                invoiced_gst=D(ig),
                status="ok" if (a, g) == (ia, ig) else "differs",
            )
        )
    return out


_FIGURES = (
    ("payment_summary", "Payment Summary", "gst_applicable_amount", "GST Applicable Amount"),
    (
        "payment_summary",
        "Payment Summary",
        "gst_not_applicable_amount",
        "GST Not Applicable Amount",
    ),
    ("payment_summary", "Payment Summary", "gst", "GST"),
    ("payment_summary", "Payment Summary", "total_payable", "Total Payable"),
    ("payment_summary", "Payment Summary", "prepayment_applied", "Prepayment Applied"),
    ("payment_summary", "Payment Summary", "amount_due", "Amount Due"),
    ("payment_summary", "Payment Summary", "prepayment_balance", "Prepayment Balance"),
    ("rcti", "Recipient Created Tax Invoice", "amount", "Amount"),
    ("rcti", "Recipient Created Tax Invoice", "gst", "GST"),
    ("rcti", "Recipient Created Tax Invoice", "total", "Total"),
    ("tax_invoice", "Tax Invoice", "amount", "Amount"),
    ("tax_invoice", "Tax Invoice", "gst", "GST"),
    ("tax_invoice", "Tax Invoice", "total", "Total"),
    ("adjustment_information", "Adjustment Information", "rcti_difference", "RCTI Difference"),
    (
        "adjustment_information",
        "Adjustment Information",
        "tax_invoice_difference",
        "Tax Invoice Difference",
    ),
)


def _figures(
    run_id: int, designation: str, comp: Invoice, inv: Invoice, differing: set[str]
) -> list[FigureComparison]:
    """The reconciler's verdicts for the hand-made invoices, set by hand (``differing``)."""
    out = []
    for part, section, name, label in _FIGURES:
        holder_c, holder_i = getattr(comp, part), getattr(inv, part)
        if holder_i is None:
            continue
        prepay = name.startswith("prepayment")
        out.append(
            FigureComparison(
                participant=PARTICIPANT,
                period=WEEK,
                run_id=run_id,
                designation=designation,
                kind="section",
                section=section,
                figure=label,
                computed=None if prepay else getattr(holder_c, name),
                invoiced=getattr(holder_i, name),
                status="from_invoice"
                if prepay
                else "differs"
                if f"{part}.{name}" in differing
                else "agrees",
                note="taken from the invoice" if prepay else "",
                source=f"{inv.source}#/{part}/{name}",
            )
        )
    return out


def _adjustment(v: str, prev: str, cur: str, invoiced: str, material: bool) -> AdjustmentLine:
    delta = D(cur) - D(prev)
    return AdjustmentLine(
        participant=PARTICIPANT,
        period=WEEK,
        run_id=ADJ1,
        designation="ADJ1",
        previous_run_id=INITIAL,
        variable=v,
        payment_or_charge=FLAGS[v][0].value,
        previous=D(prev),
        current=D(cur),
        delta=delta,
        invoiced_delta=D(invoiced),
        difference=D(invoiced) - delta,
        material=material,
    )


def _attr(
    line: str,
    kind: str,
    rank: int,
    day: date,
    change: str,
    prev: str | None = None,
    cur: str | None = None,
    variable: str | None = None,
    scope: str | None = None,
    interval: int | None = None,
) -> AttributionRow:
    start = end = None
    if interval is not None:
        start, end = trading_interval(day, interval)
    elif kind == "detail":
        start = datetime(day.year, day.month, day.day, 8, tzinfo=AWST)
    return AttributionRow(
        participant=PARTICIPANT,
        period=WEEK,
        run_id=ADJ1,
        previous_run_id=INITIAL,
        line_variable=line,
        kind=kind,
        rank=rank,
        trading_day=day,
        variable=variable or line,
        scope=scope,
        interval_start=start,
        interval_end=end,
        previous=D(prev) if prev else None,
        current=D(cur) if cur else None,
        change=D(change),
    )


def _sha(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()


def _finding(
    check: str,
    message: str,
    run_id: int,
    designation: str,
    severity: Severity | None = None,
    **fields: object,
) -> Finding:
    hdr = type(
        "H",
        (),
        {"participant": PARTICIPANT, "period": WEEK, "run_id": run_id, "designation": designation},
    )()
    return Finding.make(check, message, header=hdr, severity=severity, **fields)


def build_result() -> CheckResult:
    """The hand-made check result every report test uses."""
    initial_inv = _invoice(INITIAL, Designation.INITIAL, _lines(INITIAL_LINES), **INITIAL_ARGS)
    adj_computed = _invoice(
        ADJ1,
        Designation.ADJ1,
        _lines(ADJ_COMPUTED),
        summary=("17.03", "0.00", "1.71", "18.74"),
        rcti=("-12.35", "-1.24", "-13.59"),
        tax=("4.68", "0.47", "5.15"),
        adj=("-13.59", "5.15"),
    )
    adj_invoiced = _invoice(
        ADJ1,
        Designation.ADJ1,
        _lines(ADJ_INVOICED, source="invoice_51000.json"),
        summary=("26.03", "0.00", "1.71", "27.74"),
        rcti=("-21.35", "-1.24", "-22.59"),
        tax=("4.68", "0.47", "5.15"),
        adj=("-22.59", "5.15"),
    )
    artefacts = ["summary_csv", "detail_zip", "invoice_json"]
    runs = [
        RunInfo(
            participant=PARTICIPANT,
            period=WEEK,
            run_id=INITIAL,
            designation="INITIAL",
            published_at=datetime(2023, 10, 31, 15, 30, 45),
            artefacts=artefacts,
            computed=initial_inv,
            invoiced=initial_inv.model_copy(),
        ),
        RunInfo(
            participant=PARTICIPANT,
            period=WEEK,
            run_id=ADJ1,
            designation="ADJ1",
            published_at=datetime(2024, 1, 16, 9, 45, 0),
            previous_run_id=INITIAL,
            artefacts=artefacts,
            computed=adj_computed,
            invoiced=adj_invoiced,
        ),
    ]
    figures = _figures(INITIAL, "INITIAL", initial_inv, initial_inv, set()) + _figures(
        ADJ1,
        "ADJ1",
        adj_computed,
        adj_invoiced,
        {
            "payment_summary.gst_applicable_amount",
            "payment_summary.total_payable",
            "payment_summary.amount_due",
            "rcti.amount",
            "rcti.total",
            "adjustment_information.rcti_difference",
        },
    )
    lines = _comparisons(INITIAL, "INITIAL", INITIAL_LINES, INITIAL_LINES) + _comparisons(
        ADJ1, "ADJ1", ADJ_COMPUTED, ADJ_INVOICED
    )
    adjustments = [
        _adjustment("RTMSA_P_D", "125430.55", "125418.20", "-21.35", True),
        _adjustment("CCP_P_D", "48210.00", "48210.00", "0.00", False),
        _adjustment("MFEE_P_D", "1530.42", "1535.10", "4.68", False),
        _adjustment("PRUD_P_D", "250.00", "250.00", "0.00", False),
    ]
    d3, d5, d2 = date(2023, 10, 3), date(2023, 10, 5), date(2023, 10, 2)
    attribution = [
        _attr("RTMSA_P_D", "day", 1, d3, "-10.00000000", "18000.12000000", "17990.12000000"),
        _attr("RTMSA_P_D", "day", 2, d5, "-2.35000000", "17950.40000000", "17948.05000000"),
        _attr(
            "RTMSA_P_D",
            "detail",
            1,
            d3,
            "-8.50000000",
            "120.50000000",
            "112.00000000",
            "RTMSA_F_I",
            "COLLIE_ESR1",
            17,
        ),
        _attr(
            "RTMSA_P_D",
            "detail",
            2,
            d5,
            "-2.35000000",
            "64.10000000",
            "61.75000000",
            "RTMSA_F_I",
            "YANDIN_WF1",
            30,
        ),
        _attr(
            "RTMSA_P_D",
            "detail",
            3,
            d3,
            "-1.50000000",
            "98.00000000",
            "96.50000000",
            "RTMSA_F_I",
            "COLLIE_ESR1",
            18,
        ),
        _attr("MFEE_P_D", "day", 1, d2, "4.68000000", "218.63000000", "223.31000000"),
        _attr(
            "MFEE_P_D",
            "detail",
            1,
            d2,
            "0.00012000",
            "0.84210000",
            "0.84222000",
            "MFEERATE_G_D",
            "Global",
        ),
    ]
    findings = [
        _finding(
            "data.period",
            "PeriodTo 2023-10-08 makes the Period eight days long, not seven.",
            INITIAL,
            "INITIAL",
            source="summary_50000.csv:2",
        ),
        _finding(
            "data.variable",
            f"Variable {FORMULA_VARIABLE!r} is not of the form BASE_SCOPE_GRANULARITY.",
            INITIAL,
            "INITIAL",
            variable=FORMULA_VARIABLE,
            timestamp="2023-10-02",
            source="summary_50000.csv:17",
        ),
        _finding(
            "data.scope",
            f"Scope {SCRIPT_SCOPE!r} does not fit the Facility grammar.",
            ADJ1,
            "ADJ1",
            variable="RTMSA_F_I",
            scope=SCRIPT_SCOPE,
            timestamp="2023-10-03T16:00:00+08:00",
            source="detail_51000.zip/TD_2023-10-03.csv:88",
        ),
        _finding(
            "invoice.line",
            "The ADJ1 invoice shows -21.35 for RTMSA_P_D where the "
            "statements give a delta of -12.35.",
            ADJ1,
            "ADJ1",
            variable="RTMSA_P_D",
            expected=D("-12.35"),
            actual=D("-21.35"),
            difference=D("-9.00"),
            source="invoice_51000.json#/data/0/lineItems/0/amount",
        ),
        _finding(
            "invoice.total",
            "The ADJ1 RCTI total is -22.59 but its recomputed lines give -13.59.",
            ADJ1,
            "ADJ1",
            variable="rcti.total",
            expected=D("-13.59"),
            actual=D("-22.59"),
            difference=D("-9.00"),
            source="invoice_51000.json#/rcti/total",
        ),
        _finding(
            "invoice.total",
            "The ADJ1 Total Payable is 27.74 but the recomputed invoice gives 18.74.",
            ADJ1,
            "ADJ1",
            variable="paymentSummary.totalPayable",
            expected=D("18.74"),
            actual=D("27.74"),
            difference=D("9.00"),
            source="invoice_51000.json#/paymentSummary/totalPayable",
        ),
        _finding(
            "adjustment.material",
            "ADJ1 changes RTMSA_P_D by -12.35 (from 125,430.55 "
            "in run 50000 to 125,418.20), at or above the materiality threshold of 5.00.",
            ADJ1,
            "ADJ1",
            variable="RTMSA_P_D",
            expected=D("125430.55"),
            actual=D("125418.20"),
            difference=D("-12.35"),
        ),
        _finding(
            "invoice.line",
            "MFEE_P_D GST differs by a cent only under round-then-sum.",
            INITIAL,
            "INITIAL",
            severity=Severity.INFO,
            variable="MFEE_P_D",
            expected=D("153.04"),
            actual=D("153.04"),
        ),
    ]
    findings.sort(key=Finding.sort_key)
    inputs = [
        InputRecord(
            path=f"/data/imowa/{name}",
            sha256=_sha(name),
            kind=kind,
            participant=PARTICIPANT,
            period=WEEK,
            run_id=run,
            designation=des,
        )
        for name, kind, run, des in [
            ("summary_50000.csv", "summary_csv", INITIAL, "INITIAL"),
            ("detail_50000.zip", "detail_zip", INITIAL, "INITIAL"),
            ("invoice_50000.json", "invoice_json", INITIAL, "INITIAL"),
            ("summary_51000.csv", "summary_csv", ADJ1, "ADJ1"),
            ("detail_51000.zip", "detail_zip", ADJ1, "ADJ1"),
            ("invoice_51000.json", "invoice_json", ADJ1, "ADJ1"),
        ]
    ]
    inputs.append(
        InputRecord(path="=cmd|' /C calc'!A0.csv", sha256=_sha("evil"), kind="summary_csv")
    )
    return CheckResult(
        generated_at=datetime(2024, 1, 16, 10, 5, 12, tzinfo=AWST),
        inputs=inputs,
        skipped=[
            {"path": "+notes.txt", "reason": "not a WEM settlement artefact"},
            {"path": "@README.md", "reason": "not a WEM settlement artefact"},
        ],
        findings=findings,
        runs=runs,
        lines=lines,
        adjustments=adjustments,
        attribution=attribution,
        materiality=D("5.00"),
        figures=figures,
    )
