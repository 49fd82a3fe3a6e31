"""The settlement history store: an embedded DuckDB database, its schema and migrations.

Where it lives: ``--store PATH``, else ``$RECON_STORE``, else ``recon.duckdb`` in the
user's data folder (``platformdirs.user_data_dir("recon")``, ``~/.local/share/recon`` on
Linux). A path naming a folder means ``recon.duckdb`` inside it.

Schema (version :data:`SCHEMA_VERSION`; every table but ``schema_version`` and
``weekly_runs`` carries ``participant`` and ``week``, the Trading Week's first day, so that
:mod:`recon.store.export` can partition it):

``files``
    One row per raw file ever ingested, keyed by its SHA-256: path as given and absolute,
    size, detected kind, the model's form (csv, zip, json, pdf), ``status`` (``stored``:
    its content is held in the value tables; ``duplicate``: other bytes with the content of
    the file ``same_as``; ``unusable``: its columns are not the Guide's, ``reason`` says
    why), the run it belongs to, the Detail days it holds, the ``data.*`` findings met
    reading it (JSON), the ``inputs`` record a check reports for it (JSON) and
    ``ingested_at_utc``.
``runs``
    One row per (participant, period, run_id): designation, PublishedAt, MarketService,
    PeriodFrom, PeriodTo (NULL while only the run's invoice is held).
``summary_values``
    Summary rows, one per variable and Trading Day, in file order (``ord``).
``detail_values``
    Detail rows in *row form*, one per CSV row or JSON Trading Day entry, the Value
    array as ``DECIMAL(23,8)[]``, in file order. The view ``detail_values_long`` unnests
    them to one row per value with the interval's start and end (AWST wall time).
``invoices``, ``invoice_lines``, ``invoice_totals``
    Invoice headers; line items (``section`` ``line_items`` or the PDF's
    ``summary_lines``); section totals in long form (``section`` payment_summary, rcti,
    tax_invoice, adjustment_information; ``field`` the model's field name).
``weekly_runs``
    Each completed ``recon weekly``: when, the ingest watermark it checked through, the
    weeks it checked, where it wrote and its exit status.
``checks`` (schema 2)
    Every check made with a store (``recon check --store``, ``recon weekly``), one row per
    (check, participant, week) it covered: ``check_id`` (from the sequence
    ``check_id_seq``; one id per check), when (UTC), recon's version, the command, the
    RunIds covered, the counts of that week's findings and the SHA-256 of its inputs.
``check_runs`` (schema 2)
    Each run a check covered, with what it could check (SPEC §6 coverage: Summary, Detail
    days, Invoice JSON/PDF, previous run, notes), the artefact kinds used, the invoice's
    amount due and recon's recomputed Total Payable.
``check_findings`` (schema 2)
    Every finding of a check, with its SPEC §8 issue key and the finding whole (JSON).
    :mod:`recon.store.register` builds the issue register from these.

Schema 3 adds to these: ``checks.outputs`` (``written``, ``not written``, ``none`` for a
check that writes no outputs, ``unknown`` for one recorded before) and ``checks.out_dir``;
``check_runs.grounds``, what the check used of each run by Trading Day and form
(:mod:`recon.store.grounds`); ``check_findings.figure``, the invoice figure a total is about,
which the issue key now includes. Its migration recomputes every recorded finding's key and
every recorded run's grounds from what was recorded (no check is removed).

Numbers are exact ``DECIMAL(23,8)``, never floats. Summary values and invoice amounts also
keep a ``*_form`` code, the exponent of the Decimal as read (``-2`` for ``1234.56``,
``-8`` for ``0.12345678``; a negative zero is recorded as exponent - 100), so that a model
rebuilt from the store is the one read from the file digit for digit, and findings quote
figures exactly as a check on the files does.

``issue_events`` (schema 4)
    The issue register's workflow changes (SPEC §11), append-only: one row per change
    (``seq`` from ``issue_event_seq``), with the issue's id and key, when (UTC), by whom,
    the workflow state set, the dispute's reference and lodged day, and a note. Each row
    carries the SHA-256 of the row before it and of itself, so an edited or deleted row is
    found when the log is read (:mod:`recon.store.register`); recon never updates or
    deletes one, and :meth:`Store.rows` and its siblings refuse a statement that would.

Migrations are an ordered list, each applied in one transaction together with its
``schema_version`` row; opening a store applies the pending ones. A store whose schema is
older and that cannot be written (a read-only file) is refused with a line saying how to
migrate it; a store missing one of its tables is refused with a line naming it.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
import re
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import platformdirs
import polars as pl
import pyarrow as pa

from recon.errors import StoreBusyError, StoreError
from recon.store.busy import announce_writer, store_wait, writer_waiting

log = logging.getLogger(__name__)

ENV_STORE = "RECON_STORE"
STORE_FILE = "recon.duckdb"

NEG_ZERO_OFFSET = 100
"""A negative zero's ``*_form`` code is its exponent minus this."""

