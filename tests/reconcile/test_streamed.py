"""A streamed Detail (read one Trading Day at a time, only the tie-out rows kept) gives
every check the same answer as the whole Detail held in memory.

Weeks from ``bench/generate_big.py``: an INITIAL run and its ADJ1 (5% of the values drawn
again, so ranking the changes has work to do), and the planted bad values.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import fixture_scripts
import polars as pl
import pytest

from recon.models.detail import combine_details
from recon.models.statements import Kept, with_values
from recon.reconcile.attribution import (
    _detail_rows,
    attribute,
    changed_by_day,
    changed_values,
)
from recon.reconcile.tieouts import MAX_MISMATCH_FINDINGS, detail_mismatch
from recon.sources.detail_csv import read_detail, stream_detail
from recon.sources.summary_csv import parse_summary_csv


@pytest.fixture(scope="module")
def week(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("streamed")
    first, adj = fixture_scripts.big_week_and_adjustment(
        folder, rows_per_day=120, seed=41, bad=True
    )
    return {
        "detail": first.detail,
        "summary": first.summary,
        "adj_detail": adj.detail,
        "adj_summary": adj.summary,
    }


def test_a_streamed_detail_reads_as_the_whole_one(week: dict[str, Path]) -> None:
    whole = read_detail(week["detail"], cast=True)
    kept = Kept(frozenset({"RTP_G_I"}))
    streamed = stream_detail(week["detail"], kept, cast=True)
    assert streamed.days == whole.days
    assert streamed.findings == whole.findings and streamed.findings  # the planted values
    assert (streamed.source, streamed.sources, streamed.form) == (
        whole.source,
        whole.sources,
        whole.form,
    )
    assert streamed.value_count == whole.value_count
    # Only the kept rows are held ...
    assert streamed.frame.equals(whole.frame.filter(kept.expr()))
    assert streamed.frame.height < whole.frame.height / 5
    # ... and every day reads again as it was.
    for day, frame in streamed.day_frames():
        assert frame.equals(whole.frame.filter(pl.col("settlement_trading_day") == day)), day
    assert streamed.variable_rows("MSQ_F_I").equals(whole.variable_rows("MSQ_F_I"))


def test_the_detail_tie_out_is_the_same_one_day_at_a_time(week: dict[str, Path]) -> None:
    """Two forms that differ in many rows: the first 200 differences and the count of the
    rest, in key order across days, as the whole-week comparison lists them."""
    a = read_detail(week["detail"])
    b = read_detail(week["adj_detail"]).model_copy(update={"header": a.header, "form": "json"})
    whole = detail_mismatch(a, b)
    assert len(whole) > MAX_MISMATCH_FINDINGS  # the cap is reached
    streamed = detail_mismatch(
        stream_detail(week["detail"], Kept()),
        stream_detail(week["adj_detail"], Kept()).model_copy(
            update={"header": a.header, "form": "json"}
        ),
    )
    assert streamed == whole


def _whole_week_detail_rows(cur, prev, lines, top):  # type: ignore[no-untyped-def]
    """What attribution ranked before it went day by day: the whole weeks compared."""
    changed = changed_values(with_values(cur.frame), with_values(prev.frame))
    return _detail_rows(cur.header, prev.header, changed, lines, {}, top)


@pytest.mark.parametrize("top", [1, 3, 20])
def test_attribution_ranks_the_same_changes_day_by_day(week: dict[str, Path], top: int) -> None:
    cur, prev = read_detail(week["adj_detail"]), read_detail(week["detail"])
    changed = changed_by_day(cur, prev, top)
    lines = ["RTMSA_P_D", "CRPAY_P_D", "NOSUCH_P_D"]  # by name, by name, by day
    got = _detail_rows(cur.header, prev.header, changed, lines, {}, top)
    want = _whole_week_detail_rows(cur, prev, lines, top)
    assert got == want
    assert sum(len(v) for v in got.values()) > 0


def test_attribute_is_the_same_streamed(week: dict[str, Path]) -> None:
    s_cur = parse_summary_csv(week["adj_summary"].read_bytes(), str(week["adj_summary"]))
    s_prev = parse_summary_csv(week["summary"].read_bytes(), str(week["summary"]))
    lines = sorted({r.variable for r in s_cur.rows})
    whole = attribute(
        s_cur.header,
        s_prev.header,
        s_cur,
        s_prev,
        read_detail(week["adj_detail"]),
        read_detail(week["detail"]),
        lines,
    )
    streamed = attribute(
        s_cur.header,
        s_prev.header,
        s_cur,
        s_prev,
        stream_detail(week["adj_detail"], Kept()),
        stream_detail(week["detail"], Kept()),
        lines,
    )
    assert streamed == whole
    assert any(r.kind == "detail" for r in whole)


def test_combined_streamed_parts_read_each_day_from_its_part(week: dict[str, Path]) -> None:
    whole = read_detail(week["detail"])
    days = whole.days
    std = pl.col("settlement_trading_day")
    early = whole.model_copy(update={"frame": whole.frame.filter(std <= days[2])})
    early = early.model_copy(update={"days": days[:3]})
    late = whole.model_copy(update={"frame": whole.frame.filter(std > days[2]), "days": days[3:]})
    combined = combine_details([stream_detail(week["detail"], Kept()), early, late], "x")
    assert combined.kept is not None and combined.days == days
    for day, frame in combined.day_frames([days[1], days[5], date(1999, 1, 1)]):
        assert frame.equals(whole.frame.filter(std == day))
