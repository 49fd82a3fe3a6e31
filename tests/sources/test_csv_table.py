"""recon.sources.csv_table: CSV bytes to raw string columns with ``__file`` and ``__line``,
by polars' reader when it can take the file as it is and line by line when it cannot,
each unreadable row a ``data.value`` finding naming its line.

The Guide's whole files (Summary and Detail, Tables 4 and 5) through these functions are
in ``test_summary_csv.py`` and ``test_detail_csv.py``; here small tables of three columns
show the rules.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recon.errors import InputError
from recon.models.findings import CheckId
from recon.sources.csv_table import (
    BOM,
    check_line_lengths,
    header_names,
    read_careful,
    read_csv_table,
    read_fast,
)
from recon.sources.limits import Limits
from recon.sources.validate import ColumnsError

COLS = ("Variable", "Scope", "Value")


def _rows(frame: pl.DataFrame) -> list[tuple[Any, ...]]:
    return list(frame.iter_rows())


# ---------------------------------------------------------------------------- header


def test_header_names_strip_a_bom_spaces_and_the_line_end() -> None:
    assert header_names(BOM + b' RunId ,"Period", Value\r\n1,2,3\n', "s.csv") == [
        "RunId",
        "Period",
        "Value",
    ]
    assert header_names(b"RunId", "s.csv") == ["RunId"]  # no line end at all


@pytest.mark.parametrize(
    ("data", "problem", "line"),
    [
        (b"", "is empty: expected a CSV header row", None),
        (b"  \r\nRunId\n", "is empty: expected a CSV header row", None),
        (BOM, "is empty: expected a CSV header row", None),
        (b"Run\xffId,x\n", "line 1 is not UTF-8 text: expected a CSV header row", 1),
    ],
)
def test_a_header_that_is_no_header_is_a_clear_error(
    data: bytes, problem: str, line: int | None
) -> None:
    with pytest.raises(InputError) as e:
        header_names(data, "w/s.csv")
    assert (e.value.path, e.value.problem, e.value.line) == ("w/s.csv", problem, line)


def test_a_header_over_the_line_cap_names_its_option() -> None:
    with pytest.raises(InputError) as e:
        header_names(b"RunId,Period\n", "s.csv", Limits(max_line_bytes=8))
    assert e.value.problem == "line 1 is longer than 8 bytes (raise it with --max-line-mb)"


# ------------------------------------------------------------------------ line lengths


def test_line_lengths_within_the_cap_pass() -> None:
    check_line_lengths(b"abcd\nefgh\nij", "s.csv", Limits(max_line_bytes=4))
    check_line_lengths(b"abcd\r\n", "s.csv", Limits(max_line_bytes=5))


@pytest.mark.parametrize(
    ("data", "first_line", "line"),
    [
        (b"abcd\nefghijk\nj\n", 1, 2),
        (b"abcd\nefgh\nijklm", 1, 3),  # the last line, without a line feed
        (b"abcdefgh\n", 1, 1),
        (b"ab\nabcdefgh\n", 40, 41),  # numbered from where the part starts
    ],
)
def test_the_first_line_over_the_cap_is_named(data: bytes, first_line: int, line: int) -> None:
    with pytest.raises(InputError) as e:
        check_line_lengths(data, "d.zip!d.csv", Limits(max_line_bytes=4), first_line)
    assert e.value.line == line
    assert e.value.problem == (f"line {line} is longer than 4 bytes (raise it with --max-line-mb)")


# ------------------------------------------------------------------------ fast path


def test_a_blank_or_empty_row_leaves_the_fast_path_and_the_careful_path_tells_them_apart() -> None:
    # polars reads "" and ",," alike, as a row of nulls: the careful path skips the blank
    # line and keeps the row of empty fields (which the validators then report).
    for body in (
        b"Variable,Scope,Value\nA,s1,1\n\nB,s2,2\n",
        b"Variable,Scope,Value\nA,s1,1\n,,\n",
    ):
        assert read_fast(body, "s.csv", list(COLS), COLS) is None
    frame, findings = read_csv_table(b"Variable,Scope,Value\nA,s1,1\n\nB,s2,2\n", "s.csv", COLS)
    assert _rows(frame) == [("A", "s1", "1", "s.csv", 2), ("B", "s2", "2", "s.csv", 4)]
    assert findings == []
    frame, _ = read_csv_table(b"Variable,Scope,Value\nA,s1,1\n,,\n", "s.csv", COLS)
    assert _rows(frame) == [("A", "s1", "1", "s.csv", 2), (None, None, None, "s.csv", 3)]


def test_the_fast_path_numbers_lines() -> None:
    body = b"Variable,Scope,Value\nA,s1,1\nB,s2,2\n"
    got = read_fast(body, "s.csv", list(COLS), COLS, first_line=7)
    assert got is not None
    frame, read = got
    assert frame.columns == [*COLS, "__file", "__line"]
    assert _rows(frame) == [("A", "s1", "1", "s.csv", 7), ("B", "s2", "2", "s.csv", 8)]
    assert read == 2
    assert all(dtype == pl.String for dtype in frame.select(COLS).dtypes)


def test_the_fast_path_returns_only_the_columns_asked_for() -> None:
    body = b"Value,Variable,Scope\n1,A,s1\n"
    got = read_fast(body, "s.csv", ["Value", "Variable", "Scope"], COLS, first_line=10)
    assert got is not None
    assert _rows(got[0]) == [("A", "s1", "1", "s.csv", 10)]


@pytest.mark.parametrize(
    "body",
    [
        b"Variable,Scope,Value\nA,s1,[1,2]\n",  # ragged: an unquoted array
        b"Variable,Scope,Value\nA,s1\n",  # a short line
        b"Variable,Scope,Value\nA,s1,\n",  # an empty last field: the careful path says which
        b"Variable,Scope,Value\nA,s\xff,1\n",  # not UTF-8
    ],
)
def test_the_fast_path_declines_what_it_cannot_take_as_it_is(body: bytes) -> None:
    assert read_fast(body, "s.csv", list(COLS), COLS) is None


# --------------------------------------------------------------------- careful path


def test_the_careful_path_rejoins_an_unquoted_array() -> None:
    body = b"Variable,Scope,Value\r\nA,s1,[1.5, 2,3]\r\n"
    frame, findings = read_careful(body, "d.csv", list(COLS), COLS, "Value")
    assert findings == []
    assert _rows(frame) == [("A", "s1", "[1.5, 2,3]", "d.csv", 2)]


def test_the_careful_path_rejoins_an_unquoted_scope_holding_commas() -> None:
    body = b"Variable,Scope,Value\nA,NIL * NBT-NT 91, SPS_MARNET,[1,2]\n"
    frame, findings = read_careful(body, "d.csv", list(COLS), COLS, "Value")
    assert findings == []
    assert _rows(frame) == [("A", "NIL * NBT-NT 91, SPS_MARNET", "[1,2]", "d.csv", 2)]


def test_rows_the_careful_path_cannot_read_are_findings_naming_their_line() -> None:
    body = (
        b"Variable,Scope,Value\n"
        b"A,s1,1\n"
        b"B,s\xff,2\n"  # not UTF-8
        b"C,s3\n"  # short
        b"D,s4,5,6\n"  # long, and no array to rejoin
        b"\n"
        b"E,,\n"  # empty fields read as nulls
    )
    frame, findings = read_careful(body, "w/d.csv", list(COLS), COLS, "Value")
    assert _rows(frame) == [("A", "s1", "1", "w/d.csv", 2), ("E", None, None, "w/d.csv", 7)]
    assert [(f.check, f.source, f.message) for f in findings] == [
        (
            CheckId.DATA_VALUE,
            "w/d.csv:3",
            "line 3 holds bytes that are not UTF-8 (at byte 3); the row was not used.",
        ),
        (
            CheckId.DATA_VALUE,
            "w/d.csv:4",
            "line 4 has 2 fields where the header has 3; the row was not used.",
        ),
        (
            CheckId.DATA_VALUE,
            "w/d.csv:5",
            "line 5 has 4 fields where the header has 3; the row was not used.",
        ),
    ]


def test_an_array_only_rejoins_in_the_last_column() -> None:
    names = ["Variable", "Value", "Scope"]
    body = b"Variable,Value,Scope\nA,[1,2],s1\n"
    frame, findings = read_careful(body, "d.csv", names, COLS, "Value")
    assert frame.height == 0
    assert [f.message for f in findings] == [
        "line 2 has 4 fields where the header has 3; the row was not used."
    ]


# ------------------------------------------------------------------------ the table


def test_read_csv_table_takes_the_fast_path_for_a_plain_file() -> None:
    frame, findings = read_csv_table(BOM + b"Variable,Scope,Value\nA,s1,1\n", "s.csv", COLS)
    assert findings == []
    assert _rows(frame) == [("A", "s1", "1", "s.csv", 2)]


def test_read_csv_table_reads_a_ragged_file_carefully_and_reports_what_it_drops() -> None:
    data = b"Variable,Scope,Value\nA,s1,[1,2]\nB,s2\n"
    frame, findings = read_csv_table(data, "d.csv", COLS, array_column="Value")
    assert _rows(frame) == [("A", "s1", "[1,2]", "d.csv", 2)]
    assert [f.source for f in findings] == ["d.csv:3"]


def test_read_csv_table_refuses_columns_that_are_not_the_guides() -> None:
    with pytest.raises(ColumnsError) as e:
        read_csv_table(b"Variable,Scope,Valu\nA,s1,1\n", "s.csv", COLS)
    assert (
        e.value.problem == "the header row lacks column(s) 'Value' and has unknown column(s) 'Valu'"
    )
    assert e.value.finding.check == CheckId.DATA_COLUMNS
    assert e.value.finding.source == "s.csv:1"


def test_read_csv_table_refuses_a_line_over_the_cap() -> None:
    data = b"Variable,Scope,Value\nA,s1,1\nB,s2,[1,2,3,4,5,6,7,8,9,10,11]\n"
    with pytest.raises(InputError) as e:
        read_csv_table(data, "s.csv", COLS, limits=Limits(max_line_bytes=20))
    assert e.value.line == 3


# ------------------------------------------------------------------------- property

_FIELD = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\r\n\x00"),
    max_size=12,
)


@given(
    rows=st.lists(
        st.tuples(_FIELD, _FIELD, _FIELD).filter(any),  # a row of only separators: below
        max_size=8,
    )
)
@settings(max_examples=150, deadline=None)
def test_the_fast_path_reads_as_the_careful_path_does(rows: list[tuple[str, str, str]]) -> None:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLS)
    writer.writerows(rows)
    body = out.getvalue().encode("utf-8")
    got, got_findings = read_csv_table(body, "p.csv", COLS)
    careful, careful_findings = read_careful(body, "p.csv", list(COLS), COLS, None)
    assert got.equals(careful)
    assert got_findings == careful_findings


def test_a_line_of_only_separators_reads_alike_on_both_paths() -> None:
    body = b"Variable,Scope,Value\r\nA,s1,1\r\n,,\r\n"
    got, _ = read_csv_table(body, "p.csv", COLS)
    careful, _ = read_careful(body, "p.csv", list(COLS), COLS, None)
    assert got.equals(careful)