_EIGHT_PLACES = Decimal("1E-8")


# ------------------------------------------------------------------------ location


def default_store_path() -> Path:
    """Return the default store file: ``recon.duckdb`` in the user's recon data folder."""
    return platformdirs.user_data_path("recon") / STORE_FILE


def resolve_store_path(
    path: str | os.PathLike[str] | None = None, env: Mapping[str, str] | None = None
) -> Path:
    """Return the store file to use: ``path``, else ``$RECON_STORE``, else the default.

    Args:
        path: ``--store``. A folder means ``recon.duckdb`` inside it.
        env: The environment (default ``os.environ``).
    """
    env = os.environ if env is None else env
    chosen = path if path not in (None, "") else env.get(ENV_STORE) or None
    p = Path(chosen).expanduser() if chosen else default_store_path()
    if p.is_dir():
        p = p / STORE_FILE
    return p


# ------------------------------------------------------------------------ decimals


def decimal_form(value: Decimal) -> int:
    """The ``*_form`` code of a Decimal: its exponent (a negative zero: exponent - 100)."""
    exponent = value.as_tuple().exponent
    if not isinstance(exponent, int):
        raise ValueError(f"{value} is not a finite number")
    if value.is_zero() and value.is_signed():
        return exponent - NEG_ZERO_OFFSET
    return exponent


def to_column(value: Decimal) -> Decimal:
    """The value as a ``DECIMAL(23,8)`` column holds it (exact: the value has <= 8 places)."""
    return value.quantize(_EIGHT_PLACES)


def from_column(value: Decimal, form: int) -> Decimal:
    """Rebuild the Decimal as read from its ``DECIMAL(23,8)`` value and ``*_form`` code."""
    negative_zero = form < -NEG_ZERO_OFFSET // 2
    exponent = form + NEG_ZERO_OFFSET if negative_zero else form
    out = value.quantize(Decimal(1).scaleb(exponent))
    return out.copy_abs().copy_negate() if negative_zero and out.is_zero() else out


# ------------------------------------------------------------------------ schema


@dataclass(frozen=True)
class Migration:
    """One schema step.

    Attributes:
        version: The schema version it brings the store to (1, 2, ...).
        description: What it does.
        statements: SQL run in order, in one transaction.
        data_step: ``module:function`` run after the statements, in the same transaction,
            with the connection (for what SQL alone cannot recompute); None for none.
    """

    version: int
    description: str
    statements: tuple[str, ...]
    data_step: str | None = None


