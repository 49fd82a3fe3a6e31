"""What a recorded finding is about, and what a recorded check covered of each run (SPEC §8).

The issue register (:mod:`recon.store.register`) resolves an issue only on evidence: a check
that covered a run *for the issue's own ground* and did not yield it. This module says what
that ground is and whether a run, as a check recorded it, covered it.

**Grounds of a run.** Each run a check covered is recorded (``check_runs.grounds``) with
tokens saying what of it the check used:

* ``summary`` and ``summary:csv`` / ``summary:json``: a Summary, and its forms;
* ``detail:csv:<day>`` / ``detail:json:<day>``: the Detail of that Trading Day
  (``yyyy-mm-dd``) in that form (a ZIP is the CSV form); ``detail:<day>``: that day in the
  Detail recon compares with the Summary and your own data, the CSV form when the run has
  one, else the JSON form (a day held in JSON only, beside a CSV of other days, is not
  compared);
* ``invoice`` and ``invoice:json`` / ``invoice:pdf``: an Invoice, and its forms;
* ``adj``: an ADJ run; ``previous``: an ADJ run whose previous run was among the inputs;
* ``own:<variable>:<day>``: your own data of that variable compared with this run's Detail
  of that day (``--own``: each Trading Day is compared with the latest run holding it).

**Ground of a finding** (:func:`ground_of`): the tokens a run must hold to show the finding
either way, and whether the finding is *bound* to its own run:

* a **superseded** ground (the statements: Summary and Detail values, CSV-vs-JSON,
  Summary-vs-Detail, your own data, the ADJ chain) is about what AEMO's latest statement
  says: a later run holding the same ground replaces it, so a finding of an earlier run
  counts only while no later run of the same check holds that ground;
* a **bound** ground (an invoice, a file recon could not use, a finding about no variable
  of a statement) is about one run's own artefact: a later run never replaces it (AEMO's
  INITIAL invoice stays what it was when ADJ1 arrives), so only a check that holds the
  same run's ground again and no longer yields it resolves it.

Old records (a store written before schema version 3, or a check result that carries no
Detail days by form) are given the grounds their coverage proves: a Detail that held every
day of the Period in one form holds each day in that form; a Detail of some days, without
the days named, holds none for certain. What is not proven never resolves an issue.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from recon.models import aemo_names as aemo
from recon.models.findings import CheckId
from recon.models.kinds import AEMO_KINDS, Kind
from recon.wem.calendar import AWST

SUMMARY = "summary"
INVOICE = "invoice"
ADJ = "adj"
PREVIOUS = "previous"
DETAIL_FORMS = ("csv", "json")
"""The forms of a Detail, as grounds name them (a ZIP is the CSV form)."""

# Keyed by kind text: the store holds kinds as text, and a Kind is a StrEnum.
_KIND_FORM: dict[str, tuple[str, str]] = {
    k: (k.artefact, "csv" if k is Kind.DETAIL_ZIP else k.form) for k in AEMO_KINDS
}
"""Artefact kinds (``summary_csv``...) as (kind, form), a Detail ZIP being the CSV form."""


def detail_token(day: date, form: str | None = None) -> str:
    """``detail:2024-12-17`` (any form) or ``detail:json:2024-12-17``."""
    return f"detail:{day.isoformat()}" if form is None else f"detail:{form}:{day.isoformat()}"


def own_token(variable: str, day: date) -> str:
    """``own:CHANQTY_CH_I:2024-12-17``."""
    return f"own:{variable}:{day.isoformat()}"


def week_days(week: date, period_days: int = 7) -> list[date]:
    """The Trading Days of the Period that starts on ``week``."""
    return [week + timedelta(days=i) for i in range(max(period_days, 1))]


# ------------------------------------------------------------------------ a run's grounds


@dataclass(frozen=True)
class RunGrounds:
    """What a check used of one run, before it is written as tokens.

    Attributes:
        run_id, designation: The run.
        published_at: Its PublishedAt (orders the runs of a week; None sorts last).
        kinds: The artefact kinds used (``summary_csv``, ``detail_zip``...).
        summary: Whether a Summary was used.
        invoice_json, invoice_pdf: Whether the Invoice's forms were used.
        previous_run: For an ADJ run, whether its previous run was among the inputs.
        detail_forms: Trading Days held by each form of Detail (``csv``, ``json``); None
            when the check did not record them (see :func:`proven_detail_days`).
        detail_days: How many Trading Days of the Period a Detail held (either form).
        period_days: Trading Days in the Period.
    """

    run_id: int
    designation: str
    published_at: datetime | None
    kinds: frozenset[str]
    summary: bool
    invoice_json: bool
    invoice_pdf: bool
    previous_run: bool | None
    detail_forms: Mapping[str, Iterable[date]] | None
    detail_days: int
    period_days: int

    @property
    def order(self) -> tuple[datetime, int]:
        """The run's place in its week: PublishedAt, then RunId."""
        return (self.published_at or datetime(9999, 12, 31), self.run_id)


