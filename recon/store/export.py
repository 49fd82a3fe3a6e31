"""``recon export``: the store's tables as Parquet, hive-partitioned, for a cluster.

Layout under the target folder::

    <table>/participant=<P>/week=<yyyy-mm-dd>/part-0.parquet
    _recon_export.json

for every table with history (``files``, ``runs``, ``summary_values``, ``detail_values``,
``invoices``, ``invoice_lines``, ``invoice_totals``), the checks recorded (``checks``,
``check_runs``, ``check_findings``: SPEC §8), the issues' workflow events
(``issue_events``: SPEC §11) and the issue register as it stands
(``issues``: one row per issue, as ``audit.json`` has it, built from the checks when
exported). The partition columns live in the
folder names only, as Spark, Trino/Hive and DuckDB expect (``hive_partitioning``);
decimals stay ``DECIMAL(23,8)`` (Parquet ``decimal(23,8)``), Detail values a
``list<decimal(23,8)>`` per row, dates ``date`` and instants ``timestamp`` (UTC where the
name ends in ``_utc``).

Each file is written to a temporary name beside it and renamed into place (readers never
see half a file). A partition whose content has not changed since the last export (same
files held, per ``_recon_export.json``) is not written again, so exporting every week
rewrites only the weeks that gained runs; ``full=True`` rewrites everything.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pyarrow as pa

from recon.__about__ import __version__
from recon.atomic import atomic_path, atomic_write_bytes
from recon.errors import OutputError
from recon.models.audit import Audit
from recon.models.progress import Progress
from recon.store.db import SCHEMA_VERSION, Store
from recon.store.query import where_filters
from recon.text import path_component

log = logging.getLogger(__name__)


EXPORT_TABLES: dict[str, str] = {
    "files": "ingested_at_utc, sha256",
    "runs": "published_at NULLS LAST, run_id",
    "summary_values": "run_id, sha256, ord",
    "detail_values": "run_id, sha256, ord",
    "invoices": "run_id, sha256",
    "invoice_lines": "run_id, sha256, section, ord",
    "invoice_totals": "run_id, sha256, section, field",
    "checks": "check_id",
    "check_runs": "check_id, run_id",
    "check_findings": "check_id, ord",
    "issue_events": "seq",
}
"""Tables exported, each with the order its rows are written in."""

ISSUES = "issues"
"""The issue register, exported beside the tables (built from the checks recorded)."""

PARTITION_COLUMNS = ("participant", "week")
MANIFEST = "_recon_export.json"
PART_FILE = "part-0.parquet"


@dataclass
class ExportReport:
    """What :func:`export_store` did.

    Attributes:
        out_dir: The target folder.
        written: Parquet files written.
        partitions: (participant, week) partitions written.
        unchanged: Partitions skipped as unchanged since the last export.
    """

    out_dir: Path
    written: list[Path] = field(default_factory=list)
    partitions: list[tuple[str, date]] = field(default_factory=list)
    unchanged: list[tuple[str, date]] = field(default_factory=list)


def partition_dir(out_dir: Path, table: str, participant: str, week: date) -> Path:
    """The folder of one table's partition (values escaped as Hive escapes them)."""
    return (
        out_dir
        / path_component(table, "table")
        / path_component(f"participant={quote(participant, safe='')}", "partition")
        / path_component(f"week={week.isoformat()}", "partition")
    )


