"""Which artefact a file is, by its content (SPEC §6), and the reader for each kind.

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
import csv
import io
import json
import logging
import os
import re
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from recon.errors import InputError
from recon.models import aemo_names as aemo
from recon.models.results import InputRecord
from recon.sources.files import sha256_file, unreadable
from recon.sources.limits import DEFAULT_LIMITS, Limits

log = logging.getLogger(__name__)

Kind = Literal[
    "summary_csv",
    "detail_csv",
    "detail_zip",
    "summary_json",
    "detail_json",
    "invoice_json",
    "invoice_pdf",
]
KINDS: tuple[str, ...] = (
    "summary_csv",
    "detail_csv",
    "detail_zip",
    "summary_json",
    "detail_json",
    "invoice_json",
    "invoice_pdf",
)

ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
PDF_MAGIC = b"%PDF-"
PREFIX_BYTES = 64 * 1024
"""How much of a file detection reads to sniff it (JSON keys must appear in it, or the
document is parsed whole)."""

MAX_SNIFF_MEMBERS = 4096
"""A ZIP declaring more members than this (and than ``--max-members``) is not opened to
be sniffed. One with fewer, over ``--max-members``, is still recognised by its first
member, so that a Detail ZIP over the cap is refused by its reader, naming the option,
rather than skipped."""

_HEADER_COLUMNS = (
    "RunId",
    "PublishedAt",
    "MarketService",
    "Designation",
    "Period",
    "PeriodFrom",
    "PeriodTo",
    "ParticipantCode",
)
SUMMARY_CSV_COLUMNS = frozenset(
    (*_HEADER_COLUMNS, "Variable", "Timestamp", "P Or C", "GST Applicable", "Value")
)
DETAIL_CSV_COLUMNS = frozenset(
    (*_HEADER_COLUMNS, "Settlement Trading Day", "Variable", "Scope", "Timestamp", "Value")
)
MIN_MATCHING_COLUMNS = 7
"""A CSV sharing at least this many of a kind's 13 columns is taken as that kind, so a
file with a missing or misspelt column still reaches its reader and becomes a
``data.columns`` finding rather than a silent skip."""


class Artefact(BaseModel):
    """One input file recognised as a settlement artefact.

    Attributes:
        path: The file.
        kind: One of :data:`KINDS`.
        sha256: Hex SHA-256 of the file's bytes.
        participant: ParticipantCode, as the file's header (or first row) gives it.
        period: The Trading Week label.
        run_id: RunId.
        designation: INITIAL or ADJn.
        trading_day: The Settlement Trading Day (Detail JSON and CSV), ``yyyy-mm-dd``.
    """

    model_config = ConfigDict(frozen=True)

    path: str
    kind: Kind
    sha256: str
    participant: str | None = None
    period: str | None = None
    run_id: int | None = None
    designation: str | None = None
    trading_day: str | None = None
    ignored: tuple[str, ...] = ()
    """ZIP members that are not CSV files (``member: why``), ignored and listed."""

    @property
    def run_key(self) -> tuple[str | None, str | None, int | None]:
        """(participant, period, run_id): how artefacts group into runs."""
        return (self.participant, self.period, self.run_id)

    def record(self) -> InputRecord:
        """The ``inputs`` entry of ``findings.json`` (SPEC §6)."""
        return InputRecord(
            path=self.path,
            sha256=self.sha256,
            kind=self.kind,
            participant=self.participant,
            period=self.period,
            run_id=self.run_id,
            designation=self.designation,
        )


class Skipped(BaseModel):
    """A path that is not used, with the reason."""

    model_config = ConfigDict(frozen=True)

    path: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        """``{"path": ..., "reason": ...}`` (``CheckResult.skipped``)."""
        return {"path": self.path, "reason": self.reason}


class Unread(BaseModel):
    """A file that is recognisably a settlement artefact but cannot be used
    (``coverage.unread``): another separator, encoding or letter case, a damaged ZIP.

    Attributes:
        path: The file.
        reason: Why it cannot be used.
        kind: The kind it appears to be.
        participant, period, run_id, designation: The run, where its first row says.
    """

    model_config = ConfigDict(frozen=True)

    path: str
    reason: str
    kind: str | None = None
    participant: str | None = None
    period: str | None = None
    run_id: int | None = None
    designation: str | None = None


class Detection(BaseModel):
    """What :func:`detect` found.

    Attributes:
        artefacts: Recognised files, sorted by path.
        skipped: Paths not used (and ZIP members ignored, as ``zip!member``), sorted.
        unread: Recognisable artefacts that cannot be used (also in ``skipped``).
    """

    artefacts: list[Artefact] = Field(default_factory=list)
    skipped: list[Skipped] = Field(default_factory=list)
    unread: list[Unread] = Field(default_factory=list)

    def of_kind(self, *kinds: str) -> list[Artefact]:
        """The artefacts of the given kinds, in path order."""
        return [a for a in self.artefacts if a.kind in kinds]


class NotAnArtefact(Exception):
    """Raised by a sniffer: the file is not a settlement artefact (message: why)."""


class Unreadable(NotAnArtefact):
    """Raised by a sniffer: the file is recognisably an artefact but cannot be used.

    Attributes:
        kind: The kind it appears to be.
        info: Its run (participant, period, run_id, designation), where known.
    """

    def __init__(self, reason: str, kind: str | None = None, info: dict[str, Any] | None = None):
        super().__init__(reason)
        self.kind = kind
        self.info = info or {}


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


def detect(paths: Iterable[str | Path], *, limits: Limits = DEFAULT_LIMITS) -> Detection:
    """Find the settlement artefacts among files and folders (searched recursively).

    Args:
        paths: Files and folders, in any mix. A file named twice is taken once.
        limits: Input caps (a JSON document parsed whole to find its kind must fit).

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
            art = found[name] = sniff(path, limits=limits)
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


