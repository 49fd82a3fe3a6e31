"""Inflating Detail ZIP members in one call (ISA-L when installed, else zlib).

The caps, CRC and truncation cases of hostile archives are in ``tests/hardening``; here:
the bytes are zipfile's, with either inflater, and a damaged local header is refused.
"""

from __future__ import annotations

import builtins
import io
import struct
import threading
import time
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from paths import FIXTURES

from recon.errors import InputError
from recon.sources import detail_csv
from recon.sources.limits import DEFAULT_LIMITS


def _zip(tmp_path: Path, members: dict[str, bytes]) -> Path:
    path = tmp_path / "detail.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def _payload(seed: int) -> bytes:
    """Text that compresses like a Detail CSV (digits, commas, repeated names)."""
    rows = [
        f'71234,SWANGEN,2024-12-0{seed},MSQ_F_I,SWANGEN_WF{k % 7},"[{k * 1.125:.8f}]"'
        for k in range(20_000)
    ]
    return "\r\n".join(rows).encode()


def _read_all(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {
            i.filename: detail_csv.read_member(zf, i, path, DEFAULT_LIMITS) for i in zf.infolist()
        }


def test_members_read_as_zipfile_reads_them(tmp_path: Path) -> None:
    members = {f"day{d}.csv": _payload(d) for d in range(1, 4)}
    members["empty.csv"] = b""
    members["é-name.csv"] = b"x"  # a UTF-8 flagged name
    path = _zip(tmp_path, members)
    assert _read_all(path) == members


def test_zlib_is_used_when_isal_is_absent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_isal(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "isal" or name.startswith("isal."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    import zlib
    from types import SimpleNamespace

    calls: list[int] = []

    def decompressobj(wbits: int) -> Any:
        calls.append(wbits)
        return zlib.decompressobj(wbits)

    monkeypatch.setattr(builtins, "__import__", no_isal)
    monkeypatch.setattr(
        detail_csv,
        "zlib",
        SimpleNamespace(decompressobj=decompressobj, crc32=zlib.crc32, error=zlib.error),
    )
    members = {"day1.csv": _payload(1), "day2.csv": _payload(2)}
    assert _read_all(_zip(tmp_path, members)) == members
    assert calls == [-15, -15]


def test_isal_is_installed_and_agrees_with_zlib() -> None:
    """The dependency is declared; if it is there its inflate gives zlib's bytes."""
    import zlib

    from isal import isal_zlib

    data = _payload(2)
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    raw = c.compress(data) + c.flush()
    assert isal_zlib.decompressobj(-15).decompress(raw) == data
    assert isal_zlib.crc32(data) == zlib.crc32(data)


def test_a_local_header_naming_another_file_is_refused(tmp_path: Path) -> None:
    path = _zip(tmp_path, {"day1.csv": _payload(1)})
    blob = bytearray(path.read_bytes())
    # the local header's name starts 30 bytes in: rename it there only
    assert blob[30:38] == b"day1.csv"
    blob[30:38] = b"dayX.csv"
    path.write_bytes(bytes(blob))
    with pytest.raises(InputError, match=r"day1\.csv: cannot be decompressed \(File name"):
        _read_all(path)


def test_a_bad_local_signature_is_refused(tmp_path: Path) -> None:
    path = _zip(tmp_path, {"day1.csv": _payload(1)})
    blob = bytearray(path.read_bytes())
    blob[0:4] = b"PK\x07\x08"
    path.write_bytes(bytes(blob))
    with pytest.raises(InputError, match="cannot be decompressed"):
        with zipfile.ZipFile(io.BytesIO(bytes(blob))) as zf:  # central directory intact
            info = zf.infolist()[0]
        with zipfile.ZipFile(path) as zf:
            detail_csv.read_member(zf, info, path, DEFAULT_LIMITS)


def test_a_stream_cut_short_is_refused(tmp_path: Path) -> None:
    """The deflate stream ends early but the sizes in the directory still claim the rest."""
    data = _payload(3)
    path = _zip(tmp_path, {"day1.csv": data})
    with zipfile.ZipFile(path) as zf:
        info = zf.infolist()[0]
    blob = bytearray(path.read_bytes())
    name_len, extra_len = struct.unpack("<HH", blob[26:30])
    start = 30 + name_len + extra_len
    # zero the second half of the compressed bytes: inflate fails or stops short
    half = start + info.compress_size // 2
    blob[half : start + info.compress_size] = bytes(start + info.compress_size - half)
    path.write_bytes(bytes(blob))
    with pytest.raises(InputError, match="cannot be decompressed"):
        _read_all(path)


SAMPLE_ZIP = (
    FIXTURES / "sample_week" / "csv" / "SWANGEN_51230_INITIAL_SettlementStatementDetail.zip"
)


def _batched_week(tmp_path: Path) -> Path:
    """The sample week's Detail with text that the cuts between batches must respect: a
    quoted line feed in a Scope and a repeat of an early row at a member's end; in other
    members, an empty Value far into the text (which polars' reader declines), and a byte
    order mark with CRLF line ends."""
    with zipfile.ZipFile(SAMPLE_ZIP) as zf:
        members = {i.filename: zf.read(i) for i in sorted(zf.infolist(), key=lambda i: i.filename)}
    names = list(members)[:3]
    members = {name: members[name] for name in names}
    lines = members[names[0]].split(b"\n")
    fields = lines[40].split(b",", 11)
    fields[10] = b'"SWAN\nGEN"'  # the Scope
    lines[40] = b",".join(fields)
    lines.insert(len(lines) - 1, lines[3])
    members[names[0]] = b"\n".join(lines)
    members[names[2]] = b"\xef\xbb\xbf" + members[names[2]].replace(b"\n", b"\r\n")
    lines = members[names[1]].split(b"\n")
    lines[-30] = lines[-30].rsplit(b",", 1)[0] + b","
    members[names[1]] = b"\n".join(lines)
    return _zip(tmp_path, members)


def _dumped(stmt: Any) -> tuple[Any, ...]:
    return (
        stmt.header,
        stmt.days,
        [f.model_dump() for f in stmt.findings],
        stmt.frame.sort("source_file", "source_line").to_dicts(),
    )


def test_a_member_read_in_small_batches_reads_as_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _batched_week(tmp_path)
    whole = detail_csv.read_detail(path)
    checks = {f.check for f in whole.findings}
    assert {"data.duplicate", "data.value"} <= checks
    assert whole.frame.filter(pl.col("scope").str.contains("\n")).height == 1
    for chunk, piece in ((3000, 333), (50_000, 4096)):
        monkeypatch.setattr(detail_csv, "CHUNK_BYTES", chunk)
        monkeypatch.setattr(detail_csv, "PIECE_BYTES", piece)
        assert _dumped(detail_csv.read_detail(path)) == _dumped(whole)


def test_batches_handed_on_are_the_rows_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _batched_week(tmp_path)
    whole = detail_csv.read_detail(path, cast=False)
    monkeypatch.setattr(detail_csv, "CHUNK_BYTES", 2000)
    monkeypatch.setattr(detail_csv, "PIECE_BYTES", 1000)
    batches, ends = [], []
    with pytest.raises(detail_csv.BatchDeclined):  # the member polars declines late
        for item in detail_csv.map_detail_batches(path, lambda f: f):
            (batches if isinstance(item, detail_csv.DetailBatch) else ends).append(item)
    first = ends[0]
    assert first.source.endswith("_20241201.csv")
    assert len([b for b in batches if b.member == 0]) > 10
    assert batches[0].header == whole.header
    rows = pl.concat([b.rows for b in batches if b.member == 0])
    assert rows.equals(whole.frame.filter(pl.col("source_file") == rows["source_file"][0]))
    assert [f.model_dump() for f in first.findings] == [
        f.model_dump() for f in whole.findings if f.source and "20241201" in f.source
    ]


@pytest.mark.parametrize("ahead", [1, 4])
def test_the_next_member_is_read_ahead_by_ahead_batches(
    ahead: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the caller holds the first member's first batch, the thread reading the next
    member makes ``ahead`` batches (and one more, waiting for room), then waits."""
    path = FIXTURES / "sample_week" / "csv" / "SWANGEN_51230_INITIAL_SettlementStatementDetail.zip"
    monkeypatch.setattr(detail_csv, "CHUNK_BYTES", 20_000)  # 19 batches a member
    monkeypatch.setattr(detail_csv, "PIECE_BYTES", 4096)
    made: Counter[str] = Counter()
    lock = threading.Lock()

    def each(frame: pl.DataFrame) -> pl.DataFrame:
        with lock:
            made[frame["source_file"][0].rsplit("!", 1)[1]] += 1
        return frame

    items = detail_csv.map_detail_batches(path, each, ahead=ahead)
    first = next(items)
    assert isinstance(first, detail_csv.DetailBatch) and first.member == 0
    second = "SWANGEN_51230_INITIAL_SettlementStatementDetail_20241202.csv"
    deadline = time.monotonic() + 30
    while made[second] < ahead and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.3)  # time to overrun, were it not bounded
    try:
        assert ahead <= made[second] <= ahead + 1
    finally:
        items.close()


def test_the_next_member_is_read_ahead_by_ahead_values_values(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With ``ahead_values``, the batches the next member's thread makes while the caller
    waits hold at most that many values (the one it then waits to put takes them over)."""
    path = FIXTURES / "sample_week" / "csv" / "SWANGEN_51230_INITIAL_SettlementStatementDetail.zip"
    monkeypatch.setattr(detail_csv, "CHUNK_BYTES", 20_000)
    monkeypatch.setattr(detail_csv, "PIECE_BYTES", 4096)
    made: dict[str, list[int]] = {}
    lock = threading.Lock()

    def each(frame: pl.DataFrame) -> pl.DataFrame:
        with lock:
            name = frame["source_file"][0].rsplit("!", 1)[1]
            made.setdefault(name, []).append(int(frame["n_values"].sum()))
        return frame

    limit = 7_000  # about three batches of this member (~2,300 values each)
    items = detail_csv.map_detail_batches(path, each, ahead_values=limit)
    first = next(items)
    assert isinstance(first, detail_csv.DetailBatch) and first.member == 0
    assert first.values == int(first.rows["n_values"].sum()) > 0
    second = "SWANGEN_51230_INITIAL_SettlementStatementDetail_20241202.csv"
    deadline = time.monotonic() + 30
    while sum(made.get(second, [])) <= limit and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.3)  # time to overrun, were it not bounded
    try:
        counts = made[second]
        assert len(counts) >= 3
        assert sum(counts[:-1]) <= limit < sum(counts)
    finally:
        items.close()
