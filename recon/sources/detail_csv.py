"""The Settlement Statement Detail: a ZIP of one CSV per Trading Day (Guide Table 5).

A ZIP's members are independent, so they are read one at a time, and each member is read
a batch of lines at a time (:data:`CHUNK_BYTES` of text): inflated as it is read, parsed
and validated batch by batch (:class:`~recon.sources.validate_detail.DetailValidator`
judges the rules that span a member across its batches). Memory holds a few batches,
not a member and not the week. Members are read in memory, never extracted to disk,
within the caps of :class:`~recon.sources.limits.Limits` (member size, compression ratio,
member count, line length).

:func:`map_detail_parts` gives one statement per member; :func:`stream_detail` reads a
whole Detail that way for a check: each batch is validated, the rows the checks across
days need are kept (:class:`~recon.models.statements.Kept`), the rest is dropped, and a
check that needs a whole day reads its member again (:class:`MemberDays`);
:func:`map_detail_batches` hands each batch on as it is read (``recon ingest``).
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import lzma
import struct
import threading
import zipfile
import zlib
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Generic, TypeVar

import polars as pl

from recon.errors import InputError
from recon.models import aemo_names as aemo
from recon.models.detail import combine_details
from recon.models.findings import Finding
from recon.models.progress import Progress
from recon.models.statements import (
    DETAIL_SCHEMA,
    ArtefactForm,
    DetailStatement,
    Kept,
    RunHeader,
    compact,
    frame_value_count,
    with_values,
)
from recon.models.statements import (
    DETAIL_TEXT_SCHEMA as TEXT,
)
from recon.sources.csv_table import (
    BOM,
    check_line_lengths,
    header_names,
    read_careful,
    read_fast,
)
from recon.sources.files import read_head, unreadable
from recon.sources.limits import DEFAULT_LIMITS, Limits
from recon.sources.validate import DETAIL_COLUMNS, check_columns
from recon.sources.validate_detail import DetailValidator, ScopeCache

log = logging.getLogger(__name__)

ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
T = TypeVar("T")
WORKERS = 2
"""ZIP members inflated, parsed and validated at once, on threads."""


CHUNK_BYTES = 8 * 1024 * 1024
"""Text of a Detail CSV read, parsed and validated at once (a batch of whole lines, cut
after a line feed outside quotes): memory holds a few batches per member being read."""
PIECE_BYTES = 1 << 20
"""Bytes of a member inflated (or of a file read) at a time."""


def parse_detail_csv(
    data: bytes,
    source: str,
    *,
    form: ArtefactForm = "csv",
    header: RunHeader | None = None,
    limits: Limits = DEFAULT_LIMITS,
    cast: bool = True,
    scopes: ScopeCache | None = None,
) -> DetailStatement:
    """Parse one Detail CSV (one Trading Day) from bytes.

    Args:
        data: The CSV bytes.
        source: ``path`` or ``path!member`` for messages.
        form: ``csv`` or ``zip`` (what the statement says it came from).
        header: The run header already known from another member, if any.
        limits: Input caps.
        cast: Cast the values now; False keeps the validated text
            (:func:`recon.models.statements.with_values` casts it later).
        scopes: Scopes already found good in this artefact.

    Raises:
        ColumnsError: If the columns are not the Guide's (``data.columns``).
        InputError: If the bytes cannot be read at all.
    """
    reading = _Reading(lambda: iter((data,)), source, form, limits, scopes or ScopeCache())
    return _whole(reading, lambda r: r.finish(header), cast, None)


class BatchDeclined(Exception):
    """polars' reader declined a batch of a CSV after the first: the CSV must be read
    again, every batch by the careful reader (as one read whole would have been)."""


class _Reading:
    """One Detail CSV (a ZIP member or a file) read and validated a batch at a time.

    Args:
        open_bytes: Opens the CSV's bytes, in pieces (again, to read it again).
        source: ``path`` or ``path!member`` for messages.
        form: ``csv`` or ``zip``.
        limits: Input caps.
        scopes: Scopes already found good in this artefact.
        careful: Read every batch with the careful reader (the ``csv`` module).
        index: The member's place among the members read.
        cast: Give each batch's values cast (see :class:`DetailValidator`).
    """

    def __init__(
        self,
        open_bytes: Callable[[], Iterator[bytes]],
        source: str,
        form: ArtefactForm,
        limits: Limits,
        scopes: ScopeCache,
        careful: bool = False,
        index: int = 0,
        cast: bool = False,
    ) -> None:
        self.open_bytes = open_bytes
        self.index = index
        self.source = source
        self.form: ArtefactForm = form
        self.limits = limits
        self.scopes = scopes
        self.careful = careful
        self.cast = cast
        self.check = DetailValidator(source, scopes=scopes, cast=cast)
        self.read_findings: list[Finding] = []

    def again(self) -> _Reading:
        """A fresh reading of the same CSV, every batch read carefully."""
        return _Reading(
            self.open_bytes,
            self.source,
            self.form,
            self.limits,
            self.scopes,
            careful=True,
            index=self.index,
            cast=self.cast,
        )

    def batches(self) -> Iterator[pl.DataFrame]:
        """Yield each batch's validated rows (:data:`DETAIL_TEXT_SCHEMA`), in file order.

        Raises:
            ColumnsError: If the columns are not the Guide's.
            InputError: If the CSV cannot be read (a member that cannot be inflated is
                reported as that, whatever else is wrong with its text).
            BatchDeclined: If a batch after the first needs the careful reader.
        """
        pieces = self.open_bytes()
        try:
            for raw in self._raw_batches(pieces):
                yield self.check.rows(raw)
        except InputError:
            # Inflating the whole member came first when members were read whole: an
            # inflate error further on is the one to report.
            for _ in pieces:
                pass
            raise

    def finish(self, header: RunHeader | None) -> DetailStatement:
        """The CSV's statement without rows: header, days, sources and findings.

        Args:
            header: The run header known from another member, or None to take this CSV's.

        Raises:
            InputError: If there was no row or the run header cannot be read.
        """
        found, findings = self.check.finish(header)
        if self.read_findings:
            run = {
                "participant": found.participant,
                "period": found.period,
                "run_id": found.run_id,
                "designation": found.designation.value,
            }
            findings[:0] = [f.model_copy(update=run) for f in self.read_findings]
        return DetailStatement(
            header=found,
            days=self.check.days,
            frame=pl.DataFrame(schema=TEXT),
            source=self.source,
            sources=self.check.sources,
            form=self.form,
            findings=findings,
            n_values=self.check.n_values,
        )

    def _raw_batches(self, pieces: Iterator[bytes]) -> Iterator[pl.DataFrame]:
        """The CSV's raw rows (:func:`~recon.sources.csv_table.read_csv_table`'s frame), a
        batch at a time, with the header's and the lines' checks in file order."""
        source, limits = self.source, self.limits
        texts = _csv_texts(pieces, source, limits, CHUNK_BYTES)
        bom, head = next(texts)
        names = header_names(head, source, limits)
        check_columns(names, DETAIL_COLUMNS, source)
        check_line_lengths(bom + head, source, limits)
        # The fast reader's rows are lines unless a quoted field holds a line feed: the
        # line each batch starts at is counted (a pass over the text) only when reading
        # carefully, and to name a line over the cap (else None: the CSV is read again).
        row = line = 2
        counted = True
        try:
            for body in texts:
                if len(body) - len(head) > limits.max_line_bytes:
                    if counted:
                        check_line_lengths(body, source, limits, first_line=line - 1)
                    else:
                        try:
                            check_line_lengths(body, source, limits)
                        except InputError:
                            raise BatchDeclined from None  # read again, counting lines
                if not self.careful:
                    fast = read_fast(body, source, names, DETAIL_COLUMNS, first_line=row)
                    if fast is not None:
                        row += fast[1]
                        counted = False
                        yield fast[0]
                        continue
                    if not counted:  # a batch after the first
                        raise BatchDeclined
                    self.careful = True
                raw, findings = read_careful(
                    body, source, names, DETAIL_COLUMNS, aemo.C_VALUE, first_line=line
                )
                line += body.count(b"\n") - 1
                self.read_findings.extend(findings)
                yield raw
        except _LongLine as e:
            if not counted:
                raise BatchDeclined from None
            check_line_lengths(e.text, source, limits, first_line=line)
            raise AssertionError("a line over the cap was not refused") from None


class _LongLine(Exception):
    """A CSV's text holds a line longer than the cap, from the start of ``text`` (the
    lines after the last batch given)."""

    def __init__(self, text: bytes) -> None:
        super().__init__("a line is longer than the cap")
        self.text = text


def _csv_texts(pieces: Iterator[bytes], source: str, limits: Limits, size: int) -> Iterator[Any]:
    """Cut a CSV's bytes into its header line and batches of whole lines.

    Yields first ``(byte order mark or b"", the header line)``, then each batch of at
    least ``size`` bytes (the last may be smaller) with the header line before it, each
    cut after a line feed outside quotes (an even number of ``"`` before it), so that a
    quoted field holding a line feed stays whole.

    Raises:
        _LongLine: When the text after the last batch holds a line over
            ``limits.max_line_bytes`` (refused as soon as it is seen, not read whole).
    """
    cap = limits.max_line_bytes
    buf = bytearray()
    head: bytes | None = None
    scan, odd, cut = 0, 0, -1  # buf[:scan] scanned; quotes in it odd; last cut found
    for piece in itertools.chain(pieces, (b"",)):
        buf += piece
        last = not piece
        if head is None:
            if not last and len(buf) < len(BOM):
                continue
            bom = BOM if buf.startswith(BOM) else b""
            end = buf.find(b"\n", len(bom))
            if end < 0 and not last:
                if len(buf) - len(bom) > cap and bytes(buf[len(bom) :]).strip():
                    header_names(bytes(buf[len(bom) :]), source, limits)  # line 1: too long
                continue
            head = bytes(buf[len(bom) :] if end < 0 else buf[len(bom) : end + 1])
            del buf[: len(bom) + len(head)]
            yield bom, head
        # Where may buf be cut? After its last line feed with an even number of quotes
        # before it: in one pass over the new text when its quotes pair up line by line.
        nl = buf.rfind(b"\n", scan)
        if nl >= 0:
            if not (odd ^ buf.count(b'"', scan, nl)) & 1:
                scan, odd, cut = nl + 1, 0, nl + 1
            else:
                while scan <= nl:  # a quoted line feed: line by line
                    e = buf.find(b"\n", scan)
                    odd = (odd ^ buf.count(b'"', scan, e)) & 1
                    scan = e + 1
                    if not odd:
                        cut = scan
        if last:
            if buf:
                yield head + buf
            return
        if cut > 0 and len(buf) >= size:
            with memoryview(buf) as view:
                body = head + view[:cut]
            del buf[:cut]
            scan -= cut
            cut = -1
            yield body
        elif len(buf) - (buf.rfind(b"\n") + 1) > cap + 1:
            raise _LongLine(bytes(buf))


ZIP_ERRORS: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    OSError,
    EOFError,
    RuntimeError,
    NotImplementedError,
    ValueError,
    zlib.error,
    lzma.LZMAError,
    struct.error,
)
"""What :mod:`zipfile` raises on a damaged, encrypted or hostile archive: ``zlib.error``
and ``lzma.LZMAError`` from a corrupt stream, ``OSError`` from bzip2, ``RuntimeError`` for
an encrypted member, ``NotImplementedError`` for an unknown method, ``ValueError`` (a
``UnicodeDecodeError``) for a member name flagged UTF-8 that is not."""


def is_folder(info: zipfile.ZipInfo) -> bool:
    """Whether a ZIP entry is a folder (``ZipInfo.is_dir`` fails on an empty name, which a
    name holding a NUL byte becomes)."""
    return info.filename.endswith("/")


IGNORED_NAMES = frozenset({".ds_store", "thumbs.db", "desktop.ini"})
"""Member names (lower case) that file managers add to a folder they zip."""


def ignored_member(info: zipfile.ZipInfo) -> str | None:
    """Why a ZIP member is not one of a Detail ZIP's CSV files, or None when it may be.

    Folders, ``__MACOSX/`` and ``._*`` entries (a ZIP made on a Mac), ``.DS_Store``,
    ``Thumbs.db``, ``desktop.ini``, empty members and members whose name has another
    extension than ``.csv`` (a ``README.txt``) are ignored and listed (SPEC §6); a member
    named without an extension is read.
    """
    name = info.filename
    base = name.rstrip("/").rsplit("/", 1)[-1]
    if is_folder(info):
        return "a folder"
    if name.startswith("__MACOSX/") or "/__MACOSX/" in name:
        return "macOS resource data (__MACOSX/), not a CSV file"
    if base.startswith("._"):
        return "macOS resource data (._ file), not a CSV file"
    if base.lower() in IGNORED_NAMES:
        return "a file manager's folder settings, not a CSV file"
    if info.file_size == 0:
        return "an empty member"
    stem = base.lstrip(".")
    if "." in stem and stem.rsplit(".", 1)[1].lower() != "csv":
        return "not a CSV file"
    return None


def zip_entry_count(path: str | Path) -> int | None:
    """Return how many entries a ZIP's central directory declares, without reading them.

    Read from the End of Central Directory record, so a ZIP claiming millions of members
    is refused before :class:`zipfile.ZipFile` builds an object for each.

    Returns:
        The count, or None when the record cannot be found (the caller then lets
        :mod:`zipfile` report the damage).
    """
    end_record = getattr(zipfile, "_EndRecData", None)
    index = getattr(zipfile, "_ECD_ENTRIES_TOTAL", None)
    if end_record is None or index is None:  # pragma: no cover - other Pythons
        return None
    errors: tuple[type[BaseException], ...] = (OSError, *ZIP_ERRORS)
    try:
        with open(path, "rb") as f:
            rec = end_record(f)
    except errors:
        return None
    return None if rec is None else int(rec[index])


def check_member_count(path: str | Path, limits: Limits) -> None:
    """Raise InputError if a ZIP declares more entries than ``limits.max_members``."""
    n = zip_entry_count(path)
    if n is not None and n > limits.max_members:
        raise InputError(
            path,
            f"holds {n} members, over the cap of {limits.max_members} "
            "(raise it with --max-members)",
        )


def check_member_size(info: zipfile.ZipInfo, name: str, limits: Limits) -> None:
    """Refuse a member by its declared sizes, before decompressing any of it.

    :mod:`zipfile` never yields more than the declared size (a member that decompresses
    to more fails its CRC check), so the declared size bounds the work; the reader still
    counts the bytes as they come.

    Raises:
        InputError: Naming the option that raises the cap that was hit.
    """
    cap = limits.max_member_bytes
    if info.file_size > cap:
        raise InputError(
            name,
            f"decompresses to {info.file_size} bytes, over the cap of "
            f"{cap} (raise it with --max-member-mb)",
        )
    if info.file_size > max(info.compress_size, 1) * limits.max_ratio:
        ratio = info.file_size // max(info.compress_size, 1)
        raise InputError(
            name,
            f"decompresses {ratio} times its compressed size, over the "
            f"cap of {limits.max_ratio}, like a ZIP bomb (raise it with "
            "--max-ratio)",
        )


def _zip_members(path: Path, limits: Limits) -> list[zipfile.ZipInfo]:
    check_member_count(path, limits)
    try:
        with zipfile.ZipFile(path) as zf:
            members = [i for i in zf.infolist() if ignored_member(i) is None]
    except ZIP_ERRORS as e:
        raise InputError(path, f"is not a readable ZIP file ({e})") from None
    if not members:
        raise InputError(
            path, "is a ZIP file with no members that are CSV files: expected one per Trading Day"
        )
    if len(members) > limits.max_members:
        raise InputError(
            path,
            f"holds {len(members)} members, over the cap of "
            f"{limits.max_members} (raise it with --max-members)",
        )
    by_offset = sorted(members, key=lambda m: m.header_offset)
    for a, b in itertools.pairwise(by_offset):
        if a.header_offset + a.compress_size >= b.header_offset:
            raise InputError(
                path,
                f"members {a.filename!r} and {b.filename!r} overlap in the "
                "archive, as in a ZIP bomb; a Detail ZIP's members are separate",
            )
    return members


def read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path, limits: Limits) -> bytes:
    """The bytes of one member of a Detail ZIP, read within ``limits``.

    Args:
        zf: The open archive.
        info: The member to read.
        path: The archive's path, for error messages (``path!member``).
        limits: The member size and compression ratio caps.

    Raises:
        InputError: If the member is too large, too compressed, or cannot be decompressed.
    """
    return b"".join(member_pieces(zf, info, path, limits))


def member_pieces(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path, limits: Limits
) -> Iterator[bytes]:
    """The bytes of one member of a Detail ZIP, inflated as they are read, in pieces of
    about :data:`PIECE_BYTES`, within ``limits`` (see :func:`read_member`).

    The member's sizes are checked before any of it is read; its CRC-32 and its size once
    the last piece is out (the caller drops what it made of a member that fails them).

    Raises:
        InputError: If the member is too large, too compressed, or cannot be decompressed.
    """
    name = f"{path}!{info.filename}"
    check_member_size(info, name, limits)
    # Not encrypted (bit 0), no patch data (bit 5), no strong encryption (bit 6): the
    # rest zipfile reports (or reads) itself.
    if info.compress_type == zipfile.ZIP_DEFLATED and not info.flag_bits & 0x61:
        yield from _inflate_member(zf, info, name, limits)
        return
    cap = limits.max_member_bytes
    ratio_cap = max(info.compress_size, 1) * limits.max_ratio
    total = 0
    try:
        with zf.open(info) as f:
            while block := f.read(PIECE_BYTES):
                total += len(block)
                if total > cap:
                    raise InputError(
                        name,
                        f"decompresses to more than {cap} bytes (raise it with --max-member-mb)",
                    )
                if total > ratio_cap:
                    raise InputError(
                        name,
                        "decompresses more than "
                        f"{limits.max_ratio} times its compressed size, like a "
                        "ZIP bomb (raise it with --max-ratio)",
                    )
                yield block
    except InputError:
        raise
    except ZIP_ERRORS as e:
        raise InputError(name, f"cannot be decompressed ({e})") from None


_LOCAL_HEADER = struct.Struct("<4s22xHH")
"""A ZIP local file header (APPNOTE 4.3.7): signature ... name length, extra length."""


def _inflate_member(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, limits: Limits
) -> Iterator[bytes]:
    """Inflate a deflated member piece by piece, with ISA-L when it is installed.

    What :meth:`zipfile.ZipFile.open` would do, ~1.7x faster (``isal``'s inflate and
    CRC-32 against zlib's): the local header is checked, the member's compressed bytes are
    read and inflated to at most the smallest of its declared size, ``--max-member-mb``
    and ``--max-ratio`` times its compressed size (plus one byte, to tell a member that
    goes on from one that ends there), and its size and CRC-32 are checked at the end.
    """
    inflate: Any = zlib
    with contextlib.suppress(ImportError):
        # start-up: isal costs ~5 ms to import (python -X importtime, 2026-12-05); only
        # inflating a ZIP member needs it, and zlib stands in when it is absent (a test
        # hides its import), which an import at the top could not allow.
        from isal import isal_zlib

        inflate = isal_zlib
    cap = limits.max_member_bytes
    ratio_cap = max(info.compress_size, 1) * limits.max_ratio
    limit = min(cap, ratio_cap, info.file_size) + 1
    total = crc = 0
    try:
        fp = _compressed_start(zf, info)
        left = info.compress_size
        d = inflate.decompressobj(-15)
        tail = b""
        while total < limit and not d.eof:
            if not tail and left:
                tail = fp.read(min(PIECE_BYTES, left))
                left -= len(tail)
            out = d.decompress(tail, min(PIECE_BYTES, limit - total))
            tail = d.unconsumed_tail
            if out:
                total += len(out)
                crc = inflate.crc32(out, crc)
                yield out
            elif not tail and not left:
                break  # every byte given and nothing more comes out: cut short
    except (inflate.error, *ZIP_ERRORS) as e:
        raise InputError(name, f"cannot be decompressed ({e})") from None
    if total > cap:
        raise InputError(
            name, f"decompresses to more than {cap} bytes (raise it with --max-member-mb)"
        )
    if total > ratio_cap:
        raise InputError(
            name,
            f"decompresses more than {limits.max_ratio} times its "
            "compressed size, like a ZIP bomb (raise it with --max-ratio)",
        )
    if total < info.file_size and not d.eof:
        raise InputError(
            name,
            "cannot be decompressed (Compressed file ended before the "
            "end-of-stream marker was reached)",
        )
    if total != info.file_size or crc != info.CRC:
        raise InputError(name, f"cannot be decompressed (Bad CRC-32 for file {info.filename!r})")


def _compressed_start(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> Any:
    """The archive's file, placed at a member's compressed bytes, after checking its local
    header as zipfile does and that the archive holds all of them."""
    fp = zf.fp
    if fp is None:
        raise zipfile.BadZipFile("the archive is closed")
    fp.seek(info.header_offset)
    head = fp.read(_LOCAL_HEADER.size)
    if len(head) != _LOCAL_HEADER.size:
        raise zipfile.BadZipFile("Truncated file header")
    magic, name_len, extra_len = _LOCAL_HEADER.unpack(head)
    if magic != ZIP_MAGIC:
        raise zipfile.BadZipFile("Bad magic number for file header")
    fname = fp.read(name_len)
    if fname.decode("utf-8" if info.flag_bits & 0x800 else "cp437") != info.orig_filename:
        raise zipfile.BadZipFile(
            f"File name in directory {info.orig_filename!r} and header {fname!r} differ."
        )
    fp.seek(extra_len, 1)
    start = fp.tell()
    if fp.seek(0, 2) - start < info.compress_size:
        raise EOFError("Compressed file ended before the end-of-stream marker was reached")
    fp.seek(start)
    return fp


def _file_pieces(path: Path, limits: Limits) -> Iterator[bytes]:
    """A plain file's bytes in pieces, refusing one larger than ``limits.max_member_bytes``
    (as :func:`~recon.sources.files.read_bytes` does)."""
    try:
        size = path.stat().st_size
        if size > limits.max_member_bytes:
            raise InputError(
                path,
                f"is {size} bytes, over the cap of {limits.max_member_bytes} "
                "(raise it with --max-member-mb)",
            )
        with path.open("rb") as f:
            while block := f.read(PIECE_BYTES):
                yield block
    except OSError as e:
        raise unreadable(path, e) from None


def iter_detail_parts(
    path: str | Path,
    *,
    limits: Limits = DEFAULT_LIMITS,
    progress: Progress | None = None,
    cast: bool = True,
    workers: int = WORKERS,
) -> Iterator[DetailStatement]:
    """Yield one Detail statement per Trading Day file (ZIP member, or the one CSV).

    Args:
        path: A Detail ZIP or a single Detail CSV.
        limits: Input caps.
        progress: Called after each member with (done, total).
        cast: Cast the values now (see :func:`parse_detail_csv`).
        workers: Members read at once, on threads (zlib, polars and its regex engine
            release the GIL); yielded in member order, so memory holds about
            ``workers + 1`` members' statements.

    Raises:
        InputError: If the file cannot be read at all.
    """
    return map_detail_parts(
        path, _same, limits=limits, progress=progress, cast=cast, workers=workers
    )


def _same(stmt: DetailStatement) -> DetailStatement:
    return stmt


def map_detail_parts(
    path: str | Path,
    then: Callable[[DetailStatement], T],
    *,
    limits: Limits = DEFAULT_LIMITS,
    progress: Progress | None = None,
    cast: bool = True,
    workers: int = WORKERS,
    only: Sequence[str] | None = None,
    header: RunHeader | None = None,
    each: Callable[[pl.DataFrame], pl.DataFrame] | None = None,
) -> Iterator[T]:
    """:func:`iter_detail_parts` with ``then`` applied to each statement on the worker
    thread that read it, so that per-day work after reading (e.g. casting the values of
    the long table) runs on both cores too; yields ``then``'s results in member order.

    Args:
        path: A Detail ZIP or a single Detail CSV.
        then: Applied to each day's statement; it must be thread-safe.
        limits: Input caps.
        progress: Called after each member with (done, total).
        cast: Cast the values now (see :func:`parse_detail_csv`).
        workers: Members read at once, on threads (0: one at a time on this thread).
        only: Read only these members of a ZIP, in this order (default: every member,
            by name).
        header: The run header, when known from an earlier reading (each member is then
            judged against it; by default the first member read names the run).
        each: Applied to each batch's rows as it is read (e.g. a filter), on the worker
            thread: the statement's frame is then what it leaves of each batch, and its
            ``n_values`` the member's value count.

    Raises:
        InputError: If the file cannot be read at all.
    """

    def work(reading: _Reading, finish: _Finish, put: Callable[[T], None], _first: bool) -> None:
        put(then(_whole(reading, finish, cast, each)))

    return _run_members(
        path, work, limits=limits, progress=progress, workers=workers, only=only, header=header
    )


_Finish = Callable[["_Reading"], DetailStatement]
"""Ends a reading (:meth:`_Reading.finish`) with the run header the member is judged by."""


def _whole(
    reading: _Reading,
    finish: _Finish,
    cast: bool,
    each: Callable[[pl.DataFrame], pl.DataFrame] | None,
) -> DetailStatement:
    """A member's statement, its batches joined (each cast, and ``each`` applied)."""

    def batch(frame: pl.DataFrame) -> pl.DataFrame:
        frame = with_values(frame) if cast else frame
        return each(frame) if each is not None else frame

    try:
        frames = [batch(f) for f in reading.batches()]
    except BatchDeclined:
        reading = reading.again()
        frames = [batch(f) for f in reading.batches()]
    stmt = finish(reading)
    return stmt.model_copy(
        update={
            "frame": frames[0] if len(frames) == 1 else pl.concat(frames, how="vertical"),
            "n_values": stmt.n_values if each is not None else None,
        }
    )


@dataclass
class DetailBatch(Generic[T]):
    """What :func:`map_detail_batches` yields for one batch of rows.

    Attributes:
        rows: What the caller's function made of the batch.
        member: The member's index (in the order read).
        header: With the first batch of the first member, the run header its rows name
            (None if none reads); the member's statement, at its end, holds the one its
            every row names.
        values: The number of values in the batch's rows.
    """

    rows: T
    member: int
    header: RunHeader | None = None
    values: int = 0


def _batch_values(item: Any) -> int:
    """What an item of :func:`map_detail_batches` weighs on its channel: a batch its
    values, a member's end nothing."""
    return item.values if isinstance(item, DetailBatch) else 0


def map_detail_batches(
    path: str | Path,
    each: Callable[[pl.DataFrame], T],
    *,
    limits: Limits = DEFAULT_LIMITS,
    workers: int = WORKERS,
    ahead: int = 1,
    ahead_values: int | None = None,
    cast: bool = False,
) -> Iterator[DetailBatch[T] | DetailStatement]:
    """Read a Detail ZIP (or one Detail CSV) a batch of rows at a time.

    ``each`` is applied to each batch's validated rows (:data:`DETAIL_TEXT_SCHEMA`, in
    file order) on the reader threads; this yields, members in order, a
    :class:`DetailBatch` for each batch, then the member's statement with no rows (its
    header, days, sources, findings and ``n_values``). Memory holds about ``workers``
    members' batches in flight, ``ahead`` of them (or ``ahead_values`` values) waiting,
    whatever the members' size.

    Args:
        path: A Detail ZIP or a single Detail CSV.
        each: Applied to each batch; it must be thread-safe.
        limits: Input caps.
        workers: Members read at once, on threads.
        ahead: Batches of one member made before the caller takes them.
        ahead_values: Instead of ``ahead``, values of one member made before the caller
            takes them (a batch is bounded in bytes, and short values make more of them
            a batch: this bounds the decimals held); at least one batch.
        cast: ``each`` is given the batch's values cast (:data:`DETAIL_SCHEMA` and
            ``n_values``), split once for validating and casting.

    Raises:
        InputError: If the file cannot be read at all.
        BatchDeclined: polars' reader declined a batch after a member's first: read the
            Detail whole (:func:`read_detail` reads such a member carefully).
    """

    def work(reading: _Reading, finish: _Finish, put: Callable[[Any], None], first: bool) -> None:
        n = reading.index
        for i, frame in enumerate(reading.batches()):
            named = reading.check.provisional_header() if first and i == 0 else None
            put(DetailBatch(each(frame), n, named, frame_value_count(frame)))
        put(finish(reading))

    return _run_members(
        path,
        work,
        limits=limits,
        workers=workers,
        ahead=ahead if ahead_values is None else ahead_values,
        weigh=None if ahead_values is None else _batch_values,
        cast=cast,
    )


class _Cancelled(Exception):
    """The consumer of a member's channel has stopped reading."""


_END = object()
"""Put on a member's channel after its last item."""


class _Channel:
    """A bounded queue from the reader thread of one member to the consumer.

    Args:
        size: What the items held weigh at most; ``put`` waits while an item would take
            them over it (an empty channel takes any one item).
        weigh: An item's weight (by default, each weighs 1: ``size`` counts items).
    """

    def __init__(self, size: int, weigh: Callable[[Any], int] | None = None) -> None:
        self._items: deque[tuple[Any, int]] = deque()
        self._size = max(1, size)
        self._weigh = weigh
        self._held = 0
        self._cv = threading.Condition()
        self._closed = False
        self._error: BaseException | None = None

    def put(self, item: Any) -> None:
        """Add an item, waiting while the channel has no room for it.

        Raises:
            _Cancelled: If the consumer has stopped.
        """
        weight = 1 if self._weigh is None else self._weigh(item)
        with self._cv:
            while self._items and self._held + weight > self._size and not self._closed:
                self._cv.wait()
            if self._closed:
                raise _Cancelled
            self._items.append((item, weight))
            self._held += weight
            self._cv.notify_all()

    def end(self, error: BaseException | None = None) -> None:
        """Mark the member done (``error``: it failed), without waiting for room."""
        with self._cv:
            self._error = error
            self._items.append((_END, 0))
            self._cv.notify_all()

    def get(self) -> Any:
        """The next item (:data:`_END` after the last).

        Raises:
            BaseException: What the member's reading raised, once its items are taken.
        """
        with self._cv:
            while not self._items:
                self._cv.wait()
            item, weight = self._items.popleft()
            self._held -= weight
            self._cv.notify_all()
            if item is _END and self._error is not None:
                raise self._error
            return item

    def close(self) -> None:
        """Stop: items held are dropped, and a waiting ``put`` raises :class:`_Cancelled`."""
        with self._cv:
            self._closed = True
            self._items.clear()
            self._held = 0
            self._cv.notify_all()


_Work = Callable[["_Reading", _Finish, Callable[[Any], None], bool], None]
"""Reads one member: ``work(reading, finish, put, names_run)`` puts what the caller gets
of it (``names_run``: this member's header names the run)."""
_NOTHING = object()


def _run_members(
    path: str | Path,
    work: _Work,
    *,
    limits: Limits,
    progress: Progress | None = None,
    workers: int = WORKERS,
    only: Sequence[str] | None = None,
    header: RunHeader | None = None,
    ahead: int = 1,
    weigh: Callable[[Any], int] | None = None,
    cast: bool = False,
) -> Iterator[Any]:
    """Run ``work`` for each member of a Detail ZIP (or for the one CSV), ``workers``
    members at a time on threads, and yield what each puts, members in order.

    Each member is judged against ``header`` or, without it, against the run header of
    the first member (whose own header is the most common of its rows): a member that ends
    before the first waits for it. At most ``workers + 1`` members are started ahead of
    the one being yielded, and each holds at most ``ahead`` items the caller has not taken
    (items weighed by ``weigh``, if given: what they weigh, at least one item).
    With ``cast``, each batch's values are cast as it is validated.
    """
    p = Path(path)
    jobs: list[tuple[str, ArtefactForm, Callable[[], Iterator[bytes]]]]
    local = threading.local()
    handles: list[zipfile.ZipFile] = []
    if read_head(p, 4) not in (ZIP_MAGIC, EMPTY_ZIP_MAGIC):
        jobs = [(str(p), "csv", lambda: _file_pieces(p, limits))]
    else:
        members = sorted(_zip_members(p, limits), key=lambda m: m.filename)
        if only is not None:
            by_name = {m.filename: m for m in members}
            members = [by_name[name] for name in only if name in by_name]

        def opener(info: zipfile.ZipInfo) -> Callable[[], Iterator[bytes]]:
            def open_pieces() -> Iterator[bytes]:
                if not hasattr(local, "zf"):  # one handle per thread
                    try:
                        local.zf = zipfile.ZipFile(p)
                    except ZIP_ERRORS as e:
                        raise InputError(p, f"is not a readable ZIP file ({e})") from None
                    handles.append(local.zf)
                return member_pieces(local.zf, info, p, limits)

            return open_pieces

        jobs = [(f"{p}!{m.filename}", "zip", opener(m)) for m in members]
    scopes = ScopeCache()
    named: Future[RunHeader] = Future()
    if header is not None:
        named.set_result(header)

    def finish_first(reading: _Reading) -> DetailStatement:
        stmt = reading.finish(None)
        named.set_result(stmt.header)
        return stmt

    def finish_later(reading: _Reading) -> DetailStatement:
        return reading.finish(named.result())

    def run(index: int, put: Callable[[Any], None]) -> None:
        source, form, open_pieces = jobs[index]
        reading = _Reading(open_pieces, source, form, limits, scopes, index=index, cast=cast)
        first = index == 0 and header is None
        try:
            work(reading, finish_first if first else finish_later, put, first)
        except BaseException as e:
            if first and not named.done():
                named.set_exception(e)  # the members after it are not judged
            raise

    def on_thread(index: int, chan: _Channel) -> None:
        try:
            run(index, chan.put)
        except _Cancelled:
            return
        except BaseException as e:
            chan.end(e)
            return
        chan.end()

    try:
        if workers <= 0:  # one member at a time, on this thread: the least memory
            for i in range(len(jobs)):
                items: list[Any] = []
                run(i, items.append)
                if progress:
                    progress(i + 1, len(jobs))
                yield from items
            return
        with ThreadPoolExecutor(max_workers=workers) as pool:
            chans: list[_Channel] = []
            try:
                for i in range(len(jobs)):
                    while len(chans) < min(len(jobs), i + workers + 1):
                        chans.append(_Channel(ahead, weigh))
                        pool.submit(on_thread, len(chans) - 1, chans[-1])
                    held: Any = _NOTHING
                    while (item := chans[i].get()) is not _END:
                        if held is not _NOTHING:
                            yield held
                        held = item
                    if progress:
                        progress(i + 1, len(jobs))
                    if held is not _NOTHING:
                        yield held
            finally:
                for chan in chans:
                    chan.close()
                pool.shutdown(cancel_futures=True)
    finally:
        for zf in handles:
            zf.close()


def read_detail(
    path: str | Path,
    *,
    limits: Limits = DEFAULT_LIMITS,
    progress: Progress | None = None,
    cast: bool = True,
    kept: Kept | None = None,
) -> DetailStatement:
    """Read a whole Detail ZIP (or one Detail CSV) into one statement.

    Args:
        path: A Detail ZIP or a single Detail CSV.
        limits: Input caps.
        progress: Called after each member with (done, total).
        cast: Cast the values now; False keeps the validated text, which
            :meth:`~recon.models.statements.DetailStatement.with_values` casts later.
        kept: Stream it (:func:`stream_detail`): keep in memory only these rows.

    Raises:
        InputError: If the file cannot be read at all.
    """
    if kept is not None:
        return stream_detail(path, kept, limits=limits, progress=progress, cast=cast)
    parts = list(iter_detail_parts(path, limits=limits, progress=progress, cast=cast))
    stmt = combine_details(parts, str(path))
    stmt.source = str(path)
    stmt.sources = [str(path)]
    return stmt


class _Overlap(Exception):
    """Two members of one Detail hold rows of the same Trading Day."""


def stream_detail(
    path: str | Path,
    kept: Kept,
    *,
    limits: Limits = DEFAULT_LIMITS,
    progress: Progress | None = None,
    cast: bool = True,
) -> DetailStatement:
    """Read a Detail ZIP (or one Detail CSV) a batch of rows at a time, keeping only
    ``kept``'s rows: memory holds a few batches, whatever the week's size.

    The statement is the one :func:`read_detail` makes (same days, reading findings and
    sources, the kept rows as its frame) with ``kept`` set and a :class:`MemberDays`
    to read each day again. Members are judged as :func:`read_detail` judges them; a ZIP
    two of whose members hold the same Trading Day (their rows must then be de-duplicated
    across members) is read whole instead.

    Args:
        path: A Detail ZIP or a single Detail CSV.
        kept: The rows to keep.
        limits: Input caps.
        progress: Called after each member with (done, total).
        cast: Cast the kept rows' values now (else their validated text is kept).

    Raises:
        InputError: If the file cannot be read at all.
    """
    keep = kept.expr()

    def slim(frame: pl.DataFrame) -> pl.DataFrame:  # each batch, on the reader's thread
        rows = compact(frame.filter(keep))  # drops the rest of the batch's text
        return with_values(rows) if cast else rows

    parts: list[DetailStatement] = []
    seen: set[date] = set()
    try:
        for part in map_detail_parts(
            path, _same, limits=limits, progress=progress, cast=False, each=slim
        ):
            if seen & set(part.days):
                raise _Overlap
            seen.update(part.days)
            parts.append(part)
    except _Overlap:
        log.info("%s: members share a Trading Day; read whole", path)
        return read_detail(path, limits=limits, cast=cast)
    first = parts[0]
    frames = [p.frame for p in parts]
    return DetailStatement(
        header=first.header,
        days=sorted(seen),
        frame=frames[0] if len(frames) == 1 else pl.concat(frames, how="vertical"),
        source=str(path),
        sources=[str(path)],
        form=first.form,
        findings=[f for p in parts for f in p.findings],
        kept=kept,
        reread=MemberDays(Path(path), {_member(p): p.days for p in parts}, first.header, limits),
        n_values=sum(p.value_count for p in parts),
    )


def _member(stmt: DetailStatement) -> str:
    """The ZIP member a statement of one member was read from (``""``: a plain CSV)."""
    return stmt.source.rsplit("!", 1)[1] if "!" in stmt.source else ""


class MemberDays:
    """Reads the days of a streamed Detail ZIP (or CSV) again, member by member
    (a :data:`~recon.models.statements.DayRows`).

    Args:
        path: The ZIP or CSV.
        members: Each member's name and the Settlement Trading Days it holds (no day in
            two members); a single CSV is the member ``""``.
        header: The run header the first reading found.
        limits: Input caps.
    """

    def __init__(
        self, path: Path, members: dict[str, list[date]], header: RunHeader, limits: Limits
    ) -> None:
        self.path = path
        self.members = members
        self.header = header
        self.limits = limits
        self.stamp = _stamp(path)

    def __call__(
        self, days: Sequence[date], cast: bool = True
    ) -> Iterator[tuple[date, pl.DataFrame]]:
        """Yield ``(day, every row of the day)`` for each day asked, in that order; the
        values cast, or with ``cast=False`` as validated text.

        Raises:
            InputError: If the file changed since it was first read.
        """
        if _stamp(self.path) != self.stamp:
            raise InputError(self.path, "changed while it was being checked; check it again")
        wanted = list(dict.fromkeys(days))
        want = set(wanted)
        order = sorted(
            (m for m, ds in self.members.items() if want & set(ds)),
            key=lambda m: min(want & set(self.members[m])),
        )
        if not order:
            return
        std = pl.col("settlement_trading_day")
        ready: dict[date, pl.DataFrame] = {}
        nxt = 0
        for stmt in map_detail_parts(
            self.path,
            _same,
            limits=self.limits,
            cast=cast,
            only=order if order != [""] else None,
            header=self.header,
            workers=0,  # a check reads two Details' days side by side (ADJ against previous)
        ):
            for day in want & set(stmt.days):
                ready[day] = stmt.frame.filter(std == day)
            while nxt < len(wanted) and wanted[nxt] in ready:
                yield wanted[nxt], ready.pop(wanted[nxt])
                nxt += 1
        for day in wanted[nxt:]:  # a file changed since: the day holds no row now
            yield day, ready.pop(day, pl.DataFrame(schema=DETAIL_SCHEMA if cast else TEXT))


def _stamp(path: Path) -> tuple[int, int] | None:
    """A file's size and modification time (to tell that it changed)."""
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns)