_V1 = (
    """CREATE TABLE files (
        sha256 VARCHAR PRIMARY KEY,
        path VARCHAR NOT NULL,
        abs_path VARCHAR NOT NULL,
        size BIGINT NOT NULL,
        kind VARCHAR NOT NULL,
        form VARCHAR,
        status VARCHAR NOT NULL,
        same_as VARCHAR,
        reason VARCHAR,
        participant VARCHAR,
        period VARCHAR,
        week DATE,
        run_id BIGINT,
        designation VARCHAR,
        trading_day DATE,
        source VARCHAR,
        sources VARCHAR[],
        days DATE[],
        findings VARCHAR,
        input_record VARCHAR NOT NULL,
        ingested_at_utc TIMESTAMP NOT NULL
    )""",
    """CREATE TABLE runs (
        participant VARCHAR NOT NULL,
        period VARCHAR NOT NULL,
        week DATE NOT NULL,
        run_id BIGINT NOT NULL,
        designation VARCHAR NOT NULL,
        published_at TIMESTAMP,
        market_service VARCHAR,
        period_from DATE,
        period_to DATE,
        first_ingested_at_utc TIMESTAMP NOT NULL,
        PRIMARY KEY (participant, period, run_id)
    )""",
    """CREATE TABLE summary_values (
        sha256 VARCHAR NOT NULL,
        participant VARCHAR NOT NULL,
        week DATE NOT NULL,
        run_id BIGINT NOT NULL,
        ord INTEGER NOT NULL,
        variable VARCHAR NOT NULL,
        "timestamp" DATE NOT NULL,
        payment_or_charge VARCHAR NOT NULL,
        gst_applicable BOOLEAN NOT NULL,
        value DECIMAL(23,8) NOT NULL,
        value_form SMALLINT NOT NULL,
        source VARCHAR
    )""",
    """CREATE TABLE detail_values (
        sha256 VARCHAR NOT NULL,
        participant VARCHAR NOT NULL,
        week DATE NOT NULL,
        run_id BIGINT NOT NULL,
        ord BIGINT NOT NULL,
        settlement_trading_day DATE,
        variable VARCHAR,
        scope VARCHAR,
        "timestamp" DATE,
        value DECIMAL(23,8)[],
        source_file VARCHAR,
        source_line BIGINT
    )""",
    """CREATE TABLE invoices (
        sha256 VARCHAR PRIMARY KEY,
        participant VARCHAR NOT NULL,
        period VARCHAR NOT NULL,
        week DATE NOT NULL,
        run_id BIGINT NOT NULL,
        designation VARCHAR NOT NULL,
        form VARCHAR NOT NULL,
        invoice_number VARCHAR NOT NULL,
        previous_run_id BIGINT,
        issued_at VARCHAR,
        trade_week VARCHAR,
        adjustment_previous_run_id BIGINT,
        has_summary_lines BOOLEAN NOT NULL,
        source VARCHAR
    )""",
    """CREATE TABLE invoice_lines (
        sha256 VARCHAR NOT NULL,
        participant VARCHAR NOT NULL,
        week DATE NOT NULL,
        run_id BIGINT NOT NULL,
        section VARCHAR NOT NULL,
        ord INTEGER NOT NULL,
        variable VARCHAR NOT NULL,
        description VARCHAR,
        payment_or_charge VARCHAR NOT NULL,
        gst_applicable BOOLEAN NOT NULL,
        amount DECIMAL(23,8) NOT NULL,
        amount_form SMALLINT NOT NULL,
        gst DECIMAL(23,8) NOT NULL,
        gst_form SMALLINT NOT NULL,
        source VARCHAR
    )""",
    """CREATE TABLE invoice_totals (
        sha256 VARCHAR NOT NULL,
        participant VARCHAR NOT NULL,
        week DATE NOT NULL,
        run_id BIGINT NOT NULL,
        section VARCHAR NOT NULL,
        field VARCHAR NOT NULL,
        amount DECIMAL(23,8) NOT NULL,
        amount_form SMALLINT NOT NULL
    )""",
    """CREATE TABLE weekly_runs (
        started_at_utc TIMESTAMP NOT NULL,
        finished_at_utc TIMESTAMP NOT NULL,
        watermark_utc TIMESTAMP,
        weeks VARCHAR[] NOT NULL,
        out_dir VARCHAR,
        exit_code INTEGER NOT NULL
    )""",
    """CREATE VIEW detail_values_long AS
    WITH u AS (
        SELECT d.* EXCLUDE (value),
               regexp_extract(d.variable, '_([A-Za-z]+)$', 1) AS granularity,
               unnest(generate_series(1, len(d.value))) AS position,
               unnest(d.value) AS value
        FROM detail_values d
    )
    SELECT u.*,
        CASE granularity
            WHEN 'I' THEN "timestamp" + INTERVAL 8 HOUR + (position - 1) * INTERVAL 30 MINUTE
            WHEN 'DI' THEN "timestamp" + INTERVAL 8 HOUR + (position - 1) * INTERVAL 5 MINUTE
            WHEN 'D' THEN "timestamp" + INTERVAL 8 HOUR
        END AS interval_start_awst,
        CASE granularity
            WHEN 'I' THEN "timestamp" + INTERVAL 8 HOUR + position * INTERVAL 30 MINUTE
            WHEN 'DI' THEN "timestamp" + INTERVAL 8 HOUR + position * INTERVAL 5 MINUTE
            WHEN 'D' THEN "timestamp" + INTERVAL 32 HOUR
        END AS interval_end_awst
    FROM u""",
    "CREATE INDEX files_run ON files (participant, period, run_id)",
)

