"""The issue register as the pages and the API show it: filtering and sorting the
register's own :class:`~recon.models.audit.Issue` objects, how a run is named, and the
workflow change a form or a JSON body asks for.

Every issue, with its id, workflow, due date, money at stake and events, is the register's
(:func:`recon.store.register.build_register`); nothing here decides or computes one. A
change is recorded by :func:`recon.store.register.record_event`, which also decides
whether it is valid (the same rules as ``recon issue --set``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from recon.models.audit import Issue, Workflow
from recon.models.findings import CHECKS, Severity

WORKFLOWS = tuple(w.value for w in Workflow)
"""SPEC §11's workflow states, in the order a team moves an issue through them."""
STATUSES = ("open", "resolved", "all")
SORTS = ("", "at_stake", "due")
"""How the register may be sorted: the register's own order, money at stake (largest
first, either sign), or due date (soonest first); issues without the field last."""
PAGE_SIZE = 100


def run_text(run_id: int | None, designation: str | None) -> str:
    """A run as the pages name it: ``ADJ1 54601`` ('' for no run)."""
    if run_id is None:
        return ""
    return f"{designation} {run_id}" if designation else str(run_id)


def raised_by(issue: Issue) -> str:
    """The run that raised an issue (``INITIAL 51958``)."""
    return run_text(issue.first_run_id, issue.first_designation)


def last_shown_by(issue: Issue) -> str:
    """The last run that still showed an issue."""
    return run_text(issue.last_run_id, issue.last_designation)


def resolved_by(issue: Issue) -> str:
    """The run that resolved an issue ('' while open)."""
    return run_text(issue.resolved_by_run_id, issue.resolved_by_designation)


def day_text(day: date | None) -> str:
    """A day as the pages show it: ``16 Jan 2025``."""
    return f"{day.day} {day:%b %Y}" if day else ""


def due_text(issue: Issue) -> str:
    """When its Notice of Disagreement is due (``due 16 Jan 2025``), else its age in WA
    Business Days (``12 WA Business Days old``), as ``recon issues`` says it."""
    if issue.due is not None:
        return f"due {day_text(issue.due)}"
    if issue.age_business_days is not None:
        return f"{issue.age_business_days} WA Business Days old"
    return ""


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
                shown = ", ".join(a for a in allowed if a)
                raise FilterError(f"{name}: {get[name]!r} is not one of {shown}")
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

    def select(self, items: Iterable[Issue]) -> list[Issue]:
        """The issues this filter keeps, in its order (every page)."""
        kept = [
            i
            for i in items
            if (self.status == "all" or i.status == self.status)
            and (not self.participant or i.participant == self.participant)
            and (self.week is None or i.week == self.week)
            and (not self.workflow or i.workflow.value == self.workflow)
            and (not self.check or i.check == self.check)
            and (not self.severity or i.severity == self.severity)
        ]
        if self.sort == "at_stake":
            kept.sort(key=lambda i: (i.at_stake is None, -abs(i.at_stake or Decimal(0))))
        elif self.sort == "due":
            kept.sort(key=lambda i: (i.due is None, i.due or date.max))
        return kept


# ------------------------------------------------------------------------------ changes

CHANGE_FIELDS = ("workflow", "ref", "lodged", "note")
"""What a change of an issue's workflow says (SPEC §12's JSON body, and the forms' fields)."""


class ChangeError(ValueError):
    """A change that does not read (not JSON, not an object, a field that is not one of
    :data:`CHANGE_FIELDS`, a value that is not text)."""


@dataclass(frozen=True)
class Change:
    """A change of an issue's workflow as sent: text as typed (empty: not given).

    Whether it is a valid change (a reference and a lodged day to dispute, a note to
    accept, ...) is for :func:`recon.store.register.record_event` to decide.
    """

    workflow: str
    ref: str = ""
    lodged: str = ""
    note: str = ""

    @classmethod
    def from_form(cls, form: Mapping[str, Any]) -> Change:
        """The change an issue page's form sends (fields it does not have are empty)."""
        values = {k: form.get(k) for k in CHANGE_FIELDS}
        return cls(**{k: v if isinstance(v, str) else "" for k, v in values.items()})

    @classmethod
    def from_json(cls, doc: Any) -> Change:
        """The change a ``POST /api/issues/{id}`` body sends.

        Raises:
            ChangeError: Not an object; a field other than ``workflow``, ``ref``,
                ``lodged`` and ``note``; no ``workflow``; a value that is neither text nor
                null.
        """
        if not isinstance(doc, dict):
            raise ChangeError(
                'send a JSON object: {"workflow": ..., "ref": ..., "lodged": ..., "note": ...}'
            )
        unknown = sorted(str(k) for k in doc if k not in CHANGE_FIELDS)
        if unknown:
            raise ChangeError(
                f"{', '.join(repr(k) for k in unknown)}: not a field of a change "
                f"(give {', '.join(CHANGE_FIELDS)})"
            )
        for name in CHANGE_FIELDS:
            if doc.get(name) is not None and not isinstance(doc[name], str):
                raise ChangeError(f"{name}: give text (or null)")
        if not doc.get("workflow"):
            raise ChangeError(f"workflow: give one of {', '.join(WORKFLOWS)}")
        return cls(**{k: doc.get(k) or "" for k in CHANGE_FIELDS})


_OPTION = re.compile(r"--(set|ref|lodged|note|by)\b")
_OPTION_WORDS = {"set": "workflow", "ref": "ref", "lodged": "lodged", "note": "note", "by": "by"}


def web_words(message: str) -> str:
    """A refusal of :func:`~recon.store.register.record_event` in the words of the form
    and the JSON body: its field names instead of ``recon issue``'s options (``give
    --note saying why`` becomes ``give note saying why``)."""
    return _OPTION.sub(lambda m: _OPTION_WORDS[m.group(1)], message)
