"""Shared fixtures: the sample week's paths, writers of small Guide-shaped CSV/ZIP files,
and headless Chromium printing an HTML report to PDF.

The writers build Summary CSV (Guide Table 4) and Detail CSV/ZIP (Guide Table 5) bytes
row by row, so a test can plant exactly one malformed field and know its line number.
They are handed out through the session-scoped ``wem_csv`` fixture (usable with
hypothesis) rather than imported, so that test modules never import ``conftest``.

The PaSS emulator's fixtures (a fresh PKI, the mini week, the emulator over TLS, clients on
a fake clock) are one plugin, ``tests/support/emulator_fixtures.py``, that every test
folder can use; ``tests/support`` (on pytest's ``pythonpath``) also holds the helpers they
are built from, ``emulator_testing`` (kept out of the wheel).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

pytest_plugins = ["emulator_fixtures"]

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = REPO_ROOT / "fixtures"
SAMPLE_WEEK = FIXTURES / "sample_week"
EXPECTED_JSON = FIXTURES / "expected.json"

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
"""The run header every helper row carries unless a test overrides a field."""

FIRST_DAY = "2024-12-01"


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


def summary_bytes(rows: Iterable[Mapping[str, str]], **kwargs: Any) -> bytes:
    """Summary CSV bytes (columns of Guide Table 4). See :func:`csv_bytes`."""
    return csv_bytes(SUMMARY_COLUMNS, rows, **kwargs)


def detail_bytes(rows: Iterable[Mapping[str, str]], **kwargs: Any) -> bytes:
    """Detail CSV bytes (columns of Guide Table 5). See :func:`csv_bytes`."""
    return csv_bytes(DETAIL_COLUMNS, rows, **kwargs)


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


@pytest.fixture(scope="session")
def wem_csv() -> SimpleNamespace:
    """The CSV/ZIP writers and the default header, as one namespace (session-scoped)."""
    return SimpleNamespace(
        HEADER=HEADER,
        FIRST_DAY=FIRST_DAY,
        SUMMARY_COLUMNS=SUMMARY_COLUMNS,
        DETAIL_COLUMNS=DETAIL_COLUMNS,
        plain=plain,
        array_text=array_text,
        summary_row=summary_row,
        detail_row=detail_row,
        csv_bytes=csv_bytes,
        summary_bytes=summary_bytes,
        detail_bytes=detail_bytes,
        zip_bytes=zip_bytes,
    )


@pytest.fixture
def write_file(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Return ``write(name, data) -> Path``, writing bytes to a file under ``tmp_path``."""

    def write(name: str, data: bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    return write


@pytest.fixture(scope="session")
def sample_week() -> Path:
    """The generated sample week folder (``fixtures/sample_week``, committed)."""
    return SAMPLE_WEEK


@pytest.fixture(scope="session")
def expected() -> dict[str, Any]:
    """``fixtures/expected.json`` as written by the generator (committed)."""
    return json.loads(EXPECTED_JSON.read_text(encoding="utf-8"))


CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
"""Headless Chromium without a sandbox, a GPU or any network of its own."""


def _chromium() -> str:
    """The Chromium executable; skip the test when there is none, fail it when CI is set."""
    exe = shutil.which("chromium")
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail(
                "chromium is not installed, and CI is set: the HTML print tests must "
                "run in CI (apt-get install chromium)"
            )
        pytest.skip(
            "chromium is not installed (apt-get install chromium); set CI=1 to make this a failure"
        )
    return exe


def _print_pdf(html: Path, pdf: Path, profile: Path) -> None:
    cmd = [
        _chromium(),
        *CHROMIUM_FLAGS,
        f"--user-data-dir={profile}",
        "--no-pdf-header-footer",
        f"--print-to-pdf={pdf}",
        html.as_uri(),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=180, check=False)
    assert pdf.is_file() and pdf.stat().st_size > 0, (
        f"chromium wrote no PDF (exit {proc.returncode}): {proc.stderr[-2000:]}"
    )


@pytest.fixture(scope="session")
def print_pdf() -> Callable[[Path, Path, Path], None]:
    """Return ``print_pdf(html, pdf, profile)``: headless Chromium prints the HTML file to
    the PDF (A4, no header or footer) with ``profile`` as its user-data folder.

    Chromium is looked for when it is called, so a test's checks before the print run
    anyway: without Chromium the test is skipped there, or fails when the environment
    variable CI is set.
    """
    return _print_pdf


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """A passing run removes what it wrote: the session's temporary folder (pytest's
    ``tmp_path_retention_policy = "failed"`` removes each passing test's own folder, not
    the folders fixtures share). A failing run keeps it, to look at."""
    if exitstatus != 0:
        return
    factory = getattr(session.config, "_tmp_path_factory", None)
    base = getattr(factory, "_basetemp", None) if factory is not None else None
    if base is not None:
        shutil.rmtree(base, ignore_errors=True)