def proven_detail_days(run: RunGrounds, week: date) -> dict[str, set[date]]:
    """The Trading Days a run's Detail is proven to have held, by form (``csv``,
    ``json``), and in the form recon compares with the Summary and your own data
    (``primary``: the CSV form when the run has one, else the JSON form).

    With the days by form recorded, those. Without them (an older record): a Detail that
    held every day of the Period in its only form held each day in that form; in two
    forms, neither form is proven day by day; a Detail of some days holds none for certain.
    """
    out: dict[str, set[date]] = {"csv": set(), "json": set(), "primary": set()}
    if run.detail_forms is not None:
        for form, days in run.detail_forms.items():
            key = "json" if form == "json" else "csv"
            out[key] |= set(days)
        out["primary"] = set(out["csv"] or out["json"])
        return out
    if run.detail_days <= 0 or run.detail_days < run.period_days:
        return out
    forms = {_KIND_FORM[k][1] for k in run.kinds if k in _KIND_FORM and k.startswith("detail")}
    if len(forms) == 1:
        days = set(week_days(week, run.period_days))
        out[next(iter(forms))] = set(days)
        out["primary"] = set(days)
    return out


def own_days(
    runs: Iterable[RunGrounds], week: date, compared: Mapping[int, Iterable[str]]
) -> dict[int, set[tuple[str, date]]]:
    """Which (variable, Trading Day) of your own data each run's Detail was compared with.

    ``--own`` compares each Trading Day with the latest run (by PublishedAt, then RunId)
    whose Detail holds it, in its preferred form (CSV, else JSON), as
    :func:`recon.reconcile.own_weeks.week_views` does.

    Args:
        runs: The runs one check covered of one week.
        week: The week's first day.
        compared: RunId -> the variables whose own data the check compared with that run.
    """
    runs = sorted(runs, key=lambda r: r.order)
    latest: dict[date, RunGrounds] = {}
    for r in runs:
        for d in proven_detail_days(r, week)["primary"]:
            latest[d] = r
    variables = {v for vs in compared.values() for v in vs}
    out: dict[int, set[tuple[str, date]]] = {r.run_id: set() for r in runs}
    for d, r in latest.items():
        for v in variables:
            if v in compared.get(r.run_id, ()):
                out[r.run_id].add((v, d))
    return out


def run_tokens(run: RunGrounds, week: date, own: Iterable[tuple[str, date]] = ()) -> list[str]:
    """The ``check_runs.grounds`` tokens of one run (sorted)."""
    tokens: set[str] = set()
    forms = {_KIND_FORM[k] for k in run.kinds if k in _KIND_FORM}
    if run.summary:
        tokens.add(SUMMARY)
        tokens |= {f"summary:{form}" for kind, form in forms if kind == "summary"}
    if run.invoice_json:
        tokens |= {INVOICE, "invoice:json"}
    if run.invoice_pdf:
        tokens |= {INVOICE, "invoice:pdf"}
    if run.designation.upper().startswith("ADJ"):
        tokens.add(ADJ)
        if run.previous_run:
            tokens.add(PREVIOUS)
    held = proven_detail_days(run, week)
    tokens |= {detail_token(d) for d in held["primary"]}
    for form in DETAIL_FORMS:
        tokens |= {detail_token(d, form) for d in held[form]}
    tokens |= {own_token(v, d) for v, d in own}
    return sorted(tokens)


# ------------------------------------------------------------------------ a finding's ground


@dataclass(frozen=True)
class Ground:
    """What a finding is about (see the module doc).

    Attributes:
        needs: The tokens a run must hold to show the finding either way.
        bound: Whether it is about its own run's artefact (never replaced by a later run).
        runless: A finding that names no run: about the check's inputs as a whole.
    """

    needs: frozenset[str]
    bound: bool
    runless: bool = False

    def covered_by(self, tokens: frozenset[str] | set[str]) -> bool:
        """Whether a run holding ``tokens`` shows the finding either way."""
        return self.needs <= tokens


_GRANULE = re.compile(r"_([A-Za-z]+)$")


def _trading_day(
    variable: str | None, timestamp: str | None, interval_start: str | None
) -> date | None:
    """The Trading Day a finding is about: its interval's (an interval starting before
    08:00 AWST belongs to the day before), else its Timestamp for a D, I or DI variable."""
    if interval_start:
        try:
            start = datetime.fromisoformat(interval_start)
        except ValueError:
            start = None
        if start is not None:
            local = start.astimezone(AWST) if start.tzinfo else start
            return (local - timedelta(hours=8)).date()
    if not timestamp:
        return None
    m = _GRANULE.search(variable or "")
    if variable and (m is None or m.group(1).upper() not in ("D", "I", "DI")):
        return None
    try:
        return date.fromisoformat(timestamp[:10])
    except ValueError:
        return None


