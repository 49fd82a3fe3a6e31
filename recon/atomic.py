"""Atomic file output: a temporary file beside the target, fsync, then rename.

A reader never sees a half-written file, and a failure leaves any previous file intact.
Every file recon writes goes through here.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import logging
import os
import shutil
import signal
import stat
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO, Literal

from recon.errors import OutputError, raise_if_interrupted

log = logging.getLogger(__name__)


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
    os.close(fd)
    try:
        yield tmp
    except BaseException:
        with signals_deferred():
            tmp.unlink(missing_ok=True)
        raise
    try:
        # Read-only is enough to fsync; the mode (mkstemp's is 0600) is set only now, so
        # a read-only earlier file (0444) never makes the temporary file unwritable.
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        with contextlib.suppress(OSError):  # file systems without modes
            os.chmod(tmp, _mode_for(target) if mode is None else mode)
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


# ------------------------------------------------------------------ signals


_DEFERRED = (signal.SIGINT, signal.SIGTERM)


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM until the block ends (then they are delivered as usual).

    For the few steps that must not be cut in two: swapping an output set into place,
    removing a temporary file or folder.
    """
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - not POSIX
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, _DEFERRED)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


# ------------------------------------------------------------------ output sets

STAGING_TAG = ".tmp-"
RETIRED_TAG = ".old-"
_STALE_AFTER = 3600.0
"""Seconds after which a staging folder left beside an output folder (by a process killed
with SIGKILL, say) is taken as abandoned and removed."""


@contextlib.contextmanager
def replace_set(out: str | Path, members: Sequence[str]) -> Iterator[Path]:
    """Write a set of files that replaces the earlier set in ``out`` as one.

    Yields a new, empty staging folder ``.<out>.tmp-XXXX`` beside ``out`` (same file
    system); the caller writes the whole set into it. When the block ends:

    - on success, the set is swapped in. If ``out`` is missing or holds nothing but
      ``members`` (recon's own outputs), the staging folder takes the place of ``out`` in
      one ``renameat2(RENAME_EXCHANGE)`` (Linux), so a reader opening files by path sees
      the earlier set or the new set, never a mix; where the exchange is not supported,
      ``out`` is renamed aside and the new folder renamed in, so a reader may find no
      folder for that instant, never a mixed one. If ``out`` also holds other files (it
      is never swapped away then), the members are renamed in one by one, in the
      order given, with SIGINT and SIGTERM held, and members of the earlier set that the
      new set lacks are removed: an interruption or a failure cannot leave a mix, but a
      reader listing the folder during those few renames may see one.
    - on an exception (including KeyboardInterrupt and the CLI's SIGTERM), the staging
      folder is removed and ``out`` is untouched.

    The earlier files' permission bits carry over to the new ones (a 0444 report is
    replaced, and stays 0444).

    Args:
        out: The output folder (created if missing).
        members: The names of the files that make up a set.

    Raises:
        OutputError: The folder cannot be written (nothing of ``out`` changed).
    """
    target = Path(os.path.abspath(out))  # ``.`` has no name: stage beside the folder it is
    parent = target.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        if target.exists() and not target.is_dir():
            raise OutputError(f"cannot write into {target}: it is not a folder")
        _remove_abandoned(parent, target.name)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}{STAGING_TAG}", dir=parent))
    except OSError as e:
        raise OutputError(f"cannot write into {target}: {e.strerror or e}") from None
    try:
        yield staging
        with signals_deferred():
            raise_if_interrupted()  # a signal some library swallowed: keep the earlier set
            _swap_in(staging, target, list(members))
    except OSError as e:
        _remove_tree(staging)
        raise OutputError(f"cannot write into {target}: {e.strerror or e}") from None
    except BaseException:
        _remove_tree(staging)
        raise


def _remove_tree(path: Path) -> None:
    with signals_deferred():
        shutil.rmtree(path, ignore_errors=True)


def _remove_abandoned(parent: Path, name: str) -> None:
    """Remove staging and retired folders of ``name`` that an earlier process left."""
    now = time.time()
    for tag in (STAGING_TAG, RETIRED_TAG):
        for left in parent.glob(f".{name}{tag}*"):
            try:
                old = now - left.lstat().st_mtime > _STALE_AFTER
            except OSError:
                continue
            if (tag == RETIRED_TAG or old) and left.is_dir() and not left.is_symlink():
                log.info("removing %s, left by an interrupted run", left)
                _remove_tree(left)


