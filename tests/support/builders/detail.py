"""Settlement Statement Details built by hand: CSV rows and bytes (Guide Table 5), JSON
documents of one Trading Day (SPEC §3.3) and ``DetailStatement`` objects."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import polars as pl

from recon.models.statements import DETAIL_SCHEMA, DetailStatement, RunHeader

from .files import DETAIL_COLUMNS, FIRST_DAY, HEADER, array_text, csv_bytes, json_header, zip_bytes


def detail_row(
    variable: str,
    scope: str,
    timestamp: str,
    values: Sequence[Decimal | str | int] | str,
    *,
    day: str = FIRST_DAY,
    **header: str,
) -> dict[str, str]:
    """Build one Detail CSV row (Guide Table 5) as a column -> text mapping.

    Args:
        variable: e.g. ``MSQ_F_I``.
        scope: The raw Scope string.
        timestamp: The Timestamp text.
        values: The Value array's elements, or the literal Value text when a str.
        day: The Settlement Trading Day.
        **header: Header fields to override (``RunId="51231"``).
    """
    row = dict(HEADER)
    row.update(header)
    row.update(
        {
            "Settlement Trading Day": day,
            "Variable": variable,
            "Scope": scope,
            "Timestamp": timestamp,
            "Value": values if isinstance(values, str) else array_text(values),
        }
    )
    return row


def detail_bytes(rows: Iterable[Mapping[str, str]], **kwargs: Any) -> bytes:
    """Detail CSV bytes (columns of Guide Table 5). See :func:`builders.files.csv_bytes`."""
    return csv_bytes(DETAIL_COLUMNS, rows, **kwargs)


def detail_document(
    day: str = FIRST_DAY, variables: list[dict[str, Any]] | None = None, **header: Any
) -> dict[str, Any]:
    """A valid Detail JSON document of one Settlement Trading Day (SPEC §3.3), run 51230.

    Args:
        day: The Settlement Trading Day, ``yyyy-mm-dd``.
        variables: The ``variables`` array; by default SWANGEN_WF1's MSQ_F_I, 0.5 in each
            of the day's 48 Trading Intervals.
        **header: JSON header keys to override (``runId=50000``).
    """
    if variables is None:
        variables = [
            {
                "variable": "MSQ_F_I",
                "scope": "SWANGEN_WF1",
                "tradingDays": [{"tradingDay": f"{day}T00:00:00", "value": ["0.5"] * 48}],
            }
        ]
    return {
        **json_header(**header),
        "settlementTradingDay": f"{day}T00:00:00",
        "variables": variables,
    }


DetailRow = tuple[date, str, str, list[str]]
"""A row of :func:`detail`: (Trading Day, variable, scope, values)."""


def detail(
    header: RunHeader, rows: list[DetailRow], source: str = "d.zip", form: str = "zip"
) -> DetailStatement:
    """A Detail statement of run ``header`` from rows (each row's Timestamp is its day).

    Args:
        header: The run.
        rows: ``(day, variable, scope, values)`` rows; the values are texts of Decimals.
        source: The file it came from (every row's ``source_file``; lines count from 2).
        form: ``zip``, ``csv`` or ``json``.
    """
    frame = pl.DataFrame(
        [
            {
                "settlement_trading_day": d,
                "variable": v,
                "scope": s,
                "timestamp": d,
                "values": [Decimal(x) for x in vals],
                "source_file": source,
                "source_line": i + 2,
            }
            for i, (d, v, s, vals) in enumerate(rows)
        ],
        schema=DETAIL_SCHEMA,
    )
    return DetailStatement(
        header=header, days=sorted({r[0] for r in rows}), frame=frame, source=source, form=form
    )


I48 = [f"{k}.125" for k in range(1, 49)]
"""The 48 Trading Interval values of :func:`fifty_value_zip`'s MSQ_F_I row."""


def fifty_value_zip() -> bytes:
    """A clean Detail ZIP of one member holding 50 values: SWANGEN's RTMSA_P_D
    (-1234.56789012), SWANGEN_WF1's MSQ_F_I (:data:`I48`) and the Global MFRATE_G_FY of the
    financial year (0.00071234)."""
    rows = [
        detail_row("RTMSA_P_D", "SWANGEN", "2024-12-01", ["-1234.56789012"]),
        detail_row("MSQ_F_I", "SWANGEN_WF1", "2024-12-01", I48),
        detail_row("MFRATE_G_FY", "Global", "2024-07-01", ["0.00071234"]),
    ]
    return zip_bytes(
        {"SWANGEN_51230_INITIAL_SettlementStatementDetail_20241201.csv": detail_bytes(rows)}
    )
