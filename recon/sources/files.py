"""Reading input files whole, within the caps, with one clear error when that fails."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path
from typing import BinaryIO

from recon.errors import InputError
from recon.sources.limits import DEFAULT_LIMITS, Limits


def unreadable(path: str | Path, exc: OSError) -> InputError:
    """The one error for a file that cannot be opened or read: ``cannot be read: <why>``."""
    return InputError(path, f"cannot be read: {exc.strerror or exc}")


def read_head(path: str | Path, size: int) -> bytes:
    """The first ``size`` bytes of a file (fewer if it is shorter).

    Raises:
        InputError: If the file cannot be opened or read.
    """
    try:
        with open(path, "rb") as f:
            return f.read(size)
    except OSError as e:
        raise unreadable(path, e) from None


def read_bytes(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """Read a file's bytes, refusing one larger than ``limits.max_member_bytes``.

    Raises:
        InputError: If the file is missing, unreadable or too large.
    """
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > limits.max_member_bytes:
            raise InputError(
                p,
                f"is {size} bytes, over the cap of {limits.max_member_bytes} "
                "(raise it with --max-member-mb)",
            )
        return p.read_bytes()
    except OSError as e:
        raise unreadable(p, e) from None


def sha256_file(path: str | Path) -> str:
    """Return the hex SHA-256 of a file, read in 1 MiB blocks."""
    h = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
    except OSError as e:
        raise unreadable(path, e) from None
    return h.hexdigest()


class NotARegularFile(Exception):
    """A path that names a folder, a FIFO or a device, not a file (message: which)."""


def _what(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def open_regular(path: str | Path) -> tuple[BinaryIO, os.stat_result]:
    """Open a regular file for reading, with its ``fstat``.

    A folder, FIFO or device is refused from its ``stat`` before it is opened (so that a
    FIFO nobody writes cannot hang recon, nor ``/dev/zero`` fill its memory), and the file
    opened must be the one judged.

    Raises:
        NotARegularFile: It is not a regular file (the message says what it is).
        OSError: It cannot be opened.
    """
    before = os.stat(path)
    if not stat.S_ISREG(before.st_mode):
        raise NotARegularFile(_what(before.st_mode))
    f = open(path, "rb")  # the caller closes it
    st = os.fstat(f.fileno())
    if not stat.S_ISREG(st.st_mode) or (st.st_dev, st.st_ino) != (before.st_dev, before.st_ino):
        f.close()
        raise NotARegularFile(_what(st.st_mode) + " (replaced while it was opened)")
    return f, st
