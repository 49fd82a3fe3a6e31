"""Adjustment attribution: day deltas from the Summaries, changed Detail values ranked."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal as D

import polars as pl
from builders.detail import detail
from builders.runs import header
from builders.summary import summary

from recon.models.statements import (
    Designation,
    DetailStatement,
    PaymentOrCharge,
    RunHeader,
    SummaryStatement,
)
from recon.reconcile.attribution import attribute, changed_values
from recon.wem.calendar import AWST

DAY1, DAY2 = date(2023, 10, 1), date(2023, 10, 2)


def _header(run_id: int, designation: Designation, published: datetime) -> RunHeader:
    return header(
        designation,
        run_id,
        published,
        participant="IMOWA",
        period="TW 01 Oct 2023",
        period_from=DAY1,
    )


PREV = _header(50000, Designation.INITIAL, datetime(2023, 10, 31, 15, 30))
CUR = _header(51000, Designation.ADJ1, datetime(2023, 12, 20, 9, 0))


def _summary(h: RunHeader, values: dict[tuple[str, date], str]) -> SummaryStatement:
    rows = [(v, d, PaymentOrCharge.PAYMENT, True, x) for (v, d), x in values.items()]
    return summary(h, rows, "s.csv", lines=False)


def _intervals(base: list[str], changes: dict[int, str]) -> list[str]:
    out = list(base)
    for k, v in changes.items():
        out[k - 1] = v
    return out


FLAT = ["10.00000000"] * 48
PREV_DETAIL = detail(
    PREV,
    [
        (DAY1, "RTMSA_F_I", "COLLIE_ESR1", FLAT),
        (DAY1, "RTMSA_F_I", "YANDIN_WF1", FLAT),
        (DAY2, "RTMSA_F_I", "COLLIE_ESR1", FLAT),
        (DAY1, "RTMSA_P_D", "IMOWA", ["960.00000000"]),
        (DAY1, "CCP_T_D", "GRASMERE_WF1 F", ["5.5"]),
        (DAY2, "MQ_F_I", "COLLIE_ESR1", FLAT),
    ],
)
CUR_DETAIL = detail(
    CUR,
    [
        (DAY1, "RTMSA_F_I", "COLLIE_ESR1", _intervals(FLAT, {3: "10.00000001", 17: "-2.5"})),
        (DAY1, "RTMSA_F_I", "YANDIN_WF1", _intervals(FLAT, {48: "22.12345678"})),
        (DAY2, "RTMSA_F_I", "COLLIE_ESR1", FLAT),
        (DAY1, "RTMSA_P_D", "IMOWA", ["960.00000000"]),
        (DAY1, "CCP_T_D", "GRASMERE_WF1 F", ["5.5"]),
        # new row only in the ADJ run: counts as changed from nothing
        (DAY2, "NEWTHING_F_D", "COLLIE_ESR1", ["3"]),
        (DAY2, "MQ_F_I", "COLLIE_ESR1", _intervals(FLAT, {1: "9"})),
    ],
)
PREV_SUMMARY = _summary(
    PREV,
    {
        ("RTMSA_P_D", DAY1): "960.00000000",
        ("RTMSA_P_D", DAY2): "480",
        ("CCP_P_D", DAY1): "5.5",
        ("CCP_P_D", DAY2): "1",
    },
)
CUR_SUMMARY = _summary(
    CUR,
    {
        ("RTMSA_P_D", DAY1): "960.00000000",
        ("RTMSA_P_D", DAY2): "479.87654323",
        ("CCP_P_D", DAY1): "5.5",
        ("CCP_P_D", DAY2): "4.25",
        ("MISC_P_D", DAY2): "-1",
    },
)


def _run(lines: list[str], top: int = 20):
    return attribute(CUR, PREV, CUR_SUMMARY, PREV_SUMMARY, CUR_DETAIL, PREV_DETAIL, lines, top=top)


def test_changed_values_ranked_by_abs_change_exactly() -> None:
    ch = changed_values(CUR_DETAIL.frame, PREV_DETAIL.frame)
    got = [
        (r["variable"], r["scope"], r["position"], r["change"]) for r in ch.iter_rows(named=True)
    ]
    assert got == [
        ("RTMSA_F_I", "COLLIE_ESR1", 17, D("-12.5")),
        ("RTMSA_F_I", "YANDIN_WF1", 48, D("12.12345678")),
        ("NEWTHING_F_D", "COLLIE_ESR1", 1, D("3")),
        ("MQ_F_I", "COLLIE_ESR1", 1, D("-1")),
        ("RTMSA_F_I", "COLLIE_ESR1", 3, D("0.00000001")),
    ]
    new = ch.filter(pl.col("variable") == "NEWTHING_F_D").row(0, named=True)
    assert new["previous"] is None and new["current"] == D(3)


def test_duplicated_rows_are_summed() -> None:
    dup = [
        (DAY1, "RTMSA_F_D", "X", ["1.25"]),
        (DAY1, "RTMSA_F_D", "X", ["2"]),
        (DAY2, "RTMSA_F_D", "X", ["7"]),
    ]
    prev = detail(PREV, dup).frame
    cur = detail(CUR, [(DAY1, "RTMSA_F_D", "X", ["3.25"]), (DAY2, "RTMSA_F_D", "X", ["8"])]).frame
    ch = changed_values(cur, prev)
    assert [
        (r["settlement_trading_day"], r["previous"], r["change"]) for r in ch.iter_rows(named=True)
    ] == [(DAY2, D("7"), D("1"))]


def test_day_rows_from_summaries() -> None:
    rows = [r for r in _run(["RTMSA_P_D", "CCP_P_D", "MISC_P_D"]) if r.kind == "day"]
    got = [(r.line_variable, r.rank, r.trading_day, r.previous, r.current, r.change) for r in rows]
    assert got == [
        ("RTMSA_P_D", 1, DAY2, D("480"), D("479.87654323"), D("-0.12345677")),
        ("CCP_P_D", 1, DAY2, D("1"), D("4.25"), D("3.25")),
        ("MISC_P_D", 1, DAY2, None, D("-1"), D("-1")),
    ]
    assert all(r.run_id == 51000 and r.previous_run_id == 50000 for r in rows)


def test_detail_rows_related_by_base_ranked() -> None:
    rows = [r for r in _run(["RTMSA_P_D"]) if r.kind == "detail"]
    got = [(r.rank, r.variable, r.scope, r.trading_day, r.change) for r in rows]
    assert got == [
        (1, "RTMSA_F_I", "COLLIE_ESR1", DAY1, D("-12.5")),
        (2, "RTMSA_F_I", "YANDIN_WF1", DAY1, D("12.12345678")),
        (3, "RTMSA_F_I", "COLLIE_ESR1", DAY1, D("0.00000001")),
    ]
    first = rows[0]
    assert first.previous == D("10") and first.current == D("-2.5")
    # interval 17 of 1 Oct: 16:00-16:30 AWST
    assert first.interval_start == datetime(2023, 10, 1, 16, 0, tzinfo=AWST)
    assert first.interval_end == datetime(2023, 10, 1, 16, 30, tzinfo=AWST)
    assert rows[1].interval_start == datetime(2023, 10, 2, 7, 30, tzinfo=AWST)


def test_unrelated_line_falls_back_to_its_days() -> None:
    # CCP_P_D has no changed CCP* Detail value: the changed values of 2 Oct are listed
    rows = [r for r in _run(["CCP_P_D"]) if r.kind == "detail"]
    got = [(r.rank, r.variable, r.change) for r in rows]
    assert got == [(1, "NEWTHING_F_D", D("3")), (2, "MQ_F_I", D("-1"))]
    assert rows[0].interval_start == datetime(2023, 10, 2, 8, 0, tzinfo=AWST)
    assert rows[0].interval_end == datetime(2023, 10, 3, 8, 0, tzinfo=AWST)


def test_top_limits_detail_rows_per_line() -> None:
    rows = _run(["RTMSA_P_D", "CCP_P_D"], top=1)
    detail = [(r.line_variable, r.rank, r.change) for r in rows if r.kind == "detail"]
    assert detail == [("RTMSA_P_D", 1, D("-12.5")), ("CCP_P_D", 1, D("3"))]
    # order: each line's day rows, then its detail rows
    assert [(r.line_variable, r.kind) for r in rows] == [
        ("RTMSA_P_D", "day"),
        ("RTMSA_P_D", "detail"),
        ("CCP_P_D", "day"),
        ("CCP_P_D", "detail"),
    ]


def test_own_detail_copy_left_out_when_others_changed() -> None:
    def own(value: str) -> DetailStatement:
        frame = PREV_DETAIL.frame if value == "960" else CUR_DETAIL.frame
        extra = detail(CUR, [(DAY1, "RTMSA_P_D", "IMOWA", [value])]).frame
        return DetailStatement(
            header=CUR,
            days=[DAY1, DAY2],
            source="d.zip",
            form="zip",
            frame=pl.concat([frame.filter(pl.col("variable") != "RTMSA_P_D"), extra]),
        )

    rows = attribute(CUR, PREV, CUR_SUMMARY, PREV_SUMMARY, own("950"), own("960"), ["RTMSA_P_D"])
    assert [r.variable for r in rows if r.kind == "detail"] == ["RTMSA_F_I"] * 3
    # alone, the line's own Detail copy is what relates to it
    only_own = [(DAY1, "RTMSA_P_D", "IMOWA", ["960"])]
    rows = attribute(
        CUR,
        PREV,
        CUR_SUMMARY,
        PREV_SUMMARY,
        detail(CUR, [(DAY1, "RTMSA_P_D", "IMOWA", ["950"])]),
        detail(PREV, only_own),
        ["RTMSA_P_D"],
    )
    assert [(r.variable, r.change) for r in rows if r.kind == "detail"] == [("RTMSA_P_D", D("-10"))]


def test_without_detail_only_day_rows() -> None:
    rows = attribute(CUR, PREV, CUR_SUMMARY, PREV_SUMMARY, None, PREV_DETAIL, ["RTMSA_P_D"])
    assert [r.kind for r in rows] == ["day"]


def test_rows_survive_json_round_trip_exactly() -> None:
    from recon.models.results import AttributionRow

    for r in _run(["RTMSA_P_D"]):
        back = AttributionRow.model_validate_json(r.model_dump_json())
        assert back.change == r.change and back.interval_start == r.interval_start