_V2 = (
    "CREATE SEQUENCE check_id_seq START 1",
    """CREATE TABLE checks (
        check_id BIGINT NOT NULL,
        checked_at_utc TIMESTAMP NOT NULL,
        recon_version VARCHAR NOT NULL,
        command VARCHAR NOT NULL,
        participant VARCHAR NOT NULL,
        week DATE NOT NULL,
        run_ids BIGINT[] NOT NULL,
        errors INTEGER NOT NULL,
        warnings INTEGER NOT NULL,
        infos INTEGER NOT NULL,
        inputs_sha256 VARCHAR[] NOT NULL,
        PRIMARY KEY (check_id, participant, week)
    )""",
    """CREATE TABLE check_runs (
        check_id BIGINT NOT NULL,
        participant VARCHAR NOT NULL,
        week DATE NOT NULL,
        period VARCHAR NOT NULL,
        run_id BIGINT NOT NULL,
        designation VARCHAR NOT NULL,
        published_at TIMESTAMP,
        artefacts VARCHAR[] NOT NULL,
        summary BOOLEAN NOT NULL,
        detail_days INTEGER NOT NULL,
        period_days INTEGER NOT NULL,
        invoice_json BOOLEAN NOT NULL,
        invoice_pdf BOOLEAN NOT NULL,
        previous_run BOOLEAN,
        notes VARCHAR[] NOT NULL,
        amount_due DECIMAL(23,8),
        recomputed_total_payable DECIMAL(23,8),
        PRIMARY KEY (check_id, participant, week, run_id)
    )""",
    """CREATE TABLE check_findings (
        check_id BIGINT NOT NULL,
        participant VARCHAR NOT NULL,
        week DATE NOT NULL,
        ord INTEGER NOT NULL,
        run_id BIGINT,
        check_name VARCHAR NOT NULL,
        severity VARCHAR NOT NULL,
        variable VARCHAR,
        scope VARCHAR,
        "timestamp" VARCHAR,
        position INTEGER,
        issue_key VARCHAR NOT NULL,
        finding VARCHAR NOT NULL
    )""",
    "CREATE INDEX checks_week ON checks (week, participant)",
    "CREATE INDEX check_findings_week ON check_findings (week, participant)",
)

_V3 = (
    "ALTER TABLE checks ADD COLUMN outputs VARCHAR DEFAULT 'unknown'",
    "ALTER TABLE checks ADD COLUMN out_dir VARCHAR",
    "ALTER TABLE check_runs ADD COLUMN grounds VARCHAR[]",
    "ALTER TABLE check_findings ADD COLUMN figure VARCHAR",
)

_V4 = (
    "CREATE SEQUENCE issue_event_seq START 1",
    """CREATE TABLE issue_events (
        seq BIGINT PRIMARY KEY,
        issue_id VARCHAR NOT NULL,
        issue_key VARCHAR NOT NULL,
        participant VARCHAR NOT NULL,
        week DATE NOT NULL,
        at_utc TIMESTAMP NOT NULL,
        by_name VARCHAR NOT NULL,
        workflow VARCHAR NOT NULL,
        ref VARCHAR,
        lodged DATE,
        note VARCHAR,
        prev_sha256 VARCHAR NOT NULL,
        sha256 VARCHAR NOT NULL
    )""",
    "CREATE INDEX issue_events_issue ON issue_events (issue_id)",
)

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "files, runs, Summary and Detail values, invoices, weekly runs", _V1),
    Migration(2, "checks recorded: runs covered, coverage and every finding", _V2),
    Migration(
        3,
        "issue keys with the figure; what each check covered by day and form; outputs written",
        _V3,
        "recon.store.history:migrate_to_v3",
    ),
    Migration(4, "the issue register's workflow: an append-only log of events", _V4),
)
"""Every schema step, in order. Append; never edit a released step."""

SCHEMA_VERSION = MIGRATIONS[-1].version

TABLES: tuple[str, ...] = (
    "files",
    "runs",
    "summary_values",
    "detail_values",
    "invoices",
    "invoice_lines",
    "invoice_totals",
    "weekly_runs",
    "checks",
    "check_runs",
    "check_findings",
    "issue_events",
)
"""The store's tables (not views), in a stable order."""

