"""The result of a check (SPEC §6): inputs, findings, and the figures behind them.

``findings.json`` is :meth:`CheckResult.findings_document`; the reports read the rest
(recomputed invoices, line comparisons, adjustments, attribution), which
:meth:`CheckResult.model_dump_json` keeps whole in ``result.json`` so reports can be
rebuilt from a saved check.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from recon.__about__ import __version__
from recon.errors import EXIT_CLEAN, EXIT_FINDINGS
from recon.models.decimals import DecimalFormatError, Money, parse_decimal
from recon.models.findings import CheckId, Finding, Severity
from recon.models.invoices import Invoice
from recon.models.kinds import Kind
from recon.models.own import OwnResult
from recon.wem.calendar import AWST

if TYPE_CHECKING:
    import pandas as pd


# --- Figure verdicts: one verdict per figure, decided by the reconciler ---------------------


class FigureState(StrEnum):
    """The verdict on one figure recon compared (a line's amount or GST, a section figure),
    as result.json writes it and the reports say it (:attr:`text`).

    Ordered by :attr:`rank`: differs is worse than rounding, which is worse than the rest.
    """

    AGREES = "agrees"
    """Equal to the cent."""
    DIFFERS = "differs"
    """Differs (an error finding says how)."""
    ROUNDING = "rounding"
    """Differs by a cent that another rounding order gives (an info finding, SPEC §4)."""
    FROM_INVOICE = "from_invoice"
    """Taken from the invoice, not compared (prepayments, which recon cannot know)."""
    NOT_COMPARABLE = "not_comparable"
    """Recon has one side only (no invoice for the run, or nothing to compare it with)."""

    @property
    def text(self) -> str:
        """How every report (HTML, Excel, terminal) says the verdict."""
        return _STATE_TEXT[self]

    @property
    def rank(self) -> int:
        """How bad the verdict is: 0 (agrees) to 3 (differs)."""
        return _STATE_RANK[self]

    @classmethod
    def _missing_(cls, value: object) -> FigureState | None:
        """A line status of a result.json saved before the one vocabulary, read as its
        verdict today (``ok`` is ``agrees``, ``missing_on_invoice`` is ``differs``...)."""
        return _SAVED_BEFORE.get(value) if isinstance(value, str) else None


_STATE_TEXT = {
    FigureState.AGREES: "agrees",
    FigureState.DIFFERS: "differs",
    FigureState.ROUNDING: "rounding order (info)",
    FigureState.FROM_INVOICE: "taken from the invoice",
    FigureState.NOT_COMPARABLE: "not comparable",
}
_STATE_RANK = {
    FigureState.AGREES: 0,
    FigureState.NOT_COMPARABLE: 1,
    FigureState.FROM_INVOICE: 1,
    FigureState.ROUNDING: 2,
    FigureState.DIFFERS: 3,
}
_SAVED_BEFORE = {
    "ok": FigureState.AGREES,
    "missing_on_invoice": FigureState.DIFFERS,
    "not_in_statement": FigureState.DIFFERS,
    "no_invoice": FigureState.NOT_COMPARABLE,
}
"""Line statuses of results saved before the one vocabulary, and their verdict today."""


class InputRecord(BaseModel):
    """One input artefact as detected (SPEC §6 ``inputs``)."""

    path: str
    sha256: str
    kind: Kind
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
    status: FigureState = FigureState.AGREES
    """The worse of the line amount's and GST's verdicts (a status saved by an older recon
    is read as today's, :meth:`FigureState._missing_`)."""
    note: str = ""
    """Why, in words, where the status alone does not say (e.g. ``missing on the invoice``)."""


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
        detail_forms: The Trading Days held by each form of Detail used (``csv``: a CSV or
            ZIP; ``json``), for the history's coverage by day (SPEC §8); not part of the
            SPEC §6 coverage entry.
        invoice_json: An Invoice JSON was used.
        invoice_pdf: An Invoice PDF was used.
        previous_run: For an ADJ run, whether its previous run was among the inputs;
            None for INITIAL.
        at_stake: The cash at stake (SPEC §10): the invoice's Amount Due less recon's
            recomputed one (for an ADJ run, of the ADJ invoice: the change), from the
            participant's side (positive: the participant is owed), to the cent; None when
            the run has no invoice or nothing to recompute it from.
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
    detail_forms: dict[str, list[date]] = Field(default_factory=dict)
    invoice_json: bool = False
    invoice_pdf: bool = False
    previous_run: bool | None = None
    at_stake: Money | None = None
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
        return self.model_dump(mode="json", exclude={"notes", "detail_forms"})


class UnlistedFindings(BaseModel):
    """Findings a report counts but does not list: of one run, check and severity.

    Attributes:
        participant, period, run_id: The run (as the findings name it; empty/0 if none).
        check: The check.
        severity: Their severity.
        count: How many.
    """

    participant: str
    period: str
    run_id: int
    check: CheckId
    severity: Severity
    count: int


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
    figures: list[FigureComparison] = Field(default_factory=list)
    """Every figure the reconciler compared, with its verdict (the reports only read it)."""
    unlisted: list[UnlistedFindings] = Field(default_factory=list, exclude=True)
    """Findings left out of ``findings`` for the reports, counted (``recon.report.listing``
    cuts long lists); never saved: a saved check holds every finding."""

    @property
    def counts(self) -> dict[str, int]:
        """Findings by severity: ``{"error": n, "warning": n, "info": n}`` (listed or not)."""
        out = {s.value: 0 for s in Severity}
        for f in self.findings:
            out[f.severity.value] += 1
        for u in self.unlisted:
            out[u.severity.value] += u.count
        return out

    @property
    def fully_checked(self) -> bool:
        """Every run was fully checked and no input was recognisable but unread."""
        return all(r.fully_checked for r in self.coverage) and not any(
            f.check == CheckId.COVERAGE_UNREAD for f in self.findings
        )

    def exit_code(self, strict: bool = False) -> int:
        """0 when clean, 1 when an error was found; with ``strict`` also when a warning was,
        or when a run was not fully checked (SPEC §6 "Coverage")."""
        c = self.counts
        bad = c["error"] + (c["warning"] if strict else 0)
        if strict and not self.fully_checked:
            bad += 1
        return EXIT_FINDINGS if bad else EXIT_CLEAN

    def verdict_lines(self) -> list[str]:
        """The verdict in plain words, qualified by coverage (SPEC §6 "Coverage").

        The first line is the verdict: "No discrepancies" is said only when every run was
        fully checked, else "No discrepancies in what was checked". The second says what
        was checked, e.g. "3 runs fully checked; run 51230 has no Detail for 2 days; the
        invoice of run 53874 has no statement". The terminal, the HTML banner and the
        Excel Overview all show these lines.
        """
        c = self.counts
        full = [r for r in self.coverage if r.fully_checked]
        partial = [r for r in self.coverage if not r.fully_checked]
        unread = sum(1 for f in self.findings if f.check == CheckId.COVERAGE_UNREAD)
        counts = (
            f"{c['error']} error{_s(c['error'])}, {c['warning']} warning{_s(c['warning'])}, "
            f"{c['info']} info"
        )
        stake = self.stake_phrase()
        if c["error"]:
            others = f"{c['warning']} warning{_s(c['warning'])}, {c['info']} info"
            head = f"Discrepancies found: {self.causes_phrase()}" + (f"; {stake}" if stake else "")
            head += f"; {others}."
        elif partial or unread or not self.coverage:
            head = f"No discrepancies in what was checked, but not everything was: {counts}."
        elif c["warning"]:
            head = f"No discrepancies; {counts} to review."
        else:
            head = "No discrepancies."
        if not c["error"] and stake and any(self.at_stake_by_participant().values()):
            head = head[:-1] + f"; {stake}."  # cents from a rounding order (info)
        participants = {r.participant for r in self.coverage}
        parts = [f"{len(full)} run{_s(len(full))} fully checked"]
        for r in partial:
            parts.append(_coverage_phrase(r, len(participants) > 1))
        if unread:
            parts.append(
                f"{unread} file{_s(unread)} recognisable as settlement artefact{_s(unread)} "
                "could not be read"
            )
        return [head, "; ".join(parts) + "."]

    def error_root_count(self) -> int | None:
        """How many root causes the error findings have (SPEC §10): each error counts its
        ``cause``, or itself when it is a root. None for a check saved without ids (by a
        recon that did not group findings)."""
        errors = [f for f in self.findings if f.severity is Severity.ERROR]
        if any(f.id is None for f in errors):
            return None
        return len({f.cause or f.id for f in errors})

    def causes_phrase(self) -> str:
        """``21 errors in 6 root causes`` (``1 error in 1 root cause``; ``21 errors`` for a
        check saved without root causes)."""
        e, r = self.counts["error"], self.error_root_count()
        text = f"{e} error{_s(e)}"
        return text if r is None else f"{text} in {r} root cause{_s(r)}"

    def at_stake_by_participant(self) -> dict[str, Decimal]:
        """Each participant's cash at stake: the sum of its runs' ``at_stake`` (runs without
        one left out); participants with no such run are absent."""
        out: dict[str, Decimal] = {}
        for r in self.coverage:
            if r.at_stake is not None:
                out[r.participant] = out.get(r.participant, Decimal("0.00")) + r.at_stake
        return out

    def stake_phrase(self) -> str | None:
        """The cash at stake in words, from the participant's side (SPEC §10):
        ``$100.00 at stake: AEMO owes you``, ``$5.00 at stake: you owe AEMO``, ``$0.00 at
        stake``; for several participants with cash at stake, each one's: ``at stake: AEMO
        owes SWANGEN $12.34; PLANTCO $0.00``. Invoices recon could not recompute are
        counted; None when no run has an invoice, or the check was saved by a recon that did
        not state it."""
        stakes = self.at_stake_by_participant()
        invoiced = [r for r in self.coverage if r.invoice_json or r.invoice_pdf]
        if not invoiced or self._saved_before_at_stake():
            return None
        unknown = sum(1 for r in invoiced if r.at_stake is None)
        if not stakes:
            return "cash at stake unknown: no invoice could be recomputed"
        if len(stakes) == 1 or not any(stakes.values()):
            total = sum(stakes.values(), Decimal("0.00"))
            text = f"{_dollars(total)} at stake" + (
                ": AEMO owes you" if total > 0 else ": you owe AEMO" if total < 0 else ""
            )
        else:
            parts = []
            for p, total in sorted(stakes.items()):
                if total > 0:
                    parts.append(f"AEMO owes {p} {_dollars(total)}")
                elif total < 0:
                    parts.append(f"{p} owes AEMO {_dollars(total)}")
                else:
                    parts.append(f"{p} {_dollars(total)}")
            text = "at stake: " + "; ".join(parts)
        if unknown:
            text += f" ({unknown} invoice{_s(unknown)} not recomputed)"
        return text

    def _saved_before_at_stake(self) -> bool:
        """Whether this check was saved by a recon that did not state cash at stake: a run
        with a recomputed invoice and an invoice, and no ``at_stake``."""
        stated = {
            (c.participant, c.period, c.run_id) for c in self.coverage if c.at_stake is not None
        }
        return any(
            r.computed is not None
            and r.invoiced is not None
            and (r.participant, r.period, r.run_id) not in stated
            for r in self.runs
        )

    def findings_document(self) -> dict[str, Any]:
        """The ``findings.json`` document of SPEC §6 (decimals as strings)."""
        return {
            **self.findings_document_head(),
            "findings": [f.model_dump(mode="json") for f in self.findings],
        }

    def findings_document_head(self) -> dict[str, Any]:
        """:meth:`findings_document` but its last member, the findings (written streamed
        by ``recon.report.saved``)."""
        return {
            "recon_version": self.recon_version,
            "generated_at": self.generated_at.isoformat(),
            "inputs": [i.model_dump(mode="json") for i in self.inputs],
            "counts": self.counts,
            "coverage": [c.document() for c in self.coverage],
        }

    def to_frame(self) -> pd.DataFrame:
        """The findings as a pandas DataFrame, one row per finding, on Arrow.

        Columns are the :class:`Finding` fields, typed:

        - ``expected``, ``actual``, ``difference``, ``at_stake``: exact
          ``decimal128(23,8)`` (pandas ``ArrowDtype``), null where the figure is not a
          Decimal(23,8) number (the ``adjustment.chain`` designations, a ``data.value``
          finding's unreadable text); ``expected_text`` and ``actual_text`` hold every
          figure as the finding gives it;
        - ``run_id``, ``position``, ``consequences``: integers (``Int64``, null where
          absent);
        - ``timestamp``, ``interval_start``, ``interval_end``: timestamps in AWST
          (``timestamp[us, tz=+08:00]``; a date is its midnight), when every value of the
          column reads as an ISO 8601 date or time; else the column stays text;
        - everything else: text (``string[pyarrow]``).
        """
        # start-up: pandas and pyarrow cost 600 and 110 ms to import (python -X importtime,
        # 2026-12-05); only to_frame() needs them, not `recon report` or `recon fetch`
        import pandas as pd
        import pyarrow as pa

        money = pa.decimal128(23, 8)

        def exact(text: str | None) -> Decimal | None:
            if text is None:
                return None
            try:
                return parse_decimal(text)
            except DecimalFormatError:
                return None

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
            if name in ("expected", "actual", "difference", "at_stake"):
                arr = pa.array([exact(v) for v in values], type=money)
                columns[name] = pd.Series(arr, dtype=pd.ArrowDtype(money))
                if name in ("expected", "actual"):
                    columns[f"{name}_text"] = pd.Series(values, dtype="string[pyarrow]")
            elif name in ("run_id", "position", "consequences"):
                columns[name] = pd.Series(values, dtype="Int64")
            elif name in ("timestamp", "interval_start", "interval_end"):
                columns[name] = time_column(values)
            else:
                columns[name] = pd.Series(values, dtype="string[pyarrow]")
        return pd.DataFrame(columns)


def _s(n: int) -> str:
    return "" if n == 1 else "s"


def _dollars(value: Decimal) -> str:
    """``$1,234.56`` for an amount's size (its sign is said in words)."""
    return f"${abs(value):,.2f}"


def _coverage_phrase(r: RunCoverage, name_participant: bool) -> str:
    """What was not checked of one run, e.g. "run 51230 has no Detail for 2 days"."""
    run = f"run {r.run_id}" + (f" of {r.participant}" if name_participant else "")
    has_invoice = r.invoice_json or r.invoice_pdf
    if not r.summary and r.detail_days == 0 and has_invoice:
        gaps = [f"the invoice of {run} has no statement"]
    else:
        missing: list[str] = []
        if not r.summary:
            missing.append("no Summary")
        if r.detail_days == 0:
            missing.append("no Detail")
        elif r.detail_days < r.period_days:
            n = r.period_days - r.detail_days
            missing.append(f"no Detail for {n} day{_s(n)}")
        if not has_invoice:
            missing.append("no invoice")
        if r.previous_run is False:
            missing.append("no previous run among the inputs")
        gaps = [f"{run} has " + " and ".join(missing)] if missing else []
    gaps.extend(f"{run}: {note}" for note in r.notes)
    return "; ".join(gaps) or f"{run} was not fully checked"


class FigureComparison(BaseModel):
    """One figure the reconciler compared: recon's figure, AEMO's, and its verdict.

    Attributes:
        participant, period, run_id, designation: The run.
        kind: ``line_amount``, ``line_gst``, ``section`` (RCTI, Tax Invoice, Payment
            Summary, Adjustment Information figures), ``summary_row`` (a PDF Payment
            Summary row) or ``chain`` (a run chain total, on the latest run).
        section: Where the figure sits, as the invoice names it (``Payment Summary``).
        figure: The figure's name (``Total Payable``) or the line's variable.
        variable: The line's variable, for a line figure (else None).
        computed: recon's figure (recomputed from the statements, or the invoice's own
            arithmetic where that is what was compared); None when recon has none.
        invoiced: AEMO's figure; None when the invoice has none.
        status: Its verdict.
        note: Why, in words (e.g. which rounding order, or what the invoice's own lines
            give), where the status alone does not say.
        source: Where AEMO's figure sits (as a finding's ``source``).
    """

    participant: str
    period: str
    run_id: int
    designation: str
    kind: str
    section: str
    figure: str
    variable: str | None = None
    computed: Money | None = None
    invoiced: Money | None = None
    status: FigureState = FigureState.AGREES
    note: str = ""
    source: str | None = None

    @property
    def difference(self) -> Money | None:
        """AEMO's figure minus recon's, or None unless both are there."""
        if self.computed is None or self.invoiced is None:
            return None
        return self.invoiced - self.computed


CheckResult.model_rebuild()
