"""Atomic file output: a temporary file beside the target, fsync, then rename.

A reader never sees a half-written file, and a failure leaves any previous file intact.
Every file recon writes goes through here.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from recon.errors import OutputError


@contextlib.contextmanager
def atomic_path(path: str | Path, mode: int | None = None) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success fsync it and rename it into place.

    Use for libraries that want a file name (openpyxl, pyarrow). On an exception the
    temporary file is removed and ``path`` is untouched.

    Raises:
        OutputError: If the folder cannot be written.
    """
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as e:
        raise OutputError(f"cannot write {target}: {e.strerror or e}") from None
    tmp = Path(tmp_name)
    try:  # mkstemp makes the file 0600; give it the mode a plain open() would
        os.fchmod(fd, _mode_for(target) if mode is None else mode)
    except OSError:  # pragma: no cover - file systems without modes
        pass
    finally:
        os.close(fd)
    try:
        yield tmp
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    try:
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise OutputError(f"cannot write {target}: {e.strerror or e}") from None
    _fsync_dir(target.parent)


@contextlib.contextmanager
def atomic_writer(path: str | Path, mode: str = "wb") -> Iterator[IO]:
    """Open a temporary file for writing; it replaces ``path`` only if the block succeeds."""
    with atomic_path(path) as tmp, open(tmp, mode) as f:
        yield f
        f.flush()


def atomic_write_bytes(path: str | Path, data: bytes, mode: int | None = None) -> None:
    """Write ``data`` to ``path`` atomically (``mode``: permission bits, e.g. 0o600)."""
    with atomic_path(path, mode) as tmp, open(tmp, "wb") as f:
        f.write(data)
        f.flush()


def _umask() -> int:
    try:  # Linux 4.7+: read it without changing it (os.umask is process-wide)
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _mode_for(target: Path) -> int:
    """The permission bits for ``target``: those of the file it replaces, else 0666 less
    the umask (what ``open(target, "w")`` would give)."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        return 0o666 & ~_umask()


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
