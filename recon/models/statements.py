"""Settlement Statement models (SPEC §3.1, §3.2): run header, Summary and Detail.

Summary statements are small and held as pydantic rows. A Detail week holds tens of
millions of values, so a :class:`DetailStatement` holds its rows as a polars DataFrame in
*row form* (one row per CSV row, the Value array as a list of exact Decimal(23,8)); the
long form (one row per value, with interval start and end) is made on demand by
``recon.sources.detail_long``.

A check reads a large Detail *streamed* (:attr:`DetailStatement.kept`): one Trading Day at
a time, keeping in memory only the rows the checks across days need (:class:`Kept`: the
``*_P_D`` rows the Summary is tied out against, and any variable named, such as those an
``--own`` mapping compares); every other row is read again, one day at a time, by the
check that needs it (:meth:`DetailStatement.day_frames`).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any, Literal

import polars as pl
from pydantic import BaseModel, ConfigDict, Field

from recon.models.decimals import Dec8
from recon.models.findings import Finding


class Designation(str, Enum):
    """A run's designation: the initial calculation or an adjustment."""

    INITIAL = "INITIAL"
    ADJ1 = "ADJ1"
    ADJ2 = "ADJ2"
    ADJ3 = "ADJ3"

    @property
    def order(self) -> int:
        """0 for INITIAL, n for ADJn."""
        return 0 if self is Designation.INITIAL else int(self.value[3:])

    @property
    def is_adjustment(self) -> bool:
        """True for ADJ1, ADJ2 and ADJ3."""
        return self is not Designation.INITIAL


class PaymentOrCharge(str, Enum):
    """``P Or C``: a payment from AEMO to the participant, or a charge to it."""

    PAYMENT = "Payment"
    CHARGE = "Charge"


class RunHeader(BaseModel):
    """The header every row of an artefact repeats (Guide Tables 4 and 5).

    Attributes:
        run_id: RunId.
        published_at: PublishedAt, naive, in AWST as AEMO writes it.
        market_service: MarketService (``WEM``).
        designation: INITIAL, ADJ1, ADJ2 or ADJ3.
        period: The Trading Week label, e.g. ``TW 01 Oct 2023``.
        period_from: First Trading Day of the Period.
        period_to: Last Trading Day of the Period (inclusive).
        participant: ParticipantCode.
    """

    model_config = ConfigDict(frozen=True)

    run_id: int
    published_at: datetime
    market_service: str = "WEM"
    designation: Designation
    period: str
    period_from: date
    period_to: date
    participant: str

    @property
    def key(self) -> tuple[str, str, int]:
        """(participant, period, run_id): how recon groups artefacts into runs."""
        return (self.participant, self.period, self.run_id)


class SummaryRow(BaseModel):
    """One Summary value: a variable on a Trading Day.

    Attributes:
        variable: e.g. ``RTMSA_P_D``.
        timestamp: The Trading Day.
        payment_or_charge: ``P Or C``.
        gst_applicable: ``GST Applicable`` is Y.
        value: The exact value.
        source: Where the row came from: ``file:line`` or ``file#/json/path``.
    """

    model_config = ConfigDict(frozen=True)

    variable: str
    timestamp: date
    payment_or_charge: PaymentOrCharge
    gst_applicable: bool
    value: Dec8
    source: str | None = None


ArtefactForm = Literal["csv", "zip", "json"]


class SummaryStatement(BaseModel):
    """A Settlement Statement Summary as read from one file.

    Attributes:
        header: The run header.
        rows: Every readable row, in file order.
        source: The file path.
        form: ``csv`` or ``json``.
        findings: Row-level problems found while reading (``data.*``).
    """

    header: RunHeader
    rows: list[SummaryRow]
    source: str
    form: ArtefactForm
    findings: list[Finding] = Field(default_factory=list)


class DetailRow(BaseModel):
    """One Detail row (one CSV row / one JSON Trading Day entry).

    Attributes:
        settlement_trading_day: The Settlement Trading Day the row belongs to.
        variable: The variable name.
        scope: The raw Scope string.
        timestamp: The Timestamp as a date.
        values: The Value array, exact.
        source: ``file:line`` or ``file#/json/path``.
    """

    model_config = ConfigDict(frozen=True)

    settlement_trading_day: date
    variable: str
    scope: str
    timestamp: date
    values: list[Dec8]
    source: str | None = None


