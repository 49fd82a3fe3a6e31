"""The engine: group loaded artefacts into runs and weeks, and run every check they allow.

Pure: models in, a :class:`~recon.models.results.CheckResult` out. The Python API and the
CLI detect and load the artefacts (files or the store) and call :func:`run_checks`.

For each participant and Trading Week the runs are ordered by PublishedAt; an ADJ run's
previous run is found among them by SPEC §4.7. Per run, the preferred form of each
artefact is used for the arithmetic (Summary: CSV, else JSON; Detail: ZIP/CSV, else JSON;
Invoice: JSON, else PDF), and the other forms are tied out against it.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from recon.models import aemo_names as aemo
from recon.models.detail import combine_details, period_days
from recon.models.findings import Finding
from recon.models.invoices import Invoice
from recon.models.loaded import Loaded, Model
from recon.models.results import (
    AdjustmentLine,
    AttributionRow,
    CheckResult,
    FigureComparison,
    LineComparison,
    RunCoverage,
    RunInfo,
)
from recon.models.statements import DetailStatement, RunHeader, SummaryStatement
from recon.reconcile.adjustments import (
    adjustment_lines,
    check_chain,
    previous_missing,
    previous_run,
)
from recon.reconcile.arithmetic import (
    LineTotal,
    compute_invoice,
    expanded_form,
    full_invoice,
    line_totals,
    net_form,
)
from recon.reconcile.attribution import attribute
from recon.reconcile.invoices import (
    chain_figures,
    check_invoice,
    check_invoice_arithmetic,
    uninvoiced_figures,
)
from recon.reconcile.tieouts import (
    check_pdf_json,
    detail_coverage,
    detail_mismatch,
    summary_mismatch,
    summary_vs_detail,
)

log = logging.getLogger(__name__)


@dataclass
class Run:
    """Every artefact held for one run: (participant, RunId), SPEC §6 "Grouping".

    Attributes:
        header: The run's header: the preferred statement's (Summary, else Detail, else
            the invoice's), with the participant code in its one spelling.
        summaries, details, invoices: The artefacts used, by form.
        kinds: Kinds of artefact used.
        notes: Why the run is not fully checked beyond what coverage counts (e.g. a
            ``source.conflict`` kept an artefact out).
    """

    header: RunHeader
    summaries: dict[str, SummaryStatement] = field(default_factory=dict)
    details: dict[str, list[DetailStatement]] = field(default_factory=lambda: defaultdict(list))
    invoices: dict[str, Invoice] = field(default_factory=dict)
    kinds: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    given: set[str] = field(default_factory=set)
    """``Summary``, ``Detail``, ``Invoice``: what the inputs held, used or not."""

    @property
    def key(self) -> RunKey:
        """(participant, run_id)."""
        return (self.header.participant, self.header.run_id)

    @property
    def summary(self) -> SummaryStatement | None:
        """The preferred Summary: CSV, else JSON."""
        return self.summaries.get("csv") or self.summaries.get("json")

    def detail(self, form: str) -> DetailStatement | None:
        """The Detail of one form (``zip``/``csv`` or ``json``), days combined."""
        parts = self.details.get(form)
        return combine_details(parts, parts[0].source) if parts else None

    @property
    def invoice(self) -> Invoice | None:
        """The preferred invoice: JSON, else PDF."""
        return self.invoices.get("json") or self.invoices.get("pdf")

    @property
    def detail_days(self) -> set[date]:
        """Trading Days held by a Detail of either form."""
        return {d for parts in self.details.values() for p in parts for d in p.days}


RunKey = tuple[str, int]
"""How artefacts group into runs: (participant, RunId), never the text of a label."""

PARTICIPANT_CODE = re.compile(r"[A-Z0-9_]+")
"""A participant code (SPEC §2)."""

_LOOSE_LABEL = re.compile(r"^\s*TW\s+(\d{1,2})\s+([A-Za-z]{3})[A-Za-z]*\.?\s+(\d{4})\s*$")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def participant_code(raw: str) -> str:
    """The one spelling of a participant code: white space removed, upper case
    (SPEC §6 "Grouping" **[reading]**: letter case and white space do not make another
    participant)."""
    return re.sub(r"\s+", "", raw).upper()


def loose_week(label: str | None) -> date | None:
    """The first day a Trading Week label names, however it is spelled (``TW 1 dec 2024``,
    trailing space); None when it names no date."""
    m = _LOOSE_LABEL.match(label) if isinstance(label, str) else None
    if not m or m.group(2).lower() not in _MONTHS:
        return None
    try:
        return date(int(m.group(3)), _MONTHS.index(m.group(2).lower()) + 1, int(m.group(1)))
    except ValueError:
        return None


def canonical_label(label: str) -> str:
    """A Trading Week label in its one spelling, ``TW 01 Dec 2024`` (unchanged when it
    names no date)."""
    day = loose_week(label)
    if day is None:
        return label
    return f"TW {day.day:02d} {_MONTHS[day.month - 1].title()} {day.year}"


def _form(m: Model) -> str:
    """The engine's form of an artefact: ``csv``/``json`` (statements), ``json``/``pdf``."""
    if isinstance(m, DetailStatement):
        return "json" if m.form == "json" else "csv"
    return m.form


def _what(m: Model) -> str:
    """``Summary CSV``, ``Detail JSON``, ``Invoice PDF``: an artefact's kind, in words."""
    kind = (
        "Summary"
        if isinstance(m, SummaryStatement)
        else ("Detail" if isinstance(m, DetailStatement) else "Invoice")
    )
    return f"{kind} {_form(m).upper()}"


def _participant(m: Model) -> str:
    return m.participant if isinstance(m, Invoice) else m.header.participant


def _period(m: Model) -> str:
    return m.period if isinstance(m, Invoice) else m.header.period


def _invoice_header(inv: Invoice) -> RunHeader:
    """A header for a run known only from its invoice (no statements given).

    A label that names no Trading Week (nor does ``tradeWeek``) leaves the Period at
    0001-01-01 to 0001-01-07: the invoice is still checked on its own, never dropped.
    """
    start = loose_week(inv.period) or loose_week(inv.trade_week) or date.min
    return RunHeader(
        run_id=inv.run_id,
        published_at=inv.issued_at or datetime.min,
        designation=inv.designation,
        period=inv.period,
        period_from=start,
        period_to=start + timedelta(days=6),
        participant=participant_code(inv.participant),
    )


def _reference(items: list[Loaded]) -> Model:
    """The artefact whose header names the run: a Summary (CSV first), else a Detail,
    else an invoice (JSON first), in path order within each."""

    order = {
        "Summary CSV": 0,
        "Summary JSON": 1,
        "Detail CSV": 2,
        "Detail JSON": 3,
        "Invoice JSON": 4,
        "Invoice PDF": 5,
    }

    def rank(item: Loaded) -> tuple[int, str]:
        return (order[_what(item.model)], item.record.path)

    return min(items, key=rank).model


def _header_findings(run: Run, items: list[Loaded]) -> list[Finding]:
    """``data.header`` on each artefact whose participant code or Period label is spelled
    other than the run's (SPEC §6 "Grouping"); the artefact is still used."""
    out: list[Finding] = []
    h = run.header
    for item in items:
        m = item.model
        raw_p, raw_label = _participant(m), _period(m)
        src = item.record.path
        if not PARTICIPANT_CODE.fullmatch(h.participant):
            if item is items[0] or raw_p != _participant(items[0].model):
                out.append(
                    Finding.make(
                        "data.header",
                        f"ParticipantCode {raw_p!r} is not a participant code "
                        "(capital letters, digits and '_' only).",
                        header=h,
                        actual=repr(raw_p),
                        source=src,
                    )
                )
        elif raw_p != h.participant:
            out.append(
                Finding.make(
                    "data.header",
                    f"ParticipantCode {raw_p!r} in this {_what(m)} is spelled other than "
                    f"{h.participant!r}; it is checked with run {h.run_id} of {h.participant}.",
                    header=h,
                    expected=h.participant,
                    actual=repr(raw_p),
                    source=src,
                )
            )
        if isinstance(m, Invoice) and loose_week(raw_label) is None:
            out.append(
                Finding.make(
                    "data.header",
                    f"Period {raw_label!r} of this {_what(m)} does not name a Trading Week "
                    "(expected a label like 'TW 01 Dec 2024'); it is checked with run "
                    f"{h.run_id}.",
                    header=h,
                    actual=repr(raw_label),
                    source=src,
                )
            )
        elif raw_label != h.period:
            names = loose_week(raw_label)
            if names == h.period_from:
                why = "names the same Trading Week another way"
            elif names is None:
                why = "does not name a Trading Week"
            else:
                why = f"names the Trading Week of {names}, not {h.period_from}"
            out.append(
                Finding.make(
                    "data.header",
                    f"Period {raw_label!r} in this {_what(m)} {why} (the run's is "
                    f"{h.period!r}); it is checked with run {h.run_id}.",
                    header=h,
                    expected=h.period,
                    actual=repr(raw_label),
                    source=src,
                )
            )
    return out


def group_runs(loaded: list[Loaded]) -> dict[RunKey, Run]:
    """Group artefacts into runs by (participant, RunId); see :func:`group`."""
    return group(loaded)[0]


def group(loaded: list[Loaded]) -> tuple[dict[RunKey, Run], list[Finding]]:
    """Group artefacts into runs by (participant, RunId) (SPEC §6 "Grouping").

    A participant code or Period label spelled another way is a ``data.header`` error on
    the artefact that differs, which is still used with its run. An invoice is never
    dropped: one without statements makes a run of its own. Two files claiming the same
    artefact with different content are a ``source.conflict`` and neither is used;
    identical copies are used once.

    Returns:
        (runs, findings made while grouping).
    """
    by_key: dict[RunKey, list[Loaded]] = defaultdict(list)
    for item in loaded:
        m = item.model
        by_key[
            (
                participant_code(_participant(m)),
                m.run_id if isinstance(m, Invoice) else m.header.run_id,
            )
        ].append(item)
    runs: dict[RunKey, Run] = {}
    out: list[Finding] = []
    for key, items in by_key.items():
        items = sorted(items, key=lambda i: i.record.path)
        ref = _reference(items)
        header = _invoice_header(ref) if isinstance(ref, Invoice) else ref.header
        header = header.model_copy(
            update={"participant": key[0], "period": canonical_label(header.period)}
        )
        run = Run(header=header)
        runs[key] = run
        items = [next(i for i in items if i.model is ref)] + [
            i for i in items if i.model is not ref
        ]
        out.extend(_header_findings(run, items))
        kept, conflicts = resolve_copies(run, items)
        out.extend(conflicts)
        for item in kept:
            m = item.model
            run.kinds.add(item.record.kind)
            if isinstance(m, SummaryStatement):
                run.summaries[m.form] = m
            elif isinstance(m, DetailStatement):
                run.details[_form(m)].append(m)
            else:
                run.invoices[m.form] = m
    return runs, out


def _content(m: Model) -> dict[str, str]:
    """An artefact's content as ``{place: value}`` to compare two copies (file names,
    row sources and read findings left out)."""
    out: dict[str, str] = {}
    if isinstance(m, SummaryStatement):
        out.update({f"header.{k}": str(v) for k, v in m.header.model_dump().items()})
        for r in m.rows:
            place = f"{r.variable} {r.timestamp}"
            out[place] = format(r.value, "f")
            flag = "Y" if r.gst_applicable else "N"
            out[f"{place} (P Or C, GST)"] = f"{r.payment_or_charge.value}, {flag}"
        return out
    if isinstance(m, DetailStatement):
        out.update({f"header.{k}": str(v) for k, v in m.header.model_dump().items()})
        frame = m.with_values().frame
        for rec in frame.iter_rows(named=True):
            place = f"{rec['settlement_trading_day']} {rec['variable']} {rec['scope']} "
            place += str(rec["timestamp"])
            out[place] = "[" + ",".join(format(v, "f") for v in rec["values"] or []) + "]"
        return out
    doc = m.model_dump(mode="json", exclude={"source", "findings", "form"})
    lines = doc.pop("line_items", [])
    _flatten(doc, "", out)
    for li in lines:
        _flatten(li, f"{aemo.INV_LINE_ITEMS}[{li.get('variable')}].", out)
    return out


def _flatten(value: object, prefix: str, out: dict[str, str]) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            if k not in ("source", "sources", "findings"):  # where read, not what it says
                _flatten(v, f"{prefix}{k}.", out)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _flatten(v, f"{prefix}{i}.", out)
    else:
        out[prefix.rstrip(".")] = str(value)


def _first_difference(a: dict[str, str], b: dict[str, str]) -> tuple[str, str, str]:
    """(place, value in a, value in b) of the first place where two contents differ."""
    for place in sorted(a.keys() | b.keys()):
        if a.get(place) != b.get(place):
            return place, a.get(place, "(absent)"), b.get(place, "(absent)")
    return "", "", ""


def _slot(m: Model) -> list[tuple[str, str]]:
    """The artefact slots a file claims: (kind and form, day) per Trading Day for a
    Detail, one slot otherwise."""
    if isinstance(m, DetailStatement):
        return [(_what(m), d.isoformat()) for d in m.days] or [(_what(m), "")]
    return [(_what(m), "")]


def resolve_copies(run: Run, items: list[Loaded]) -> tuple[list[Loaded], list[Finding]]:
    """Keep one copy of each artefact; two different copies are a ``source.conflict``.

    Files claim the same artefact when they are of the same kind and form for the same
    run (and, for a Detail, the same Settlement Trading Day). Copies with the same content
    are used once (the first by path); copies that differ are reported, naming both
    files and the first difference, and none of them is used.

    Returns:
        (artefacts to use, ``source.conflict`` findings). A note is added to ``run`` for
        each conflict.
    """
    by_slot: dict[tuple[str, str], list[Loaded]] = defaultdict(list)
    for item in items:
        for slot in _slot(item.model):
            by_slot[slot].append(item)
    dropped: set[int] = set()
    findings: list[Finding] = []
    cache: dict[int, dict[str, str]] = {}

    def content(item: Loaded) -> dict[str, str]:
        if id(item) not in cache:
            cache[id(item)] = _content(item.model)
        return cache[id(item)]

    for (what, day), claims in sorted(by_slot.items()):
        if len(claims) < 2:
            continue
        first = claims[0]
        for other in claims[1:]:
            a, b = content(first), content(other)
            if isinstance(first.model, DetailStatement) and day:
                a = {k: v for k, v in a.items() if k.startswith(day) or k.startswith("header")}
                b = {k: v for k, v in b.items() if k.startswith(day) or k.startswith("header")}
            if a == b:
                if _covers(first, other):
                    dropped.add(id(other))
                continue
            place, va, vb = _first_difference(a, b)
            dropped.update((id(first), id(other)))
            on = f" of {day}" if day else ""
            findings.append(
                Finding.make(
                    "source.conflict",
                    f"{first.record.path} and {other.record.path} both claim the {what}{on} "
                    f"of run {run.header.run_id} but differ, first at {place} ({va} against "
                    f"{vb}); neither is used, so the run is not fully checked.",
                    header=run.header,
                    expected=va if _is_number(va) else None,
                    actual=vb if _is_number(vb) else None,
                    source=f"{first.record.path}; {other.record.path}",
                )
            )
            note = f"the {what}{on} is in conflict between two files"
            if note not in run.notes:
                run.notes.append(note)
    return [i for i in items if id(i) not in dropped], findings


def _covers(first: Loaded, other: Loaded) -> bool:
    """Whether ``first`` holds every Trading Day ``other`` does (so ``other`` is a copy)."""
    a, b = first.model, other.model
    if isinstance(a, DetailStatement) and isinstance(b, DetailStatement):
        return set(b.days) <= set(a.days)
    return True


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    return True


def _descriptions(runs: list[Run]) -> dict[str, str]:
    out: dict[str, str] = {}
    for run in runs:
        for inv in run.invoices.values():
            for li in inv.line_items:
                if li.description:
                    out.setdefault(li.variable, li.description)
    return out


def run_checks(
    loaded: list[Loaded],
    *,
    materiality: Decimal | None = None,
    findings: list[Finding] | None = None,
    skipped: list[dict[str, str]] | None = None,
    generated_at: datetime | None = None,
) -> CheckResult:
    """Run every check the loaded artefacts allow.

    Args:
        loaded: Artefacts with their input records.
        materiality: ``--materiality`` threshold for ``adjustment.material`` (None: off).
        findings: Findings already made while loading (e.g. ``data.columns``).
        skipped: Inputs not used, with reasons.
        generated_at: The time to stamp (default now, UTC).

    Returns:
        The result with findings sorted as SPEC §6 says.
    """
    out: list[Finding] = list(findings or [])
    runs, grouping = group(loaded)
    out.extend(grouping)
    run_of: dict[RunKey, Run] = runs
    for item in loaded:
        m = item.model
        if isinstance(m, (SummaryStatement, DetailStatement, Invoice)):
            run = run_of[_key(m)]
            out.extend(_in_run(f, run.header) for f in m.findings)
            run.given.add(_what(m).split()[0])

    descriptions = _descriptions(list(runs.values()))
    totals: dict[RunKey, dict[str, LineTotal]] = {}
    for run in runs.values():
        s = run.summary
        if s is not None:
            t, f = line_totals(s, descriptions)
            totals[run.key] = t
            out.extend(_in_run(x, run.header) for x in f)

    weeks: dict[tuple[str, str], list[Run]] = defaultdict(list)
    for run in runs.values():
        weeks[(run.header.participant, run.header.period)].append(run)

    infos: list[RunInfo] = []
    lines: list[LineComparison] = []
    figures: list[FigureComparison] = []  # every figure compared, with its verdict
    adjustments: list[AdjustmentLine] = []
    attribution: list[AttributionRow] = []
    coverage: list[RunCoverage] = []
    for key in sorted(weeks):
        week = sorted(weeks[key], key=lambda r: (r.header.published_at, r.header.run_id))
        headers = [r.header for r in week]
        by_id = {r.header.run_id: r for r in week}
        full: dict[int, Invoice] = {}
        invoiced: dict[int, Invoice] = {}
        for run in week:
            h = run.header
            out.extend(_in_run(f, h) for f in _tieouts(run))
            cur = totals.get(run.key)
            inv = run.invoice
            if inv is not None:
                invoiced[h.run_id] = inv
            if cur is not None:
                full[h.run_id] = full_invoice(h, cur, descriptions)
            prev_h = previous_run(h, headers) if h.designation.is_adjustment else None
            prev_run = by_id.get(prev_h.run_id) if prev_h else None
            prev = totals.get(prev_run.key) if prev_run else None
            computed: Invoice | None = None
            if cur is not None and not h.designation.is_adjustment:
                computed = compute_invoice(h, cur, None, None, descriptions)
            elif cur is not None and prev is not None and prev_h is not None:
                computed = compute_invoice(h, cur, prev, prev_h.run_id, descriptions)
            elif cur is not None and h.designation.is_adjustment:
                out.append(previous_missing(h))
            if computed is not None and inv is not None:
                # A single net line accepted for a reclassified variable counts in the
                # chain as recon's reversal and rebill (SPEC §4 step 8).
                invoiced[h.run_id] = expanded_form(inv, computed, net_form(computed, inv)[1])
                f, cmp = check_invoice(
                    h,
                    computed,
                    inv,
                    current=cur or {},
                    previous=prev if h.designation.is_adjustment else None,
                    figures=figures,
                )
                out.extend(f)
                lines.extend(cmp)
            elif computed is not None:
                lines.extend(_uninvoiced(h, computed))
                figures.extend(uninvoiced_figures(h, computed))
            elif inv is not None:
                # Nothing to recompute against: still check the invoice's own arithmetic.
                out.extend(check_invoice_arithmetic(h, inv, figures=figures))
            if (
                h.designation.is_adjustment
                and prev_h is not None
                and cur is not None
                and prev is not None
            ):
                adj, f = adjustment_lines(h, prev_h, cur, prev, inv, materiality)
                adjustments.extend(adj)
                out.extend(f)
                changed = [a.variable for a in adj if a.delta != 0]
                if changed and prev_run is not None and run.summary and prev_run.summary:
                    attribution.extend(
                        attribute(
                            h,
                            prev_h,
                            run.summary,
                            prev_run.summary,
                            _cast(run.detail("csv") or run.detail("json")),
                            _cast(prev_run.detail("csv") or prev_run.detail("json")),
                            changed,
                        )
                    )
            cov = run_coverage(run, prev_run, prev is not None)
            coverage.append(cov)
            out.extend(coverage_findings(run, cov))
            infos.append(
                RunInfo(
                    participant=h.participant,
                    period=h.period,
                    run_id=h.run_id,
                    designation=h.designation.value,
                    published_at=h.published_at,
                    previous_run_id=prev_h.run_id if prev_h else None,
                    artefacts=sorted(run.kinds),
                    computed=computed,
                    invoiced=inv,
                )
            )
        out.extend(check_chain(headers, full, invoiced))
        figures.extend(chain_figures(headers, full, invoiced))

    out.sort(key=Finding.sort_key)
    return CheckResult(
        generated_at=generated_at or datetime.now(UTC),
        inputs=[item.record for item in loaded],
        skipped=list(skipped or []),
        findings=out,
        runs=infos,
        lines=lines,
        adjustments=adjustments,
        attribution=attribution,
        materiality=materiality,
        coverage=coverage,
        figures=figures,
    )


def _key(m: Model) -> RunKey:
    """The run an artefact belongs to: (participant code, RunId)."""
    run_id = m.run_id if isinstance(m, Invoice) else m.header.run_id
    return (participant_code(_participant(m)), run_id)


def _in_run(f: Finding, h: RunHeader) -> Finding:
    """A finding of an artefact, named by its run's participant code and Period."""
    if f.participant == h.participant and f.period == h.period:
        return f
    return f.model_copy(update={"participant": h.participant, "period": h.period})


def run_coverage(run: Run, prev_run: Run | None, previous_used: bool) -> RunCoverage:
    """What could be checked for one run (SPEC §6 "Coverage").

    Args:
        run: The run.
        prev_run: Its previous run among the inputs (ADJ), if any.
        previous_used: Whether the previous run's Summary was there to compute deltas.
    """
    h = run.header
    days = period_days(h)
    held = run.detail_days
    return RunCoverage(
        participant=h.participant,
        period=h.period,
        run_id=h.run_id,
        designation=h.designation.value,
        summary=run.summary is not None,
        detail_days=sum(1 for d in days if d in held),
        period_days=len(days),
        invoice_json="json" in run.invoices,
        invoice_pdf="pdf" in run.invoices,
        previous_run=(previous_used if run.summary is not None else prev_run is not None)
        if h.designation.is_adjustment
        else None,
        notes=list(run.notes),
    )


def coverage_findings(run: Run, cov: RunCoverage) -> list[Finding]:
    """``coverage.statement_missing`` and ``coverage.invoice_missing`` for one run."""
    h = run.header
    out: list[Finding] = []
    if "Invoice" in run.given and "Summary" not in run.given:
        inv = run.invoice
        out.append(
            Finding.make(
                "coverage.statement_missing",
                f"The invoice of run {h.run_id} ({h.designation.value}) has no Summary of its "
                "run among the inputs: its lines cannot be recomputed, only its own "
                "arithmetic was checked.",
                header=h,
                source=inv.source if inv is not None else None,
            )
        )
    if "Invoice" not in run.given and run.given & {"Summary", "Detail"}:
        what = " and ".join(sorted(run.given & {"Summary", "Detail"}))
        out.append(
            Finding.make(
                "coverage.invoice_missing",
                f"Run {h.run_id} ({h.designation.value}) has a {what} but no invoice among "
                "the inputs: the statements were checked, no invoice was.",
                header=h,
                source=run.summary.source if run.summary is not None else None,
            )
        )
    return out


def _cast(detail: DetailStatement | None) -> DetailStatement | None:
    """A Detail with its values cast (a check reads Detail with the cast deferred)."""
    return None if detail is None else detail.with_values()


def _tieouts(run: Run) -> list[Finding]:
    """Summary vs Detail, CSV vs JSON, PDF vs JSON, and Detail coverage for one run."""
    out: list[Finding] = []
    h = run.header
    s_csv, s_json = run.summaries.get("csv"), run.summaries.get("json")
    if s_csv and s_json:
        out.extend(summary_mismatch(s_csv, s_json))
    d_csv, d_json = run.detail("csv"), run.detail("json")
    if d_csv and d_json:
        out.extend(detail_mismatch(d_csv, d_json))
    primary = d_csv or d_json
    if primary is not None:
        # A Trading Day is missing only when no form of the Detail holds it.
        covered = primary.model_copy(
            update={"days": sorted(set(primary.days) | set(d_json.days if d_json else []))}
        )
        out.extend(detail_coverage(h, covered))
        s = run.summary
        if s is not None:
            if s.header.participant != h.participant:  # scope P is the code, however spelled
                s = s.model_copy(
                    update={"header": s.header.model_copy(update={"participant": h.participant})}
                )
            out.extend(summary_vs_detail(s, primary))
    pdf, js = run.invoices.get("pdf"), run.invoices.get("json")
    if pdf and js:
        out.extend(check_pdf_json(pdf, js))
    return out


def _uninvoiced(h: RunHeader, computed: Invoice) -> list[LineComparison]:
    return [
        LineComparison(
            participant=h.participant,
            period=h.period,
            run_id=h.run_id,
            designation=h.designation.value,
            variable=li.variable,
            description=li.description,
            payment_or_charge=li.payment_or_charge.value,
            gst_applicable=li.gst_applicable,
            computed_amount=li.amount,
            computed_gst=li.gst,
            status="not_comparable",
            note="no invoice for this run",
        )
        for li in computed.line_items
    ]