APPEND_ONLY: tuple[str, ...] = ("issue_events",)
"""Tables whose rows are never updated or deleted (SPEC §11)."""

_EDITS = re.compile(
    r"\b(?:UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?|DROP\s+TABLE(?:\s+IF\s+EXISTS)?|"
    r"ALTER\s+TABLE|INSERT\s+OR\s+REPLACE\s+INTO)\s+(?:main\.)?\"?("
    + "|".join(APPEND_ONLY)
    + r")\b",
    re.IGNORECASE,
)


def refuse_edits(sql: str) -> None:
    """Refuse a statement that would update or delete a row of an append-only table.

    Raises:
        StoreError: It would.
    """
    m = _EDITS.search(sql)
    if m:
        raise StoreError(f"the store's {m.group(1)} are never edited or deleted: only appended to")


# ------------------------------------------------------------------------ the store


class Store:
    """An open settlement history store.

    Open with :meth:`open` (or :func:`open_store`) and use as a context manager. Writes go
    through :meth:`transaction`: either all of a block's changes are kept or none.

    Attributes:
        path: The database file.
        con: The DuckDB connection.
        read_only: Whether opened read-only.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path, read_only: bool) -> None:
        self.con = con
        self.path = path
        self.read_only = read_only

    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str] | None = None,
        *,
        read_only: bool = False,
        must_exist: bool = False,
        wait: float | None = None,
    ) -> Store:
        """Open (creating if needed, unless ``must_exist``) and migrate a store.

        Args:
            path: The store file (see :func:`resolve_store_path`; None: resolve it).
            read_only: Open read-only (several readers may share a store). A store whose
                schema is older than this recon's is migrated first.
            must_exist: Refuse to create a new store (for commands that only read).
            wait: Seconds to wait while another process holds the store (None:
                ``$RECON_STORE_WAIT``, else 60; see :func:`store_wait`).

        Raises:
            StoreError: The file is missing (``must_exist``), is not a recon store, was
                written by a newer recon, or is still locked by another process after
                the wait.
        """
        p = resolve_store_path(path)
        if not p.exists():
            if must_exist:
                raise StoreError(
                    f"no store at {p}: ingest files first with `recon ingest "
                    f"PATH...` (or point --store/${ENV_STORE} at your store)"
                )
            try:
                p.parent.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise StoreError(
                    f"cannot create the store's folder {p.parent}: {e.strerror or e}"
                ) from None
            read_only = False
        con = _connect(p, read_only, wait)
        try:
            version = _version(con, p)
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"the store {p} has schema version {version}, newer than "
                    f"this recon's ({SCHEMA_VERSION}); upgrade recon"
                )
            if version < SCHEMA_VERSION and read_only:
                con.close()
                if not os.access(p, os.W_OK) or not os.access(p.parent, os.W_OK):
                    raise StoreError(_needs_migrating(p, version))
                try:
                    cls.open(p, read_only=False).close()
                except StoreError as e:
                    if "in use" in str(e):
                        raise
                    raise StoreError(f"{_needs_migrating(p, version)} ({e})") from None
                con = _connect(p, True)
            elif version < SCHEMA_VERSION:
                _migrate(con, version, p)
            _require_tables(con, p)
        except BaseException:
            con.close()
            raise
        return cls(con, p, read_only)

    def close(self) -> None:
        """Close the connection (a checkpoint folds the write-ahead log into the file)."""
        with contextlib.suppress(duckdb.Error):
            self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Run a block in one transaction: committed if it ends normally, else rolled back.

        The rollback also runs on ``KeyboardInterrupt``; a process killed outright leaves
        an uncommitted transaction that DuckDB discards when the store is next opened.
        """
        self.con.begin()
        try:
            yield
        except BaseException:
            with contextlib.suppress(duckdb.Error):
                self.con.rollback()
            raise
        try:
            self.con.commit()
        except duckdb.Error as e:
            with contextlib.suppress(duckdb.Error):
                self.con.rollback()
            raise StoreError(f"cannot commit to the store {self.path}: {e}") from None

    # -- queries --

    def rows(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple[Any, ...]]:
        """Run a query and return every row as a tuple (never one that edits an
        append-only table: :func:`refuse_edits`)."""
        refuse_edits(sql)
        return self.con.execute(sql, list(params or [])).fetchall()

    def one(self, sql: str, params: Sequence[Any] | None = None) -> tuple[Any, ...] | None:
        """Run a query and return its first row, or None (the result is read whole)."""
        rows = self.rows(sql, params)
        return rows[0] if rows else None

    def scalar(self, sql: str, params: Sequence[Any] | None = None) -> Any:
        """Run a query and return the first column of its first row (None if no row)."""
        row = self.one(sql, params)
        return row[0] if row else None

    def arrow(self, sql: str, params: Sequence[Any] | None = None) -> pa.Table:
        """Run a query and return the result as an Arrow table (decimals exact)."""
        refuse_edits(sql)
        rel = self.con.sql(sql, params=list(params or []) or None)
        if rel is None:
            return pa.table({})
        fetch = getattr(rel, "to_arrow_table", None) or rel.arrow  # DuckDB 2.x / 1.x
        return fetch()

    def frame(self, sql: str, params: Sequence[Any] | None = None) -> pl.DataFrame:
        """Run a query and return the result as a polars DataFrame (decimals exact)."""
        out = pl.from_arrow(self.arrow(sql, params))
        assert isinstance(out, pl.DataFrame)
        return out

    def counts(self) -> dict[str, int]:
        """Rows per table."""
        return {t: int(self.scalar(f"SELECT count(*) FROM {t}")) for t in TABLES}

    @property
    def schema_version(self) -> int:
        """The schema version of the open store."""
        return _version(self.con)


