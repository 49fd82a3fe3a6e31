"""``recon issues`` and :func:`recon.issues`: the issue register as the team's worklist
(SPEC §11), chosen in one place; and the issues a weekly run opened and resolved.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from recon.errors import UsageError
from recon.models.audit import Issue, Workflow
from recon.models.weekly import WeekKey
from recon.store.db import Store
from recon.store.register import build_register, issue_changes
from recon.wem.calendar import parse_week

STATUSES = ("open", "resolved", "all")
"""The statuses a register can be listed by."""


def register(
    store: str | os.PathLike[str] | None = None,
    *,
    participant: str | None = None,
    week: Any = None,
    status: str = "all",
    workflow: str | None = None,
    nod_business_days: int | None = None,
) -> list[Issue]:
    """The register's issues, filtered.

    Args:
        store: The store (None: ``$RECON_STORE``, else the default).
        participant: Only this participant's issues (any case).
        week: Only this Trading Week's (a date, ``yyyy-mm-dd`` or ``TW dd Mon yyyy``).
        status: ``open``, ``resolved`` or ``all``.
        workflow: Only issues in this state (``new``, ``investigating``, ``disputed``,
            ``accepted``).
        nod_business_days: ``[disputes] nod_business_days`` (due dates); None: none.

    Raises:
        UsageError: An unknown status or workflow state, or a week that is not one.
        StoreError: No store at that path.
    """
    if status not in STATUSES:
        raise UsageError(f"status must be open, resolved or all, not {status!r}")
    if workflow is not None and workflow not in {w.value for w in Workflow}:
        raise UsageError(
            f"workflow must be {', '.join(w.value for w in Workflow)}, not {workflow!r}"
        )
    code = participant.strip().upper() if participant else None
    wk = parse_week(week)
    with Store.open(store, read_only=True, must_exist=True) as st:
        issues = build_register(
            st, participant=code, start=wk, end=wk, nod_business_days=nod_business_days
        )
    return [
        i
        for i in issues
        if (status == "all" or i.status == status)
        and (workflow is None or i.workflow.value == workflow)
    ]


def changes_since_last_weekly(
    store: str | os.PathLike[str] | None, weeks: Iterable[WeekKey]
) -> tuple[list[Issue], list[Issue], datetime | None]:
    """The issues opened and resolved, in ``weeks``, since the last weekly run finished.

    The last run is the latest in ``weekly_runs``: ask before the current run is
    recorded.

    Returns:
        (opened, resolved, when the last weekly run finished: None if there was none).
    """
    wanted = set(weeks)
    if not wanted:
        return [], [], None
    first: date = min(w for _, w in wanted)
    latest: date = max(w for _, w in wanted)
    with Store.open(store, read_only=True, must_exist=True) as st:
        last = st.scalar("SELECT max(finished_at_utc) FROM weekly_runs")
        issues = [
            i
            for i in build_register(st, start=first, end=latest)
            if (i.participant, i.week) in wanted
        ]
    opened, resolved = issue_changes(issues, last)
    return opened, resolved, last
