"""The result of a check (SPEC §6): inputs, findings, and the figures behind them.

``findings.json`` is :meth:`CheckResult.findings_document`; the reports read the rest
(recomputed invoices, line comparisons, adjustments, attribution), which
:meth:`CheckResult.model_dump_json` keeps whole in ``result.json`` so reports can be
rebuilt from a saved check.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from recon.__about__ import __version__
from recon.errors import EXIT_CLEAN, EXIT_FINDINGS
from recon.models.decimals import Money
from recon.models.findings import Finding, Severity
from recon.models.invoices import Invoice
from recon.models.own import OwnResult

if TYPE_CHECKING:
    import pandas as pd


class InputRecord(BaseModel):
    """One input artefact as detected (SPEC §6 ``inputs``)."""

    path: str
    sha256: str
    kind: str
    participant: str | None = None
    period: str | None = None
    run_id: int | None = None
    designation: str | None = None


class RunInfo(BaseModel):
    """One run of a participant's Trading Week, as the reports show it.

    Attributes:
        participant, period, run_id, designation, published_at: The run header.
        previous_run_id: The previous published run among the inputs (ADJ only).
        artefacts: Kinds of artefact held for the run (e.g. ``summary_csv``).
        computed: The invoice recomputed from the statements (None without a Summary).
        invoiced: AEMO's invoice as read (JSON preferred, else PDF), None if not given.
    """

    participant: str
    period: str
    run_id: int
    designation: str
    published_at: datetime | None = None
    previous_run_id: int | None = None
    artefacts: list[str] = Field(default_factory=list)
    computed: Invoice | None = None
    invoiced: Invoice | None = None


class LineComparison(BaseModel):
    """One invoice line: recomputed vs invoiced (the Invoice sheet)."""

    participant: str
    period: str
    run_id: int
    designation: str
    variable: str
    description: str = ""
    payment_or_charge: str
    gst_applicable: bool
    computed_amount: Money | None = None
    computed_gst: Money | None = None
    invoiced_amount: Money | None = None
    invoiced_gst: Money | None = None
    status: str = "ok"
    """``ok``, ``rounding`` (info), ``differs``, ``missing_on_invoice``, ``not_in_statement``."""


class AdjustmentLine(BaseModel):
    """One variable of an ADJ run: full amounts of both runs, delta, invoiced delta."""

    participant: str
    period: str
    run_id: int
    designation: str
    previous_run_id: int
    variable: str
    payment_or_charge: str | None = None
    previous: Money
    current: Money
    delta: Money
    invoiced_delta: Money | None = None
    difference: Money | None = None
    material: bool = False


class AttributionRow(BaseModel):
    """Where an ADJ line's delta came from (report item: Attribution).

    ``kind`` is ``day`` (the Summary delta on one Trading Day) or ``detail`` (one Detail
    value that changed: variable, scope, interval).
    """

    participant: str
    period: str
    run_id: int
    previous_run_id: int
    line_variable: str
    kind: str
    rank: int
    trading_day: date | None = None
    variable: str | None = None
    scope: str | None = None
    interval_start: datetime | None = None
    interval_end: datetime | None = None
    previous: Money | None = None
    current: Money | None = None
    change: Money


class RunCoverage(BaseModel):
    """What recon could check for one run (SPEC §6 "Coverage").

    Attributes:
        participant, period, run_id, designation: The run.
        summary: A Summary (either form) was used.
        detail_days: Trading Days of the Period for which a Detail (either form) was used.
        period_days: Trading Days in the Period.
        invoice_json: An Invoice JSON was used.
        invoice_pdf: An Invoice PDF was used.
        previous_run: For an ADJ run, whether its previous run was among the inputs;
            None for INITIAL.
        notes: Plain-language reasons the run is not fully checked (e.g. a
            ``source.conflict`` that kept an artefact out), for the verdict lines.
    """

    participant: str
    period: str
    run_id: int
    designation: str
    summary: bool = False
    detail_days: int = 0
    period_days: int = 7
    invoice_json: bool = False
    invoice_pdf: bool = False
    previous_run: bool | None = None
    notes: list[str] = Field(default_factory=list)

    @property
    def fully_checked(self) -> bool:
        """Summary, every Detail day, an Invoice, and (ADJ) the previous run were all used."""
        return (
            self.summary
            and self.detail_days >= self.period_days
            and (self.invoice_json or self.invoice_pdf)
            and self.previous_run is not False
            and not self.notes
        )

    def document(self) -> dict[str, Any]:
        """The SPEC §6 ``coverage`` entry (``notes`` left out)."""
        return self.model_dump(mode="json", exclude={"notes"})


class CheckResult(BaseModel):
    """Everything a check produced. ``recon.check()`` returns one; the CLI writes it.

    Attributes:
        recon_version: recon's version.
        generated_at: When the check ran (aware).
        inputs: Every input detected.
        skipped: Paths not used, with the reason.
        findings: Every finding, sorted by :meth:`Finding.sort_key`.
        runs: Every run, ordered by participant, period, PublishedAt.
        lines: Recomputed vs invoiced lines.
        adjustments: ADJ lines.
        attribution: Where ADJ deltas came from.
        materiality: The ``--materiality`` threshold used, if any.
        coverage: What could be checked, per run (SPEC §6).
        own: The ``--own`` tie-out per series (SPEC §9), when asked for.
    """

    recon_version: str = __version__
    generated_at: datetime
    inputs: list[InputRecord] = Field(default_factory=list)
    skipped: list[dict[str, str]] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    runs: list[RunInfo] = Field(default_factory=list)
    lines: list[LineComparison] = Field(default_factory=list)
    adjustments: list[AdjustmentLine] = Field(default_factory=list)
    attribution: list[AttributionRow] = Field(default_factory=list)
    materiality: Money | None = None
    coverage: list[RunCoverage] = Field(default_factory=list)
    own: OwnResult | None = None

    @property
    def counts(self) -> dict[str, int]:
        """Findings by severity: ``{"error": n, "warning": n, "info": n}``."""
        out = {s.value: 0 for s in Severity}
        for f in self.findings:
            out[f.severity.value] += 1
        return out

    def exit_code(self, strict: bool = False) -> int:
        """0 when clean, 1 when an error (or with ``strict`` a warning) was found."""
        c = self.counts
        bad = c["error"] + (c["warning"] if strict else 0)
        return EXIT_FINDINGS if bad else EXIT_CLEAN

    def verdict_lines(self) -> list[str]:
        """The verdict in plain words, qualified by coverage (SPEC §6 "Coverage").

        The first line is the verdict; "No discrepancies" is said only of runs fully
        checked. The following lines name each run that was not fully checked and why.
        The terminal, the HTML banner and the Excel Overview all show these lines.
        """
        c = self.counts
        full = [r for r in self.coverage if r.fully_checked]
        partial = [r for r in self.coverage if not r.fully_checked]
        if c["error"]:
            head = f"{c['error']} error(s), {c['warning']} warning(s), {c['info']} info."
        elif partial:
            head = (
                f"No discrepancies in what was checked: {len(full)} run(s) fully checked, "
                f"{len(partial)} not fully checked."
            )
        else:
            head = f"No discrepancies: {len(full)} run(s) fully checked."
        lines = [head]
        for r in partial:
            missing: list[str] = []
            if not r.summary:
                missing.append("no Summary")
            if r.detail_days < r.period_days:
                missing.append(f"Detail for {r.detail_days} of {r.period_days} days")
            if not (r.invoice_json or r.invoice_pdf):
                missing.append("no Invoice")
            if r.previous_run is False:
                missing.append("no previous run")
            missing.extend(r.notes)
            lines.append(f"Run {r.run_id} ({r.designation}, {r.period}): {'; '.join(missing)}.")
        return lines

    def findings_document(self) -> dict[str, Any]:
        """The ``findings.json`` document of SPEC §6 (decimals as strings)."""
        return {
            "recon_version": self.recon_version,
            "generated_at": self.generated_at.isoformat(),
            "inputs": [i.model_dump(mode="json") for i in self.inputs],
            "counts": self.counts,
            "coverage": [c.document() for c in self.coverage],
            "findings": [f.model_dump(mode="json") for f in self.findings],
        }

    def to_frame(self) -> pd.DataFrame:
        """The findings as a pandas DataFrame, one row per finding, on Arrow.

        Columns are the :class:`Finding` fields, typed:

        - ``expected``, ``actual``, ``difference``: exact ``decimal128(23,8)`` (pandas
          ``ArrowDtype``), null where the figure is not a Decimal(23,8) number (the
          ``adjustment.chain`` designations, a ``data.value`` finding's unreadable text);
          ``expected_text`` and ``actual_text`` hold every figure as the finding gives it;
        - ``run_id``, ``position``: integers (``Int64``, null where absent);
        - ``timestamp``, ``interval_start``, ``interval_end``: timestamps in AWST
          (``timestamp[us, tz=+08:00]``; a date is its midnight), when every value of the
          column reads as an ISO 8601 date or time; else the column stays text;
        - everything else: text (``string[pyarrow]``).
        """
        from decimal import Decimal, InvalidOperation

        import pandas as pd  # 0.5 s to import: only when a DataFrame is asked for
        import pyarrow as pa

        from recon.wem.calendar import AWST

        money = pa.decimal128(23, 8)
        eight_places = Decimal("1E-8")
        limit = Decimal(10) ** 15

        def exact(text: str | None) -> Decimal | None:
            if text is None:
                return None
            try:
                d = Decimal(text)
            except InvalidOperation:
                return None
            if not d.is_finite() or abs(d) >= limit or d != d.quantize(eight_places):
                return None
            return d

        def when(text: str) -> datetime | None:
            try:
                t = datetime.fromisoformat(text)
            except ValueError:
                return None
            return t if t.tzinfo is not None else t.replace(tzinfo=AWST)

        def time_column(texts: list[str | None]) -> pd.Series:
            times = [None if t is None else when(t) for t in texts]
            if any(t is None and x is not None for t, x in zip(times, texts, strict=True)):
                return pd.Series(texts, dtype="string[pyarrow]")
            arr = pa.array(times, type=pa.timestamp("us", tz="+08:00"))
            return pd.Series(arr, dtype=pd.ArrowDtype(arr.type))

        rows = [f.model_dump(mode="json") for f in self.findings]
        columns: dict[str, Any] = {}
        for name in Finding.model_fields:
            values = [r[name] for r in rows]
            if name in ("expected", "actual", "difference"):
                arr = pa.array([exact(v) for v in values], type=money)
                columns[name] = pd.Series(arr, dtype=pd.ArrowDtype(money))
                if name != "difference":
                    columns[f"{name}_text"] = pd.Series(values, dtype="string[pyarrow]")
            elif name in ("run_id", "position"):
                columns[name] = pd.Series(values, dtype="Int64")
            elif name in ("timestamp", "interval_start", "interval_end"):
                columns[name] = time_column(values)
            else:
                columns[name] = pd.Series(values, dtype="string[pyarrow]")
        return pd.DataFrame(columns)
