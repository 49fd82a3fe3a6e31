"""Which artefact a file is, by its content (SPEC §6): detection classifies, and
:data:`recon.sources.loading.READERS` reads each kind.

Files are sniffed, never judged by name or extension:

* ``PK\\x03\\x04`` (ZIP): the first member's CSV header row -> ``detail_zip``;
* ``%PDF-`` in the first KiB: the first page's header lines -> ``invoice_pdf``;
* text starting with ``{``: the keys of the (possibly wrapped) PaSS document ->
  ``invoice_json``, ``detail_json`` or ``summary_json``;
* other text: the CSV header row -> ``summary_csv`` or ``detail_csv``.

Detection reads only what it needs (a prefix, the CSV header and first row, one ZIP
member's first lines, one PDF page), apart from the SHA-256 of every file's bytes. ZIP
members are read in memory and never extracted to disk.
"""

from __future__ import annotations

import codecs
import logging
import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from recon.errors import InputError
from recon.models import aemo_names as aemo
from recon.sources.artefacts import (
    KINDS,
    PREFIX_BYTES,
    Artefact,
    Detection,
    Kind,
    NotAnArtefact,
    Skipped,
    Unread,
    Unreadable,
    kind_words,
    run_info,
)
from recon.sources.csv_sniff import csv_variant, sniff_csv, sniff_zip
from recon.sources.csv_table import header_names
from recon.sources.detail_csv import EMPTY_ZIP_MAGIC, ZIP_MAGIC
from recon.sources.files import read_bytes, read_head, sha256_file, unreadable
from recon.sources.invoice_pdf import read_pdf_header
from recon.sources.json_sniff import json_kind, opens_json_object, sniff_json
from recon.sources.limits import DEFAULT_LIMITS, Limits
from recon.sources.names import kind_from_name

__all__ = [
    "KINDS",
    "PREFIX_BYTES",
    "Artefact",
    "Detection",
    "Kind",
    "NotAnArtefact",
    "Skipped",
    "Unread",
    "Unreadable",
    "detect",
    "is_detail_statement",
    "is_json_object",
    "json_kind",
    "sniff",
]

log = logging.getLogger(__name__)

ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
PDF_MAGIC = b"%PDF-"


# ------------------------------------------------------------------------------- walking


def _walk(paths: Iterable[str | Path]) -> Iterator[tuple[Path, str | None]]:
    """Yield (file, None) for every file under the paths, or (path, reason) to skip."""
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for root, dirs, files in os.walk(p, followlinks=False):
                dirs.sort()
                for name in sorted(files):
                    f = Path(root) / name
                    if f.is_file():
                        yield f, None
                    else:
                        yield f, "not a regular file"
        elif p.is_file():
            yield p, None
        elif p.exists() or p.is_symlink():
            yield p, "not a regular file or folder" if p.exists() else "a broken link"
        else:
            yield p, "no such file or folder"


def detect(
    paths: Iterable[str | Path],
    *,
    limits: Limits = DEFAULT_LIMITS,
    hashes: Mapping[str, str] | None = None,
) -> Detection:
    """Find the settlement artefacts among files and folders (searched recursively).

    Args:
        paths: Files and folders, in any mix. A file named twice is taken once.
        limits: Input caps (a JSON document parsed whole to find its kind must fit).
        hashes: SHA-256s the caller has already computed, by real path (not read again).

    Returns:
        The artefacts and the skipped paths, each sorted by path.
    """
    found: dict[str, Artefact] = {}
    skipped: dict[str, Skipped] = {}
    unread: dict[str, Unread] = {}
    seen: set[str] = set()
    for path, reason in _walk(paths):
        key = os.path.realpath(path)
        if key in seen:
            continue
        seen.add(key)
        name = str(path)
        if reason is not None:
            skipped[name] = Skipped(path=name, reason=reason)
            continue
        try:
            art = found[name] = sniff(path, limits=limits, sha256=(hashes or {}).get(key))
        except Unreadable as exc:
            skipped[name] = Skipped(path=name, reason=str(exc))
            info = {k: v for k, v in exc.info.items() if k != "trading_day"}
            unread[name] = Unread(path=name, reason=str(exc), kind=exc.kind, **info)
            log.info("cannot use %s: %s", name, exc)
        except NotAnArtefact as exc:
            skipped[name] = Skipped(path=name, reason=str(exc))
            log.info("skipped %s: %s", name, exc)
        except InputError as exc:
            skipped[name] = Skipped(path=name, reason=exc.problem)
            log.info("skipped %s: %s", name, exc.problem)
        else:
            for entry in art.ignored:
                member, _, why = entry.partition(": ")
                inner = f"{name}!{member}"
                skipped[inner] = Skipped(path=inner, reason=f"ignored ZIP member: {why}")
    return Detection(
        artefacts=[found[k] for k in sorted(found)],
        skipped=[skipped[k] for k in sorted(skipped)],
        unread=[unread[k] for k in sorted(unread)],
    )


# ------------------------------------------------------------------------------- sniffing


