"""Your own data built by hand against a Detail (SPEC §9): a series, SWANGEN's runs of
TW 01 Dec 2024, AEMO's and your aligned values as frames, and a one-row Detail."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import polars as pl

from recon.models.own import OwnSeries
from recon.models.statements import DetailStatement, RunHeader

from .detail import detail as detail_statement
from .runs import header

D = Decimal
DAY = date(2024, 12, 3)
NEXT = DAY + timedelta(days=1)
SERIES = OwnSeries(
    name="SCADA", variable="MSQ_F_I", format="csv", path="x", unit="MWh", tolerance="0.001"
)


INITIAL = header("INITIAL", 1, datetime(2024, 12, 19, 15, 30, 45))
ADJ1 = header("ADJ1", 2, datetime(2025, 2, 20, 15, 30, 45))


def aemo(rows: list[tuple[str, date, int, str]], run_id: int = 1) -> pl.DataFrame:
    """AEMO's values as latest_values gives them: (scope, day, position, value)."""
    return pl.DataFrame(
        {
            "scope": [r[0] for r in rows],
            "trading_day": [r[1] for r in rows],
            "position": [r[2] for r in rows],
            "aemo": pl.Series([D(r[3]) for r in rows], dtype=pl.Decimal(38, 8)),
            "aemo_source": ["detail.csv:2"] * len(rows),
            "run_id": [run_id] * len(rows),
        },
        schema_overrides={"trading_day": pl.Date, "position": pl.Int64, "run_id": pl.Int64},
    )


def own(rows: list[tuple[str, date, int, str | None, int]]) -> pl.DataFrame:
    """Aligned own values: (scope, day, position, value, count of 6)."""
    return pl.DataFrame(
        {
            "scope": [r[0] for r in rows],
            "trading_day": [r[1] for r in rows],
            "position": [r[2] for r in rows],
            "value": pl.Series([None if r[3] is None else D(r[3]) for r in rows]).cast(
                pl.Decimal(38, 8)
            ),
            "count": [r[4] for r in rows],
            "expected": [6] * len(rows),
            "source_file": ["scada.csv"] * len(rows),
            "source_line": list(range(2, 2 + len(rows))),
            "quality": [""] * len(rows),
        },
        schema_overrides={
            "scope": pl.String,
            "trading_day": pl.Date,
            "position": pl.Int64,
            "count": pl.Int64,
            "expected": pl.Int64,
            "source_file": pl.String,
            "source_line": pl.Int64,
            "quality": pl.String,
        },
    )


def detail(h: RunHeader, values: list[str]) -> DetailStatement:
    """A CSV Detail of run ``h``: MSQ_F_I of F1 on DAY, one value per Trading Interval."""
    return detail_statement(h, [(DAY, "MSQ_F_I", "F1", values)], source="d.csv", form="csv")
