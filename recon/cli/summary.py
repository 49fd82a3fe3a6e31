"""``recon check``'s terminal summary: the runs checked, the worst findings, your own data
and the files skipped, the verdict and the files written (stderr), laid out to fit the
terminal. ``recon report`` prints the verdict and the files written the same way.
"""

from __future__ import annotations

from pathlib import Path

from rich.table import Table
from rich.text import Text

from recon.cli.progress import stderr, wrapped
from recon.cli.text import printable
from recon.models.findings import Severity
from recon.models.labels import artefacts_text
from recon.models.results import CheckResult
from recon.report.disagreement import when_text
from recon.report.formatting import awst_text
from recon.report.view import in_run_order, run_order


def _text(value: object) -> Text:
    """Input text for the terminal: control characters escaped, never read as rich markup."""
    return Text(printable(str(value)) if value is not None else "")


NARROW = 100
"""Below this many columns the worst findings are listed, not tabled."""

OUTPUT_ROLES = {
    "report.html": "the report to read and file",
    "report.xlsx": "the workbook to act on",
    "findings.json": "every finding, for other programs",
    "result.json": "everything behind the reports (recon report rebuilds them)",
    "disagreement.csv": "the Notice of Disagreement draft, one row per root cause",
}
"""What each file of a check's output set is for, as the terminal lists them."""


def print_runs(result: CheckResult) -> None:
    """The runs checked, in date order, laid out to fit 80 columns: the designation under
    the RunId, the time (AWST) under the date, one kind of artefact a line."""
    runs = Table(title="Runs checked", title_justify="left")
    runs.add_column("Participant", overflow="fold")
    runs.add_column("Week", no_wrap=True)
    runs.add_column("Run", no_wrap=True)
    runs.add_column("Published", no_wrap=True)
    runs.add_column("Artefacts", min_width=16)
    for r in sorted(result.runs, key=run_order):
        runs.add_row(
            _text(r.participant),
            _text(r.period),
            Text("\n").join([Text(str(r.run_id)), _text(r.designation)]),
            awst_text(r.published_at, sep="\n"),
            artefacts_text(r.artefacts, sep="\n"),
        )
    stderr.print(runs)


def print_worst(result: CheckResult, limit: int = 12, where: str = "report.html") -> None:
    """The worst findings (errors first, in run order), and how many more are in ``where``."""
    ordered = in_run_order(list(result.findings), result)
    worst = sorted(ordered, key=lambda f: f.severity.rank)[:limit]  # stable: run order kept
    if not worst:
        return
    title = f"Worst findings (of {len(result.findings)})"
    colour = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
    if stderr.width < NARROW:
        # A narrow terminal: each finding as a heading line and its message below it,
        # rather than six columns too thin to read.
        stderr.print(Text(title, style="italic"), soft_wrap=True)
        for f in worst:
            where_parts: list[str] = [f.check]
            if f.run_id:
                where_parts.append(f"run {f.run_id}")
            if f.variable:
                where_parts.append(str(f.variable))
            if f.timestamp or f.interval_start:
                where_parts.append(when_text(f))
            sev = f.severity.value
            heading = Text(printable(f"{sev} {'  '.join(where_parts)}"))
            heading.stylize(colour[f.severity], 0, len(sev))
            wrapped(heading, indent=len(sev) + 1, first=0)
            wrapped(printable(f.message), indent=len(sev) + 1)
    else:  # a wide one: a table
        t = Table(title=title, title_justify="left")
        for col in ("Severity", "Check", "Run", "Variable", "When", "Message"):
            t.add_column(col, overflow="fold")
        for f in worst:
            t.add_row(
                Text(f.severity.value, style=colour[f.severity]),
                f.check,
                str(f.run_id or ""),
                _text(f.variable),
                _text(when_text(f) if (f.timestamp or f.interval_start) else ""),
                _text(f.message),
            )
        stderr.print(t)
    more = len(result.findings) - len(worst)
    if more:
        wrapped(f"{more} more finding{'s' if more != 1 else ''} in {where}.")


def print_skipped(result: CheckResult, shown: int = 10) -> None:
    """Your own data found among the inputs, then the files skipped with the reason: one
    path a line, the reason wrapped beneath it at word boundaries."""
    own = [s for s in result.skipped if s.get("own_data")]
    skipped = [s for s in result.skipped if not s.get("own_data")]
    for mapping in dict.fromkeys(s["own_data"] for s in own):
        files = [s for s in own if s["own_data"] == mapping]
        wrapped(
            f"Your own data: {len(files)} file{'s' if len(files) != 1 else ''}, used with "
            f"--own {printable(mapping)} (not compared in this check):",
            style="cyan",
        )
        for sk in files:
            wrapped(printable(sk.get("path", "")), indent=4, first=2)
    if not skipped:
        return
    wrapped(
        f"Skipped {len(skipped)} input(s) that are not settlement artefacts or could not be used:",
        style="yellow",
    )
    for sk in skipped[:shown]:
        wrapped(printable(sk.get("path", "")), indent=4, first=2)
        wrapped(printable(sk.get("reason", "")), indent=4)
    if len(skipped) > shown:
        wrapped(f"  ... and {len(skipped) - shown} more (see result.json)")


def print_verdict(result: CheckResult) -> None:
    """The verdict lines (SPEC §6 "Coverage": only what was checked), wrapped to fit."""
    c = result.counts
    head, *rest = result.verdict_lines()
    clean = c["error"] == 0 and result.fully_checked
    style = "red" if c["error"] else ("green" if clean and not c["warning"] else "yellow")
    wrapped(head, style=style)
    for line in rest:
        wrapped(printable(line))


def print_written(paths: list[Path]) -> None:
    """Every file written, with what it is for, the folder named once."""
    if not paths:
        return
    folder = paths[0].parent
    wrapped(printable(f"Wrote {len(paths)} file{'s' if len(paths) != 1 else ''} into {folder}:"))
    order = list(OUTPUT_ROLES)
    width = max(len(p.name) for p in paths)
    for p in sorted(paths, key=lambda p: order.index(p.name) if p.name in order else 99):
        role = OUTPUT_ROLES.get(p.name, "")
        wrapped(printable(f"{p.name.ljust(width)}  {role}".rstrip()), indent=width + 4, first=2)


def print_summary(
    result: CheckResult,
    limit: int = 12,
    written: list[Path] | None = None,
    reports: bool = True,
) -> None:
    """Print the runs (in date order), the worst findings, your own data and the skipped
    files, the verdict and the files written (stderr), laid out to fit the terminal."""
    print_runs(result)
    print_worst(result, limit, where="report.html" if reports else "findings.json")
    print_skipped(result)
    print_verdict(result)
    if result.own is not None:
        wrapped(printable(result.own.line()))
    if written:
        print_written(written)