def sniff(path: str | Path, *, limits: Limits = DEFAULT_LIMITS) -> Artefact:
    """Return what one file is, from its content.

    Raises:
        NotAnArtefact: If it is not a settlement artefact (the message says why).
        InputError: If it cannot be read.
    """
    p = Path(path)
    try:
        with open(p, "rb") as f:
            head = f.read(PREFIX_BYTES)
            whole = len(head) < PREFIX_BYTES or not f.read(1)
    except OSError as exc:
        raise unreadable(p, exc) from None
    if not head.strip():
        raise NotAnArtefact("empty file")
    if head[:4] in ZIP_MAGICS:
        info = _sniff_zip(p, limits)
    elif PDF_MAGIC in head[:1024]:
        info = _sniff_pdf(p)
    else:
        try:
            text = _text_prefix(head, whole)
            stripped = text.lstrip()
            if stripped.startswith("{"):
                info = _sniff_json(p, stripped, whole, limits)
            elif stripped.startswith("["):
                raise NotAnArtefact("a JSON array, not a PaSS document")
            else:
                info = _sniff_csv(text, whole)
        except Unreadable:
            raise
        except NotAnArtefact:
            variant = csv_variant(head)
            if variant is None:
                raise
            reason, kind, run = variant
            raise Unreadable(reason, f"{kind}_csv", run) from None
    return Artefact(path=str(p), sha256=sha256_file(p), **info)


_ALL_COLUMNS = {c.lower(): c for c in SUMMARY_CSV_COLUMNS | DETAIL_CSV_COLUMNS}


def csv_variant(head: bytes) -> tuple[str, str, dict[str, Any]] | None:
    """Whether bytes that do not read as a settlement CSV are one in another spelling:
    UTF-16, ``;`` or tab separators, or a header row in another letter case.

    Returns:
        (why it cannot be used, ``summary`` or ``detail``, its run from the first row),
        or None when it is no settlement CSV at all.
    """
    encoding = None
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        encoding = "UTF-16"
    elif len(head) > 8 and head[1:8:2] == b"\x00\x00\x00\x00":
        encoding = "UTF-16-LE"
    elif len(head) > 8 and head[0:8:2] == b"\x00\x00\x00\x00":
        encoding = "UTF-16-BE"
    if encoding:
        data = head[: len(head) // 2 * 2]
        text = data.decode(encoding.lower(), errors="replace")
    elif b"\x00" in head:
        return None
    else:
        text = head.decode("utf-8-sig", errors="replace")
    text = text.lstrip("\ufeff")
    first = text.partition("\n")[0]
    whys = []
    if encoding:
        whys.append(f"is encoded as {encoding}, not UTF-8")
    seps = [d for d in (",", ";", "\t", "|") if d in first]
    for sep in seps:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))[:2]
        if not rows:
            continue
        names = [n.strip().lstrip("\ufeff").strip() for n in rows[0]]
        mapped = [_ALL_COLUMNS.get(n.lower(), n) for n in names]
        kind = _csv_kind(mapped)
        if kind is None:
            continue
        reasons = list(whys)
        if sep != ",":
            shown = "a tab" if sep == "\t" else repr(sep)
            reasons.append(f"separates its fields with {shown}, not ','")
        if mapped != names:
            reasons.append(
                "spells its header row in another letter case "
                f"({', '.join(n for n, m in zip(names, mapped, strict=True) if n != m)[:80]})"
            )
        if not reasons:
            return None
        row = dict(zip(mapped, rows[1], strict=False)) if len(rows) > 1 else {}
        what = "Summary" if kind == "summary" else "Detail"
        return (
            f"a Settlement Statement {what} CSV that recon cannot read: it "
            + " and ".join(reasons),
            kind,
            _info_from_row(row),
        )
    return None


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


