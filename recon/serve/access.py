"""The store, opened for one request and closed at its end (SPEC §12), and what was
already worked out from the same state of the file.

The server never keeps the store open between requests, so ``recon weekly`` and ``recon
ingest`` run by cron can write it: a page opens it read-only, waits at most
:data:`recon.serve.config.READ_WAIT` seconds while a writer holds it (and stands aside
while a writer waits: :mod:`recon.store.busy`), reads, and closes it before the page is
rendered. A store still busy after that wait is a :class:`~recon.errors.StoreBusyError`,
which the pages answer with 503 and ``Retry-After``.

**What is kept between requests.** Deciding the issue register and the audit of a year
takes the register's code a tenth of a second or more; a team opens the same pages again
and again while the store does not change. So the audit and the register (never a page)
are kept, keyed by the store file's *state*: the size, modification and change times of
the database file and of its write-ahead log (``recon.duckdb.wal``), read before the
store is opened. Every write that commits changes one of them (a commit appends to the
log; a checkpoint rewrites the file), so a result is only ever reused for the state it was
computed from or a later one it already saw, never after the store changed.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from recon.models.audit import Audit, Issue
from recon.serve.config import ServeConfig
from recon.store.db import Store
from recon.store.register import audit, build_register

T = TypeVar("T")

MEMORY_LIMIT = "256MB"
"""DuckDB's memory for the server's queries (its default is 80% of the machine's)."""
CONCURRENT = 4
"""Requests that read the store at once; more wait their turn."""
KEPT = 16
"""Results kept between requests (the least recently used go first)."""

_readers = threading.BoundedSemaphore(CONCURRENT)
_kept: OrderedDict[Hashable, Any] = OrderedDict()
_kept_lock = threading.Lock()


def state_of(path: Path) -> tuple[Any, ...]:
    """The store file's state: (size, mtime, ctime, inode) of the file and of its log."""
    out: list[Any] = []
    for p in (path, path.with_name(path.name + ".wal")):
        try:
            st = p.stat()
        except OSError:
            out.append(None)
            continue
        out.append((st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino))
    return tuple(out)


class Snapshot:
    """The store as one request reads it: open read-only, with the audits and registers
    already worked out for the same state of the file.

    Attributes:
        store: The open store (read-only).
    """

    def __init__(self, store: Store, state: tuple[Any, ...]) -> None:
        self.store = store
        self._state = state

    def _memo(self, name: str, args: tuple[Hashable, ...], make: Callable[[], T]) -> T:
        key = (str(self.store.path), self._state, name, args)
        with _kept_lock:
            if key in _kept:
                _kept.move_to_end(key)
                return _kept[key]
        value = make()
        with _kept_lock:
            _kept[key] = value
            while len(_kept) > KEPT:
                _kept.popitem(last=False)
        return value

    def audit(self, start: date, end: date, participant: str | None = None) -> Audit:
        """:func:`recon.store.register.audit` of the range (kept for this state)."""
        return self._memo(
            "audit",
            (start, end, participant),
            lambda: audit(self.store, start, end, participant=participant),
        )

    def register(
        self,
        participant: str | None = None,
        start: date | None = None,
        end: date | None = None,
    ) -> list[Issue]:
        """:func:`recon.store.register.build_register` of the weeks asked (kept)."""
        return self._memo(
            "register",
            (participant, start, end),
            lambda: build_register(self.store, participant=participant, start=start, end=end),
        )


@contextmanager
def reading(config: ServeConfig) -> Iterator[Snapshot]:
    """The store opened read-only for one request, closed when the block ends.

    Raises:
        StoreBusyError: A writer still holds it after ``config.read_wait`` seconds.
        StoreError: It is missing or not a recon store.
    """
    with _readers:
        state = state_of(config.store)  # before opening: never newer than what is read
        store = Store.open(config.store, read_only=True, must_exist=True, wait=config.read_wait)
        try:
            store.con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
            yield Snapshot(store, state)
        finally:
            store.close()


def read(config: ServeConfig, fn: Callable[..., T], *args: object) -> T:
    """``fn(snapshot, *args)`` with the store open only while it runs."""
    with reading(config) as snapshot:
        return fn(snapshot, *args)
