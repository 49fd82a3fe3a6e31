"""Grouping (SPEC §6 "Grouping"): loaded artefacts into runs, header spellings
(``data.header``) and the conflicts between copies of one artefact (``source.conflict``).

A run is (participant code, RunId): the participant code in its one spelling, never the
text of a label. Copies of one artefact that say the same are used once; copies that differ
are refused with a finding. Pure: models in, runs and findings out.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from recon.models import aemo_names as aemo
from recon.models.detail import combine_details
from recon.models.findings import CheckId, Finding
from recon.models.invoices import Invoice
from recon.models.loaded import Loaded, Model
from recon.models.statements import DetailStatement, RunHeader, SummaryStatement

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


def artefact_kind(m: Model) -> str:
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
        return (order[artefact_kind(item.model)], item.record.path)

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
                        CheckId.DATA_HEADER,
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
                    CheckId.DATA_HEADER,
                    f"ParticipantCode {raw_p!r} in this {artefact_kind(m)} is spelled other than "
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
                    CheckId.DATA_HEADER,
                    f"Period {raw_label!r} of this {artefact_kind(m)} does not name a Trading Week "
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
                    CheckId.DATA_HEADER,
                    f"Period {raw_label!r} in this {artefact_kind(m)} {why} (the run's is "
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


def _content(m: Model, day: str = "") -> dict[str, str]:
    """An artefact's content as ``{place: value}`` to compare two copies (file names,
    row sources and read findings left out); of a Detail, the header and the rows of
    ``day`` (``yyyy-mm-dd``; every day when empty), read one day at a time."""
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
        for _, frame in m.day_frames([date.fromisoformat(day)] if day else None):
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
        return [(artefact_kind(m), d.isoformat()) for d in m.days] or [(artefact_kind(m), "")]
    return [(artefact_kind(m), "")]


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
    cache: dict[tuple[int, str], dict[str, str]] = {}

    def content(item: Loaded, day: str) -> dict[str, str]:
        # A Detail's content is one day's (dropped when the slot is done); others are kept.
        if not isinstance(item.model, DetailStatement):
            day = ""
        if (id(item), day) not in cache:
            cache[(id(item), day)] = _content(item.model, day)
        return cache[(id(item), day)]

    for (what, day), claims in sorted(by_slot.items()):
        if len(claims) < 2:
            continue
        first = claims[0]
        for other in claims[1:]:
            a, b = content(first, day), content(other, day)
            if a == b:
                if _covers(first, other):
                    dropped.add(id(other))
                continue
            place, va, vb = _first_difference(a, b)
            dropped.update((id(first), id(other)))
            on = f" of {day}" if day else ""
            findings.append(
                Finding.make(
                    CheckId.SOURCE_CONFLICT,
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
        for item in claims:
            if isinstance(item.model, DetailStatement):
                cache.pop((id(item), day), None)
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


def run_key(m: Model) -> RunKey:
    """The run an artefact belongs to: (participant code, RunId)."""
    run_id = m.run_id if isinstance(m, Invoice) else m.header.run_id
    return (participant_code(_participant(m)), run_id)


def in_run(f: Finding, h: RunHeader) -> Finding:
    """A finding of an artefact, named by its run's participant code and Period."""
    if f.participant == h.participant and f.period == h.period:
        return f
    return f.model_copy(update={"participant": h.participant, "period": h.period})
