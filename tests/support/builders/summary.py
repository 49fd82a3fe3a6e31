"""Settlement Statement Summaries built by hand: CSV rows and bytes (Guide Table 4), JSON
documents (SPEC §3.3) and ``SummaryStatement`` objects."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from recon.models.statements import PaymentOrCharge, RunHeader, SummaryRow, SummaryStatement

from .files import HEADER, SUMMARY_COLUMNS, csv_bytes, json_header, plain
from .runs import DAYS


def summary_row(
    variable: str,
    timestamp: str,
    value: Decimal | str | int,
    *,
    p_or_c: str = "Payment",
    gst: str = "Y",
    **header: str,
) -> dict[str, str]:
    """Build one Summary CSV row (Guide Table 4) as a column -> text mapping.

    Args:
        variable: e.g. ``RTMSA_P_D``.
        timestamp: The Trading Day, ``yyyy-mm-dd``.
        value: The value (number or literal text).
        p_or_c: ``P Or C``.
        gst: ``GST Applicable``.
        **header: Header fields to override, keyed by column name with spaces removed
            (``RunId="1"``).
    """
    row = dict(HEADER)
    row.update(header)
    row.update(
        {
            "Variable": variable,
            "Timestamp": timestamp,
            "P Or C": p_or_c,
            "GST Applicable": gst,
            "Value": plain(value),
        }
    )
    return row


def summary_bytes(rows: Iterable[Mapping[str, str]], **kwargs: Any) -> bytes:
    """Summary CSV bytes (columns of Guide Table 4). See :func:`builders.files.csv_bytes`."""
    return csv_bytes(SUMMARY_COLUMNS, rows, **kwargs)


def summary_document(
    variables: list[dict[str, Any]] | None = None, **header: Any
) -> dict[str, Any]:
    """A valid Summary JSON document (SPEC §3.3) of run 51230.

    Args:
        variables: The ``variables`` array; by default one Payment, RTMSA_P_D of 1.5 on
            1 Dec 2024.
        **header: JSON header keys to override (``runId=50000``).
    """
    if variables is None:
        variables = [
            {
                "variable": "RTMSA_P_D",
                "paymentOrCharge": "Payment",
                "gstApplicable": True,
                "tradingDays": [{"tradingDay": "2024-12-01T00:00:00", "value": ["1.5"]}],
            }
        ]
    return {**json_header(**header), "variables": variables}


Row = tuple[str, date, PaymentOrCharge, bool, str]
"""A Summary row of :func:`summary`: (variable, day, P Or C, GST applicable, value)."""


def summary(
    h: RunHeader, rows: Iterable[Row], source: str = "summary.csv", *, lines: bool = True
) -> SummaryStatement:
    """A CSV Summary statement of run ``h``.

    Args:
        h: The run.
        rows: ``(variable, day, P Or C, GST, value)`` rows.
        source: The file name it came from.
        lines: Give each row its source line (``summary.csv:2``, ...); without, rows have
            no source.
    """
    return SummaryStatement(
        header=h,
        source=source,
        form="csv",
        rows=[
            SummaryRow(
                variable=v,
                timestamp=d,
                payment_or_charge=p,
                gst_applicable=g,
                value=Decimal(x),
                source=f"{source}:{i + 2}" if lines else None,
            )
            for i, (v, d, p, g, x) in enumerate(rows)
        ],
    )


def week(variable: str, poc: PaymentOrCharge, gst: bool, values: Iterable[str]) -> list[Row]:
    """Rows of one variable, one value per Trading Day from 1 Dec."""
    return [(variable, DAYS[i], poc, gst, v) for i, v in enumerate(values)]


def flat(variable: str, poc: PaymentOrCharge, gst: bool, total: str) -> list[Row]:
    """Rows of one variable whose week adds up to ``total`` (all on the first day, zeros after)."""
    return week(variable, poc, gst, [total, *["0"] * 6])
