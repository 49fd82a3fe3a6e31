"""``recon issues`` and ``recon issue``: the issue register as the team's worklist (SPEC §11).

``recon issues`` lists the register (id, workflow and status, participant, week, check,
variable or figure, at stake, due date or age); ``recon issue ID`` shows one issue with its
findings across runs and its events, and with ``--set`` records a change of its workflow:
an event appended to the store, never edited or deleted.

Exit status: ``recon issues`` 0 when no listed error issue counts as open (an ``accepted``
one does not), 1 when one does; ``recon issue`` 0; 2 when recon could not run (no store,
an unknown id, an invalid change).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click
from rich.table import Table
from rich.text import Text

from recon.cli.progress import stderr
from recon.cli.text import printable
from recon.config import nod_business_days
from recon.errors import EXIT_CLEAN, EXIT_FINDINGS, UsageError
from recon.models.audit import Issue, Workflow, issues_document
from recon.pipeline.issues import STATUSES, register
from recon.report.audit import stored_time_text
from recon.report.disagreement import stake_words
from recon.report.formatting import money_text
from recon.store import open_store
from recon.store.db import Store
from recon.store.register import UnknownIssueError, find_issue, person, record_event
from recon.wem.calendar import week_label

log = logging.getLogger(__name__)

WORKFLOWS = tuple(w.value for w in Workflow)


# ------------------------------------------------------------------------ printing


def _text(value: object) -> Text:
    return Text(printable(str(value)) if value is not None else "")


def _stake_short(issue: Issue) -> str:
    """``$0.01 owed to you (estimate)``, ``$5.50 owed to AEMO``, ``$0.00 at stake``: the
    amount at stake from the participant's side, short enough for an 80-column list; ''
    when none is known."""
    if issue.at_stake is None:
        return ""
    amount = f"${money_text(abs(issue.at_stake))}"
    side = (
        " at stake"
        if issue.at_stake == 0
        else " owed to you"
        if issue.at_stake > 0
        else " owed to AEMO"
    )
    estimate = " (estimate)" if issue.at_stake_basis == "estimate" else ""
    return amount + side + estimate


def _stake(issue: Issue) -> str:
    """``$0.01 (estimate: AEMO would owe you)``: the amount at stake and, in words, which
    way it runs from the participant's side (SPEC §10); '' when none is known."""
    if issue.at_stake is None:
        return ""
    words = stake_words(issue.at_stake, issue.at_stake_basis or "")
    amount = f"${money_text(abs(issue.at_stake))}"
    return f"{amount} ({words})" if words else amount


def _due_or_age(issue: Issue) -> str:
    if issue.due is not None:
        return f"due {issue.due.day} {issue.due:%b %Y}"
    if issue.age_business_days is not None:
        return f"{issue.age_business_days} WA Business Days old"
    return ""


def _what(issue: Issue) -> str:
    return " / ".join(x for x in (issue.variable, issue.figure) if x) or issue.scope or ""


def register_rows(issue: Issue) -> Text:
    """One issue of the register in three short lines: its state; participant, week,
    check and variable or figure; at stake and due date (or age)."""
    counts = issue.counts and issue.severity == "error"
    state = Text(printable(issue.state_text()), style="red" if counts else "")
    where = "  ".join(
        printable(str(x))
        for x in (issue.participant, week_label(issue.week), issue.check, _what(issue))
        if x
    )
    money = _stake_short(issue)
    last = " · ".join(x for x in (money, _due_or_age(issue)) if x)
    out = Text.assemble(state, "\n", where)
    if last:
        out.append("\n" + last)
    return out


def print_register(issues: Sequence[Issue], title: str) -> None:
    """The register, each issue under its id in three short lines (reads at 80 columns)."""
    t = Table.grid(padding=(0, 2))
    t.title, t.title_justify = title, "left"
    t.add_column(no_wrap=True)
    t.add_column(overflow="fold")
    for n, i in enumerate(issues):
        if n:
            t.add_row("", "")
        t.add_row(Text(i.id, style="bold"), register_rows(i))
    stderr.print(t)


