"""``recon fetch`` and ``recon emulator``: download from PaSS, and serve a local PaSS.

``recon/cli/main.py`` lists both among its commands (imported on first use)::

    from recon.cli.fetch_cmd import emulator, fetch
    cli.add_command(fetch)
    cli.add_command(emulator)

Exit status (SPEC §6): 0 when everything was fetched; 1 when the server had no copy of an
artefact the timeline implies (HTTP 404; the rest is fetched); 2 when recon could not run
(bad options, a certificate refused, a call that failed for good, an output it cannot write).
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)

from recon.cli.progress import stderr
from recon.cli.text import printable
from recon.emulator.certs import write_demo_pki
from recon.emulator.server import Faults, PassEmulator
from recon.errors import EXIT_CLEAN, EXIT_FINDINGS, Interrupted, UsageError
from recon.pass_client.client import PassClient
from recon.pass_client.config import (
    DEFAULT_DEADLINE,
    DEFAULT_MAX_RESPONSE_MB,
    ENV_CA,
    ENV_CERT,
    ENV_DEADLINE,
    ENV_KEY,
    ENV_MAX_RESPONSE_MB,
    ENV_PARTICIPANT,
    ENV_TIMEOUT,
    ENV_URL,
    resolve_config,
)
from recon.pass_client.fetch import FetchReport, ProgressCallback, fetch_week
from recon.report.formatting import awst_text
from recon.wem.calendar import week_label

log = logging.getLogger(__name__)

_PATH = click.Path(dir_okay=False, path_type=Path)


@contextmanager
def _progress_bar(console: Console) -> Iterator[ProgressCallback]:
    """A rich progress bar on ``console`` (silent when it is not a terminal)."""
    with Progress(
        TextColumn("[progress.description]{task.description:<34}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
        disable=not console.is_terminal,
    ) as bar:
        task = bar.add_task("PaSS timeline", total=None)

        def update(done: int, total: int, label: str) -> None:
            bar.update(task, completed=done, total=total or None, description=label)

        yield update


def _summary_lines(report: FetchReport) -> list[str]:
    lines = []
    for entry in report.runs:
        files = [f for f in report.files if f.run_id == entry.run_id]
        missing = [m for m in report.missing if m.run_id == entry.run_id]
        new = sum(f.written for f in files)
        text = (
            f"  run {entry.run_id} {entry.designation.value:<7} published "
            f"{awst_text(entry.published_at)}: {new} new, {len(files) - new} unchanged"
        )
        if missing:
            text += f", {len(missing)} not published"
        lines.append(text)
    for m in report.missing:
        lines.append(f"  missing: {m.problem}")
    return lines


@click.command("fetch")
@click.option(
    "--week",
    required=True,
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="YYYY-MM-DD",
    help="The Trading Week to fetch, named by its first day (a Sunday).",
)
@click.option(
    "--run",
    "run_id",
    type=click.IntRange(min=1),
    metavar="RUNID",
    help="Fetch only this run of the week (default: every run the timeline lists).",
)
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    help="Folder to store the artefacts in (created if missing). Files are named "
    "<run>_<kind>[_<day>]_<sha12>.<ext>; unchanged data is not written "
    "again and a changed republication is kept beside the earlier file.",
)
@click.option(
    "--url",
    metavar="URL",
    help=f"Base URL of the PaSS WEM Settlement API (https only; no default). "
    f"Else ${ENV_URL}, else 'url' in the config file.",
)
@click.option(
    "--cert",
    type=_PATH,
    metavar="PEM",
    help=f"Your Local Certificate: the TLS client certificate, PEM (it may also "
    f"hold the key). Else ${ENV_CERT}, else 'cert' in the config file.",
)
@click.option(
    "--key",
    type=_PATH,
    metavar="PEM",
    help=f"The client certificate's private key, PEM, if not in --cert. Else "
    f"${ENV_KEY}, else 'key' in the config file. For an encrypted key set "
    f"$RECON_PASS_KEY_PASSWORD.",
)
@click.option(
    "--ca",
    type=_PATH,
    metavar="PEM",
    help=f"CA bundle to verify the server with, instead of the system's trust "
    f"store. Else ${ENV_CA}, else 'ca' in the config file. Verification is "
    f"always on.",
)
@click.option(
    "--participant",
    metavar="CODE",
    help=f"Your participant code, sent as x-initiatingParticipantId. Else "
    f"${ENV_PARTICIPANT}, else 'participant' in the config file.",
)
@click.option(
    "--config",
    "config_file",
    type=_PATH,
    metavar="TOML",
    help="Config file with a [pass] table (url, participant, cert, key, ca, "
    "timeout). Default: $RECON_CONFIG, else config.toml in your recon "
    "config folder (~/.config/recon/config.toml on Linux) if it exists. "
    "Options beat environment variables, which beat the file.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    metavar="SECONDS",
    help=f"Seconds to wait to connect and between bytes of an answer (default 30). "
    f"Else ${ENV_TIMEOUT}, else 'timeout' in the config file.",
)
@click.option(
    "--deadline",
    type=click.FloatRange(min=0, min_open=True, max=1e9),
    metavar="SECONDS",
    help=f"Seconds one request may take in all, however steadily the server sends "
    f"(default {DEFAULT_DEADLINE:g}); a request past it fails and nothing is saved. "
    f"Else ${ENV_DEADLINE}, else 'deadline' in the config file.",
)
@click.option(
    "--max-response-mb",
    type=click.IntRange(min=1, max=1024 * 1024),
    metavar="MIB",
    help=f"Largest answer accepted, in MiB once decompressed (default "
    f"{DEFAULT_MAX_RESPONSE_MB}; a real Detail day is tens of MiB); a larger one fails "
    f"and nothing is saved. Else ${ENV_MAX_RESPONSE_MB}, else 'max_response_mb' in the "
    "config file.",
)
def fetch(
    week: datetime,
    run_id: int | None,
    out_dir: Path,
    url: str | None,
    cert: Path | None,
    key: Path | None,
    ca: Path | None,
    participant: str | None,
    config_file: Path | None,
    timeout: float | None,
    deadline: float | None,
    max_response_mb: int | None,
) -> int:
    """Download a Trading Week's Settlement Statements and Invoices from AEMO's PaSS API.

    For each run of the week: the Summary JSON, the Detail JSON of every Trading Day, the
    Invoice JSON and the Invoice PDF, over mutual TLS with your Local Certificate. recon
    keeps under 50 calls a minute and 200 in five minutes, waits when told to (429), and
    retries 502/503/504 and dropped connections. Then run `recon check DIR`.

    Exit status: 0 all fetched; 1 the server lacked an artefact the timeline lists (the
    rest was fetched); 2 recon could not run.
    """
    config = resolve_config(
        url=url,
        participant=participant,
        cert=cert,
        key=key,
        ca=ca,
        timeout=timeout,
        config_file=config_file,
        deadline=deadline,
        max_response_mb=max_response_mb,
    )
    with PassClient(config) as client, _progress_bar(stderr) as progress:
        report = fetch_week(client, week.date(), out_dir, run_id=run_id, progress=progress)
    n_new, n_same = len(report.written), len(report.unchanged)
    click.echo(
        printable(
            f"{_week_text(report.week)} for {report.participant}: {len(report.runs)} "
            f"run(s), {n_new} file(s) written, {n_same} unchanged, into {report.out_dir}"
        )
    )
    for line in _summary_lines(report):
        click.echo(printable(line))
    if report.missing:
        click.echo(
            f"recon: warning: {len(report.missing)} artefact(s) not published; see above", err=True
        )
    return EXIT_CLEAN if report.complete else EXIT_FINDINGS


def _week_text(week: date) -> str:
    return week_label(week)


@click.command("emulator")
@click.option(
    "--data",
    "data_dir",
    required=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    metavar="DIR",
    help="Folder of artefacts to serve, searched recursively and found by content: "
    "Summary/Detail/Invoice JSON (served as they are), Summary CSV and Detail "
    "CSV/ZIP (converted to JSON), Invoice PDF. E.g. fixtures/sample_week.",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Keep it on loopback: this is a test server.",
)
@click.option(
    "--port",
    default=8443,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to listen on (0: any free port; the URL is printed).",
)
@click.option(
    "--cert", type=_PATH, metavar="PEM", help="The server's certificate, PEM, valid for --host."
)
@click.option("--key", type=_PATH, metavar="PEM", help="The server's private key, PEM.")
@click.option(
    "--client-ca",
    type=_PATH,
    metavar="PEM",
    help="CA certificate(s), PEM: a client must present a certificate signed by "
    "one of them, or the TLS handshake is refused.",
)
@click.option(
    "--demo-certs",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    help="Instead of --cert/--key/--client-ca: make (or reuse) a throwaway CA, "
    "server certificate and client certificate in DIR and use them; the "
    "command to fetch with them is printed.",
)
@click.option(
    "--fault-429",
    "fault_429",
    default=0,
    type=click.IntRange(min=0),
    metavar="N",
    help="Answer the first N requests with 429 Too Many Requests.",
)
@click.option(
    "--retry-after",
    default=1.0,
    show_default=True,
    type=click.FloatRange(min=0),
    metavar="S",
    help="Seconds sent in Retry-After with each injected 429.",
)
@click.option(
    "--fault-503",
    "fault_503",
    default=0,
    type=click.IntRange(min=0),
    metavar="N",
    help="Then answer the next N requests with 503 Service Unavailable.",
)
@click.option(
    "--slow",
    default=0.0,
    type=click.FloatRange(min=0),
    metavar="S",
    help="Wait S seconds before answering each request.",
)
@click.option(
    "--drop",
    default=0,
    type=click.IntRange(min=0),
    metavar="N",
    help="Drop the connection halfway through the body of the first N answers.",
)
@click.option(
    "--fault-path",
    metavar="REGEX",
    help="Inject the faults only into requests whose path matches REGEX (e.g. '/pdf$').",
)
def emulator(
    data_dir: Path,
    host: str,
    port: int,
    cert: Path | None,
    key: Path | None,
    client_ca: Path | None,
    demo_certs: Path | None,
    fault_429: int,
    retry_after: float,
    fault_503: int,
    slow: float,
    drop: int,
    fault_path: str | None,
) -> int:
    """Serve a folder of settlement artefacts as a local PaSS API, over mutual TLS.

    A stand-in for AEMO's PaSS for tests and demos: the paths, headers and error shapes
    of recon's reading of the API, answering only clients whose certificate --client-ca
    signed, with faults to inject on demand. Runs until Ctrl-C.
    """
    pki = None
    if demo_certs is not None:
        if cert or key or client_ca:
            raise UsageError("give either --demo-certs or --cert/--key/--client-ca, not both")
        pki = write_demo_pki(demo_certs)
        cert, key, client_ca = pki.server_cert, pki.server_key, pki.ca
    given = {"--cert": cert, "--key": key, "--client-ca": client_ca}
    if cert is None or key is None or client_ca is None:
        missing = [name for name, value in given.items() if value is None]
        raise UsageError(f"missing {', '.join(missing)} (or use --demo-certs DIR)")
    for name, path in (("--cert", cert), ("--key", key), ("--client-ca", client_ca)):
        if not path.is_file():
            raise UsageError(f"{name}: file not found: {path}")
    if fault_path:
        try:
            re.compile(fault_path)
        except re.error as exc:
            raise UsageError(f"--fault-path is not a regular expression: {exc}") from None
    faults = Faults(
        status_429=fault_429,
        retry_after=retry_after,
        status_503=fault_503,
        slow=slow,
        drop=drop,
        path=fault_path,
    )
    try:
        server = PassEmulator(
            data_dir,
            cert,
            key,
            client_ca,
            host=host,
            port=port,
            faults=faults,
        )
        server.start()
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or getattr(exc, "reason", None) or exc
        raise UsageError(f"cannot start the emulator on {host}:{port}: {reason}") from None
    runs = sorted(server.holdings.runs.values(), key=lambda r: (r.participant, r.run_id))
    click.echo(
        printable(f"PaSS emulator at {server.url} serving {len(runs)} run(s) from {data_dir}")
    )
    for run in runs:
        entry = run.entry()
        what = f"{entry.designation.value} {entry.period}" if entry else "no header"
        click.echo(
            printable(
                f"  {run.participant} run {run.run_id} ({what}): "
                f"{'summary ' if run.summary else ''}{len(run.details)} detail day(s)"
                f"{' invoice' if run.invoice else ''}{' pdf' if run.pdf else ''}"
            )
        )
    for path, why in server.holdings.skipped:
        click.echo(printable(f"  not served: {path} ({why})"))
    if pki is not None:
        participant = runs[0].participant if runs else "SWANGEN"
        week = min((e.period_from for r in runs if (e := r.entry())), default=None)
        click.echo("Fetch from it with:")
        click.echo(
            f"  recon fetch --url {server.url} --participant {participant} "
            f"--cert {pki.client_cert} --key {pki.client_key} --ca {pki.ca} "
            f"--week {week.isoformat() if week else 'YYYY-MM-DD'} --out out/fetched/"
        )
    click.echo("Stop with Ctrl-C.")
    stop = threading.Event()
    try:
        stop.wait()
    except (KeyboardInterrupt, Interrupted):  # Ctrl-C or SIGTERM: the way to stop it
        pass
    finally:
        server.stop()
    return EXIT_CLEAN


__all__ = ["emulator", "fetch"]
