"""Inflating Detail ZIP members in one call (ISA-L when installed, else zlib).

The caps, CRC and truncation cases of hostile archives are in ``tests/hardening``; here:
the bytes are zipfile's, with either inflater, and a damaged local header is refused.
"""

from __future__ import annotations

import builtins
import io
import struct
import zipfile
from pathlib import Path
from typing import Any

import pytest

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