DETAIL_SCHEMA: dict[str, Any] = {
    "settlement_trading_day": pl.Date,
    "variable": pl.String,
    "scope": pl.String,
    "timestamp": pl.Date,
    "values": pl.List(pl.Decimal(23, 8)),
    "source_file": pl.String,
    "source_line": pl.Int64,
}
"""Columns of a Detail statement's row-form frame. ``source_line`` is the CSV line (1-based)
or the index in the JSON ``variables`` array; ``source_file`` the file (and ZIP member)."""

DETAIL_TEXT_SCHEMA: dict[str, Any] = {
    "settlement_trading_day": pl.Date,
    "variable": pl.String,
    "scope": pl.String,
    "timestamp": pl.Date,
    "value_text": pl.String,
    "n_values": pl.Int64,
    "source_file": pl.String,
    "source_line": pl.Int64,
}
"""A Detail frame whose cast is deferred: each Value array's validated text (every element a
plain Decimal(23,8) literal) and its length. :func:`with_values` gives the
:data:`DETAIL_SCHEMA` frame."""


ASCII_SPACE = " \t\r\n\f\v"
"""The white space a Value array may hold around its elements."""
_SPACE_CLASS = f"[{ASCII_SPACE}]"


def value_parts(frame: pl.DataFrame) -> pl.Expr:
    """``value_text`` as a list of its element strings (validated text only)."""
    vt = pl.col("value_text")
    # The row pattern allows ASCII white space only. One character class is ~5x faster
    # than a literal (memchr) search per character: 3.5 ms against 17.7 ms (CPU) on a
    # member of 5.7M values (bench/README.md, issue 25, fifth session).
    spaced = frame.height > 0 and bool(frame.select(vt.str.contains(_SPACE_CLASS).any()).item())
    if spaced:
        parts = vt.str.replace_all(_SPACE_CLASS, "").str.strip_prefix("[").str.strip_suffix("]")
    else:
        parts = vt.str.slice(1, vt.str.len_bytes() - 2)
    return parts.str.split(",")


def compact(frame: pl.DataFrame) -> pl.DataFrame:
    """A copy of a small frame cut from a large one (a filter, a ``head``) that keeps none
    of the large one's memory: polars' string columns are views into shared buffers, so a
    few rows filtered from a day of Detail otherwise hold the whole day's text."""
    buf = io.BytesIO()
    frame.write_ipc(buf, compression="uncompressed")
    buf.seek(0)
    return pl.read_ipc(buf)


def frame_value_count(frame: pl.DataFrame) -> int:
    """The number of values across every array of a row-form frame (cast or not)."""
    if frame.height == 0:
        return 0
    if "n_values" in frame.columns:
        return int(frame.get_column("n_values").sum())
    return int(frame.select(pl.col("values").list.len().sum()).item())


def with_values(frame: pl.DataFrame) -> pl.DataFrame:
    """A Detail frame with its ``values`` (:data:`DETAIL_SCHEMA`), cast from validated text.

    Exact: every element already matched the plain Decimal(23,8) pattern, so the cast
    neither rounds nor accepts anything lenient. A frame that has ``values`` is returned
    as it is.
    """
    if "values" in frame.columns:
        return frame
    values = value_parts(frame).list.eval(pl.element().cast(pl.Decimal(23, 8)))
    return (
        frame.with_columns(values.alias("values"))
        .select(list(DETAIL_SCHEMA))
        .cast(pl.Schema(DETAIL_SCHEMA))
    )


SUMMARY_TIE_OUT_SUFFIX = "_P_D"
"""The Detail variables the Summary is tied out against (scope P, granularity D)."""


@dataclass(frozen=True)
class Kept:
    """Which rows of a streamed Detail stay in memory (:attr:`DetailStatement.kept`).

    Always the ``*_P_D`` rows (the Summary/Detail tie-out); also every row of the
    variables named (e.g. those an ``--own`` mapping ties out).
    """

    variables: frozenset[str] = frozenset()

    def holds(self, variable: str) -> bool:
        """Whether the rows of ``variable`` are kept."""
        return variable.endswith(SUMMARY_TIE_OUT_SUFFIX) or variable in self.variables

    def expr(self) -> pl.Expr:
        """A polars filter selecting the rows kept."""
        var = pl.col("variable")
        keep = var.str.ends_with(SUMMARY_TIE_OUT_SUFFIX)
        if self.variables:
            keep = keep | var.is_in(sorted(self.variables))
        return keep


