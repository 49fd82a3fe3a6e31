"""The settlement history store: every run ingested, kept for audit, checked from history.

>>> from recon.store import open_store, ingest, list_runs
>>> with open_store("history.duckdb") as store:                      # doctest: +SKIP
...     ingest(store, ["downloads/"])
...     runs = list_runs(store, participant="SWANGEN")
>>> result = recon.check(store="history.duckdb", week="2024-12-01")  # doctest: +SKIP

Modules: :mod:`~recon.store.db` (location, schema, migrations, the :class:`Store`),
:mod:`~recon.store.ingest`, :mod:`~recon.store.rows` (models rebuilt),
:mod:`~recon.store.query` (runs held, the weeks a check or a weekly run covers),
:mod:`~recon.store.history` (checks and weekly runs recorded), :mod:`~recon.store.register`
(the issue register and the audit), :mod:`~recon.store.export` (Parquet for a cluster).
A check from the store is put together by :mod:`recon.pipeline.check`.
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
from recon.store.query import RunRow, list_runs
from recon.store.rows import load_weeks
from recon.wem.calendar import parse_week

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
    "default_store_path",
    "export_store",
    "ingest",
    "list_runs",
    "load_weeks",
    "open_store",
    "parse_week",
    "resolve_store_path",
]
