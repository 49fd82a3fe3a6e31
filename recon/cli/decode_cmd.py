"""``recon decode``: a Summary or Detail file to one long, typed, timestamped table."""

from __future__ import annotations

import logging
from pathlib import Path

import click
from rich.text import Text

from recon.cli.options import limit_options, limits_from
from recon.cli.progress import progress_bar, stderr
from recon.cli.text import printable
from recon.pipeline.decode import decode_to_file

log = logging.getLogger(__name__)


@click.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(path_type=Path),
    help="File to write; its suffix picks the format: .parquet (exact "
    "Decimal(23,8)), .csv or .xlsx (one sheet named Detail or Summary, frozen header; "
    "refused, exit 2, past Excel's 1,048,576 rows).",
)
@click.option("--no-progress", is_flag=True, help="Do not show a progress bar.")
@limit_options
def decode(path: Path, out: Path, no_progress: bool, **limits: int) -> int:
    """Decode PATH (Summary CSV or JSON; Detail CSV, ZIP or JSON day) into one long table.

    One row per value: run, Settlement Trading Day, variable, base, scope code, raw scope
    and its decoded fields, granularity, Timestamp, position, interval start and end
    (AWST, UTC+08:00) and the exact value. Row problems are listed as findings on stderr
    and the rest is still decoded; the exit status is 1 when there were any.
    """
    with progress_bar(f"Decoding {path.name}", enabled=not no_progress) as prog:
        rows, findings = decode_to_file(path, out, limits=limits_from(limits), progress=prog)
    for f in findings[:20]:
        line = Text(f.check, style="red")
        line.append(f" {printable(str(f.source))}: {printable(f.message)}")
        stderr.print(line, highlight=False)
    if len(findings) > 20:
        stderr.print(f"... and {len(findings) - 20} more findings")
    click.echo(f"Wrote {rows} values to {printable(str(out))}")
    return 1 if any(f.severity.value == "error" for f in findings) else 0