DayRows = Callable[..., Iterator[tuple[date, pl.DataFrame]]]
"""Reads a streamed Detail's rows again: called with Settlement Trading Days (sorted, each
held) and ``cast`` (default True), yields ``(day, frame)`` for each in that order, the frame
holding every row of the day in file order, its values cast (:data:`DETAIL_SCHEMA`), or
with ``cast=False`` possibly as validated text (:data:`DETAIL_TEXT_SCHEMA`)."""


class DetailStatement(BaseModel):
    """A Settlement Statement Detail: one or more Settlement Trading Days of one run.

    Attributes:
        header: The run header.
        days: The Settlement Trading Days present, sorted.
        frame: Row-form polars DataFrame with the columns of :data:`DETAIL_SCHEMA` (or
            :data:`DETAIL_TEXT_SCHEMA`, the cast deferred). Every row, unless ``kept``.
        source: The file path (for JSON, one of the day files; see ``sources``).
        sources: Every file that contributed.
        form: ``csv``, ``zip`` or ``json``.
        findings: Row-level problems found while reading (``data.*``).
        kept: None when ``frame`` holds every row. A streamed statement (read one
            Trading Day at a time) names here the only rows ``frame`` holds; every row of
            a day is read again with :meth:`day_frames`.
        reread: A streamed statement's reader of whole days (:data:`DayRows`).
        n_values: A streamed statement's value count (every row's, not only those kept).
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    header: RunHeader
    days: list[date]
    frame: pl.DataFrame
    source: str
    sources: list[str] = Field(default_factory=list)
    form: ArtefactForm
    findings: list[Finding] = Field(default_factory=list)
    kept: Kept | None = None
    reread: DayRows | None = Field(default=None, repr=False)
    n_values: int | None = None

    @property
    def value_count(self) -> int:
        """The number of values across every array."""
        if self.n_values is not None:
            return self.n_values
        if self.kept is not None:  # counted by reading the days again
            return sum(frame_value_count(f) for _, f in self.day_frames())
        return frame_value_count(self.frame)

    def with_values(self) -> DetailStatement:
        """This statement with its values cast (itself when they already are)."""
        if "values" in self.frame.columns:
            return self
        return self.model_copy(update={"frame": with_values(self.frame)})

    def day_frames(
        self, days: Iterable[date] | None = None, *, cast: bool = True
    ) -> Iterator[tuple[date, pl.DataFrame]]:
        """Every row of each Settlement Trading Day asked, one day at a time.

        Args:
            days: The days wanted (default: every day held); days not held are skipped.
            cast: Values cast (:data:`DETAIL_SCHEMA`); False leaves validated text as it
                is (:data:`DETAIL_TEXT_SCHEMA`, where the reader has it).

        Yields:
            ``(day, frame)`` in day order: the day's rows in file order. A streamed
            statement reads them again; memory holds about one day.
        """
        held = set(self.days)
        wanted = sorted(held if days is None else held & set(days))
        if not wanted:
            return
        if self.kept is not None:
            if self.reread is None:
                raise ValueError(f"the streamed Detail {self.source} cannot be read again")
            yield from self.reread(wanted, cast=cast)
            return
        std = pl.col("settlement_trading_day")
        for day in wanted:
            rows = self.frame.filter(std == day)
            yield day, with_values(rows) if cast else rows

    def variable_rows(
        self, variable: str, timestamps: Iterable[date] | None = None
    ) -> pl.DataFrame:
        """Every row of one variable (optionally only those Timestamps), values cast.

        Served from memory when the rows are there (a whole statement, or a variable a
        streamed one keeps); otherwise read again one day at a time, keeping only them.
        """
        keep = pl.col("variable") == variable
        if timestamps is not None:
            keep = keep & pl.col("timestamp").is_in(sorted(set(timestamps)))
        if self.kept is None or self.kept.holds(variable):
            return with_values(self.frame.filter(keep))
        parts = [frame.filter(keep) for _, frame in self.day_frames()]
        parts = [p for p in parts if p.height]
        if not parts:
            return pl.DataFrame(schema=DETAIL_SCHEMA)
        return pl.concat(parts, how="vertical")

    def rows(self) -> Iterator[DetailRow]:
        """Yield the rows as pydantic models (slow; for notebooks and small data)."""
        frames = (f for _, f in self.day_frames()) if self.kept is not None else [self.frame]
        for rec in (r for f in frames for r in with_values(f).iter_rows(named=True)):
            yield DetailRow(
                settlement_trading_day=rec["settlement_trading_day"],
                variable=rec["variable"],
                scope=rec["scope"],
                timestamp=rec["timestamp"],
                values=rec["values"],
                source=f"{rec['source_file']}:{rec['source_line']}",
            )
