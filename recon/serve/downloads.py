"""Files made on demand and downloaded: a week's reports and an audit's outputs.

They are made by the jobs the commands run, never by serve's own code: a week's
``report.html``, ``report.xlsx`` and ``findings.json`` by :func:`recon.pipeline.check.check`
from the store (the check ``recon check --store --week W --participant P`` runs, writing
its output set; it is not recorded, since looking at a week changes nothing); an audit's
``audit.json``, ``audit.xlsx`` and ``audit.html`` by :func:`recon.pipeline.audit.write`,
as ``recon audit`` writes them. Each is written into a temporary folder, read and removed.

Only these names can be asked for: a request for any other file is a 404, and no path is
ever built from the request.
"""

from __future__ import annotations

import re
import tempfile
from datetime import date
from pathlib import Path

from recon.models.audit import Audit
from recon.pipeline import audit as audit_job
from recon.pipeline.check import CheckRequest, check
from recon.serve.config import ServeConfig

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WEEK_FILES = {
    "report.html": "text/html; charset=utf-8",
    "report.xlsx": XLSX,
    "findings.json": "application/json",
}
AUDIT_FILES = {
    "audit.json": "application/json",
    "audit.xlsx": XLSX,
    "audit.html": "text/html; charset=utf-8",
}


def attachment(*parts: str) -> str:
    """A ``Content-Disposition`` saving the file as ``recon_<parts>`` (every character
    outside letters, digits, ``.``, ``_`` and ``-`` made ``_``)."""
    name = "_".join(["recon", *parts])
    return f'attachment; filename="{re.sub(r"[^A-Za-z0-9._-]", "_", name)}"'


def week_file(config: ServeConfig, participant: str, week: date, name: str) -> bytes:
    """One of a week's reports (``name`` in :data:`WEEK_FILES`), made now.

    Raises:
        StoreError: The store holds no run of that week and participant.
    """
    if name not in WEEK_FILES:
        raise KeyError(name)
    request = CheckRequest(
        use_store=True, store_path=config.store, week=week, participant=participant
    )
    with tempfile.TemporaryDirectory(prefix="recon-serve-") as tmp:
        out = Path(tmp) / "week"
        check(request, out=out, reports=name != "findings.json")
        return (out / name).read_bytes()


def audit_file(audit: Audit, name: str) -> bytes:
    """One of an audit's outputs (``name`` in :data:`AUDIT_FILES`), as ``recon audit``
    writes it."""
    if name not in AUDIT_FILES:
        raise KeyError(name)
    with tempfile.TemporaryDirectory(prefix="recon-serve-") as tmp:
        audit_job.write(audit, tmp, reports=name != "audit.json")
        return (Path(tmp) / name).read_bytes()
