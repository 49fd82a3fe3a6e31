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
computed from or a later one it already saw, never after the store changed. They are
also kept only for the day (AWST) they were worked out on: an issue's age and due date
count WA Business Days up to today.

**Turns within the server.** DuckDB refuses, within one process, a connection to a file
whose configuration differs from the connections already open on it (read-only beside
read-write). So the server's own requests take turns on the store (:class:`Turns`): up to
:data:`CONCURRENT` readers at once, or one writer (a dispute action, :func:`write`); a
writer waiting goes before readers that arrive after it, and each waits a bounded time
before the request is answered 503, with nothing written.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from recon.errors import StoreBusyError
from recon.models.audit import Audit, Issue
from recon.serve.config import ServeConfig
from recon.store.db import Store
from recon.store.register import audit, build_register, find_issue
from recon.wem.calendar import AWST

T = TypeVar("T")

MEMORY_LIMIT = "256MB"
"""DuckDB's memory for the server's queries (its default is 80% of the machine's)."""
CONCURRENT = 4
"""Requests that read the store at once; more wait their turn."""
KEPT = 16
"""Results kept between requests (the least recently used go first)."""

_kept: OrderedDict[Hashable, Any] = OrderedDict()
_kept_lock = threading.Lock()


class Turns:
    """Who uses one store file within this process: up to ``readers`` at once, or one
    writer; a writer that waits goes before readers arriving after it."""

    def __init__(self, readers: int = CONCURRENT) -> None:
        self._cond = threading.Condition()
        self._limit = readers
        self._reading = 0
        self._writing = False
        self._writers_waiting = 0

    @contextmanager
    def reading(self, wait: float, path: Path) -> Iterator[None]:
        """A reader's turn, waited for at most ``wait`` seconds.

        Raises:
            StoreBusyError: No turn came in time.
        """
        with self._cond:
            if not self._cond.wait_for(
                lambda: (
                    not self._writing and not self._writers_waiting and self._reading < self._limit
                ),
                wait,
            ):
                raise _busy(path, wait)
            self._reading += 1
        try:
            yield
        finally:
            with self._cond:
                self._reading -= 1
                self._cond.notify_all()

    @contextmanager
    def writing(self, wait: float, path: Path) -> Iterator[None]:
        """The writer's turn (no reader of this process holds the store meanwhile),
        waited for at most ``wait`` seconds.

        Raises:
            StoreBusyError: No turn came in time.
        """
        with self._cond:
            self._writers_waiting += 1
            try:
                ready = self._cond.wait_for(lambda: not self._writing and self._reading == 0, wait)
            finally:
                self._writers_waiting -= 1
            if not ready:
                self._cond.notify_all()  # readers held back for this writer may go on
                raise _busy(path, wait)
            self._writing = True
        try:
            yield
        finally:
            with self._cond:
                self._writing = False
                self._cond.notify_all()


def _busy(path: Path, wait: float) -> StoreBusyError:
    return StoreBusyError(
        f"the store {path} is in use by other requests of this server (waited {wait:g} s)"
    )


_turns: dict[Path, Turns] = {}
_turns_lock = threading.Lock()


def turns(path: Path) -> Turns:
    """The turns on one store file (one :class:`Turns` per file, for the process)."""
    key = path.resolve()
    with _turns_lock:
        return _turns.setdefault(key, Turns())


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


def today() -> date:
    """Today in AWST: the day issues' ages and due dates are counted to."""
    return datetime.now(AWST).date()


class Snapshot:
    """The store as one request reads it: open read-only, with the audits and registers
    already worked out for the same state of the file.

    Attributes:
        store: The open store (read-only).
        nod_business_days: ``[disputes] nod_business_days`` (due dates), or None.
    """

    def __init__(
        self, store: Store, state: tuple[Any, ...], nod_business_days: int | None = None
    ) -> None:
        self.store = store
        self._state = state
        self.nod_business_days = nod_business_days
        self.today = today()

    def _memo(self, name: str, args: tuple[Hashable, ...], make: Callable[[], T]) -> T:
        key = (
            str(self.store.path),
            self._state,
            self.today,
            self.nod_business_days,
            name,
            args,
        )
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
            lambda: audit(
                self.store,
                start,
                end,
                participant=participant,
                nod_business_days=self.nod_business_days,
                today=self.today,
            ),
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
            lambda: build_register(
                self.store,
                participant=participant,
                start=start,
                end=end,
                nod_business_days=self.nod_business_days,
                today=self.today,
            ),
        )

    def issue(self, issue_id: str) -> Issue | None:
        """:func:`recon.store.register.find_issue`: the issue with this id, or None."""
        return self._memo(
            "issue",
            (issue_id,),
            lambda: find_issue(
                self.store,
                issue_id,
                nod_business_days=self.nod_business_days,
                today=self.today,
            ),
        )


def _turn_wait(config: ServeConfig) -> float:
    """How long a reader waits for its turn: long enough for a change to be written."""
    return config.read_wait + config.write_wait


@contextmanager
def reading(config: ServeConfig) -> Iterator[Snapshot]:
    """The store opened read-only for one request, closed when the block ends.

    Raises:
        StoreBusyError: Another process still writes it after ``config.read_wait``
            seconds, or the server's own change did not let a reader in in time.
        StoreError: It is missing or not a recon store.
    """
    with turns(config.store).reading(_turn_wait(config), config.store):
        state = state_of(config.store)  # before opening: never newer than what is read
        store = Store.open(config.store, read_only=True, must_exist=True, wait=config.read_wait)
        try:
            store.con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
            yield Snapshot(store, state, config.nod_business_days)
        finally:
            store.close()


def read(config: ServeConfig, fn: Callable[..., T], *args: object) -> T:
    """``fn(snapshot, *args)`` with the store open only while it runs."""
    with reading(config) as snapshot:
        return fn(snapshot, *args)


def with_turn(config: ServeConfig, fn: Callable[..., T], *args: object) -> T:
    """``fn(*args)`` in a reader's turn, for code that opens the store read-only itself
    (a week's reports, made by :func:`recon.api.check`)."""
    with turns(config.store).reading(_turn_wait(config), config.store):
        return fn(*args)


def write(config: ServeConfig, fn: Callable[..., T], *args: object) -> T:
    """``fn(store, *args)`` with the store open for writing only while it runs: the
    writer's turn within the server waited for at most ``config.write_wait`` seconds, and
    the store as long again while another process holds it.

    Raises:
        StoreBusyError: No turn came, or another process still held the store, in time.
        StoreError: It is missing or not a recon store.
    """
    with turns(config.store).writing(config.write_wait, config.store):
        store = Store.open(config.store, must_exist=True, wait=config.write_wait)
        try:
            return fn(store, *args)
        finally:
            store.close()