def _int_or_none(value: Any) -> int | None:
    text = str(value).strip() if value is not None else ""
    return int(text) if text.isdigit() else None


def _day(value: Any) -> str | None:
    if not value:
        return None
    m = re.match(r"^\s*(\d{4}-\d{2}-\d{2})", str(value))
    return m.group(1) if m else None


def _run_info(values: dict[str, Any]) -> dict[str, Any]:
    return {
        "participant": (str(values["participant"]).strip() or None)
        if values.get("participant") is not None
        else None,
        "period": (str(values["period"]).strip() or None)
        if values.get("period") is not None
        else None,
        "run_id": _int_or_none(values.get("run_id")),
        "designation": (str(values["designation"]).strip() or None)
        if values.get("designation") is not None
        else None,
        "trading_day": _day(values.get("trading_day")),
    }


# CSV -----------------------------------------------------------------------------------


def _csv_kind(columns: list[str]) -> str | None:
    cols = set(columns)
    if cols == SUMMARY_CSV_COLUMNS:
        return "summary"
    if cols == DETAIL_CSV_COLUMNS:
        return "detail"
    summary_score = len(cols & SUMMARY_CSV_COLUMNS)
    detail_score = len(cols & DETAIL_CSV_COLUMNS)
    best = max(summary_score, detail_score)
    if best < MIN_MATCHING_COLUMNS:
        return None
    if detail_score > summary_score:
        return "detail"
    if summary_score > detail_score:
        return "summary"
    return "detail" if cols & {"Settlement Trading Day", "Scope"} else "summary"


def _csv_head(stream: io.TextIOBase) -> tuple[list[str], dict[str, str]]:
    """Header names and the first data row (by name) of a CSV text stream."""
    reader = csv.reader(stream)
    try:
        header = next(reader)
    except StopIteration:
        return [], {}
    except csv.Error as exc:
        raise NotAnArtefact(f"text that does not read as CSV ({exc})") from None
    names = [h.strip().lstrip("\ufeff").strip() for h in header]
    first: dict[str, str] = {}
    try:
        row = next(reader, None)
    except (csv.Error, UnicodeDecodeError):
        row = None
    if row:
        first = {n: v for n, v in zip(names, row, strict=False)}
    return names, first


def _info_from_row(row: dict[str, str]) -> dict[str, Any]:
    return _run_info(
        {
            "participant": row.get("ParticipantCode"),
            "period": row.get("Period"),
            "run_id": row.get("RunId"),
            "designation": row.get("Designation"),
            "trading_day": row.get("Settlement Trading Day"),
        }
    )


def _sniff_csv(prefix: str, whole: bool) -> dict[str, Any]:
    """Kind and run of a CSV from the text prefix (its header row and first row) only."""
    first_line, newline, _ = prefix.partition("\n")
    if not newline and not whole:
        raise NotAnArtefact(
            f"text whose first line is longer than {PREFIX_BYTES} bytes, "
            "so not a settlement CSV header row"
        )
    if "," not in first_line:
        raise NotAnArtefact("text that is not a settlement CSV, JSON document or PDF")
    names, row = _csv_head(io.StringIO(prefix, newline=""))
    kind = _csv_kind(names)
    if kind is None:
        raise NotAnArtefact(
            "a CSV whose header row is not a Settlement Statement's "
            f"(columns: {', '.join(names[:6])}{' ...' if len(names) > 6 else ''})"
        )
    return {"kind": f"{kind}_csv", **_info_from_row(row)}


