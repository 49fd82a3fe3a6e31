"""AEMO's side of the own-data tie-out (SPEC §9): weeks and each day's latest run, one
variable's values per interval, the interval a position covers."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal as D

import polars as pl
import pytest
from builders.own import ADJ1, DAY, INITIAL, detail

from recon.reconcile.own_weeks import (
    KEYS,
    detail_values,
    interval_bounds,
    latest_values,
    plain_number,
    target_interval,
    week_views,
)
from recon.wem.calendar import AWST


def test_each_day_is_settled_by_the_latest_run_holding_it() -> None:
    week = week_views([detail(ADJ1, ["2"] * 48), "not a Detail", detail(INITIAL, ["1"] * 48)])
    (w,) = week_views([detail(INITIAL, ["1"] * 48), detail(ADJ1, ["2"] * 48)])
    assert len(week) == 1 and week[0].latest == w.latest == {DAY: ADJ1.run_id}
    assert (w.participant, w.period, w.days) == ("SWANGEN", "TW 01 Dec 2024", [DAY])
    assert sorted(w.headers) == [INITIAL.run_id, ADJ1.run_id]
    values = latest_values(w, "MSQ_F_I")
    assert values.height == 48
    assert set(values.get_column("run_id")) == {ADJ1.run_id}
    assert set(values.get_column("aemo")) == {D("2")}


def test_a_runs_csv_detail_is_preferred_to_its_json() -> None:
    csv = detail(INITIAL, ["1"] * 48)
    json = csv.model_copy(update={"form": "json", "source": "d.json"})
    (w,) = week_views([json, csv])
    assert w.details[INITIAL.run_id] == [csv]


def test_detail_values_are_one_row_per_interval_of_the_variable() -> None:
    values = detail_values([detail(INITIAL, ["8.21", "5", "-0.5"])], "MSQ_F_I", {DAY})
    assert values.columns == [*KEYS, "aemo", "aemo_source"]
    assert values.get_column("position").to_list() == [1, 2, 3]
    assert values.get_column("aemo").to_list() == [D("8.21"), D("5"), D("-0.5")]
    assert values.schema["aemo"] == pl.Decimal(38, 8)
    assert set(values.get_column("aemo_source")) == {"d.csv:2"}
    assert detail_values([detail(INITIAL, ["1"])], "OTHER_F_I", {DAY}).height == 0
    assert detail_values([detail(INITIAL, ["1"])], "MSQ_F_I", {DAY + timedelta(1)}).height == 0


@pytest.mark.parametrize(
    ("variable", "length", "end"),
    [("MSQ_F_I", timedelta(minutes=30), "08:30"), ("FCESS_F_DI", timedelta(minutes=5), "08:05")],
)
def test_a_position_covers_a_trading_or_dispatch_interval(
    variable: str, length: timedelta, end: str
) -> None:
    assert target_interval(variable) == length
    start, stop = interval_bounds(variable, DAY, 1)
    assert start == datetime(2024, 12, 3, 8, 0, tzinfo=AWST)
    assert f"{stop:%H:%M}" == end and stop.date() == date(2024, 12, 3)


@pytest.mark.parametrize(
    ("value", "text"),
    [(D("8.22000000"), "8.22"), (D("-0.50"), "-0.5"), (D("12.000"), "12"), (D(120), "120")],
)
def test_a_figure_in_a_sentence_has_no_trailing_zeros(value: D, text: str) -> None:
    assert plain_number(value) == text
    assert plain_number(None) == "none"
