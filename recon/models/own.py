"""Your own data (SPEC §9): the ``--own`` mapping and what the tie-out found per series.

The mapping (a TOML file) names series of the participant's own data (NEM12 meter data,
SCADA or submission CSVs), each compared with one AEMO Detail variable. The tie-out
(``recon.reconcile.own``) yields ``own.value`` and ``own.missing`` findings and one
:class:`OwnSeriesSummary` per series and Trading Week, which the reports show.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from recon.models.decimals import DecimalFormatError, Money, parse_decimal

ENERGY_UNITS: dict[str, Decimal] = {
    "wh": Decimal(1),
    "kwh": Decimal(1000),
    "mwh": Decimal(1000000),
    "gwh": Decimal(1000000000),
}
"""Energy units a series or a NEM12 200 record may name, in Wh (letter case ignored)."""

POWER_UNITS: dict[str, Decimal] = {
    "w": Decimal(1),
    "kw": Decimal(1000),
    "mw": Decimal(1000000),
    "gw": Decimal(1000000000),
}
"""Power units, in W."""


def unit_factor(source: str, target: str) -> Decimal | None:
    """The exact factor that converts a value in ``source`` units to ``target`` units.

    Returns None when either is unknown or one is energy and the other power. A unit
    other than these (``kVArh``, ``A``...) converts only to itself (factor 1).
    """
    s, t = source.strip().lower(), target.strip().lower()
    if s == t:
        return Decimal(1)
    for table in (ENERGY_UNITS, POWER_UNITS):
        if s in table and t in table:
            return table[s] / table[t]
    return None


class OwnSeries(BaseModel):
    """One ``[[series]]`` of the mapping (SPEC §9).

    Attributes:
        name: Shown in findings and reports.
        variable: The AEMO Detail variable it is compared with (granularity I or DI).
        format: ``nem12`` or ``csv``.
        path: One file, relative to the mapping file, its name read literally (``[``,
            ``]`` and ``?`` are characters of the name).
        glob: Instead of ``path``: a pattern, relative to the mapping file, in which only
            ``*`` (any characters of one name) and ``**`` (any folders) are wildcards.
        unit: The variable's unit; NEM12 values are converted from the file's. For a CSV,
            the unit its values are in and the variable's (no conversion).
        tolerance: Absolute, in the variable's unit: a difference larger than it is an
            ``own.value`` finding.
        aggregate: ``sum`` (energy) or ``mean`` (power): how finer intervals make one of
            the variable's. Default: ``sum``.
        scope, start, value: CSV column names (defaults ``scope``, ``interval_start``,
            ``value``).
        interval: CSV only: the length of the CSV's intervals in minutes (default: the
            most common gap between a scope's consecutive starts).
        price: A Detail variable in $ per unit of ``variable`` (same or coarser granularity,
            scope G or the variable's scope): with ``direction``, each ``own.value`` carries
            an estimated ``at_stake`` (SPEC §9, §10).
        direction: ``payment`` or ``charge``: which way a larger quantity moves money.
        base_dir: The folder of the mapping file (set by the reader).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    variable: str
    format: Literal["nem12", "csv"]
    path: str | None = None
    glob: str | None = None
    unit: str | None = None
    tolerance: Decimal = Decimal(0)
    aggregate: Literal["sum", "mean"] = "sum"
    scope: str = "scope"
    start: str = "interval_start"
    value: str = "value"
    interval: int | None = None
    price: str | None = None
    direction: Literal["payment", "charge"] | None = None
    base_dir: str = "."

    @field_validator("tolerance", mode="before")
    @classmethod
    def _tolerance(cls, v: object) -> Decimal:
        if isinstance(v, float):
            raise ValueError('write the tolerance as a string, e.g. tolerance = "0.001"')
        if isinstance(v, bool):
            raise ValueError(f"tolerance must be a number, got {v!r}")
        try:
            d = Decimal(v) if isinstance(v, int) else parse_decimal(str(v))
        except DecimalFormatError:
            raise ValueError(f"tolerance must be a number, got {v!r}") from None
        if d < 0:
            raise ValueError(f"tolerance must be a number at least 0, got {v!r}")
        return d

    @model_validator(mode="after")
    def _one_of_path_or_glob(self) -> OwnSeries:
        if (self.path is None) == (self.glob is None):
            raise ValueError(
                'give either path = "..." (one file, its name literal) or glob = "..." '
                "(a pattern: * and ** are wildcards)" + ("" if self.path is None else ", not both")
            )
        return self

    @property
    def files(self) -> str:
        """What the series names: its ``path`` or its ``glob``."""
        return self.path if self.path is not None else self.glob or ""


class OwnMapping(BaseModel):
    """The ``--own`` file: where it is, and its series."""

    path: str
    series: list[OwnSeries]


class OwnDifference(BaseModel):
    """One interval of a series: your figure and AEMO's."""

    scope: str
    trading_day: date
    position: int
    interval_start: datetime
    interval_end: datetime
    yours: Money | None = None
    aemo: Money | None = None
    difference: Money | None = None
    """AEMO's less yours."""


class OwnAdjustment(BaseModel):
    """One interval an ADJ run changed in a mapped variable, judged against your figure.

    ``verdict``: ``now agrees`` (within tolerance after, not before), ``toward`` (closer
    to yours), ``away`` (further from yours), ``still agrees`` (within tolerance before
    and after), or ``no figure`` (you have none for it).
    """

    run_id: int
    designation: str
    previous_run_id: int
    scope: str
    trading_day: date
    position: int
    interval_start: datetime
    interval_end: datetime
    previous: Money
    current: Money
    yours: Money | None = None
    verdict: str


class OwnSeriesSummary(BaseModel):
    """What one series' tie-out found against one participant's Trading Week.

    Attributes:
        name, variable, format, unit, tolerance: From the mapping.
        files: The files read.
        participant, period: The week compared.
        runs: RunIds whose Detail was compared (the latest run holding each Trading Day).
        trading_days: Trading Days compared.
        intervals_compared: Intervals both sides have.
        within_tolerance: Of those, how many agree within the tolerance.
        missing_yours: Intervals AEMO has and you have not.
        missing_aemo: Intervals you have and AEMO has not.
        largest: The largest differences (by absolute value), worst first.
        worst_scope: The scope with the largest absolute difference (else the first).
        chart: That scope's intervals, AEMO vs yours, in time order.
        adjustments: Intervals ADJ runs changed, judged against your figure.
    """

    name: str
    variable: str
    format: str
    unit: str | None = None
    tolerance: Money
    files: list[str] = Field(default_factory=list)
    participant: str
    period: str
    runs: list[int] = Field(default_factory=list)
    trading_days: list[date] = Field(default_factory=list)
    intervals_compared: int = 0
    within_tolerance: int = 0
    missing_yours: int = 0
    missing_aemo: int = 0
    largest: list[OwnDifference] = Field(default_factory=list)
    worst_scope: str | None = None
    chart: list[OwnDifference] = Field(default_factory=list)
    adjustments: list[OwnAdjustment] = Field(default_factory=list)


class OwnResult(BaseModel):
    """The ``--own`` part of a check: the mapping file and a summary per series and week."""

    mapping: str
    series: list[OwnSeriesSummary] = Field(default_factory=list)

    @property
    def intervals_compared(self) -> int:
        """Intervals compared across every series."""
        return sum(s.intervals_compared for s in self.series)

    def line(self) -> str:
        """One sentence for the terminal and the verdict."""
        n = self.intervals_compared
        ok = sum(s.within_tolerance for s in self.series)
        miss = sum(s.missing_yours + s.missing_aemo for s in self.series)
        names = len({s.name for s in self.series})
        return (
            f"Your own data: {n} interval(s) of {names} series compared with AEMO's Detail, "
            f"{ok} within tolerance, {n - ok} outside, {miss} held by one side only."
        )
