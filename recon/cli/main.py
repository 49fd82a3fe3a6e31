"""``recon``: the command line. Errors map to exit status here, in one place (SPEC §6).

Exit status: 0 clean; 1 discrepancies found (error findings, or warnings with --strict);
2 recon could not run (bad arguments, unreadable input, unwritable output), with one
clear line on stderr and no traceback.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import signal
import sys
import threading
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, ClassVar

import click
from rich.text import Text

from recon.__about__ import __version__
from recon.cli.text import printable, safe_text
from recon.errors import (
    EXIT_CANNOT_RUN,
    EXIT_INTERRUPTED,
    SIGNALS_RECEIVED,
    Interrupted,
    ReconError,
)

log = logging.getLogger("recon")

COMMANDS: dict[str, tuple[str, str]] = {
    "audit": (
        "recon.cli.audit_cmd",
        "The settlement history of a quarter or a year: weeks, run chains, issues, checks.",
    ),
    "check": (
        "recon.cli.check_cmd",
        "Check settlement artefacts: recompute invoices, tie out every form, explain ADJ runs.",
    ),
    "decode": (
        "recon.cli.decode_cmd",
        "Decode PATH (Summary CSV or JSON; Detail CSV, ZIP or JSON day) into one long table.",
    ),
    "emulator": (
        "recon.cli.fetch_cmd",
        "Serve a folder of settlement artefacts as a local PaSS API, over mutual TLS.",
    ),
    "export": (
        "recon.cli.store_cmd",
        "Write the store's tables as Parquet for Spark, Trino or DuckDB on a cluster.",
    ),
    "fetch": (
        "recon.cli.fetch_cmd",
        "Download a Trading Week's Settlement Statements and Invoices from AEMO's PaSS API.",
    ),
    "ingest": (
        "recon.cli.store_cmd",
        "Store settlement artefacts in the history store, for audit and later checks.",
    ),
    "issue": (
        "recon.cli.issues_cmd",
        "Show one issue (its findings across runs and its events), or record a change.",
    ),
    "issues": ("recon.cli.issues_cmd", "List the issue register: the team's worklist."),
    "report": ("recon.cli.report_cmd", "Rebuild the reports from a saved check."),
    "runs": (
        "recon.cli.store_cmd",
        "List the runs held in the store, with the artefacts held for each.",
    ),
    "serve": (
        "recon.cli.serve_cmd",
        "Serve the store to the settlements team as web pages and a JSON API.",
    ),
    "weekly": (
        "recon.cli.weekly_cmd",
        "The scheduled job: fetch, ingest, and check every week that changed.",
    ),
}
"""Each command: the module defining it, imported only when the command runs (each pulls
in the job it runs: 0.2 to 1 s of imports by ``python -X importtime``; ``recon check``
does not pay for the PaSS client's, and ``recon --help`` for none), and its one-line help
(its docstring's first line, which ``recon --help`` lists without importing it; a test
holds the two equal)."""


class LazyGroup(click.Group):
    """A click group whose commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(COMMANDS))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        cmd = super().get_command(ctx, cmd_name)
        if cmd is None and cmd_name in COMMANDS:
            module = importlib.import_module(COMMANDS[cmd_name][0])
            cmd = getattr(module, cmd_name)
            self.add_command(cmd, cmd_name)
        return cmd

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List the commands with their one-line help, importing none of them."""
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(len(n) for n in names)
        rows = []
        for name in names:
            loaded = self.commands.get(name)
            if loaded is not None:
                if not loaded.hidden:
                    rows.append((name, loaded.get_short_help_str(limit)))
            else:
                # cut to fit as click cuts a loaded command's help
                short = click.Command(name, help=COMMANDS[name][1]).get_short_help_str(limit)
                rows.append((name, short))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="recon")
@click.option(
    "-v",
    "--verbose",
    count=True,
    help="More log output on stderr: -v for progress notes, -vv for debugging.",
)
def cli(verbose: int) -> None:
    """Check AEMO WEM Settlement Statements and Invoices.

    recon decodes Settlement Statement Summary and Detail files (CSV, ZIP, JSON),
    recomputes every Invoice from its statements, ties out CSV against JSON, PDF against
    JSON and Summary against Detail, and explains where adjustments came from.

    Exit status: 0 no discrepancy; 1 discrepancies found; 2 recon could not run;
    3 (weekly --notify) the run was done and recorded but its digest not sent.
    """
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(message)s", handlers=[_safe(ConsoleHandler())])


class ConsoleHandler(logging.Handler):
    """Log records on recon's stderr console, as ``WARNING  the message``.

    On a terminal the message wraps at word boundaries under itself, to the terminal's
    width; anywhere else (a pipe, a log file) each record is one line, never padded with
    spaces to a width, and never broken.
    """

    STYLES: ClassVar[dict[int, str]] = {
        logging.DEBUG: "dim",
        logging.INFO: "cyan",
        logging.WARNING: "yellow",
        logging.ERROR: "red",
        logging.CRITICAL: "bold red",
    }

    def emit(self, record: logging.LogRecord) -> None:
        try:
            # start-up: rich.table and recon.cli.progress cost 11 ms to import (python -X
            # importtime, 2026-12-05); only a log line needs them, not --help or --version
            from rich.table import Table

            from recon.cli.progress import stderr as console

            level = Text(f"{record.levelname:<8}", style=self.STYLES.get(record.levelno, ""))
            message = Text(self.format(record))
            if console.is_terminal:
                grid = Table.grid(padding=(0, 1))
                grid.add_column(no_wrap=True)
                grid.add_column(overflow="fold")
                grid.add_row(level, message)
                console.print(grid)
            else:
                console.print(Text.assemble(level, " ", message), soft_wrap=True)
        except Exception:
            self.handleError(record)


class _SafeRecords(logging.Filter):
    """Log lines carry input text (file names, server messages): show it escaped.

    Each argument is escaped whole, newlines included (a file name holding a newline
    cannot forge a second log line); the message recon wrote keeps its own newlines.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            if isinstance(record.args, dict):
                text = str(record.msg) % {k: _arg(v) for k, v in record.args.items()}
            elif record.args:
                text = str(record.msg) % tuple(_arg(a) for a in record.args)
            else:
                text = str(record.msg)
        except (TypeError, ValueError, KeyError):  # a format that does not fit its arguments
            text = safe_text(f"{record.msg} (arguments: {record.args!r})")
        record.msg = safe_text(text, keep_newlines=True)
        record.args = None
        return True