# ZIP -----------------------------------------------------------------------------------


MAX_SNIFFED_MEMBERS = 16
"""How many CSV members detection opens looking for a Detail CSV (the first that is one
names the run)."""


def _sniff_zip(path: Path, limits: Limits = DEFAULT_LIMITS) -> dict[str, Any]:
    """Kind and run of a ZIP from the first lines of its CSV members: it is a Detail ZIP
    when any member is a Detail CSV (at most :data:`PREFIX_BYTES` of each member are
    decompressed). Members that are not CSV files (``__MACOSX/``, ``.DS_Store``, a
    ``README.txt``) are ignored and listed.

    Raises:
        Unreadable: A damaged ZIP, or one whose CSV members are Detail CSVs recon cannot
            read (another separator, encoding or letter case).
        NotAnArtefact: A ZIP holding no Detail CSV.
    """
    from recon.sources.detail_csv import ZIP_ERRORS, ignored_member, is_folder, zip_entry_count

    n = zip_entry_count(path)
    if n is not None and n > max(limits.max_members, MAX_SNIFF_MEMBERS):
        raise NotAnArtefact(
            f"a ZIP file that holds {n} members, over the cap of "
            f"{limits.max_members} (raise it with --max-members)"
        )
    ignored: list[str] = []
    summary_in: str | None = None
    variant: tuple[str, str, dict[str, Any], str] | None = None
    try:
        with zipfile.ZipFile(path) as zf:
            infos = sorted(zf.infolist(), key=lambda i: i.filename)
            members = []
            for i in infos:
                why = ignored_member(i)
                if why is None:
                    members.append(i)
                elif not is_folder(i):
                    ignored.append(f"{i.filename}: {why}")
            if not members:
                if ignored:
                    raise NotAnArtefact(
                        "a ZIP holding no Settlement Statement CSV (only "
                        + ", ".join(e.partition(":")[0] for e in ignored[:4])
                        + ")"
                    )
                raise NotAnArtefact("a ZIP file with no members")
            for info in members[:MAX_SNIFFED_MEMBERS]:
                try:
                    with zf.open(info) as raw:
                        head = raw.read(PREFIX_BYTES)
                except (RuntimeError, NotImplementedError) as exc:  # encrypted, unknown method
                    if info is members[0] and len(members) == 1:
                        raise NotAnArtefact(
                            f"a ZIP whose member {info.filename} cannot be opened ({exc})"
                        ) from None
                    continue
                text = head.decode("utf-8-sig", errors="replace")
                try:
                    names, row = _csv_head(io.StringIO(text, newline=""))
                except NotAnArtefact:
                    names, row = [], {}
                kind = _csv_kind(names)
                if kind == "detail":
                    return {
                        "kind": "detail_zip",
                        "ignored": tuple(ignored),
                        **_info_from_row(row),
                    }
                if kind == "summary":
                    summary_in = summary_in or info.filename
                elif variant is None:
                    v = csv_variant(head)
                    if v is not None:
                        variant = (*v, info.filename)
    except zipfile.BadZipFile as exc:
        raise Unreadable(f"a damaged ZIP file ({exc})", "detail_zip") from None
    except ZIP_ERRORS as exc:
        raise Unreadable(f"a ZIP file that cannot be read ({exc})", "detail_zip") from None
    if variant is not None:
        reason, kind, run, member = variant
        raise Unreadable(f"a ZIP whose member {member} is {reason[2:]}", "detail_zip", run)
    what = "a Summary CSV" if summary_in else "no Settlement Statement CSV"
    first = summary_in or members[0].filename
    raise NotAnArtefact(
        f"a ZIP holding {what} (first member {first}); "
        "a Detail ZIP holds one Detail CSV per Trading Day"
    )


# PDF -----------------------------------------------------------------------------------


def _sniff_pdf(path: Path) -> dict[str, Any]:
    from recon.sources.invoice_pdf import read_pdf_header

    header = read_pdf_header(path)
    if header.invoice_number is None and not header.has_sections:
        raise NotAnArtefact(
            "a PDF without invoice content (no 'Invoice Number:' line and no "
            "invoice section on its first page)"
        )
    return {
        "kind": "invoice_pdf",
        **_run_info(
            {
                "participant": header.participant,
                "period": header.period,
                "run_id": header.run_id,
                "designation": header.designation,
            }
        ),
    }


