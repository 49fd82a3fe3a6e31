"""``recon``: the command line. Errors map to exit status here, in one place (SPEC §6).

Exit status: 0 clean; 1 discrepancies found (error findings, or warnings with --strict);
2 recon could not run (bad arguments, unreadable input, unwritable output), with one
clear line on stderr and no traceback.
"""

from __future__ import annotations

import importlib
import logging
import sys

import click
from rich.logging import RichHandler

from recon.__about__ import __version__
from recon.cli.text import printable
from recon.errors import EXIT_CANNOT_RUN, ReconError

log = logging.getLogger("recon")

COMMANDS: dict[str, str] = {
    "check": "recon.cli.check_cmd",
    "decode": "recon.cli.decode_cmd",
    "report": "recon.cli.report_cmd",
    "fetch": "recon.cli.fetch_cmd",
    "emulator": "recon.cli.fetch_cmd",
    "ingest": "recon.cli.store_cmd",
    "runs": "recon.cli.store_cmd",
    "weekly": "recon.cli.store_cmd",
    "export": "recon.cli.store_cmd",
    "audit": "recon.cli.audit_cmd",
}
"""Each command and the module defining it, imported only when the command is used (so
``recon check`` does not pay for the PaSS client's or the store's imports)."""


class LazyGroup(click.Group):
    """A click group whose commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(COMMANDS))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        cmd = super().get_command(ctx, cmd_name)
        if cmd is None and cmd_name in COMMANDS:
            module = importlib.import_module(COMMANDS[cmd_name])
            cmd = getattr(module, cmd_name)
            self.add_command(cmd, cmd_name)
        return cmd


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

    Exit status: 0 no discrepancy; 1 discrepancies found; 2 recon could not run.
    """
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(
        level=level,
        format="%(message)s",
        handlers=[RichHandler(show_path=False, show_time=False, console=_stderr_console())],
    )


def _stderr_console():  # type: ignore[no-untyped-def]
    from recon.cli.progress import stderr

    return stderr


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return (and exit with) its status. The console script calls this."""
    try:
        rv = cli.main(args=argv, prog_name="recon", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("recon: aborted", err=True)
        code = EXIT_CANNOT_RUN
    except click.ClickException as e:
        e.show()
        code = EXIT_CANNOT_RUN
    except click.exceptions.Exit as e:
        code = e.exit_code
    except ReconError as e:
        click.echo(f"recon: {printable(str(e))}", err=True)
        code = e.exit_code
    except KeyboardInterrupt:
        click.echo("recon: interrupted", err=True)
        code = EXIT_CANNOT_RUN
    except (SystemExit, GeneratorExit):
        raise
    except BaseException as e:  # the promise: never a traceback (a Rust panic in polars
        # or pyarrow arrives as pyo3's PanicException, which is not an Exception)
        log.debug("internal error", exc_info=True)
        click.echo(
            f"recon: internal error: {type(e).__name__}: {printable(str(e))} (run "
            "with -vv for details and please report it)",
            err=True,
        )
        code = EXIT_CANNOT_RUN
    else:
        code = rv if isinstance(rv, int) else 0
    if argv is None:
        sys.exit(code)
    return code