def print_issue(issue: Issue, findings: Sequence[dict[str, Any]]) -> None:
    """One issue: what, where, its state, its findings across runs and its events."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    rows = [
        ("Issue", issue.id),
        ("State", issue.state_text()),
        ("Severity", issue.severity),
        ("Participant", issue.participant),
        ("Week", week_label(issue.week)),
        ("Check", issue.check),
        ("Variable", issue.variable),
        ("Figure", issue.figure),
        ("Scope", issue.scope),
        ("When", issue.timestamp),
        ("Position", issue.position),
        ("At stake", _stake(issue) or None),
        ("Due", f"{issue.due.day} {issue.due:%b %Y}" if issue.due else None),
        ("Age", f"{issue.age_business_days} WA Business Days" if issue.age_business_days else None),
        ("First seen", stored_time_text(issue.first_seen_at)),
        ("Message", issue.message),
        ("Key", issue.key),
    ]
    for label, value in rows:
        if value not in (None, ""):
            grid.add_row(label, _text(value))
    stderr.print(grid)
    if findings:
        t = Table(title="Findings across runs", title_justify="left")
        for col in ("Checked", "Run", "Severity", "Message"):
            t.add_column(col, overflow="fold")
        for f in findings:
            t.add_row(
                _text(f["checked"]),
                _text(f["run"]),
                _text(f["severity"]),
                _text(f["message"]),
            )
        stderr.print(t)
    if issue.events:
        t = Table(title="Events", title_justify="left")
        for col in ("At", "By", "Set", "Ref, lodged", "Note"):
            t.add_column(col, overflow="fold")
        for e in issue.events:
            t.add_row(
                _text(stored_time_text(e.at)),
                _text(e.by),
                e.workflow.value,
                _text(" ".join(x for x in (e.ref, e.lodged and f"lodged {e.lodged}") if x)),
                _text(e.note or ""),
            )
        stderr.print(t)


def issue_findings(store: Store, issue: Issue) -> list[dict[str, Any]]:
    """The findings recorded for an issue, check by check (times shown in AWST)."""
    out = []
    for at, run_id, designation, severity, message in store.rows(
        "SELECT c.checked_at_utc, f.run_id, r.designation, f.severity, "
        "json_extract_string(f.finding, '$.message') FROM check_findings f "
        "JOIN checks c ON c.check_id = f.check_id AND c.participant = f.participant AND "
        "c.week = f.week LEFT JOIN check_runs r ON r.check_id = f.check_id AND "
        "r.participant = f.participant AND r.week = f.week AND r.run_id = f.run_id "
        "WHERE f.participant = ? AND f.week = ? AND f.issue_key = ? "
        "ORDER BY c.checked_at_utc, f.check_id, f.ord",
        [issue.participant, issue.week, issue.key],
    ):
        out.append(
            {
                "checked": stored_time_text(at),
                "checked_at": at.isoformat() + "+00:00",
                "run": " ".join(str(x) for x in (designation, run_id) if x),
                "run_id": run_id,
                "severity": severity,
                "message": message,
            }
        )
    return out


def _json(doc: Any) -> None:
    click.echo(json.dumps(doc, indent=2, ensure_ascii=False))


# ------------------------------------------------------------------------ commands

_store_option = click.option(
    "--store",
    "store_path",
    type=click.Path(path_type=Path),
    metavar="PATH",
    help="The store's database file (a folder means recon.duckdb in it). Default: "
    "$RECON_STORE, else recon.duckdb in your recon data folder (~/.local/share/recon on "
    "Linux).",
)


@click.command("issues")
@_store_option
@click.option("--participant", metavar="CODE", help="Only this participant's issues.")
@click.option(
    "--week",
    metavar="YYYY-MM-DD",
    help="Only this Trading Week's issues (its first day, a Sunday; or TW dd Mon yyyy).",
)
@click.option(
    "--status",
    type=click.Choice(STATUSES),
    default="open",
    show_default=True,
    help="Open issues, resolved ones, or all.",
)
@click.option(
    "--workflow",
    type=click.Choice(WORKFLOWS),
    help="Only issues in this workflow state.",
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print the issues as JSON (as audit.json holds them)."
)
def issues(
    store_path: Path | None,
    participant: str | None,
    week: str | None,
    status: str,
    workflow: str | None,
    as_json: bool,
) -> int:
    """List the issue register: the team's worklist.

    Each issue with its id (for `recon issue ID`), its workflow state (new, investigating,
    disputed, accepted) and status (open, or the run that resolved it), participant and
    Trading Week, check, variable or invoice figure, the money at stake, and when its
    Notice of Disagreement is due (with nod_business_days under [disputes] in the config
    file) or how old it is in WA Business Days.

    Exit status: 0 no listed error issue is open (an accepted one does not count); 1 one is;
    2 recon could not run.
    """
    shown = register(
        store_path,
        participant=participant,
        week=week,
        status=status,
        workflow=workflow,
        nod_business_days=nod_business_days(),
    )
    if as_json:
        _json(issues_document(shown))
    elif shown:
        what = "issues" if status == "all" else f"{status} issues"
        print_register(shown, f"{what.capitalize()}: {len(shown)}")
    else:
        stderr.print(f"No {'' if status == 'all' else status + ' '}issue in the store matches.")
    counting = [i for i in shown if i.counts and i.severity == "error"]
    return EXIT_FINDINGS if counting else EXIT_CLEAN


@click.command("issue")
@click.argument("issue_id", metavar="ID")
@_store_option
@click.option("--json", "as_json", is_flag=True, help="Print the issue as JSON.")
@click.option(
    "--set",
    "set_to",
    type=click.Choice(WORKFLOWS),
    help="Record a change of its workflow state: disputed needs --ref and --lodged, "
    "accepted needs --note.",
)
@click.option("--ref", metavar="TEXT", help="With --set disputed: AEMO's reference or yours.")
@click.option(
    "--lodged",
    metavar="YYYY-MM-DD",
    help="With --set disputed: the day the Notice of Disagreement was lodged.",
)
@click.option("--note", metavar="TEXT", help="Why (required with --set accepted).")
@click.option(
    "--by",
    metavar="NAME",
    help="Who makes the change. Default: $RECON_USER, else your login name.",
)
def issue(
    issue_id: str,
    store_path: Path | None,
    as_json: bool,
    set_to: str | None,
    ref: str | None,
    lodged: str | None,
    note: str | None,
    by: str | None,
) -> int:
    """Show one issue (its findings across runs and its events), or record a change.

    ID is the issue's id as `recon issues` lists it. With --set, the change is appended to
    the store as an event (when, by whom, the state, the reference, the day lodged, the
    note) that no command edits or deletes.

    Exit status: 0 shown or recorded; 2 recon could not run (no store, an unknown id, an
    invalid change).
    """
    days = nod_business_days()
    if set_to is None and (ref or lodged or note or by):
        raise UsageError("--ref, --lodged, --note and --by go with --set")
    if set_to is not None:
        with open_store(store_path, must_exist=True) as store:
            found = record_event(
                store,
                issue_id,
                workflow=set_to,
                by=person(by),
                ref=ref,
                lodged=lodged,
                note=note,
                nod_business_days=days,
            )
            found_findings = issue_findings(store, found)
        if not as_json:
            stderr.print(_text(f"Recorded: issue {found.id} is now {found.state_text()}."))
    else:
        with open_store(store_path, read_only=True, must_exist=True) as store:
            got = find_issue(store, issue_id, nod_business_days=days)
            if got is None:
                raise UnknownIssueError(
                    f"no issue {issue_id.strip()!r} in the store {store.path}: "
                    "`recon issues --status all` lists them"
                )
            found = got
            found_findings = issue_findings(store, found)
    if as_json:
        _json({**found.document(), "findings": found_findings})
    else:
        print_issue(found, found_findings)
    return EXIT_CLEAN
