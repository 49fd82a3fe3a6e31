"""Reading input files whole, within the caps, with one clear error when that fails."""

from __future__ import annotations

import hashlib
from pathlib import Path

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