# JSON ----------------------------------------------------------------------------------


_JSON_KEYS = frozenset(
    (
        aemo.INV_NUMBER,
        aemo.INV_PAYMENT_SUMMARY,
        aemo.F_SETTLEMENT_DAY,
        aemo.F_VARIABLES,
        aemo.H_RUN_ID,
        aemo.H_PARTICIPANT,
        aemo.H_PERIOD,
        aemo.H_DESIGNATION,
        aemo.F_WRAP_ERRORS,
        aemo.F_WRAP_ID,
        aemo.F_WRAP_DATA,
    )
)
"""Top-level keys detection looks at."""

_WS = re.compile(r"[ \t\r\n]*")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_STRUCTURAL = re.compile(r'[\[\]{}"]')


class _Truncated(Exception):
    """The prefix ended before the object did."""


def _skip_container(text: str, i: int) -> int:
    """Return the index after the array or object starting at ``text[i]``."""
    depth = 0
    pos = i
    while True:
        m = _STRUCTURAL.search(text, pos)
        if m is None:
            raise _Truncated
        ch = m.group()
        if ch == '"':
            sm = _STRING.match(text, m.start())
            if sm is None:
                raise _Truncated
            pos = sm.end()
            continue
        depth += 1 if ch in "[{" else -1
        pos = m.end()
        if depth == 0:
            return pos


def _object_keys(text: str, i: int, out: dict[str, Any]) -> int:
    """Record the keys of the object at ``text[i]`` (scalars by value, containers as True);
    a ``data`` object is descended into (a PaSS wrapper). Returns the index after it."""
    decoder = json.JSONDecoder(parse_float=str, parse_int=str)
    if text[i : i + 1] != "{":
        raise NotAnArtefact("JSON that is not an object")
    i = _WS.match(text, i + 1).end()
    if text[i : i + 1] == "}":
        return i + 1
    while True:
        if i >= len(text):
            raise _Truncated
        try:
            key, i = decoder.raw_decode(text, i)
        except ValueError:
            if len(text) - i < 2 or _STRING.match(text, i) is None:
                raise _Truncated from None
            raise NotAnArtefact("text that starts like JSON but does not read as JSON") from None
        i = _WS.match(text, i).end()
        if text[i : i + 1] != ":":
            if i >= len(text):
                raise _Truncated
            raise NotAnArtefact("text that starts like JSON but does not read as JSON")
        i = _WS.match(text, i + 1).end()
        ch = text[i : i + 1]
        if not ch:
            raise _Truncated
        if ch == "{" and key == aemo.F_WRAP_DATA:
            inner: dict[str, Any] = {}
            try:
                i = _object_keys(text, i, inner)
            finally:
                out[aemo.F_WRAP_DATA] = True
                out.update(
                    {k: v for k, v in inner.items() if k in _JSON_KEYS and k != aemo.F_WRAP_DATA}
                )
        elif ch in "[{":
            if key in _JSON_KEYS:  # recorded first: the prefix may end inside it
                out.setdefault(key, True)
            i = _skip_container(text, i)
        else:
            try:
                value, i = decoder.raw_decode(text, i)
            except ValueError:
                if len(text) - i < 64:
                    raise _Truncated from None
                raise NotAnArtefact(
                    "text that starts like JSON but does not read as JSON"
                ) from None
            if key in _JSON_KEYS:
                out.setdefault(key, value)
        i = _WS.match(text, i).end()
        ch = text[i : i + 1]
        if ch == ",":
            i = _WS.match(text, i + 1).end()
            continue
        if ch == "}":
            return i + 1
        if not ch:
            raise _Truncated
        raise NotAnArtefact("text that starts like JSON but does not read as JSON")


def _scan_keys(text: str) -> tuple[dict[str, Any], bool]:
    """Top-level keys of a JSON object in a text prefix, and whether the scan finished."""
    out: dict[str, Any] = {}
    try:
        _object_keys(text, 0, out)
    except _Truncated:
        return out, False
    except RecursionError:
        raise NotAnArtefact("JSON nested too deeply") from None
    return out, True