def _arg(value: object) -> object:
    """A log record's argument: numbers as they are, anything else as escaped text."""
    if isinstance(value, (int, float, Decimal)):
        return value
    return safe_text(value)


def _safe(handler: logging.Handler) -> logging.Handler:
    handler.addFilter(_SafeRecords())
    return handler


_received = SIGNALS_RECEIVED
"""Signals received during this run (SIGINT, SIGTERM)."""


def _on_signal(signum: int, _frame: object) -> None:
    first = not _received
    _received.append(signum)
    if first:  # a second signal while cleaning up is only noted: the cleanup finishes
        raise Interrupted(signum)


@contextlib.contextmanager
def signals_raise() -> Iterator[None]:
    """While a command runs, SIGINT and SIGTERM raise :class:`Interrupted`, so every
    ``finally`` on the way out runs (temporary files removed, earlier outputs kept)."""
    _received.clear()
    if threading.current_thread() is not threading.main_thread():
        try:
            yield
        finally:
            _received.clear()
        return
    previous = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    hook = sys.unraisablehook

    def quiet(unraisable: Any) -> None:
        # A signal can land where Python cannot raise (a weakref or import callback, a
        # __del__): it is recorded in _received and acted on, so say nothing here rather
        # than print "Exception ignored ... Traceback".
        if not isinstance(unraisable.exc_value, Interrupted):
            hook(unraisable)

    for s in previous:
        signal.signal(s, _on_signal)
    sys.unraisablehook = quiet
    try:
        yield
    finally:
        sys.unraisablehook = hook
        for s, handler in previous.items():
            signal.signal(s, handler)
        # The record belongs to this command: a later call in the same process (the
        # Python API, another main()) must not find this command's signal and refuse.
        _received.clear()


def _interrupted_code(signum: int | None) -> int:
    """Print the one line for an interruption; return its exit status (130 or 143)."""
    if signum is None or signum == signal.SIGINT:
        click.echo("recon: interrupted", err=True)
        return EXIT_INTERRUPTED
    click.echo(f"recon: terminated by {signal.Signals(signum).name}", err=True)
    return Interrupted(signum).exit_code


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return (and exit with) its status. The console script calls this.

    Ctrl-C exits 130 and SIGTERM 143, with one line on stderr; whatever the command was
    writing is left as it was before (see :func:`recon.atomic.replace_set`).
    """
    with signals_raise():
        try:
            code = _run(argv)
        except Interrupted as e:  # arrived while an error was being reported
            code = _interrupted_code(e.signum)
    if argv is None:
        sys.exit(code)
    return code


def _run(argv: list[str] | None) -> int:
    """Run the command; map every outcome to an exit status, printing one line on error."""
    try:
        rv = cli.main(args=argv, prog_name="recon", standalone_mode=False)
    except Interrupted as e:
        code = _interrupted_code(e.signum)
    except click.exceptions.Abort as e:
        if isinstance(e.__cause__ or e.__context__, KeyboardInterrupt):
            code = _interrupted_code(signal.SIGINT)
        else:
            click.echo("recon: aborted", err=True)
            code = EXIT_CANNOT_RUN
    except click.ClickException as e:
        e.show()
        code = EXIT_CANNOT_RUN
    except click.exceptions.Exit as e:
        code = e.exit_code
    except ReconError as e:
        if _received:
            code = _interrupted_code(_received[0])
        else:
            click.echo(f"recon: {printable(str(e))}", err=True)
            code = e.exit_code
    except KeyboardInterrupt:
        code = _interrupted_code(signal.SIGINT)
    except (SystemExit, GeneratorExit):
        raise
    except BaseException as e:  # the promise: never a traceback (a Rust panic in polars
        # or pyarrow arrives as pyo3's PanicException, which is not an Exception)
        if _received:  # a library wrapped our Interrupted (pydantic's serializer does)
            return _interrupted_code(_received[0])
        log.debug("internal error", exc_info=True)
        click.echo(
            f"recon: internal error: {type(e).__name__}: {printable(str(e))} (run "
            "with -vv for details and please report it)",
            err=True,
        )
        code = EXIT_CANNOT_RUN
    else:
        code = rv if isinstance(rv, int) else 0
        if _received:  # a library swallowed the Interrupted; the command still finished
            return _interrupted_code(_received[0])
    return code
