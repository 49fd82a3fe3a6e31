"""recon.sources.files: reading input files whole within the caps, their SHA-256, and
opening only regular files, each failure one clear :class:`InputError`."""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

import pytest

from recon.errors import InputError
from recon.sources.files import (
    NotARegularFile,
    open_regular,
    read_bytes,
    read_head,
    sha256_file,
    unreadable,
)
from recon.sources.limits import Limits, refused_by_limit


def test_unreadable_names_the_file_and_the_reason(tmp_path: Path) -> None:
    err = unreadable(tmp_path / "s.csv", OSError(13, "Permission denied"))
    assert isinstance(err, InputError)
    assert str(err) == f"{tmp_path / 's.csv'}: cannot be read: Permission denied"
    bare = unreadable("x.csv", OSError("no strerror"))
    assert bare.problem == "cannot be read: no strerror"


def test_read_head_gives_at_most_size_bytes(tmp_path: Path) -> None:
    p = tmp_path / "a.csv"
    p.write_bytes(b"RunId,PublishedAt\n1,2\n")
    assert read_head(p, 5) == b"RunId"
    assert read_head(p, 1000) == b"RunId,PublishedAt\n1,2\n"
    assert read_head(str(p), 0) == b""


def test_read_head_of_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as e:
        read_head(tmp_path / "gone.csv", 10)
    assert e.value.path == str(tmp_path / "gone.csv")
    assert e.value.problem == "cannot be read: No such file or directory"


def test_read_bytes_within_and_over_the_cap(tmp_path: Path) -> None:
    p = tmp_path / "d.csv"
    p.write_bytes(b"x" * 10)
    assert read_bytes(p, Limits(max_member_bytes=10)) == b"x" * 10
    with pytest.raises(InputError) as e:
        read_bytes(p, Limits(max_member_bytes=9))
    assert e.value.problem == "is 10 bytes, over the cap of 9 (raise it with --max-member-mb)"
    assert refused_by_limit(e.value)  # a cap's refusal, not damage


def test_read_bytes_of_a_missing_file_or_a_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot be read: No such file or directory"):
        read_bytes(tmp_path / "gone.json")
    with pytest.raises(InputError, match="cannot be read: Is a directory"):
        read_bytes(tmp_path)


def test_sha256_file(tmp_path: Path) -> None:
    p = tmp_path / "big.bin"
    data = os.urandom((1 << 20) + 17)  # more than one block
    p.write_bytes(data)
    assert sha256_file(p) == hashlib.sha256(data).hexdigest()
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    assert sha256_file(str(empty)) == hashlib.sha256(b"").hexdigest()
    with pytest.raises(InputError, match="cannot be read"):
        sha256_file(tmp_path / "gone")


def test_open_regular_opens_a_file_with_its_stat(tmp_path: Path) -> None:
    p = tmp_path / "s.csv"
    p.write_bytes(b"abc")
    f, st = open_regular(p)
    with f:
        assert f.read() == b"abc"
        assert st.st_size == 3
        assert st.st_ino == os.stat(p).st_ino


def test_open_regular_refuses_a_folder(tmp_path: Path) -> None:
    with pytest.raises(NotARegularFile, match=r"^a folder$"):
        open_regular(tmp_path)


@pytest.mark.skipif(sys.platform == "win32", reason="no FIFOs or /dev/null on Windows")
def test_open_regular_refuses_a_fifo_and_a_device(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(NotARegularFile, match=r"^a FIFO \(named pipe\)$"):
        open_regular(fifo)  # refused from its stat: never opened, so never hangs
    with pytest.raises(NotARegularFile, match=r"^a device$"):
        open_regular("/dev/null")


def test_open_regular_of_a_missing_file_raises_oserror(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        open_regular(tmp_path / "gone")
