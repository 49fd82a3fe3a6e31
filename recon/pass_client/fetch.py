"""``recon fetch``: download a Trading Week's runs from PaSS into a folder, content-addressed.

For every run of the week (or the one asked for) :func:`fetch_week` downloads the Summary
JSON, the Detail JSON of each Trading Day from PeriodFrom to PeriodTo, the Invoice JSON and
the Invoice PDF, and stores each body exactly as received under a name that carries the
run, the kind and a SHA-256::

    51230_summary_<sha12>.json
    51230_detail_2024-12-01_<sha12>.json
    51230_invoice_<sha12>.json
    51230_invoice_<sha12>.pdf

The SHA-256 is of the *content*: for a PDF its bytes; for JSON the document under ``data``
written canonically (keys sorted, no spaces, numbers as their text), so that the
``transactionId`` a server gives every answer is not mistaken for a change. So fetching
unchanged data again writes nothing, and a republication with different content is kept
beside the earlier one, never over it.

Each file is written atomically (a temporary file in the same folder, fsync, rename), and
only once the whole body has arrived: a connection dropped mid-download leaves no file.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from recon.atomic import atomic_write_bytes
from recon.errors import FetchError, OutputError, UsageError
from recon.pass_client.api_errors import PassApiError
from recon.pass_client.client import PassClient
from recon.pass_client.protocol import TimelineEntry, document_of
from recon.text import path_component
from recon.wem.calendar import week_label

log = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int, str], None]
"""``progress(done, total, label)``: called once the list of downloads is known (done 0)
and after each download."""

TEMP_PREFIX = ".recon-fetch-"
TEMP_SUFFIX = ".part"
SHA_CHARS = 12

SUMMARY = "summary"
DETAIL = "detail"
INVOICE = "invoice"
INVOICE_PDF = "invoice_pdf"


@dataclass(frozen=True)
class FetchedFile:
    """One artefact fetched.

    Attributes:
        path: Where it is stored.
        kind: ``summary``, ``detail``, ``invoice`` or ``invoice_pdf``.
        run_id: The run.
        trading_day: The Settlement Trading Day (Detail only).
        sha256: The content SHA-256 (see the module doc).
        size: Bytes.
        written: True if written by this fetch, False if already held unchanged.
    """

    path: Path
    kind: str
    run_id: int
    trading_day: date | None
    sha256: str
    size: int
    written: bool


@dataclass(frozen=True)
class MissingArtefact:
    """An artefact the timeline implies but the server does not have (HTTP 404).

    Attributes:
        kind: As :attr:`FetchedFile.kind`.
        run_id: The run.
        trading_day: The Trading Day (Detail only).
        problem: The server's answer, one line.
    """

    kind: str
    run_id: int
    trading_day: date | None
    problem: str


@dataclass
class FetchReport:
    """What :func:`fetch_week` did.

    Attributes:
        week: The Trading Week's first day.
        participant: The participant fetched for.
        out_dir: Where files were stored.
        runs: The runs fetched (from the timeline), oldest first.
        files: Every artefact fetched, written or unchanged, in download order.
        missing: Artefacts the server answered 404 for.
    """

    week: date
    participant: str
    out_dir: Path
    runs: list[TimelineEntry] = field(default_factory=list)
    files: list[FetchedFile] = field(default_factory=list)
    missing: list[MissingArtefact] = field(default_factory=list)

    @property
    def written(self) -> list[Path]:
        """Files this fetch wrote."""
        return [f.path for f in self.files if f.written]

    @property
    def unchanged(self) -> list[Path]:
        """Files already held with the same content (nothing written)."""
        return [f.path for f in self.files if not f.written]

    @property
    def complete(self) -> bool:
        """True when nothing was missing."""
        return not self.missing


def content_sha256(body: bytes, kind: str) -> str:
    """The content SHA-256 of a fetched body (see the module doc).

    Args:
        body: The body as received.
        kind: ``invoice_pdf`` for a PDF; anything else is JSON.

    Raises:
        ValueError: A JSON kind whose body is not JSON.
    """
    if kind == INVOICE_PDF:
        return hashlib.sha256(body).hexdigest()
    doc = document_of(body)
    canonical = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    # surrogatepass: a lone surrogate escape (\ud800) in a document is hashed, not fatal.
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


def artefact_name(
    kind: str, run_id: int, sha256: str, trading_day: date | None = None, sha_chars: int = SHA_CHARS
) -> str:
    """The file name of a fetched artefact, e.g. ``51230_detail_2024-12-01_<sha12>.json``."""
    sha = sha256[:sha_chars]
    run = int(run_id)  # a RunId is a number: never text from the server
    if kind == DETAIL:
        assert trading_day is not None
        name = f"{run}_detail_{trading_day.isoformat()}_{sha}.json"
    elif kind == INVOICE_PDF:
        name = f"{run}_invoice_{sha}.pdf"
    else:
        name = f"{run}_{kind}_{sha}.json"
    return path_component(name, "artefact file name")


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that ``path`` is either absent or complete.

    Raises:
        OutputError: The file cannot be written.
    """
    atomic_write_bytes(path, data)


