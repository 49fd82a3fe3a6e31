"""The Settlement Statement Detail: a ZIP of one CSV per Trading Day (Guide Table 5).

A ZIP's members are independent, so they are read one at a time
(:func:`iter_detail_parts`): memory holds one Trading Day's file, not the week. Members
are read in memory, never extracted to disk, within the caps of
:class:`~recon.sources.limits.Limits` (member size, compression ratio, member count).

:func:`stream_detail` reads a whole Detail that way for a check: each day is validated,
the rows the checks across days need are kept (:class:`~recon.models.statements.Kept`),
the rest is dropped, and a check that needs a whole day reads its member again
(:class:`MemberDays`).
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
from typing import Any, TypeVar

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
    with_values,
)
from recon.models.statements import (
    DETAIL_TEXT_SCHEMA as TEXT,
)
from recon.sources.csv_table import read_csv_table
from recon.sources.files import read_bytes, read_head
from recon.sources.limits import DEFAULT_LIMITS, Limits
from recon.sources.validate import DETAIL_COLUMNS
from recon.sources.validate_detail import ScopeCache, validate_detail

log = logging.getLogger(__name__)

ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
T = TypeVar("T")
WORKERS = 2
"""ZIP members inflated, parsed and validated at once, on threads."""


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
    return _parse_bytes(
        _Bytes(data), source, form=form, header=header, limits=limits, cast=cast, scopes=scopes
    )


class _Bytes:
    """A member's bytes, handed over once: the reader drops them as soon as they are
    parsed, before the (larger) validation runs."""

    def __init__(self, data: bytes) -> None:
        self.data: bytes | None = data

    def take(self) -> bytes:
        data, self.data = self.data, None
        if data is None:
            raise RuntimeError("the member's bytes were already taken")
        return data


def _parse_bytes(
    data: _Bytes,
    source: str,
    *,
    form: ArtefactForm,
    header: RunHeader | None,
    limits: Limits,
    cast: bool,
    scopes: ScopeCache | None,
) -> DetailStatement:
    """:func:`parse_detail_csv` of bytes it owns (dropped once the table is read)."""
    raw, findings = read_csv_table(
        data.take(), source, DETAIL_COLUMNS, array_column=aemo.C_VALUE, limits=limits
    )
    stmt = validate_detail(raw, source, form, header=header, cast=cast, scopes=scopes)
    del raw
    if findings:
        h = stmt.header
        run = {
            "participant": h.participant,
            "period": h.period,
            "run_id": h.run_id,
            "designation": h.designation.value,
        }
        stmt.findings[:0] = [f.model_copy(update=run) for f in findings]
    return stmt


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
    try:
        with open(path, "rb") as f:
            rec = end_record(f)
    except (OSError, *ZIP_ERRORS):
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
    name = f"{path}!{info.filename}"
    check_member_size(info, name, limits)
    # Not encrypted (bit 0), no patch data (bit 5), no strong encryption (bit 6): the
    # rest zipfile reports (or reads) itself.
    if info.compress_type == zipfile.ZIP_DEFLATED and not info.flag_bits & 0x61:
        return _inflate_member(zf, info, name, limits)
    cap = limits.max_member_bytes
    ratio_cap = max(info.compress_size, 1) * limits.max_ratio
    chunks: list[bytes] = []
    total = 0
    try:
        with zf.open(info) as f:
            while block := f.read(1 << 20):
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
                chunks.append(block)
    except InputError:
        raise
    except ZIP_ERRORS as e:
        raise InputError(name, f"cannot be decompressed ({e})") from None
    return b"".join(chunks)


_LOCAL_HEADER = struct.Struct("<4s22xHH")
"""A ZIP local file header (APPNOTE 4.3.7): signature ... name length, extra length."""


def _inflate_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, limits: Limits) -> bytes:
    """Inflate a deflated member in one call, with ISA-L when it is installed.

    What :meth:`zipfile.ZipFile.open` would do, ~1.7x faster (``isal``'s inflate and
    CRC-32 against zlib's): the local header is checked, the member's compressed bytes are
    read and inflated to at most the smallest of its declared size, ``--max-member-mb``
    and ``--max-ratio`` times its compressed size (plus one byte, to tell a member that
    goes on from one that ends there), and its size and CRC-32 are checked.
    """
    inflate: Any = zlib
    with contextlib.suppress(ImportError):
        from isal import isal_zlib

        inflate = isal_zlib
    cap = limits.max_member_bytes
    ratio_cap = max(info.compress_size, 1) * limits.max_ratio
    try:
        raw = _compressed_bytes(zf, info)
        d = inflate.decompressobj(-15)
        out = d.decompress(raw, min(cap, ratio_cap, info.file_size) + 1)
    except (inflate.error, *ZIP_ERRORS) as e:
        raise InputError(name, f"cannot be decompressed ({e})") from None
    if len(out) > cap:
        raise InputError(
            name, f"decompresses to more than {cap} bytes (raise it with --max-member-mb)"
        )
    if len(out) > ratio_cap:
        raise InputError(
            name,
            f"decompresses more than {limits.max_ratio} times its "
            "compressed size, like a ZIP bomb (raise it with --max-ratio)",
        )
    if len(out) < info.file_size and not d.eof:
        raise InputError(
            name,
            "cannot be decompressed (Compressed file ended before the "
            "end-of-stream marker was reached)",
        )
    if len(out) != info.file_size or inflate.crc32(out) != info.CRC:
        raise InputError(name, f"cannot be decompressed (Bad CRC-32 for file {info.filename!r})")
    return out


def _compressed_bytes(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A member's compressed bytes, after checking its local header as zipfile does."""
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
    raw = fp.read(info.compress_size)
    if len(raw) != info.compress_size:
        raise EOFError("Compressed file ended before the end-of-stream marker was reached")
    return raw


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
        workers: Members inflated, parsed and validated at once, on threads (zlib,
            polars and its regex engine release the GIL); yielded in member order, so
            memory holds about ``workers + 1`` members.

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

    Raises:
        InputError: If the file cannot be read at all.
    """
    p = Path(path)
    magic = read_head(p, 4)
    if magic not in (ZIP_MAGIC, EMPTY_ZIP_MAGIC):
        stmt = parse_detail_csv(read_bytes(p, limits), str(p), limits=limits, cast=cast)
        if progress:
            progress(1, 1)
        yield then(stmt)
        return
    members = sorted(_zip_members(p, limits), key=lambda m: m.filename)
    if only is not None:
        by_name = {m.filename: m for m in members}
        members = [by_name[name] for name in only if name in by_name]
        if not members:
            return
    scopes = ScopeCache()
    local = threading.local()
    handles: list[zipfile.ZipFile] = []

    def read(info: zipfile.ZipInfo) -> _Bytes:
        if not hasattr(local, "zf"):  # one handle per thread
            try:
                local.zf = zipfile.ZipFile(p)
            except ZIP_ERRORS as e:
                raise InputError(p, f"is not a readable ZIP file ({e})") from None
            handles.append(local.zf)
        return _Bytes(read_member(local.zf, info, p, limits))

    def parse(
        info: zipfile.ZipInfo, header: RunHeader | None, data: Future[_Bytes] | None = None
    ) -> DetailStatement:
        raw = data.result() if data is not None else read(info)
        return _parse_bytes(
            raw,
            f"{p}!{info.filename}",
            form="zip",
            header=header,
            limits=limits,
            cast=cast,
            scopes=scopes,
        )

    def parse_then(
        info: zipfile.ZipInfo, header: RunHeader | None, data: Future[_Bytes] | None = None
    ) -> T:
        return then(parse(info, header, data))

    if workers == 0:  # one member at a time, on this thread: the least memory
        try:
            for i, info in enumerate(members, start=1):
                stmt = parse(info, header)
                header = header or stmt.header
                out = then(stmt)
                del stmt
                if progress:
                    progress(i, len(members))
                yield out
        finally:
            for zf in handles:
                zf.close()
        return
    # The first member names the run (the second inflates meanwhile); then `workers`
    # members at a time, yielded in order. Nothing holds a member once it is handed on.
    try:
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            ahead = [pool.submit(read, m) for m in members[:2]]
            pending: deque[Future[T]] = deque()
            if header is None:
                first = parse(members[0], None, ahead[0])
                header = first.header
                done = pool.submit(then, first)
                del first
            else:
                done = pool.submit(parse_then, members[0], header, ahead[0])
            if len(members) > 1:
                pending.append(pool.submit(parse_then, members[1], header, ahead[1]))
            del ahead
            todo = iter(members[2:])
            for i in range(1, len(members) + 1):
                out = done.result()
                if progress:
                    progress(i, len(members))
                yield out
                if i == len(members):
                    break
                while len(pending) < workers and (info := next(todo, None)) is not None:
                    pending.append(pool.submit(parse_then, info, header))
                done = pending.popleft()
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


@dataclass
class _DayPart:
    """What a streamed read keeps of one member (:func:`stream_detail`)."""

    member: str
    header: RunHeader
    days: list[date]
    rows: pl.DataFrame
    findings: list[Finding]
    form: ArtefactForm
    n_values: int


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
    """Read a Detail ZIP (or one Detail CSV) one Trading Day at a time, keeping only
    ``kept``'s rows: memory holds about three members, whatever the week's size.

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

    def slim(stmt: DetailStatement) -> _DayPart:  # on the reader's thread
        rows = compact(stmt.frame.filter(keep))  # drops the rest of the day's text
        return _DayPart(
            member=stmt.source.rsplit("!", 1)[1] if "!" in stmt.source else "",
            header=stmt.header,
            days=stmt.days,
            rows=with_values(rows) if cast else rows,
            findings=stmt.findings,
            form=stmt.form,
            n_values=stmt.value_count,
        )

    parts: list[_DayPart] = []
    seen: set[date] = set()
    try:
        for part in map_detail_parts(path, slim, limits=limits, progress=progress, cast=False):
            if seen & set(part.days):
                raise _Overlap
            seen.update(part.days)
            parts.append(part)
    except _Overlap:
        log.info("%s: members share a Trading Day; read whole", path)
        return read_detail(path, limits=limits, cast=cast)
    first = parts[0]
    frames = [p.rows for p in parts]
    return DetailStatement(
        header=first.header,
        days=sorted(seen),
        frame=frames[0] if len(frames) == 1 else pl.concat(frames, how="vertical"),
        source=str(path),
        sources=[str(path)],
        form=first.form,
        findings=[f for p in parts for f in p.findings],
        kept=kept,
        reread=MemberDays(Path(path), {p.member: p.days for p in parts}, first.header, limits),
        n_values=sum(p.n_values for p in parts),
    )


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
