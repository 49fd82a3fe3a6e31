"""The Guide's file layout for hand-made artefacts: the run header, plain numbers, CSV and
ZIP bytes (Guide Tables 4 and 5), written independently of recon's readers."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

HEADER_COLUMNS = (
    "RunId",
    "PublishedAt",
    "MarketService",
    "Designation",
    "Period",
    "PeriodFrom",
    "PeriodTo",
    "ParticipantCode",
)
SUMMARY_COLUMNS = (*HEADER_COLUMNS, "Variable", "Timestamp", "P Or C", "GST Applicable", "Value")
DETAIL_COLUMNS = (
    *HEADER_COLUMNS,
    "Settlement Trading Day",
    "Variable",
    "Scope",
    "Timestamp",
    "Value",
)

HEADER: dict[str, str] = {
    "RunId": "51230",
    "PublishedAt": "2024-12-19T15:30:45",
    "MarketService": "WEM",
    "Designation": "INITIAL",
    "Period": "TW 01 Dec 2024",
    "PeriodFrom": "2024-12-01",
    "PeriodTo": "2024-12-07",
    "ParticipantCode": "SWANGEN",
}
"""The run header every CSV row carries unless a test overrides a field (SWANGEN's
INITIAL run 51230 of TW 01 Dec 2024)."""

FIRST_DAY = "2024-12-01"
"""The first Trading Day of :data:`HEADER`'s week."""


def json_header(**changes: Any) -> dict[str, Any]:
    """The run header of a JSON statement or invoice (SPEC §3.3), as :data:`HEADER`.

    Args:
        **changes: JSON keys to set or override (``runId=50000``).
    """
    head: dict[str, Any] = {
        "runId": int(HEADER["RunId"]),
        "publishedAt": HEADER["PublishedAt"],
        "marketService": HEADER["MarketService"],
        "designation": HEADER["Designation"],
        "period": HEADER["Period"],
        "periodFrom": HEADER["PeriodFrom"],
        "periodTo": HEADER["PeriodTo"],
        "participantCode": HEADER["ParticipantCode"],
    }
    head.update(changes)
    return head


def plain(value: Decimal | str | int) -> str:
    """Format a number as AEMO writes it: plain digits, never an exponent.

    Args:
        value: A Decimal, int or already-formatted text.

    Returns:
        The text, e.g. ``-0.00000001`` for ``Decimal("-1E-8")``.
    """
    if isinstance(value, str):
        return value
    return format(Decimal(value), "f")


def array_text(values: Iterable[Decimal | str | int]) -> str:
    """Return a Value array as the Detail CSV writes it, e.g. ``[1.5,-2,0.00000001]``.

    Args:
        values: The elements, as numbers or as literal texts.
    """
    return "[" + ",".join(plain(v) for v in values) + "]"


def _field(text: str, *, force_quote: bool) -> str:
    if force_quote or any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_bytes(
    columns: Sequence[str],
    rows: Iterable[Mapping[str, str]],
    *,
    bom: bool = False,
    newline: str = "\r\n",
    quote_values: bool = True,
    trailing_newline: bool = True,
) -> bytes:
    """Write rows as CSV bytes in the Guide's layout.

    Fields holding a comma or quote are quoted (as a quoted NC scope); the Value column of
    a Detail file is quoted like AEMO's ``"[v1,v2]"`` unless ``quote_values`` is False,
    in which case it is written bare (``[v1,v2]``), as some tools save it.

    Args:
        columns: The header row, in order.
        rows: Column -> text mappings; a column missing from a row is written empty.
        bom: Start with a UTF-8 byte-order mark.
        newline: Line terminator (``\\r\\n`` or ``\\n``).
        quote_values: Quote ``[...]`` Value arrays.
        trailing_newline: End the last row with ``newline``.
    """
    lines = [",".join(_field(c, force_quote=False) for c in columns)]
    for row in rows:
        out = []
        for col in columns:
            text = row.get(col, "")
            if col == "Value" and text.startswith("["):
                out.append(_field(text, force_quote=True) if quote_values else text)
            else:
                out.append(_field(text, force_quote=False))
        lines.append(",".join(out))
    body = newline.join(lines) + (newline if trailing_newline else "")
    return (b"\xef\xbb\xbf" if bom else b"") + body.encode("utf-8")


def zip_bytes(members: Mapping[str, bytes]) -> bytes:
    """Return a deflated ZIP holding ``members`` (name -> bytes), in memory.

    Args:
        members: Member name -> content, written in the given order.
    """
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()
