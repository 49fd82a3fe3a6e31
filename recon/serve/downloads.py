"""Files made on demand and downloaded: a week's reports and an audit's outputs.

They are made by the functions the commands use, never by serve's own code: a week's
``report.html``, ``report.xlsx`` and ``findings.json`` by :func:`recon.api.check` from the
store (the check ``recon check --store --week W --participant P`` runs; it is not recorded,
since looking at a week changes nothing) and :func:`recon.report.write_reports`; an audit's
``audit.json``, ``audit.xlsx`` and ``audit.html`` by :func:`recon.report.audit.write_audit`,
as ``recon audit`` writes them. Each is written into a temporary folder, read and removed.

Only these names can be asked for: a request for any other file is a 404, and no path is
ever built from the request.
"""

from __future__ import annotations

import json
import re
import tempfile
from datetime import date
from pathlib import Path

from recon.models.audit import Audit
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
    from recon.api import check

    if name not in WEEK_FILES:
        raise KeyError(name)
    result = check(store=str(config.store), week=week, participant=participant, record=False)
    if name == "findings.json":
        doc = json.dumps(result.findings_document(), indent=2, ensure_ascii=False) + "\n"
        return doc.encode("utf-8")
    from recon.report import write_reports

    with tempfile.TemporaryDirectory(prefix="recon-serve-") as tmp:
        write_reports(result, tmp)
        return (Path(tmp) / name).read_bytes()


def audit_file(audit: Audit, name: str) -> bytes:
    """One of an audit's outputs (``name`` in :data:`AUDIT_FILES`), as ``recon audit``
    writes it."""
    from recon.report.audit import write_audit

    if name not in AUDIT_FILES:
        raise KeyError(name)
    with tempfile.TemporaryDirectory(prefix="recon-serve-") as tmp:
        write_audit(audit, tmp, reports=name != "audit.json")
        return (Path(tmp) / name).read_bytes()
