"""recon.pipeline.weekly: which Trading Weeks a weekly run asks PaSS about, whether PaSS is
configured, where its reports go, and a run end to end against a real store."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from pathlib import Path

from recon.pipeline.weekly import DEFAULT_LOOKBACK_WEEKS, fetch_window, pass_configured

WEEK = date(2024, 12, 1)


def test_fetch_window() -> None:
    today = date(2025, 3, 5)  # a Wednesday: its Trading Week starts on Sunday 2 March
    assert fetch_window(week=WEEK, since=None, today=today) == [WEEK]
    assert fetch_window(week=None, since=date(2025, 2, 18), today=today) == [
        date(2025, 2, 16),
        date(2025, 2, 23),
        date(2025, 3, 2),
    ]
    window = fetch_window(week=None, since=None, today=today)
    assert len(window) == DEFAULT_LOOKBACK_WEEKS + 1
    assert window[-1] == date(2025, 3, 2)
    assert all(b - a == timedelta(weeks=1) for a, b in itertools.pairwise(window))
    assert fetch_window(week=None, since=None, today=today, lookback_weeks=0) == [date(2025, 3, 2)]


def test_pass_configured_by_the_environment(tmp_path: Path) -> None:
    assert pass_configured({"RECON_PASS_URL": "https://127.0.0.1:8443"})
    config = tmp_path / "recon.toml"
    config.write_text('[pass]\nurl = "https://127.0.0.1:8443"\n')
    assert pass_configured({"RECON_CONFIG": str(config)})
    config.write_text("[disputes]\nnod_business_days = 10\n")  # no [pass]: not configured
    assert not pass_configured({"RECON_CONFIG": str(config)})