def _fingerprint(store: Store, participant: str, week: date) -> str:
    """What a partition holds: the files, runs and checks in it, hashed."""
    files = store.rows(
        "SELECT sha256, status FROM files WHERE participant = ? AND week = ? ORDER BY sha256",
        [participant, week],
    )
    runs = store.rows(
        "SELECT run_id, designation, published_at FROM runs WHERE "
        "participant = ? AND week = ? ORDER BY run_id",
        [participant, week],
    )
    checks = store.rows(
        "SELECT check_id, outputs FROM checks WHERE participant = ? AND week = ? ORDER BY check_id",
        [participant, week],
    )
    events = store.rows(
        "SELECT seq FROM issue_events WHERE participant = ? AND week = ? ORDER BY seq",
        [participant, week],
    )
    text = json.dumps([SCHEMA_VERSION, files, runs, checks, events], default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _columns(store: Store, table: str) -> list[tuple[str, str]]:
    return [
        (r[0], r[1])
        for r in store.rows(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? "
            "ORDER BY ordinal_position",
            [table],
        )
    ]


def _read_manifest(path: Path) -> dict[str, Any]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return doc if isinstance(doc, dict) else {}


def export_store(
    store: Store,
    out_dir: str | os.PathLike[str],
    *,
    participant: str | None = None,
    week: date | None = None,
    full: bool = False,
    progress: Progress | None = None,
) -> ExportReport:
    """Write the store's tables as hive-partitioned Parquet under ``out_dir``.

    Args:
        store: An open store.
        out_dir: The target folder (created if missing).
        participant: Only this participant's partitions.
        week: Only this Trading Week's partitions.
        full: Rewrite every partition, changed or not.
        progress: ``(done, total)`` over partitions.

    Returns:
        What was written.

    Raises:
        OutputError: The folder or a file cannot be written.
    """
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(f"cannot create {out}: {e.strerror or e}") from None
    manifest_path = out / MANIFEST
    manifest = _read_manifest(manifest_path)
    if manifest.get("schema_version") != SCHEMA_VERSION:
        manifest = {}
    done: dict[str, str] = dict(manifest.get("partitions", {}))
    where, params = where_filters(participant, week)
    sql = (
        "SELECT participant, week FROM files WHERE participant IS NOT NULL AND "
        f"week IS NOT NULL{where} UNION SELECT participant, week FROM checks WHERE true{where}"
    )
    parts = [
        (r[0], r[1])
        for r in store.rows(
            f"SELECT DISTINCT participant, week FROM ({sql}) ORDER BY week, participant",
            params + params,
        )
    ]
    report = ExportReport(out_dir=out)
    columns = {
        t: [c for c, _ in _columns(store, t) if c not in PARTITION_COLUMNS] for t in EXPORT_TABLES
    }
    if progress:
        progress(0, len(parts))
    for i, (p, w) in enumerate(parts, start=1):
        key = f"{p}/{w.isoformat()}"
        fp = _fingerprint(store, p, w)
        if (
            not full
            and done.get(key) == fp
            and all(
                (partition_dir(out, t, p, w) / PART_FILE).exists()
                for t in EXPORT_TABLES
                if _has_rows(store, t, p, w)
            )
        ):
            report.unchanged.append((p, w))
        else:
            issues = _issues_table(store, p, w)
            if issues.num_rows:
                target = partition_dir(out, ISSUES, p, w) / PART_FILE
                _write(store, store.con.from_arrow(issues), target)
                report.written.append(target)
            for table, order in EXPORT_TABLES.items():
                if not _has_rows(store, table, p, w):
                    continue
                target = partition_dir(out, table, p, w) / PART_FILE
                cols = ", ".join(f'"{c}"' for c in columns[table])
                rel = store.con.sql(
                    f"SELECT {cols} FROM {table} WHERE participant = ? AND "
                    f"week = ? ORDER BY {order}",
                    params=[p, w],
                )
                _write(store, rel, target)
                report.written.append(target)
            done[key] = fp
            report.partitions.append((p, w))
            log.info("exported %s week %s", p, w.isoformat())
        if progress:
            progress(i, len(parts))
    doc = {
        "recon_version": __version__,
        "schema_version": SCHEMA_VERSION,
        "exported_at_utc": datetime.now(UTC).replace(tzinfo=None).isoformat(),
        "layout": "<table>/participant=<P>/week=<yyyy-mm-dd>/" + PART_FILE,
        "tables": {
            **{t: [{"name": c, "type": ty} for c, ty in _columns(store, t)] for t in EXPORT_TABLES},
            ISSUES: [
                {"name": f.name, "type": str(f.type)}
                for f in _issues_table(store, None, None).schema
            ],
        },
        "partitions": dict(sorted(done.items())),
    }
    atomic_write_bytes(manifest_path, (json.dumps(doc, indent=1) + "\n").encode())
    return report


def _write(store: Store, rel: Any, target: Path) -> None:
    """Write a relation as one Parquet file, atomically."""
    with atomic_path(target) as tmp:
        try:
            rel.write_parquet(str(tmp), compression="zstd")
        except Exception as e:  # duckdb.IOException and friends
            raise OutputError(f"cannot write {target}: {e}") from None


def _issues_table(store: Store, participant: str | None, week: date | None) -> Any:
    """The issue register of one partition (or none: its schema only) as an Arrow table,
    the rows ``audit.json`` holds under ``issues`` (without the partition columns)."""
    # start-up: recon.store.register costs 15 ms to import (python -X importtime, 2026-12-05),
    # the holidays library mostly; only `recon export` needs it, not every user of the store
    from recon.store.register import build_register

    issues = []
    if participant is not None and week is not None:
        issues = build_register(store, participant=participant, start=week, end=week)
    table = Audit(start=date.min, end=date.max, participant=None, issues=issues).frames()[ISSUES]
    out = pa.Table.from_pandas(table, preserve_index=False)
    return out.drop_columns([c for c in PARTITION_COLUMNS if c in out.column_names])


def _has_rows(store: Store, table: str, participant: str, week: date) -> bool:
    return bool(
        store.scalar(
            f"SELECT count(*) FROM (SELECT 1 FROM {table} WHERE "
            "participant = ? AND week = ? LIMIT 1)",
            [participant, week],
        )
    )