def open_store(
    path: str | os.PathLike[str] | None = None, *, read_only: bool = False, must_exist: bool = False
) -> Store:
    """Open a store; see :meth:`Store.open`."""
    return Store.open(path, read_only=read_only, must_exist=must_exist)


CONNECT_CONFIG: dict[str, Any] = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
}
"""DuckDB settings for every connection: never download or load an extension (SPEC §6).
Without them DuckDB would fetch its ``sqlite`` extension from the network to open a SQLite
file given as the store."""

_SQLITE_MAGIC = b"SQLite format 3\x00"
_DUCKDB_MAGIC = b"DUCK"  # bytes 8-11 of a DuckDB database file


def refuse_foreign_file(path: Path) -> None:
    """Refuse a file that is not a DuckDB database, before DuckDB opens it.

    Raises:
        StoreError: ``path`` is a SQLite database, or any file (empty included) whose
            header is not DuckDB's.
    """
    try:
        with path.open("rb") as fh:
            head = fh.read(16)
    except OSError as e:
        raise StoreError(f"cannot open the store {path}: {e.strerror or e}") from None
    if head.startswith(_SQLITE_MAGIC):
        raise StoreError(f"{path} is a SQLite database, not a recon store")
    if head[8:12] != _DUCKDB_MAGIC:
        raise StoreError(f"{path} is not a recon store (not a DuckDB database)")


ENV_MEMORY = "RECON_STORE_MEMORY"
DEFAULT_MEMORY_LIMIT = "256MB"
"""DuckDB's memory for the store (``$RECON_STORE_MEMORY`` overrides, e.g. ``2GB``): past
it, DuckDB spills to a folder beside the store (:func:`temp_folder`), so ingesting or
checking a large week needs a bounded amount of memory whatever the week's size."""
MAX_THREADS = 4
"""DuckDB's threads: the machine's cores, at most this many (each holds its own buffers)."""


def temp_folder(path: Path) -> Path:
    """Where DuckDB spills what does not fit its memory: ``<store>.tmp`` beside the store
    (DuckDB removes what it wrote there when the store is closed)."""
    return path.with_name(path.name + ".tmp")


def connect_config(path: Path) -> dict[str, Any]:
    """The DuckDB settings of a connection to the store at ``path``."""
    return {
        **CONNECT_CONFIG,
        "memory_limit": os.environ.get(ENV_MEMORY) or DEFAULT_MEMORY_LIMIT,
        "temp_directory": str(temp_folder(path)),
        "threads": max(1, min(os.cpu_count() or 1, MAX_THREADS)),
    }


