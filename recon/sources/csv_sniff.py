"""Sniffing a CSV or a ZIP of CSVs: which Settlement Statement it is, from its header row
and first row (or a ZIP member's), and whether a file that is not one is one in another
spelling (:func:`csv_variant`)."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from typing import Any

from recon.models import aemo_names as aemo
from recon.models.kinds import Kind
from recon.sources.artefacts import PREFIX_BYTES, NotAnArtefact, Unreadable, run_info
from recon.sources.detail_csv import ZIP_ERRORS, ignored_member, is_folder, zip_entry_count
from recon.sources.limits import DEFAULT_LIMITS, Limits

MAX_SNIFF_MEMBERS = 4096
"""A ZIP declaring more members than this (and than ``--max-members``) is not opened to
be sniffed. One with fewer, over ``--max-members``, is still recognised by its first
member, so that a Detail ZIP over the cap is refused by its reader, naming the option,
rather than skipped."""

SUMMARY_CSV_COLUMNS = frozenset(aemo.SUMMARY_CSV_COLUMNS)
DETAIL_CSV_COLUMNS = frozenset(aemo.DETAIL_CSV_COLUMNS)
MIN_MATCHING_COLUMNS = 7
"""A CSV sharing at least this many of a kind's 13 columns is taken as that kind, so a
file with a missing or misspelt column still reaches its reader and becomes a
``data.columns`` finding rather than a silent skip."""


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
    return "detail" if cols & {aemo.C_SETTLEMENT_DAY, aemo.C_SCOPE} else "summary"


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
    return run_info(
        {
            "participant": row.get(aemo.C_PARTICIPANT),
            "period": row.get(aemo.C_PERIOD),
            "run_id": row.get(aemo.C_RUN_ID),
            "designation": row.get(aemo.C_DESIGNATION),
            "trading_day": row.get(aemo.C_SETTLEMENT_DAY),
        }
    )


def sniff_csv(prefix: str, whole: bool) -> dict[str, Any]:
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
    return {"kind": Kind(f"{kind}_csv"), **_info_from_row(row)}


# ZIP -----------------------------------------------------------------------------------


MAX_SNIFFED_MEMBERS = 16
"""How many CSV members detection opens looking for a Detail CSV (the first that is one
names the run)."""


def sniff_zip(path: Path, limits: Limits = DEFAULT_LIMITS) -> dict[str, Any]:
    """Kind and run of a ZIP from the first lines of its CSV members: it is a Detail ZIP
    when any member is a Detail CSV (at most :data:`PREFIX_BYTES` of each member are
    decompressed). Members that are not CSV files (``__MACOSX/``, ``.DS_Store``, a
    ``README.txt``) are ignored and listed.

    Raises:
        Unreadable: A damaged ZIP, or one whose CSV members are Detail CSVs recon cannot
            read (another separator, encoding or letter case).
        NotAnArtefact: A ZIP holding no Detail CSV.
    """
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
                        "kind": Kind.DETAIL_ZIP,
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
        raise Unreadable(f"a damaged ZIP file ({exc})", Kind.DETAIL_ZIP) from None
    except ZIP_ERRORS as exc:
        raise Unreadable(f"a ZIP file that cannot be read ({exc})", Kind.DETAIL_ZIP) from None
    if variant is not None:
        reason, kind, run, member = variant
        raise Unreadable(f"a ZIP whose member {member} is {reason[2:]}", Kind.DETAIL_ZIP, run)
    what = "a Summary CSV" if summary_in else "no Settlement Statement CSV"
    first = summary_in or members[0].filename
    raise NotAnArtefact(
        f"a ZIP holding {what} (first member {first}); "
        "a Detail ZIP holds one Detail CSV per Trading Day"
    )


# PDF -----------------------------------------------------------------------------------
