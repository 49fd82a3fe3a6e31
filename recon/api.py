"""recon's Python API for notebooks: what the CLI does, a function does.

>>> import recon
>>> result = recon.check(["fixtures/sample_week"])       # doctest: +SKIP
>>> result.to_frame()                                     # doctest: +SKIP
>>> table = recon.decode("..._SettlementStatementDetail.zip")  # doctest: +SKIP

Each function calls the job :mod:`recon.pipeline` puts together, as the CLI does; every
error it raises is a :class:`~recon.errors.ReconError` (an argument error a
:class:`~recon.errors.UsageError`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from recon.models.audit import Audit, Issue
from recon.models.progress import Progress
from recon.models.results import CheckResult
from recon.pipeline import audit as audit_job
from recon.pipeline.check import CheckRequest
from recon.pipeline.check import check as run_check
from recon.pipeline.decode import decode, decode_to_file
from recon.pipeline.issues import register
from recon.sources.limits import DEFAULT_LIMITS, Limits
from recon.sources.loading import load
from recon.store.register import person, record_event

if TYPE_CHECKING:  # annotations only: pandas is imported when a DataFrame is made
    import pandas as pd

__all__ = ["audit", "check", "decode", "decode_to_file", "issues", "load", "set_issue"]
"""recon.decode, recon.decode_to_file and recon.load are the pipeline's and the readers'
own functions, under the names the API gives them."""


def check(
    paths: Iterable[str | os.PathLike[str]] | str | os.PathLike[str] = (),
    *,
    materiality: Decimal | None = None,
    limits: Limits = DEFAULT_LIMITS,
    progress: Progress | None = None,
    own: str | os.PathLike[str] | None = None,
    store: str | os.PathLike[str] | bool | None = None,
    week: Any = None,
    participant: str | None = None,
    record: bool = True,
) -> CheckResult:
    """Check every artefact under ``paths``: the same engine as ``recon check``.

    With ``store``, the runs held in the settlement history store for the weeks checked
    are added, as ``recon check --store`` adds them: the weeks are ``week``, else those of
    ``paths``, else every week held; ``paths`` may then be empty. The check is recorded in
    the store (SPEC §8) unless ``record`` is False.

    Args:
        paths: Files and folders (searched recursively); artefacts are detected by content.
        materiality: Threshold for ``adjustment.material`` warnings (None: off).
        limits: Input caps.
        progress: ``(done, total)`` callback over the artefacts read.
        own: An ``--own`` mapping file (SPEC §9): tie the Detail out against your data
            (the Details of the files and, with ``store``, of the runs held).
        store: The store's file (``True``: ``$RECON_STORE``, else the default store);
            None: files only.
        week: With ``store``: the Trading Week (its first day, a Sunday).
        participant: With ``store``: only this participant's runs.
        record: With ``store``: record the check in it (``command`` ``api``).

    Returns:
        The :class:`~recon.models.results.CheckResult`; ``.to_frame()`` gives a DataFrame.

    Raises:
        UsageError: ``week`` or ``participant`` without ``store``, nothing to check, or a
            week that is not a Trading Week's first day.
        InputError: If an artefact cannot be read at all, or none was found.
        StoreError: With ``store``: no store there, or nothing held or given for the weeks.
    """
    request = CheckRequest.make(
        paths,
        materiality=materiality,
        limits=limits,
        own=own,
        store=store,
        week=week,
        participant=participant,
    )
    return run_check(request, progress=progress, command="api" if record else None).result


def audit(
    start: str | date | None = None,
    end: str | date | None = None,
    *,
    fy: int | str | None = None,
    participant: str | None = None,
    store: str | os.PathLike[str] | None = None,
) -> dict[str, pd.DataFrame]:
    """The settlement history of a range of Trading Weeks, as ``recon audit`` reports it.

    >>> frames = recon.audit(fy=2025, participant="SWANGEN")   # doctest: +SKIP
    >>> frames["issues"][frames["issues"].status == "open"]    # doctest: +SKIP

    Args:
        start, end: The range (dates or ``yyyy-mm-dd``): the Trading Weeks starting in it.
        fy: A Financial Year instead: ``"2024-25"`` or ``2025`` (the year ending 30 June
            2025) is 1 July 2024 to 30 June 2025.
        participant: Only this participant's weeks.
        store: The store (None: ``$RECON_STORE``, else the default).

    Returns:
        DataFrames ``weeks``, ``runs`` (each week's run chain with amount due, recomputed
        Total Payable and net adjustment), ``issues`` (the register) and ``checks`` (the
        trail); amounts are exact ``decimal128(23, 8)``.

    Raises:
        UsageError: A bad range. StoreError: No store at that path.
    """
    return audit_job.build(start, end, fy=fy, participant=participant, store=store).frames()


def issues(
    *,
    store: str | os.PathLike[str] | None = None,
    participant: str | None = None,
    week: Any = None,
    status: str = "all",
    workflow: str | None = None,
    nod_business_days: int | None = None,
) -> pd.DataFrame:
    """The issue register as a DataFrame, one row per issue (SPEC §8, §11).

    >>> open_ = recon.issues(store="walk.duckdb", status="open")   # doctest: +SKIP
    >>> open_[["id", "state", "check", "variable", "due"]]         # doctest: +SKIP

    Args:
        store: The store (None: ``$RECON_STORE``, else the default).
        participant: Only this participant's issues.
        week: Only this Trading Week's (its first day, a date or ``yyyy-mm-dd``).
        status: ``open``, ``resolved`` or ``all``.
        workflow: Only issues in this state (``new``, ``investigating``, ``disputed``,
            ``accepted``).
        nod_business_days: Business Days to a Notice of Disagreement's due date (the
            config file's ``[disputes] nod_business_days``); None: no due date.

    Returns:
        The columns of :func:`audit`'s ``issues`` frame: ``id``, ``key``, the key's parts,
        runs, ``status``, times, ``message``, ``at_stake`` (exact ``decimal128(23, 8)``),
        ``workflow``, ``due``, ``age_business_days`` and ``state``.

    Raises:
        UsageError: An unknown status or workflow state, or a week that is not one.
        StoreError: No store at that path.
    """
    shown = register(
        store,
        participant=participant,
        week=week,
        status=status,
        workflow=workflow,
        nod_business_days=nod_business_days,
    )
    code = participant.strip().upper() if participant else None
    doc = Audit(start=date.min, end=date.max, participant=code, issues=shown)
    return doc.frames()["issues"]


def set_issue(
    issue_id: str,
    *,
    workflow: str,
    by: str | None = None,
    ref: str | None = None,
    lodged: Any = None,
    note: str | None = None,
    store: str | os.PathLike[str] | None = None,
) -> Issue:
    """Record a change of an issue's workflow (SPEC §11), as ``recon issue ID --set`` does:
    an event appended to the store, never edited or deleted.

    >>> recon.set_issue("1084adc50b", workflow="disputed", ref="NOD-0142",
    ...                 lodged="2025-03-10", store="walk.duckdb")   # doctest: +SKIP

    Args:
        issue_id: The issue's id (``recon.issues()``'s ``id``).
        workflow: ``new``, ``investigating``, ``disputed`` (with ``ref`` and ``lodged``) or
            ``accepted`` (with ``note``).
        by: Who (default: ``$RECON_USER``, else the login name).
        ref, lodged, note: The dispute's reference and the day it was lodged; why.
        store: The store (None: ``$RECON_STORE``, else the default).

    Returns:
        The :class:`~recon.models.audit.Issue` as it now stands.

    Raises:
        UsageError: An invalid change. UnknownIssueError: No issue has this id.
        StoreError: The store cannot be written.
    """
    return record_event(
        store, issue_id, workflow=workflow, by=person(by), ref=ref, lodged=lodged, note=note
    )
