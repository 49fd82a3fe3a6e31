"""The issue register as the pages and the API show it: one small adapter over
:mod:`recon.store.register`.

The register decides every issue (key, open or resolved, the runs that raised and resolved
it). SPEC §11 adds to each issue a short ``id``, a ``workflow`` state, a ``due`` date, the
money ``at_stake`` and an event log; :func:`view` reads them from the issue where the
register provides them and shows them empty where it does not yet, so the pages fill in
as those fields arrive. The id is the register's when it has one, else the same rule
computed here (the first 10 hex digits of the SHA-256 of the issue key), so links made
now keep working.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from recon.models.audit import Issue
from recon.models.findings import CHECKS, Severity
from recon.store import register as store_register

if TYPE_CHECKING:
    from recon.serve.access import Snapshot

WORKFLOWS = ("new", "investigating", "disputed", "accepted")
"""SPEC §11's workflow states, in the order a team moves an issue through them."""
STATUSES = ("open", "resolved", "all")
SORTS = ("", "at_stake", "due")
"""How the register may be sorted: the register's own order, money at stake (largest
first, either sign), or due date (soonest first); issues without the field last."""
PAGE_SIZE = 100
ISSUE_ID = re.compile(r"^[0-9a-f]{10}$")


def issue_id(issue: Issue) -> str:
    """The issue's short id (SPEC §11)."""
    found = getattr(issue, "id", None)
    if found:
        return str(found)
    return hashlib.sha256(issue.key.encode("utf-8")).hexdigest()[:10]


def _decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def run_text(run_id: int | None, designation: str | None) -> str:
    """A run as the pages name it: ``ADJ1 54601`` ('' for no run)."""
    if run_id is None:
        return ""
    return f"{designation} {run_id}" if designation else str(run_id)


@dataclass
class IssueView:
    """One issue with what SPEC §11 adds to it (None or empty where not yet provided)."""

    issue: Issue
    id: str
    workflow: str | None = None
    due: date | None = None
    at_stake: Decimal | None = None
    events: list[Any] = field(default_factory=list)

    @property
    def raised(self) -> str:
        """The run that raised it (``INITIAL 51958``)."""
        return run_text(self.issue.first_run_id, self.issue.first_designation)

    @property
    def last(self) -> str:
        """The last run that still showed it."""
        return run_text(self.issue.last_run_id, self.issue.last_designation)

    @property
    def resolved_by(self) -> str:
        """The run that resolved it ('' while open)."""
        return run_text(self.issue.resolved_by_run_id, self.issue.resolved_by_designation)

    def document(self) -> dict[str, Any]:
        """The issue as ``audit.json`` holds it, with ``id``, ``workflow``, ``due``,
        ``at_stake`` and ``events`` (null or empty where the register has none yet)."""
        doc = self.issue.document()
        doc.setdefault("id", self.id)
        doc.setdefault("workflow", self.workflow)
        doc.setdefault("due", self.due.isoformat() if self.due else None)
        doc.setdefault("at_stake", None if self.at_stake is None else format(self.at_stake, "f"))
        doc.setdefault("events", [_event_doc(e) for e in self.events])
        doc.setdefault("message", self.issue.message)
        return doc


def _event_doc(event: Any) -> Any:
    doc = getattr(event, "document", None)
    return doc() if callable(doc) else event


def view(issue: Issue) -> IssueView:
    """The adapter: an issue with its id, workflow, due date, money at stake and events."""
    workflow = getattr(issue, "workflow", None)
    return IssueView(
        issue=issue,
        id=issue_id(issue),
        workflow=getattr(workflow, "value", workflow),
        due=_date(getattr(issue, "due", None)),
        at_stake=_decimal(getattr(issue, "at_stake", None)),
        events=list(getattr(issue, "events", None) or []),
    )


def register(
    snapshot: Snapshot,
    *,
    participant: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> list[IssueView]:
    """The register of the weeks asked, as the register orders it."""
    return [view(i) for i in snapshot.register(participant, start, end)]


def find(snapshot: Snapshot, wanted: str) -> IssueView | None:
    """The issue with this id, or None (also for text that is not an id)."""
    if not ISSUE_ID.fullmatch(wanted):
        return None
    finder = getattr(store_register, "find_issue", None)
    if finder is not None:
        found = finder(snapshot.store, wanted)
        return view(found) if found is not None else None
    for participant, week, key in snapshot.store.rows(
        "SELECT DISTINCT participant, week, issue_key FROM check_findings"
    ):
        if hashlib.sha256(key.encode("utf-8")).hexdigest()[:10] == wanted:
            for issue in snapshot.register(participant, week, week):
                if issue.key == key:
                    return view(issue)
    return None


class FilterError(ValueError):
    """A filter of the register that does not read (the message says which and why)."""


@dataclass(frozen=True)
class IssueFilter:
    """What the Issues page (and ``GET /api/issues``) is asked for."""

    participant: str = ""
    week: date | None = None
    status: str = "open"
    workflow: str = ""
    check: str = ""
    severity: str = ""
    sort: str = ""
    page: int = 1

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> IssueFilter:
        """Read the filter from a query string's values (empty values are no filter).

        Raises:
            FilterError: A value that is not one of the field's choices, or a week that
                is not a date.
        """
        get = {k: (query.get(k) or "").strip() for k in cls.__dataclass_fields__}
        week = None
        if get["week"]:
            try:
                week = date.fromisoformat(get["week"])
            except ValueError:
                raise FilterError("week: give the Trading Week's first day as yyyy-mm-dd") from None
        choices = {
            "status": STATUSES,
            "workflow": ("", *WORKFLOWS),
            "check": ("", *CHECKS),
            "severity": ("", *(s.value for s in Severity)),
            "sort": SORTS,
        }
        for name, allowed in choices.items():
            if get[name] and get[name] not in allowed:
                raise FilterError(f"{name}: {get[name]!r} is not one of {', '.join(allowed[1:])}")
        try:
            page = max(1, int(get["page"] or 1))
        except ValueError:
            raise FilterError("page: give a page number") from None
        return cls(
            participant=get["participant"].upper(),
            week=week,
            status=get["status"] or "open",
            workflow=get["workflow"],
            check=get["check"],
            severity=get["severity"],
            sort=get["sort"],
            page=page,
        )

    def query(self, **changes: Any) -> dict[str, str]:
        """The filter as query-string values (only those set), with ``changes`` applied."""
        f = replace(self, **changes)
        out = {
            "participant": f.participant,
            "week": f.week.isoformat() if f.week else "",
            "status": f.status if f.status != "open" else "",
            "workflow": f.workflow,
            "check": f.check,
            "severity": f.severity,
            "sort": f.sort,
            "page": str(f.page) if f.page > 1 else "",
        }
        return {k: v for k, v in out.items() if v}

    def select(self, items: Iterable[IssueView]) -> list[IssueView]:
        """The issues this filter keeps, in its order (every page)."""
        kept = [
            v
            for v in items
            if (self.status == "all" or v.issue.status == self.status)
            and (not self.participant or v.issue.participant == self.participant)
            and (self.week is None or v.issue.week == self.week)
            and (not self.workflow or v.workflow == self.workflow)
            and (not self.check or v.issue.check == self.check)
            and (not self.severity or v.issue.severity == self.severity)
        ]
        if self.sort == "at_stake":
            kept.sort(key=lambda v: (v.at_stake is None, -abs(v.at_stake or 0)))
        elif self.sort == "due":
            kept.sort(key=lambda v: (v.due is None, v.due or date.max))
        return kept