def _ours(entry: str, members: list[str]) -> bool:
    """A member of the set, or a temporary file an atomic write of one left behind."""
    return entry in members or any(
        entry.startswith(f".{m}.") and entry.endswith(".tmp") for m in members
    )


def _swap_in(staging: Path, target: Path, members: list[str]) -> None:
    new = sorted(os.listdir(staging), key=lambda n: (members.index(n) if n in members else 99, n))
    for name in new:
        with open(staging / name, "rb") as f:
            os.fsync(f.fileno())
    try:
        old_entries = os.listdir(target) if not target.is_symlink() else None
    except FileNotFoundError:
        old_entries = []
    for name in new:  # the earlier file's mode carries over
        with contextlib.suppress(OSError):
            os.chmod(staging / name, stat.S_IMODE((target / name).stat().st_mode))
    _fsync_dir(staging)
    if (
        old_entries is not None
        and all(_ours(e, members) for e in old_entries)
        and not _holds_cwd(target)
    ):
        if not old_entries and target.exists():
            target.rmdir()  # empty: a rename over it is a plain rename
        if not target.exists():
            os.chmod(staging, 0o777 & ~_umask())
            os.rename(staging, target)
        else:
            with contextlib.suppress(OSError):
                os.chmod(staging, stat.S_IMODE(target.stat().st_mode))
            if not _exchange(staging, target):
                retired = Path(
                    tempfile.mkdtemp(prefix=f".{target.name}{RETIRED_TAG}", dir=target.parent)
                )
                os.rename(target, retired / "set")
                os.rename(staging, target)
                staging = retired
            shutil.rmtree(staging, ignore_errors=True)  # now the earlier set
        _fsync_dir(target.parent)
        return
    # Other files live in ``out``: never swap the folder away; rename member by member,
    # keeping a link to each earlier member so that a failure midway puts them all back.
    backup = Path(tempfile.mkdtemp(prefix=".earlier-", dir=staging))
    kept: list[str] = []
    for name in members:
        if (target / name).is_file() and not (target / name).is_symlink():
            try:
                os.link(target / name, backup / name)
            except OSError:  # no hard links here: a copy keeps it as well
                shutil.copy2(target / name, backup / name)
            kept.append(name)
    done: list[str] = []
    try:
        for name in new:
            os.replace(staging / name, target / name)
            done.append(name)
        for name in members:
            if name not in new:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(target / name)
                done.append(name)
    except OSError:
        _put_back(target, backup, done, kept)
        raise
    _fsync_dir(target)
    shutil.rmtree(staging, ignore_errors=True)


def _holds_cwd(folder: Path) -> bool:
    """Whether ``folder`` is the current directory or one of its parents: swapping it away
    would leave the user's shell in a removed folder, so it is filled member by member."""
    try:
        here = os.path.realpath(os.getcwd())
    except OSError:
        return False
    there = os.path.realpath(folder)
    return here == there or here.startswith(there.rstrip(os.sep) + os.sep)


def _put_back(target: Path, backup: Path, done: list[str], kept: list[str]) -> None:
    """Undo a member-by-member swap that failed midway: the earlier members return, the
    new ones that had no earlier counterpart go; nothing of a mix is left."""
    for name in reversed(done):
        with contextlib.suppress(OSError):
            if name in kept:
                os.replace(backup / name, target / name)
            else:
                os.unlink(target / name)
    _fsync_dir(target)


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_libc_lock = threading.Lock()
_renameat2: Callable[..., int] | Literal[False] | None = None


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2(RENAME_EXCHANGE)``); False where the
    system or file system does not support it."""
    global _renameat2
    with _libc_lock:
        if _renameat2 is None:
            try:
                fn = ctypes.CDLL(None, use_errno=True).renameat2
                fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
                fn.argtypes += [ctypes.c_uint]
                fn.restype = ctypes.c_int
                _renameat2 = fn
            except (AttributeError, OSError):
                _renameat2 = False
    if not _renameat2:
        return False
    rc = _renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))
