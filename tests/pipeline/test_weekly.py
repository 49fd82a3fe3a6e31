"""recon.pipeline.weekly: which Trading Weeks a weekly run asks PaSS about, whether PaSS is
configured, where its reports go, and a run end to end against a real store."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import pytest
from isolation import isolate
from paths import FIXTURES

from recon.config import NotifySettings
from recon.errors import UnsafeNameError
from recon.models.results import CheckResult
from recon.models.weekly import WeekPlan
from recon.pipeline.outputs import OUTPUT_SET
from recon.pipeline.weekly import (
    DEFAULT_LOOKBACK_WEEKS,
    FetchOutcome,
    IssueChanges,
    WeeklyRequest,
    dated_folder,
    fetch_window,
    pass_configured,
    run_weekly,
)
from recon.store.ingest import IngestReport

PLANTED = FIXTURES / "planted_week"

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


def test_dated_folder_files_a_week_under_the_day_and_refuses_a_hostile_code(
    tmp_path: Path,
) -> None:
    day = date(2024, 12, 6)
    assert dated_folder(tmp_path, day, "SWANGEN", WEEK) == (
        tmp_path / "2024-12-06" / "SWANGEN_2024-12-01"
    )
    for code in ("../2024-12-06/X", "A/B", ".hidden", ""):
        with pytest.raises(UnsafeNameError):
            dated_folder(tmp_path, day, code, WEEK)


class Recorder:
    """A WeeklyView that writes down what it was shown, in order."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, object]] = []

    @contextmanager
    def progress(self, title: str) -> Iterator[None]:
        self.calls.append(("progress", title))
        yield None

    def fetched(self, fetched: FetchOutcome, weeks: list[date], download_root: Path) -> None:
        self.calls.append(("fetched", len(weeks)))

    def ingested(self, report: IngestReport, store_path: Path) -> None:
        self.calls.append(("ingested", report.counts["ingested"]))

    def planned(self, plan: WeekPlan) -> None:
        self.calls.append(("planned", list(plan.weeks)))

    def week_checked(self, participant: str, week: date, result: CheckResult | None) -> None:
        self.calls.append(("week_checked", (participant, week, result is not None)))

    def finished(
        self,
        plan: WeekPlan,
        today: date,
        out_root: Path,
        problems: list[str],
        changes: IssueChanges | None,
    ) -> None:
        opened = None if changes is None else len(changes.opened)
        self.calls.append(("finished", (list(problems), opened)))

    def notified(self, settings: NotifySettings) -> None:
        self.calls.append(("notified", settings))


@pytest.fixture()
def no_pass(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No PaSS configuration from this machine's environment or config folder."""
    isolate(monkeypatch, tmp_path)


def test_a_weekly_run_ingests_checks_each_week_files_its_reports_and_is_recorded(
    tmp_path: Path, no_pass: None
) -> None:
    request = WeeklyRequest(
        out_root=tmp_path / "reports",
        download_root=tmp_path / "downloads",
        store_path=tmp_path / "recon.duckdb",
        paths=[PLANTED / "SWANGEN_2024-12-01"],
    )
    view = Recorder()
    done = run_weekly(request, view)
    assert [name for name, _ in view.calls] == [
        "progress", "ingested", "planned", "week_checked", "finished",
    ]  # fmt: skip
    assert view.calls[0] == ("progress", "Ingesting")
    assert view.calls[2] == ("planned", [("SWANGEN", WEEK)])
    assert view.calls[3] == ("week_checked", ("SWANGEN", WEEK, True))
    assert done.exit_code == 1 and done.recorded and done.problems == []
    (week,) = done.weeks
    assert week.folder == tmp_path / "reports" / done.today.isoformat() / "SWANGEN_2024-12-01"
    assert sorted(p.name for p in week.folder.iterdir()) == sorted(OUTPUT_SET)
    assert week.result is not None and week.result.counts["error"] > 0
    assert not (tmp_path / "downloads").exists()  # PaSS not configured: nothing fetched

    again = Recorder()
    second = run_weekly(
        WeeklyRequest(out_root=request.out_root, download_root=request.download_root,
                      store_path=request.store_path, no_reports=True),
        again,
    )  # fmt: skip
    assert ("planned", []) in again.calls  # nothing ingested since the last weekly run
    assert second.exit_code == 0 and second.weeks == [] and second.recorded


def test_an_incomplete_pass_configuration_is_a_problem_and_the_run_is_not_recorded(
    tmp_path: Path, no_pass: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "recon.toml"
    config.write_text('[pass]\nurl = "https://127.0.0.1:9"\n', encoding="utf-8")
    monkeypatch.setenv("RECON_CONFIG", str(config))
    view = Recorder()
    done = run_weekly(
        WeeklyRequest(out_root=tmp_path / "reports", download_root=tmp_path / "downloads",
                      store_path=tmp_path / "recon.duckdb", week=WEEK),
        view,
    )  # fmt: skip
    assert done.exit_code == 2 and not done.recorded
    (problem,) = done.problems
    assert problem.startswith("fetch: missing the participant code")
    assert view.calls[-1] == ("finished", ([problem], None))
    assert not (tmp_path / "reports").exists()