def _keys_of_document(path: Path, limits: Limits) -> dict[str, Any]:
    """Parse a whole JSON file and return the top-level keys of its document."""
    from recon.sources.files import read_bytes
    from recon.sources.json_exact import loads

    try:
        doc = loads(read_bytes(path, limits), path)
    except InputError as exc:
        raise NotAnArtefact(f"JSON that does not read ({exc.problem})") from None
    if not isinstance(doc, dict):
        raise NotAnArtefact("JSON that is not an object")
    out: dict[str, Any] = {}
    bodies = [doc]
    if isinstance(doc.get(aemo.F_WRAP_DATA), dict):
        bodies.append(doc[aemo.F_WRAP_DATA])
    for body in bodies:
        for k, v in body.items():
            if k in _JSON_KEYS:
                out.setdefault(k, True if isinstance(v, dict | list) else v)
    return out


def _json_kind(keys: dict[str, Any]) -> str | None:
    if aemo.INV_NUMBER in keys or aemo.INV_PAYMENT_SUMMARY in keys:
        return "invoice_json"
    if aemo.F_SETTLEMENT_DAY in keys:
        return "detail_json"
    if aemo.F_VARIABLES in keys and (aemo.H_RUN_ID in keys or aemo.H_PARTICIPANT in keys):
        return "summary_json"
    return None


def _sniff_json(path: Path, text: str, whole: bool, limits: Limits) -> dict[str, Any]:
    try:
        keys, complete = _scan_keys(text)
    except NotAnArtefact:
        keys, complete = {}, False
    if not complete:
        kind = _json_kind(keys)
        needs = (aemo.H_RUN_ID, aemo.H_PARTICIPANT, aemo.H_PERIOD, aemo.H_DESIGNATION)
        if whole or kind in (None, "summary_json") or any(k not in keys for k in needs):
            # parse it whole: for the parser's message on a malformed file, or because a
            # key may come after the prefix (a Summary may yet show a settlement day)
            try:
                keys = _keys_of_document(path, limits)
            except NotAnArtefact:
                if whole or kind is None:
                    raise
                # A large document its prefix shows to be a PaSS document, which does not
                # read whole (cut short, malformed further on, over the size cap): its
                # reader refuses it with the reason, rather than it being skipped unseen.
                log.info("%s: reading as %s from its prefix; it does not parse whole", path, kind)
    kind = _json_kind(keys)
    if kind is None:
        if aemo.F_WRAP_ERRORS in keys and aemo.F_VARIABLES not in keys:
            raise NotAnArtefact("a PaSS error response, not a document")
        raise NotAnArtefact("JSON that is not a PaSS Summary, Detail or Invoice document")
    return {
        "kind": kind,
        **_run_info(
            {
                "participant": keys.get(aemo.H_PARTICIPANT),
                "period": keys.get(aemo.H_PERIOD),
                "run_id": keys.get(aemo.H_RUN_ID),
                "designation": keys.get(aemo.H_DESIGNATION),
                "trading_day": keys.get(aemo.F_SETTLEMENT_DAY),
            }
        ),
    }


# ------------------------------------------------------------------------------- loading


def load(artefact: Artefact, *, limits: Limits = DEFAULT_LIMITS) -> Any:
    """Read an artefact with the reader of its kind.

    Returns:
        A :class:`~recon.models.statements.SummaryStatement`,
        :class:`~recon.models.statements.DetailStatement` or
        :class:`~recon.models.invoices.Invoice`.

    Raises:
        InputError: If the file cannot be read at all (a ``ColumnsError`` for a CSV whose
            columns are not the Guide's carries its ``data.columns`` finding).
    """
    path = artefact.path
    kind = artefact.kind
    if kind == "summary_csv":
        from recon.sources.summary_csv import read_summary_csv

        return read_summary_csv(path, limits)
    if kind in ("detail_csv", "detail_zip"):
        from recon.sources.detail_csv import read_detail

        return read_detail(path, limits=limits)
    if kind == "summary_json":
        from recon.sources.statement_json import read_summary_json

        return read_summary_json(path, limits)
    if kind == "detail_json":
        from recon.sources.statement_json import read_detail_json

        return read_detail_json(path, limits)
    if kind == "invoice_json":
        from recon.sources.invoice_json import read_invoice_json

        return read_invoice_json(path, limits)
    if kind == "invoice_pdf":
        from recon.sources.invoice_pdf import read_invoice_pdf

        return read_invoice_pdf(path, limits=limits)
    raise ValueError(f"unknown artefact kind {kind!r}")