def sniff(
    path: str | Path, *, limits: Limits = DEFAULT_LIMITS, sha256: str | None = None
) -> Artefact:
    """Return what one file is, from its content (``sha256``: its hash, when known).

    A file whose content does not say, but whose name is AEMO's for an artefact
    (:func:`recon.sources.names.kind_from_name`), is recognisable and unusable: a damaged
    download is reported, never skipped unseen.

    Raises:
        Unreadable: If it is recognisably an artefact (by content, magic or name) but
            cannot be used (the message says why; ``kind`` and ``info`` say what it is).
        NotAnArtefact: If it is not a settlement artefact (the message says why).
        InputError: If it cannot be read and its name is no artefact's.
    """
    p = Path(path)
    try:
        return _sniff(p, limits, sha256)
    except Unreadable as exc:
        named = kind_from_name(p)
        if named is not None:  # the content's run first, the name's where it is silent
            exc.info = {**named[1], **{k: v for k, v in exc.info.items() if v is not None}}
            exc.kind = exc.kind or named[0]
        raise
    except (NotAnArtefact, InputError) as exc:
        named = kind_from_name(p)
        if named is None:
            raise
        why = exc.problem if isinstance(exc, InputError) else str(exc)
        raise Unreadable(f"{kind_words(named[0])} by its name, but {why}", *named) from None


def _sniff(p: Path, limits: Limits, sha256: str | None = None) -> Artefact:
    """:func:`sniff` by content alone."""
    try:
        with open(p, "rb") as f:
            head = f.read(PREFIX_BYTES)
            whole = len(head) < PREFIX_BYTES or not f.read(1)
    except OSError as exc:
        raise unreadable(p, exc) from None
    if not head.strip():
        raise NotAnArtefact("empty file")
    if head[:4] in ZIP_MAGICS:
        info = sniff_zip(p, limits)
    elif PDF_MAGIC in head[:1024]:
        info = _sniff_pdf(p)
    else:
        try:
            text = _text_prefix(head, whole)
            stripped = text.lstrip()
            if stripped.startswith("{"):
                info = sniff_json(p, stripped, whole, limits)
            elif stripped.startswith("["):
                raise NotAnArtefact("a JSON array, not a PaSS document")
            else:
                info = sniff_csv(text, whole)
        except Unreadable:
            raise
        except NotAnArtefact:
            variant = csv_variant(head)
            if variant is None:
                raise
            reason, kind, run = variant
            raise Unreadable(reason, Kind(f"{kind}_csv"), run) from None
    return Artefact(path=str(p), sha256=sha256 or sha256_file(p), **info)


def _text_prefix(head: bytes, whole: bool) -> str:
    """The prefix as text. Bytes that are not UTF-8 after the first line are replaced
    (U+FFFD): a CSV's reader turns such a row into a ``data.value`` finding, and a JSON
    document's reader refuses it with the byte offset, so the file is not silently lost."""
    if b"\x00" in head:
        raise NotAnArtefact("a binary file of no known kind (not ZIP, PDF, JSON or CSV)")
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    try:
        return decoder.decode(head, final=whole)
    except UnicodeDecodeError as exc:
        if b"\n" not in head[: exc.start]:
            raise NotAnArtefact("not UTF-8 text, and not a ZIP or PDF file") from None
    return codecs.getincrementaldecoder("utf-8-sig")(errors="replace").decode(head, final=whole)


# PDF -----------------------------------------------------------------------------------


def _sniff_pdf(path: Path) -> dict[str, Any]:
    try:
        header = read_pdf_header(path)
    except InputError as exc:
        # A PDF (by its magic) that does not open may be an invoice: never skipped unseen.
        raise Unreadable(f"a PDF that {exc.problem}", Kind.INVOICE_PDF) from None
    if header.invoice_number is None and not header.has_sections:
        raise NotAnArtefact(
            "a PDF without invoice content (no 'Invoice Number:' line and no "
            "invoice section on its first page)"
        )
    return {
        "kind": Kind.INVOICE_PDF,
        **run_info(
            {
                "participant": header.participant,
                "period": header.period,
                "run_id": header.run_id,
                "designation": header.designation,
            }
        ),
    }


# ------------------------------------------------------------ quick checks (recon decode)


def is_json_object(path: Path) -> bool:
    """Whether a file holds a JSON object (its first byte past a BOM and white space).

    The quick check ``recon decode`` makes before reading a statement whole; :func:`sniff`
    tells which document it is.
    """
    return opens_json_object(read_head(path, 4096))


def is_detail_statement(path: Path, limits: Limits) -> bool:
    """Whether a file that is not JSON is a Detail statement (a ZIP, or a CSV whose header
    row names ``Settlement Trading Day``), the quick check ``recon decode`` makes to pick
    its reader; any other CSV is read as a Summary (its reader reports bad columns)."""
    head = read_head(path, 4)
    if head in (ZIP_MAGIC, EMPTY_ZIP_MAGIC):
        return True
    data = read_bytes(path, limits)
    return aemo.C_SETTLEMENT_DAY in header_names(data, str(path), limits)
