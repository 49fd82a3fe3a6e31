"""The parts of ``recon weekly`` below the workflow: which weeks a weekly run checks
(recon.store.query) and what it records for the next one (recon.store.history).
(Which Trading Weeks it asks PaSS about: tests/pipeline/test_weekly.py.)

(``run_weekly`` end to end, against the emulator, is in ``tests/test_audit_weekly.py`` and
``tests/store/test_cli.py``.)"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from paths import FIXTURES

from recon.store import ingest, open_store
from recon.store.history import record_weekly
from recon.store.query import last_weekly, plan_weeks

PLANTCO_WEEK = FIXTURES / "planted_week" / "PLANTCO_2024-12-08"
WEEK = date(2024, 12, 1)


def test_the_first_weekly_run_checks_every_week_held(week_store: Path) -> None:
    with open_store(week_store) as store:
        assert last_weekly(store) is None
        plan = plan_weeks(store)
        newest = store.scalar("SELECT max(ingested_at_utc) FROM files")
    assert plan.weeks == [("SWANGEN", WEEK)]
    assert plan.watermark_utc == newest
    assert plan.reason == "every week held (first weekly run)"


def test_week_since_and_participant_choose_the_weeks(week_store: Path) -> None:
    with open_store(week_store) as store:
        assert plan_weeks(store, week=WEEK).weeks == [("SWANGEN", WEEK)]
        assert plan_weeks(store, week=date(2024, 12, 8)).weeks == []
        assert plan_weeks(store, week=WEEK, participant="PLANTCO").weeks == []
        # the runs were published in December 2024 and ingested today
        assert plan_weeks(store, since=date(2024, 12, 1)).weeks == [("SWANGEN", WEEK)]
        later = datetime.now(UTC).date() + timedelta(days=2)
        assert plan_weeks(store, since=later).weeks == []


def test_a_later_weekly_run_checks_only_weeks_with_new_files(week_store: Path) -> None:
    started = datetime.now(UTC).replace(tzinfo=None)
    with open_store(week_store) as store:
        plan = plan_weeks(store)
        record_weekly(store, started_at_utc=started, plan=plan, out_dir=None, exit_code=0)
        assert last_weekly(store) == (started, plan.watermark_utc)
        assert plan_weeks(store).weeks == []  # nothing ingested since
        ingest(store, [PLANTCO_WEEK])
        again = plan_weeks(store)
        row = store.one("SELECT weeks, exit_code FROM weekly_runs")
    assert again.weeks == [("PLANTCO", date(2024, 12, 8))]
    assert again.reason.startswith("weeks with files ingested since the last weekly run")
    assert row is not None and list(row[0]) == ["SWANGEN/2024-12-01"] and row[1] == 0
