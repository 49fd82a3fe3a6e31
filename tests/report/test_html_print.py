"""report.html printed to A4 PDF by headless Chromium, checked with pdfplumber.

Every table stays within the page, no word is split (no ``SOFEE_P_`` / ``D``), no page but
the last is near-empty, and the planted week's findings are at least three times denser
than before issue 15: then 23 findings took 26 pages (0.88 findings a page); the print
now leaves out rows that agree (they stay on screen and in report.xlsx).

Skips only when Chromium is not installed and the environment variable CI is unset; in CI
a missing browser is a failure.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pdfplumber
from paths import REPO as ROOT

import recon
from recon.models.results import CheckResult
from recon.report.html import write_html

DENSITY_BEFORE = 23 / 26
"""Findings per printed page of the planted week before issue 15 (23 findings, 26 pages)."""

A4_POINTS = (595.0, 842.0)


def _words(pages: list) -> list[str]:  # type: ignore[type-arg]
    return [w["text"] for p in pages for w in p.extract_words()]


def _within_pages(pages: list) -> None:  # type: ignore[type-arg]
    for i, page in enumerate(pages):
        assert abs(page.width - A4_POINTS[0]) < 2 and abs(page.height - A4_POINTS[1]) < 2
        right = max((c["x1"] for c in page.chars), default=0)
        assert right <= page.width - 5, f"page {i + 1}: text runs off the page ({right})"


def _no_near_empty_page(pages: list) -> None:  # type: ignore[type-arg]
    for i, page in enumerate(pages[:-1]):
        bottom = max((c["bottom"] for c in page.chars), default=0)
        assert bottom > 0.5 * page.height, (
            f"page {i + 1} is near-empty ({bottom / page.height:.0%})"
        )


def test_prints_to_a4_with_the_verdict_first(
    result: CheckResult, tmp_path: Path, print_pdf: Callable[[Path, Path, Path], None]
) -> None:
    html = write_html(result, tmp_path / "report.html")
    pdf = tmp_path / "report.pdf"
    print_pdf(html, pdf, tmp_path / "profile")
    assert 10_000 < pdf.stat().st_size < 5_000_000
    with pdfplumber.open(pdf) as doc:
        pages = doc.pages
        assert 1 <= len(pages) <= 4, len(pages)
        _within_pages(pages)
        _no_near_empty_page(pages)
        texts = [p.extract_text() or "" for p in pages]
        words = _words(pages)
    assert "5 errors found" in texts[0]
    all_text = "".join(texts)
    assert all_text.index("INITIAL · run 50000") < all_text.index("ADJ1 · run 51000")
    assert "<script>alert(1)</script>" in all_text  # shown as text, not run
    assert "RTMSA_P_D" in words and not [w for w in words if w.endswith("_")]


def test_planted_week_prints_densely_with_no_word_split(
    tmp_path: Path, print_pdf: Callable[[Path, Path, Path], None]
) -> None:
    result = recon.check(ROOT / "fixtures" / "planted_week")
    html = write_html(result, tmp_path / "report.html")
    pdf = tmp_path / "report.pdf"
    print_pdf(html, pdf, tmp_path / "profile")
    with pdfplumber.open(pdf) as doc:
        pages = doc.pages
        _within_pages(pages)
        _no_near_empty_page(pages)
        words = _words(pages)
        count = len(pages)
    findings = len(result.findings)
    assert findings / count >= 3 * DENSITY_BEFORE, f"{findings} findings on {count} pages"
    split = [w for w in words if w.endswith("_") or w.startswith("_")]
    assert not split, split
    codes = {f.variable for f in result.findings if f.variable} | {f.check for f in result.findings}
    for code in codes:
        assert any(code in w for w in words), f"{code} is not whole anywhere in the PDF"
    for f in result.findings:
        if f.difference and len(f.difference) < 16:
            shown = format(abs(Decimal(f.difference)), ",f").rstrip("0").rstrip(".")
            assert any(shown in w for w in words), f"{shown} split or missing"
