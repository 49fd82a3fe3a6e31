"""recon.models.statements: designations, the run header, and a Detail statement's rows:
validated Value text cast exactly, the rows a streamed statement keeps, and every row of a
day read again (from memory, or through the reader of a streamed statement).

Statements as the readers build them from files are in ``tests/sources``; here they are
built from small frames in the test.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import polars as pl
import pytest
from pydantic import ValidationError

from recon.models.statements import (
    DETAIL_SCHEMA,
    DETAIL_TEXT_SCHEMA,
    Designation,
    DetailRow,
    DetailStatement,
    Kept,
    RunHeader,
    compact,
    frame_value_count,
    with_values,
)

D1, D2, D3 = date(2024, 12, 1), date(2024, 12, 2), date(2024, 12, 3)
HEADER = RunHeader(
    run_id=51230,
    published_at=datetime(2024, 12, 19, 15, 30, 45),
    designation=Designation.INITIAL,
    period="TW 01 Dec 2024",
    period_from=D1,
    period_to=date(2024, 12, 7),
    participant="SWANGEN",
)


def _text_frame(rows: list[tuple[date, str, str, str]]) -> pl.DataFrame:
    """(day, variable, scope, value text) rows as a :data:`DETAIL_TEXT_SCHEMA` frame."""
    return pl.DataFrame(
        {
            "settlement_trading_day": [r[0] for r in rows],
            "variable": [r[1] for r in rows],
            "scope": [r[2] for r in rows],
            "timestamp": [r[0] for r in rows],
            "value_text": [r[3] for r in rows],
            "n_values": [r[3].count(",") + 1 for r in rows],
            "source_file": ["d.csv"] * len(rows),
            "source_line": list(range(2, len(rows) + 2)),
        },
        schema=DETAIL_TEXT_SCHEMA,
    )


ROWS = [
    (D1, "RTMSA_P_D", "P", "[1.5,-2]"),
    (D1, "MSQ_F_I", "SWAN_1", "[0.00000001,3,4]"),
    (D2, "RTMSA_P_D", "P", "[7]"),
    (D2, "MSQ_F_I", "SWAN_1", "[5,6,99999999999999.99999999]"),
]


def _statement(**kw: Any) -> DetailStatement:
    fields: dict[str, Any] = {
        "header": HEADER,
        "days": [D1, D2],
        "frame": _text_frame(ROWS),
        "source": "d.csv",
        "form": "csv",
    }
    return DetailStatement(**(fields | kw))


def _values(frame: pl.DataFrame) -> list[list[Decimal]]:
    return frame.get_column("values").to_list()


# ----------------------------------------------------------------- designation, header


def test_designations_order_and_adjustments() -> None:
    assert [d.order for d in Designation] == [0, 1, 2, 3]
    assert [d.is_adjustment for d in Designation] == [False, True, True, True]
    with pytest.raises(ValueError, match="'ADJ4' is not a valid Designation"):
        Designation("ADJ4")


def test_a_run_header_is_keyed_by_participant_period_and_run() -> None:
    assert HEADER.key == ("SWANGEN", "TW 01 Dec 2024", 51230)
    assert HEADER.market_service == "WEM"
    with pytest.raises(ValidationError):
        HEADER.run_id = 1  # type: ignore[misc]


# ---------------------------------------------------------------- values from text


def test_with_values_casts_validated_text_exactly() -> None:
    frame = with_values(_text_frame(ROWS))
    assert dict(frame.schema) == DETAIL_SCHEMA
    assert _values(frame) == [
        [Decimal("1.5"), Decimal("-2")],
        [Decimal("0.00000001"), Decimal("3"), Decimal("4")],
        [Decimal("7")],
        [Decimal("5"), Decimal("6"), Decimal("99999999999999.99999999")],
    ]
    assert with_values(frame) is frame  # already cast: as it is


def test_with_values_takes_ascii_white_space_around_elements() -> None:
    frame = with_values(_text_frame([(D1, "V_P_D", "P", "[ 1.25,\t2 ,\r\n3 ]")]))
    assert _values(frame) == [[Decimal("1.25"), Decimal("2"), Decimal("3")]]


@pytest.mark.parametrize("space", list(" \t\r\n\f\v"), ids=repr)
def test_with_values_takes_each_ascii_white_space_character_alone(space: str) -> None:
    # The batch is searched for white space once; each of the six characters is found.
    rows = [(D1, "V_P_D", "P", "[1,2]"), (D2, "V_P_D", "P", f"[4,{space}5{space}]")]
    frame = with_values(_text_frame(rows))
    assert _values(frame) == [[Decimal("1"), Decimal("2")], [Decimal("4"), Decimal("5")]]


def test_frame_value_count_of_text_cast_and_empty_frames() -> None:
    text = _text_frame(ROWS)
    assert frame_value_count(text) == 2 + 3 + 1 + 3
    assert frame_value_count(with_values(text)) == 9
    assert frame_value_count(text.head(0)) == 0


def test_compact_keeps_the_rows_and_their_types() -> None:
    small = with_values(_text_frame(ROWS)).filter(pl.col("variable") == "RTMSA_P_D")
    copy = compact(small)
    assert copy.equals(small)
    assert copy.schema == small.schema


# ------------------------------------------------------------------------------ kept


def test_kept_always_holds_the_summary_tie_out_rows() -> None:
    kept = Kept()
    assert kept.holds("RTMSA_P_D") and not kept.holds("MSQ_F_I")
    assert not kept.holds("RTMSA_P_DI")
    named = Kept(frozenset({"MSQ_F_I"}))
    assert named.holds("MSQ_F_I") and named.holds("X_P_D") and not named.holds("Y_F_I")
    frame = _text_frame(ROWS)
    assert frame.filter(kept.expr()).get_column("variable").to_list() == ["RTMSA_P_D"] * 2
    assert frame.filter(named.expr()).height == 4


# ------------------------------------------------------------- a whole statement


def test_day_frames_of_a_whole_statement() -> None:
    st = _statement()
    days = [(d, f.get_column("variable").to_list()) for d, f in st.day_frames()]
    assert days == [(D1, ["RTMSA_P_D", "MSQ_F_I"]), (D2, ["RTMSA_P_D", "MSQ_F_I"])]
    [(day, frame)] = list(st.day_frames([D2, D3]))  # a day not held is skipped
    assert day == D2 and "values" in frame.columns
    [(_, text)] = list(st.day_frames([D1], cast=False))
    assert "value_text" in text.columns and "values" not in text.columns
    assert list(st.day_frames([D3])) == []


def test_value_count_and_variable_rows_of_a_whole_statement() -> None:
    st = _statement()
    assert st.value_count == 9
    assert _statement(n_values=1234).value_count == 1234  # as the streamed reader counted
    rows = st.variable_rows("MSQ_F_I", timestamps=[D2])
    assert rows.get_column("source_line").to_list() == [5]
    assert _values(rows) == [[Decimal("5"), Decimal("6"), Decimal("99999999999999.99999999")]]
    assert st.with_values().frame.columns == list(DETAIL_SCHEMA)
    cast = st.with_values()
    assert cast.with_values() is cast


def test_rows_as_models() -> None:
    rows = list(_statement().rows())
    assert rows[1] == DetailRow(
        settlement_trading_day=D1,
        variable="MSQ_F_I",
        scope="SWAN_1",
        timestamp=D1,
        values=[Decimal("0.00000001"), Decimal("3"), Decimal("4")],
        source="d.csv:3",
    )
    assert len(rows) == 4


# ----------------------------------------------------------- a streamed statement


class _Reread:
    """A streamed statement's reader of whole days, counting what it was asked."""

    def __init__(self) -> None:
        self.asked: list[list[date]] = []
        self.full = _text_frame(ROWS)

    def __call__(self, days: list[date], cast: bool = True) -> Iterator[tuple[date, pl.DataFrame]]:
        self.asked.append(list(days))
        for d in days:
            rows = self.full.filter(pl.col("settlement_trading_day") == d)
            yield d, with_values(rows) if cast else rows


def test_a_streamed_statement_reads_the_days_again() -> None:
    reread = _Reread()
    frame = _text_frame(ROWS).filter(Kept().expr())
    st = _statement(frame=frame, kept=Kept(), reread=reread)
    assert [d for d, _ in st.day_frames([D2, D1])] == [D1, D2]
    assert reread.asked == [[D1, D2]]  # sorted, once
    assert st.value_count == 9  # every row's, read again, not only those kept
    # a kept variable is served from memory; another is read again, day by day
    reread.asked.clear()
    assert st.variable_rows("RTMSA_P_D").height == 2 and reread.asked == []
    msq = st.variable_rows("MSQ_F_I", timestamps=[D1])
    assert _values(msq) == [[Decimal("0.00000001"), Decimal("3"), Decimal("4")]]
    assert reread.asked == [[D1, D2]]
    assert st.variable_rows("NOT_THERE").columns == list(DETAIL_SCHEMA)
    assert len(list(st.rows())) == 4


def test_a_streamed_statement_without_its_reader_says_so() -> None:
    st = _statement(kept=Kept())
    with pytest.raises(ValueError, match=r"the streamed Detail d\.csv cannot be read again"):
        list(st.day_frames())