def _connect(path: Path, read_only: bool, wait: float | None = None) -> duckdb.DuckDBPyConnection:
    """Connect to the store, waiting up to ``wait`` seconds (None: :func:`store_wait`) while
    another process holds it; a reader stands aside while a writer waits
    (:mod:`recon.store.busy`)."""
    if path.is_file():
        refuse_foreign_file(path)
    limit = store_wait() if wait is None else wait
    deadline = time.monotonic() + limit
    pause = 0.02
    announced: Any = None
    waiting = False
    try:
        while True:
            # A reader stands aside while a writer waits, so a busy web server never
            # keeps `recon weekly` out: readers come and go; the writer is let in.
            busy = read_only and writer_waiting(path)
            if not busy:
                try:
                    con = duckdb.connect(
                        str(path), read_only=read_only, config=connect_config(path)
                    )
                    break
                except duckdb.IOException as e:
                    text = str(e)
                    if "lock" not in text.lower():
                        raise StoreError(
                            f"cannot open the store {path}: {text.splitlines()[0]}"
                        ) from None
                except duckdb.Error as e:
                    raise StoreError(
                        f"{path} is not a recon store (DuckDB: {str(e).splitlines()[0]})"
                    ) from None
            if time.monotonic() >= deadline:
                raise StoreBusyError(
                    f"the store {path} is in use by another recon process (waited "
                    f"{limit:g} s); try again when it has finished"
                )
            if not waiting:
                waiting = True
                log.info("the store %s is in use; waiting up to %g s", path, limit)
                if not read_only:
                    announced = announce_writer(path)
            time.sleep(min(pause, max(0.0, deadline - time.monotonic())))
            pause = min(pause * 2, 0.5)
    finally:
        if announced is not None:
            announced.close()
    con.execute("SET TimeZone = 'UTC'")
    return con


def _version(con: duckdb.DuckDBPyConnection, path: Path | None = None) -> int:
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
    ).fetchall()[0]
    if not exists or not exists[0]:
        tables = con.execute("SELECT count(*) FROM information_schema.tables").fetchall()[0]
        if tables and tables[0]:
            where = f"{path} " if path is not None else "the database "
            raise StoreError(
                f"{where}is not a recon store (a DuckDB database without recon's schema)"
            )
        return 0
    row = con.execute("SELECT max(version) FROM schema_version").fetchall()[0]
    return int(row[0]) if row and row[0] is not None else 0


def _needs_migrating(path: Path, version: int) -> str:
    return (
        f"the store {path} has schema version {version}, older than this recon's "
        f"({SCHEMA_VERSION}), and needs migrating, which writes to it: make the file and its "
        f"folder writable and run any recon command on it once (e.g. `recon runs --store "
        f"{path}`)"
    )


VIEWS: tuple[str, ...] = ("detail_values_long",)
"""The store's views."""


def _require_tables(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Refuse a store missing one of its tables or views (a damaged or hand-edited store)."""
    have = {
        r[0]
        for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
        ).fetchall()
    }
    missing = [t for t in (*TABLES, *VIEWS) if t not in have]
    if missing:
        what = ", ".join(missing)
        raise StoreError(
            f"the store {path} is damaged: its {'tables' if len(missing) > 1 else 'table'} "
            f"{what} {'are' if len(missing) > 1 else 'is'} missing; restore it from a backup "
            "(or ingest the files again into a new store)"
        )


def _data_step(name: str) -> Any:
    module, _, function = name.partition(":")
    return getattr(importlib.import_module(module), function)


def _migrate(con: duckdb.DuckDBPyConnection, current: int, path: Path) -> None:
    """Apply every migration above ``current``, each in its own transaction."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, "
        "description VARCHAR NOT NULL, applied_at_utc TIMESTAMP NOT NULL)"
    )
    for m in MIGRATIONS:
        if m.version <= current:
            continue
        con.begin()
        try:
            for sql in m.statements:
                con.execute(sql)
            if m.data_step is not None:
                _data_step(m.data_step)(con)
            con.execute(
                "INSERT INTO schema_version VALUES (?, ?, now()::TIMESTAMP)",
                [m.version, m.description],
            )
            con.commit()
        except BaseException as e:
            with contextlib.suppress(duckdb.Error):
                con.rollback()
            if isinstance(e, (duckdb.Error, ValueError, TypeError, KeyError)):
                first = str(e).splitlines()[0] if str(e) else type(e).__name__
                raise StoreError(
                    f"cannot migrate the store {path} to schema version {m.version}: {first}"
                ) from None
            raise
        log.info("store %s: migrated to schema version %d (%s)", path, m.version, m.description)