def source_form(source: str | None) -> str | None:
    """The form a finding's ``source`` names: ``json`` (``file#/a/b``), ``pdf``
    (``file#Section/...``), ``csv`` (``file:line``, a ``.csv`` or ``.zip``); else None."""
    if not source:
        return None
    if "#" in source:
        anchor = source.rsplit("#", 1)[1]
        return "json" if anchor.startswith("/") else "pdf"
    path = re.sub(r":\d+$", "", source).lower()
    if path.endswith((".csv", ".zip")) or re.search(r"\.(csv|zip)[/!:]", path):
        return "csv"
    if path.endswith(".json"):
        return "json"
    if path.endswith(".pdf"):
        return "pdf"
    return None


def _about_invoice(source: str | None, form: str | None) -> bool:
    """Whether a source names an invoice line (one of the JSON's line items, or a PDF)."""
    return form == "pdf" or bool(source and f"/{aemo.INV_LINE_ITEMS}/" in source)


def _days(day: date | None, week: date, period_days: int) -> list[date]:
    return [day] if day is not None else week_days(week, period_days)


def ground_of(
    check: str,
    *,
    week: date,
    run_id: int | None,
    variable: str | None = None,
    scope: str | None = None,
    timestamp: str | None = None,
    interval_start: str | None = None,
    source: str | None = None,
    period_days: int = 7,
) -> Ground:
    """The ground of a recorded finding (see the module doc; ``docs/audit.md`` has the
    table for users).

    Args:
        check: The check id.
        week: The finding's Trading Week (its first day).
        run_id: The run it names (None: about the check's inputs as a whole).
        variable, scope, timestamp, interval_start, source: As the finding has them.
        period_days: Trading Days of the Period (when the finding names no day, every
            day of it must be held).
    """
    if run_id is None:
        return Ground(frozenset(), bound=True, runless=True)
    day = _trading_day(variable, timestamp, interval_start)
    form = source_form(source)
    days = _days(day, week, period_days)
    if check == CheckId.INVOICE_PDF_JSON:
        return Ground(frozenset({"invoice:json", "invoice:pdf"}), bound=True)
    if check.startswith("invoice."):
        invoice = f"invoice:{form}" if form in ("json", "pdf") else INVOICE
        return Ground(frozenset({SUMMARY, invoice}), bound=True)
    if check == CheckId.COVERAGE_STATEMENT_MISSING:
        return Ground(frozenset({INVOICE}), bound=True)
    if check == CheckId.SOURCE_MISMATCH:
        if scope:  # a Detail row: both forms of its day (of every day, if none is named)
            return Ground(
                frozenset(detail_token(d, f) for d in days for f in DETAIL_FORMS), bound=False
            )
        return Ground(frozenset({"summary:csv", "summary:json"}), bound=False)
    if check == CheckId.SUMMARY_DETAIL_VALUE:
        return Ground(frozenset({SUMMARY, *(detail_token(d) for d in days)}), bound=False)
    if check.startswith("summary_detail."):
        every = week_days(week, period_days)
        return Ground(frozenset({SUMMARY, *(detail_token(d) for d in every)}), bound=False)
    if check.startswith("own."):
        if not variable:
            return Ground(frozenset({"own:?"}), bound=False)  # nothing can show it again
        return Ground(frozenset(own_token(variable, d) for d in days), bound=False)
    if check == CheckId.ADJUSTMENT_PREVIOUS_MISSING:
        return Ground(frozenset({ADJ}), bound=False)
    if check == CheckId.ADJUSTMENT_CHAIN:
        return Ground(frozenset({ADJ, PREVIOUS, INVOICE}), bound=False)
    if check.startswith("adjustment."):
        return Ground(frozenset({ADJ, PREVIOUS, SUMMARY}), bound=False)
    if check.startswith("data.") and variable and _about_invoice(source, form):
        # e.g. a classification that differs between statement and invoice line
        invoice = f"invoice:{form}" if form in ("json", "pdf") else INVOICE
        return Ground(frozenset({SUMMARY, invoice}), bound=True)
    if check.startswith("data.") and variable:
        if scope:  # a Detail row
            f = form if form in DETAIL_FORMS else None
            return Ground(frozenset(detail_token(d, f) for d in days), bound=False)
        summary = f"summary:{form}" if form in DETAIL_FORMS else SUMMARY
        return Ground(frozenset({summary}), bound=False)
    # A finding about no statement variable (a header, a conflict, a file recon could not
    # use, a missing invoice): about that run's own artefacts.
    return Ground(frozenset(), bound=True)
