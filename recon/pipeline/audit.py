"""``recon audit`` and :func:`recon.audit`: the settlement history of a range of Trading
Weeks (SPEC §8), put together in one place: the range read, the audit built from the store
(:func:`recon.store.register.audit`), its set written (:func:`recon.report.audit.write_audit`).
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from recon.models.audit import Audit
from recon.report.audit import write_audit
from recon.store.db import Store
from recon.store.register import audit as audit_of
from recon.store.register import date_range


def build(
    start: str | date | None = None,
    end: str | date | None = None,
    *,
    fy: int | str | None = None,
    participant: str | None = None,
    store: str | os.PathLike[str] | None = None,
    nod_business_days: int | None = None,
) -> Audit:
    """The audit of the Trading Weeks starting in a range.

    Args:
        start, end: The range (dates or ``yyyy-mm-dd``).
        fy: A Financial Year instead (``2024-25``, or ``2025``: the year ending 30 June).
        participant: Only this participant's weeks (any case).
        store: The store (None: ``$RECON_STORE``, else the default).
        nod_business_days: ``[disputes] nod_business_days``: issues get due dates.

    Raises:
        UsageError: A range it cannot read. StoreError: No store at that path.
    """
    first, last = date_range(start, end, fy)
    code = participant.strip().upper() if participant else None
    with Store.open(store, read_only=True, must_exist=True) as st:
        return audit_of(st, first, last, participant=code, nod_business_days=nod_business_days)


def write(audit: Audit, out: str | os.PathLike[str], *, reports: bool = True) -> list[Path]:
    """Write audit.json (and unless ``reports`` is False audit.xlsx and audit.html) as one
    set replacing the earlier audit's in ``out``; return the paths.

    Raises:
        OutputError: The folder or a file cannot be written (the earlier set is kept).
    """
    return write_audit(audit, Path(out), reports=reports)
