"""recon.models.detail: joining Detail parts, a run's Period, the capped finding collector."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import polars as pl
from paths import FIXTURES

from recon.models.detail import (
    DETAIL_KEY,
    MAX_FINDINGS_PER_CHECK,
    MAX_PERIOD_DAYS,
    FindingCollector,
    combine_details,
    period_days,
    source_ref,
)
from recon.models.statements import DetailStatement
from recon.sources.detect import sniff
from recon.sources.loading import load_artefact as load

SAMPLE = FIXTURES / "sample_week"
DAYS = sorted((SAMPLE / "json").glob("SWANGEN_51230_INITIAL_SettlementStatementDetail_*.json"))


def _detail(path: Path) -> DetailStatement:
    model = load(sniff(path))
    assert isinstance(model, DetailStatement)
    return model


def _keys(d: DetailStatement) -> pl.DataFrame:
    return d.with_values().frame.select(*DETAIL_KEY, "values").sort(DETAIL_KEY)


def test_period_days_of_the_sample_week() -> None:
    header = _detail(DAYS[0]).header
    assert period_days(header) == [date(2024, 12, 1) + timedelta(days=i) for i in range(7)]


def test_period_days_is_capped_and_never_negative() -> None:
    header = _detail(DAYS[0]).header
    hostile = header.model_copy(
        update={"period_from": date(1, 1, 1), "period_to": date(9999, 12, 31)}
    )
    days = period_days(hostile)
    assert len(days) == MAX_PERIOD_DAYS
    assert days[0] == date(1, 1, 1)
    backwards = header.model_copy(
        update={"period_from": date(2024, 12, 7), "period_to": date(2024, 12, 1)}
    )
    assert period_days(backwards) == []


def test_combining_the_json_days_gives_the_zip() -> None:
    assert len(DAYS) == 7
    combined = combine_details([_detail(p) for p in DAYS], "json days")
    assert combined.days == [date(2024, 12, 1) + timedelta(days=i) for i in range(7)]
    assert combined.source == "json days"
    assert len(combined.sources) == 7
    assert combined.form == "json"
    zip_detail = _detail(SAMPLE / "csv" / "SWANGEN_51230_INITIAL_SettlementStatementDetail.zip")
    assert _keys(combined).equals(_keys(zip_detail))
    assert [f for f in combined.findings if f.check == "data.duplicate"] == []


def test_a_day_given_twice_is_kept_once_and_each_repeat_reported() -> None:
    day = _detail(DAYS[3])
    combined = combine_details([day, day], "twice")
    assert combined.frame.height == day.frame.height
    dups = [f for f in combined.findings if f.check == "data.duplicate"]
    # every row repeats; the collector lists the first MAX_FINDINGS_PER_CHECK and counts the rest
    assert len(dups) == min(day.frame.height, MAX_FINDINGS_PER_CHECK) + (
        day.frame.height > MAX_FINDINGS_PER_CHECK
    )
    assert "appears again" in dups[0].message


def test_one_part_is_returned_as_it_is() -> None:
    day = _detail(DAYS[0])
    assert combine_details([day], "x") is day


def test_the_collector_caps_each_check() -> None:
    header = _detail(DAYS[0]).header
    out = FindingCollector(header)
    for i in range(MAX_FINDINGS_PER_CHECK + 5):
        out.add("data.value", f"bad {i}", source=source_ref("f.csv", i + 2))
    out.add("data.duplicate", "once", source="f.csv:9")
    findings = out.close()
    values = [f for f in findings if f.check == "data.value"]
    assert len(values) == MAX_FINDINGS_PER_CHECK + 1
    assert values[-1].message.startswith("5 more rows have this problem")
    assert values[-1].source == f"f.csv:{MAX_FINDINGS_PER_CHECK + 2}"  # the first row not listed
    assert [f.message for f in findings if f.check == "data.duplicate"] == ["once"]
    assert all(f.participant == "SWANGEN" and f.run_id == 51230 for f in findings)


def test_source_ref() -> None:
    assert source_ref("a.zip!b.csv", 7) == "a.zip!b.csv:7"
