"""report/formatting: how the reports write money, figures, times and sources."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal as D

import pytest

from recon.report.formatting import (
    as_figure,
    awst_text,
    breakable,
    common_folder,
    exact_text,
    figure_text,
    interval_text,
    is_negative,
    money_text,
    naive_awst,
    short_source,
    to_awst,
)


@pytest.mark.parametrize(
    ("value", "money", "exact"),
    [
        (D("-1234.5"), "-1,234.50", "-1,234.50"),
        (D("1234.567"), "1,234.567", "1,234.567"),
        (D("0.12345678"), "0.12345678", "0.12345678"),
        (D("1000000"), "1,000,000.00", "1,000,000.00"),
        (None, "", ""),
    ],
)
def test_money_and_exact_text(value: D | None, money: str, exact: str) -> None:
    assert money_text(value) == money
    assert exact_text(value) == exact


def test_figures_from_finding_text() -> None:
    assert as_figure("12.5") == D("12.5") and isinstance(as_figure("12.5"), D)
    assert as_figure("after 2024-12-01") == "after 2024-12-01"
    assert as_figure(None) is None
    assert figure_text("1234567.125") == "1,234,567.125"
    assert figure_text("Y") == "Y"
    assert is_negative(D("-0.01")) and not is_negative(D("0")) and not is_negative(-1)


def test_times_are_shown_in_awst() -> None:
    utc = datetime(2024, 12, 1, 0, 0, tzinfo=UTC)
    assert to_awst(utc).utcoffset() == timedelta(hours=8) and to_awst(utc).hour == 8
    assert naive_awst(utc) == datetime(2024, 12, 1, 8, 0)
    assert naive_awst(None) is None
    assert awst_text(datetime(2024, 12, 1, 15, 30, 5)) == "2024-12-01 15:30 AWST"
    assert awst_text(datetime(2024, 12, 1, 15, 30, 5), seconds=True) == "2024-12-01 15:30:05 AWST"
    assert awst_text(date(2024, 12, 1)) == "2024-12-01"
    assert awst_text(None) == ""


def test_intervals() -> None:
    assert interval_text(datetime(2024, 12, 1, 16), datetime(2024, 12, 1, 16, 30)) == (
        "2024-12-01 16:00–16:30"
    )
    assert interval_text(datetime(2024, 12, 1, 23, 30), datetime(2024, 12, 2)) == (
        "2024-12-01 23:30 – 2024-12-02 00:00"
    )
    assert interval_text(None, None) == ""


def test_sources_are_shortened_and_break_only_at_marks() -> None:
    assert short_source("a/b/x.json#/rcti/total") == "x.json#/rcti/total"
    assert short_source("a/x.pdf vs b/y.json#/a") == "x.pdf vs y.json#/a"
    assert str(breakable("a/b#c:d!e")) == "a/<wbr>b#<wbr>c:<wbr>d!<wbr>e"
    assert str(breakable("<RTEP_G_DI>")) == "&lt;RTEP_G_DI&gt;"  # escaped, no break inside
    assert common_folder(["a/b/x.csv", "a/b/y.csv"]) == "a/b/"
    assert common_folder(["a/x.csv"]) == "" and common_folder([]) == ""
