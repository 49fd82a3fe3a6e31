"""The store, opened for one request and closed at its end (SPEC §12).

The server never keeps the store open between requests, so ``recon weekly`` and ``recon
ingest`` run by cron can write it: a page opens it read-only, waits at most
:data:`recon.serve.config.READ_WAIT` seconds while a writer holds it (and stands aside
while a writer waits: :mod:`recon.store.busy`), reads, and closes it before the page is
rendered. A store still busy after that wait is a :class:`~recon.errors.StoreBusyError`,
which the pages answer with 503 and ``Retry-After``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from recon.serve.config import ServeConfig
from recon.store.db import Store

T = TypeVar("T")

MEMORY_LIMIT = "256MB"
"""DuckDB's memory for the server's queries (its default is 80% of the machine's)."""
CONCURRENT = 4
"""Requests that read the store at once; more wait their turn."""

_readers = threading.BoundedSemaphore(CONCURRENT)


@contextmanager
def reading(config: ServeConfig) -> Iterator[Store]:
    """The store opened read-only for one request, closed when the block ends.

    Raises:
        StoreBusyError: A writer still holds it after ``config.read_wait`` seconds.
        StoreError: It is missing or not a recon store.
    """
    with _readers:
        store = Store.open(config.store, read_only=True, must_exist=True, wait=config.read_wait)
        try:
            store.con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
            yield store
        finally:
            store.close()


def read(config: ServeConfig, fn: Callable[..., T], *args: object) -> T:
    """``fn(store, *args)`` with the store open only while it runs."""
    with reading(config) as store:
        return fn(store, *args)