def _remove_stale_temps(out_dir: Path) -> None:
    for stale in out_dir.glob(f"{TEMP_PREFIX}*{TEMP_SUFFIX}"):
        try:
            stale.unlink()
            log.info("removed %s, left by an interrupted fetch", stale.name)
        except OSError:
            pass


def _store(out_dir: Path, kind: str, run_id: int, day: date | None, body: bytes) -> FetchedFile:
    sha = content_sha256(body, kind)
    path = out_dir / artefact_name(kind, run_id, sha, day)
    if path.exists():
        try:
            same = content_sha256(path.read_bytes(), kind) == sha
        except (OSError, ValueError):
            same = False
        if same:
            return FetchedFile(path, kind, run_id, day, sha, path.stat().st_size, written=False)
        # A different file under the short name: keep it, use the full hash for this one.
        path = out_dir / artefact_name(kind, run_id, sha, day, sha_chars=64)
        if path.exists():
            return FetchedFile(path, kind, run_id, day, sha, path.stat().st_size, written=False)
    write_atomic(path, body)
    log.info("wrote %s (%d bytes)", path.name, len(body))
    return FetchedFile(path, kind, run_id, day, sha, len(body), written=True)


def _downloads(entry: TimelineEntry) -> list[tuple[str, date | None]]:
    days: list[tuple[str, date | None]] = [(DETAIL, day) for day in entry.trading_days]
    return [(SUMMARY, None), *days, (INVOICE, None), (INVOICE_PDF, None)]


def _label(kind: str, run_id: int, day: date | None) -> str:
    what = {
        SUMMARY: "Summary",
        DETAIL: "Detail",
        INVOICE: "Invoice JSON",
        INVOICE_PDF: "Invoice PDF",
    }[kind]
    return f"run {run_id} {what}" + (f" {day.isoformat()}" if day else "")


def fetch_week(
    client: PassClient,
    week: date,
    out_dir: str | os.PathLike[str],
    run_id: int | None = None,
    progress: ProgressCallback | None = None,
) -> FetchReport:
    """Download every run of a Trading Week (or one run) into ``out_dir``.

    Args:
        client: The PaSS client.
        week: The Trading Week's first day (a Sunday).
        out_dir: Where to store the artefacts (created if missing).
        run_id: Only this run (it must be in the week's timeline).
        progress: Told of each download (see :data:`ProgressCallback`).

    Returns:
        What was written, what was already held, and what the server did not have.

    Raises:
        UsageError: ``week`` is not a Sunday.
        FetchError: A call failed for good (other than a 404 for one artefact), or
            ``run_id`` is not in the week's timeline.
        OutputError: ``out_dir`` cannot be written.
    """
    if week.weekday() != 6:
        raise UsageError(
            f"{week.isoformat()} is a {week.strftime('%A')}; a Trading Week starts on a Sunday"
        )
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create {out}: {exc.strerror or exc}") from None
    if not os.access(out, os.W_OK):
        raise OutputError(f"cannot write into {out}")
    _remove_stale_temps(out)

    report = FetchReport(week=week, participant=client.participant, out_dir=out)
    entries = [e for e in client.timeline(week) if e.participant == client.participant]
    if run_id is not None:
        entries = [e for e in entries if e.run_id == run_id]
        if not entries:
            raise FetchError(
                f"run {run_id} is not in the PaSS timeline of {week_label(week)} "
                "for this participant"
            )
    report.runs = entries
    if not entries:
        log.warning("no run of %s is published for this participant", week_label(week))

    jobs = [(entry, kind, day) for entry in entries for kind, day in _downloads(entry)]
    if progress:
        progress(0, len(jobs), "timeline")
    calls: dict[str, Callable[..., bytes]] = {
        SUMMARY: client.summary,
        INVOICE: client.invoice,
        INVOICE_PDF: client.invoice_pdf,
    }
    for done, (entry, kind, day) in enumerate(jobs, start=1):
        label = _label(kind, entry.run_id, day)
        try:
            body = (
                client.detail(entry.run_id, day)
                if kind == DETAIL and day is not None
                else calls[kind](entry.run_id)
            )
        except PassApiError as exc:
            if exc.status != 404 and not exc.unusable:
                raise
            # A 404, or a 200 that is not the document asked for (an error envelope,
            # another run's): nothing is saved, and the artefact counts as missing.
            why = "not published" if exc.status == 404 else "refused, nothing saved"
            log.warning("%s: %s (%s)", label, why, exc)
            report.missing.append(MissingArtefact(kind, entry.run_id, day, str(exc)))
        else:
            try:
                report.files.append(_store(out, kind, entry.run_id, day, body))
            except OSError as exc:
                raise OutputError(
                    f"cannot write the {label} into {out}: {exc.strerror or exc}"
                ) from None
        if progress:
            progress(done, len(jobs), label)
    return report
