"""The settlement history store: every run ingested, kept for audit, checked from history.

>>> from recon.store import open_store, ingest, check_from_store, list_runs
>>> with open_store("history.duckdb") as store:                      # doctest: +SKIP
...     ingest(store, ["downloads/"])
...     runs = list_runs(store, participant="SWANGEN")
>>> result = check_from_store("history.duckdb", week="2024-12-01")     # doctest: +SKIP

Modules: :mod:`~recon.store.db` (location, schema, migrations, the :class:`Store`),
:mod:`~recon.store.ingest`, :mod:`~recon.store.query` (runs held, models rebuilt,
:func:`check_from_store`), :mod:`~recon.store.export` (Parquet for a cluster),
:mod:`~recon.store.weekly` (the scheduled run's planning and fetching).
"""

from __future__ import annotations

from recon.store.db import (
    ENV_STORE,
    MIGRATIONS,
    SCHEMA_VERSION,
    TABLES,
    Store,
    default_store_path,
    open_store,
    resolve_store_path,
)
from recon.store.export import ExportReport, export_store
from recon.store.ingest import FileOutcome, IngestRefused, IngestReport, ingest
from recon.store.query import RunRow, check_from_store, list_runs, load_from_store, parse_week
from recon.store.rows import load_weeks

__all__ = [
    "ENV_STORE",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "TABLES",
    "ExportReport",
    "FileOutcome",
    "IngestRefused",
    "IngestReport",
    "RunRow",
    "Store",
    "check_from_store",
    "default_store_path",
    "export_store",
    "ingest",
    "list_runs",
    "load_from_store",
    "load_weeks",
    "open_store",
    "parse_week",
    "resolve_store_path",
]
