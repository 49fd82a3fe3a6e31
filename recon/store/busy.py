"""Sharing the store between processes: the bounded wait, and the writer's turn.

DuckDB lets one process write a database file, or several read it, never both at once. A
web server (``recon serve``) reads the store for every request while ``recon weekly`` or
``recon ingest`` run by cron must write it. So a command that finds the store held waits,
retrying for a bounded time (:func:`store_wait`: ``$RECON_STORE_WAIT`` seconds, else 60),
then fails with one line, never a half-written store.

Readers come and go; left alone they could keep a writer out for good. A writer that
waits therefore holds ``<store>.wait`` locked (:func:`announce_writer`), and a reader
about to open the store stands aside while that lock is held (:func:`writer_waiting`): the
writer gets its turn at the next gap between requests. The lock is an ``flock`` and goes
with the process that holds it, so a writer that is killed leaves nothing stale behind.
Where file locks are unavailable (Windows) there is no turn-taking, only the wait.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

fcntl: Any
try:
    fcntl = importlib.import_module("fcntl")
except ImportError:  # pragma: no cover - Windows
    fcntl = None

ENV_STORE_WAIT = "RECON_STORE_WAIT"
"""Seconds a command waits for a store another process holds."""
DEFAULT_STORE_WAIT = 60.0


def store_wait(env: Mapping[str, str] | None = None) -> float:
    """The bounded wait for a busy store: ``$RECON_STORE_WAIT`` seconds, else 60."""
    raw = (os.environ if env is None else env).get(ENV_STORE_WAIT, "").strip()
    try:
        return max(0.0, float(raw)) if raw else DEFAULT_STORE_WAIT
    except ValueError:
        return DEFAULT_STORE_WAIT


def wait_file(path: Path) -> Path:
    """``<store>.wait``: held locked by a writer while it waits for the store."""
    return path.with_name(path.name + ".wait")


def announce_writer(path: Path) -> IO[bytes] | None:
    """Lock ``<store>.wait`` exclusively, so readers stand aside.

    Returns:
        The open file (close it to end the turn), or None where file locks are
        unavailable, the file cannot be created, or another writer already holds it.
    """
    if fcntl is None:
        return None
    try:
        fh = wait_file(path).open("a+b")
    except OSError:
        return None
    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        fh.close()
        return None
    return fh


def writer_waiting(path: Path) -> bool:
    """Whether a writer is waiting for the store (it holds ``<store>.wait`` locked)."""
    if fcntl is None:
        return False
    try:
        fh = wait_file(path).open("rb")
    except OSError:
        return False
    with fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            return True
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
    return False
