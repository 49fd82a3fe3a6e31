"""Shared fixtures: the sample week's paths, writers of small Guide-shaped CSV/ZIP files,
and headless Chromium printing an HTML report to PDF.

The writers of Summary CSV (Guide Table 4) and Detail CSV/ZIP (Guide Table 5) bytes live
in the ``builders`` package (``tests/support/builders``); the session-scoped ``wem_csv``
fixture (usable with hypothesis) hands them out as one namespace.

The PaSS emulator's fixtures (a fresh PKI, the mini week, the emulator over TLS, clients on
a fake clock) are one plugin, ``tests/support/emulator_fixtures.py``, that every test
folder can use; ``tests/support`` (on pytest's ``pythonpath``) also holds the helpers they
are built from, ``emulator_testing`` (kept out of the wheel).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from builders.detail import detail_bytes, detail_row
from builders.files import (
    DETAIL_COLUMNS,
    FIRST_DAY,
    HEADER,
    SUMMARY_COLUMNS,
    array_text,
    csv_bytes,
    plain,
    zip_bytes,
)
from builders.summary import summary_bytes, summary_row
from paths import FIXTURES

pytest_plugins = ["emulator_fixtures"]

SAMPLE_WEEK = FIXTURES / "sample_week"
EXPECTED_JSON = FIXTURES / "expected.json"


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
