"""``recon audit``: the settlement history of a quarter or a year, for an auditor (SPEC §8).

Exit status: 0 when no error issue is open in the range (and when the range holds no week:
it says so on one line); 1 when one is; 2 when recon could not run (no store, bad dates, an
output it cannot write).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import click
from rich.table import Table
from rich.text import Text

from recon.cli.progress import stderr
from recon.cli.text import printable
from recon.config import nod_business_days
from recon.models.audit import Issue, Workflow
from recon.pipeline import audit as audit_job
from recon.report.audit import stored_time_text
from recon.wem.calendar import week_label

log = logging.getLogger(__name__)


def _text(value: object) -> Text:
    return Text(printable(str(value)) if value is not None else "")


def _run(run_id: int | None, designation: str | None) -> str:
    if run_id is None:
        return ""
    return f"{designation or ''} {run_id}".strip()


def print_issues(issues: Sequence[Issue], title: str, limit: int = 20) -> None:
    """Print issues as a table on stderr: what, where, and the runs that raised, last
    showed and resolved each. The title counts what the table shows (``title: 3``, or
    ``title: 20 of 45`` when the list is cut)."""
    if not issues:
        return
    shown = list(issues)[:limit]
    count = f"{len(shown)} of {len(issues)}" if len(issues) > len(shown) else str(len(issues))
    t = Table(title=f"{title}: {count}", title_justify="left")
    for col in ("Severity", "Week", "Check", "Variable, when", "Runs"):
        t.add_column(col, overflow="fold")
    for i in shown:
        runs = _run(i.first_run_id, i.first_designation)
        if i.last_run_id != i.first_run_id:
            runs += f" … {_run(i.last_run_id, i.last_designation)}"
        if i.resolved_by_run_id is not None:
            runs += f"; resolved by {_run(i.resolved_by_run_id, i.resolved_by_designation)}"
        what = " ".join(str(x) for x in (i.variable, i.figure, i.scope, i.timestamp) if x)
        if i.position:
            what += f" #{i.position}"
        severity = i.severity if i.workflow is Workflow.NEW else f"{i.severity}, {i.workflow}"
        t.add_row(
            severity,
            _text(f"{i.participant} {week_label(i.week)}"),
            i.check,
            _text(what),
            runs,
        )
    stderr.print(t)
    if len(issues) > limit:
        stderr.print(f"  ... and {len(issues) - limit} more (see audit.json)")


def print_issue_changes(
    opened: Sequence[Issue], resolved: Sequence[Issue], since: datetime | None
) -> None:
    """``recon weekly``: print the issues opened and resolved since the last weekly run
    (``since``: when it finished; None: there was none)."""
    when = f"since the last weekly run ({stored_time_text(since)})" if since else "so far"
    stderr.print(f"Issues {when}: {len(opened)} opened, {len(resolved)} resolved.")
    print_issues(opened, "Opened")
    print_issues(resolved, "Resolved")


@click.command("audit")
@click.option(
    "--from",
    "start",
    metavar="YYYY-MM-DD",
    help="First day of the range: the Trading Weeks starting from this day are covered.",
)
@click.option("--to", "end", metavar="YYYY-MM-DD", help="Last day of the range (included).")
@click.option(
    "--fy",
    metavar="YEAR",
    help="A Financial Year instead of --from/--to: --fy 2024-25 is 1 July 2024 to 30 June "
    "2025, and so is --fy 2025 (the year ending 30 June 2025).",
)
@click.option("--participant", metavar="CODE", help="Only this participant's weeks.")
@click.option(
    "--store",
    "store_path",
    type=click.Path(path_type=Path),
    metavar="PATH",
    help="The store's database file (a folder means recon.duckdb in it). Default: "
    "$RECON_STORE, else recon.duckdb in your recon data folder (~/.local/share/recon on "
    "Linux).",
)
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    required=True,
    help="Folder to write audit.json, audit.xlsx and audit.html into (created if missing; "
    "files are replaced atomically).",
)
@click.option("--no-reports", is_flag=True, help="Write audit.json only.")
def audit(
    start: str | None,
    end: str | None,
    fy: str | None,
    participant: str | None,
    store_path: Path | None,
    out: Path,
    no_reports: bool,
) -> int:
    """The settlement history of a quarter or a year: weeks, run chains, issues, checks.

    Covers the Trading Weeks starting in the range. For each: its runs (INITIAL and ADJ)
    with the invoice's amount due, recon's recomputed Total Payable and each ADJ run's net
    adjustment; how often it was checked; the issue register (each discrepancy from the
    run that raised it to the run that resolved it, or still open); and the trail of
    checks (when, which recon, which inputs by SHA-256). Every `recon check --store` and
    `recon weekly` records its check in the store.

    Every audit states the dates it covered; a range that holds no week of the store says
    so on one line (and exits 0).

    Exit status: 0 no error issue open in the range; 1 one is open; 2 recon could not run.
    """
    result = audit_job.build(
        start,
        end,
        fy=fy,
        participant=participant,
        store=store_path,
        nod_business_days=nod_business_days(),
    )
    written = audit_job.write(result, out, reports=not no_reports)
    names = ", ".join(p.name for p in written)
    if result.empty:  # one line, never a green verdict: nothing was audited
        line = f"{result.empty_line()[:-1]} (wrote an empty {names} into {out})."
        stderr.print(Text(printable(line), style="yellow"))
        return result.exit_code
    stderr.print(_text(f"Audit of {result.covered}."))
    print_issues([i for i in result.issues if i.is_open], "Open issues")
    colour = "red" if result.open_errors else "green"
    stderr.print(Text(result.verdict(), style=colour))
    stderr.print(_text(f"Wrote {names} into {out}"))
    return result.exit_code
