"""recon.sources.detail_csv: the Settlement Statement Detail CSV and ZIP (Guide Table 5,
SPEC §3.2) read into a statement through the public readers, and their ``data.*``
findings.

Every malformed-file test plants one bad field in an otherwise good file and checks the
finding's check id, severity and ``file:line`` (or ``zip!member:line``) source, and that
the other rows are still read.
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import polars as pl
import pytest
from paths import FIXTURES
from statement_findings import of, only

from recon.api import decode
from recon.errors import InputError
from recon.models.detail import MAX_FINDINGS_PER_CHECK
from recon.models.findings import Severity
from recon.models.statements import DetailStatement, Kept
from recon.sources.detail_csv import (
    check_member_count,
    ignored_member,
    iter_detail_parts,
    parse_detail_csv,
    read_detail,
    stream_detail,
    zip_entry_count,
)
from recon.sources.limits import Limits
from recon.sources.validate import ColumnsError

Writer = Callable[[str, bytes], Path]
I48 = [str(k) for k in range(1, 49)]


def detail_variables(stmt: DetailStatement) -> list[str]:
    """Return the variables of a Detail statement's rows in file order.

    Args:
        stmt: A Detail statement.
    """
    return stmt.frame.sort("source_file", "source_line").get_column("variable").to_list()


@pytest.fixture
def w(wem_csv: SimpleNamespace) -> SimpleNamespace:
    """Short alias of the ``wem_csv`` writers."""
    return wem_csv


def good_detail_rows(w: SimpleNamespace) -> list[dict[str, str]]:
    """Three valid Detail rows of 2024-12-01 (D, I and a quoted NC scope).

    Args:
        w: The ``wem_csv`` writers.
    """
    return [
        w.detail_row("RTMSA_P_D", "SWANGEN", "2024-12-01", ["-1234.56789012"]),
        w.detail_row("MSQ_F_I", "SWANGEN_WF1", "2024-12-01", I48),
        w.detail_row(
            "CongRental_NC_I",
            "NIL * NBT-NT 91, SPS_MARNET [LargestContingency]",
            "2024-12-01",
            ["0.1"] * 48,
        ),
    ]


def read_one_bad_detail(
    w: SimpleNamespace, write_file: Writer, bad: dict[str, str]
) -> tuple[DetailStatement, str]:
    """Read a Detail CSV of three good rows with ``bad`` as line 3 (between them).

    Args:
        w: The ``wem_csv`` writers.
        write_file: The ``write_file`` fixture.
        bad: The malformed row.

    Returns:
        The statement and the path as text.
    """
    good = good_detail_rows(w)
    path = write_file("detail.csv", w.detail_bytes([good[0], bad, *good[1:]]))
    return read_detail(path), str(path)


def test_detail_csv_quoted_arrays_and_scopes(w: SimpleNamespace, write_file: Writer) -> None:
    path = write_file("d.csv", w.detail_bytes(good_detail_rows(w)))
    stmt = read_detail(path)
    assert stmt.findings == []
    assert stmt.form == "csv"
    assert stmt.days == [date(2024, 12, 1)]
    assert stmt.value_count == 1 + 48 + 48
    rows = list(stmt.rows())
    assert [(r.variable, r.scope, r.timestamp, r.source) for r in rows] == [
        ("RTMSA_P_D", "SWANGEN", date(2024, 12, 1), f"{path}:2"),
        ("MSQ_F_I", "SWANGEN_WF1", date(2024, 12, 1), f"{path}:3"),
        (
            "CongRental_NC_I",
            "NIL * NBT-NT 91, SPS_MARNET [LargestContingency]",
            date(2024, 12, 1),
            f"{path}:4",
        ),
    ]
    assert rows[0].values == [Decimal("-1234.56789012")]
    assert rows[1].values == [Decimal(k) for k in range(1, 49)]
    assert sum(rows[2].values) == Decimal("4.8")


@pytest.mark.parametrize("bom", [False, True])
@pytest.mark.parametrize("newline", ["\r\n", "\n"])
@pytest.mark.parametrize("quote_values", [True, False])
def test_detail_csv_encodings_and_quoting_read_alike(
    w: SimpleNamespace, write_file: Writer, bom: bool, newline: str, quote_values: bool
) -> None:
    data = w.detail_bytes(good_detail_rows(w), bom=bom, newline=newline, quote_values=quote_values)
    assert (b'"[' in data) is quote_values
    stmt = read_detail(write_file("d.csv", data))
    assert stmt.findings == []
    assert stmt.frame.get_column("source_line").to_list() == [2, 3, 4]
    assert detail_variables(stmt) == ["RTMSA_P_D", "MSQ_F_I", "CongRental_NC_I"]
    assert stmt.frame.get_column("scope").to_list()[2] == (
        "NIL * NBT-NT 91, SPS_MARNET [LargestContingency]"
    )
    values = [v for vs in stmt.frame.get_column("values").to_list() for v in vs]
    assert values == [
        Decimal("-1234.56789012"),
        *(Decimal(k) for k in range(1, 49)),
        *([Decimal("0.1")] * 48),
    ]


def test_detail_csv_unquoted_scope_with_commas_and_unquoted_array(
    w: SimpleNamespace, write_file: Writer
) -> None:
    head = ",".join(w.HEADER[c] for c in w.DETAIL_COLUMNS[:8])
    line = (
        f"{head},2024-12-01,CongRental_NC_I,NIL * NBT-NT 91, SPS_MARNET "
        f"[LargestContingency],2024-12-01,[{','.join(['2'] * 48)}]"
    )
    data = (",".join(w.DETAIL_COLUMNS) + "\r\n" + line + "\r\n").encode()
    stmt = read_detail(write_file("d.csv", data))
    assert stmt.findings == []
    row = next(stmt.rows())
    assert row.scope == "NIL * NBT-NT 91, SPS_MARNET [LargestContingency]"
    assert row.values == [Decimal(2)] * 48


def test_detail_csv_blank_lines_are_skipped(w: SimpleNamespace, write_file: Writer) -> None:
    good = good_detail_rows(w)
    data = w.detail_bytes(good)
    first, rest = data.split(b"\r\n", 2)[:2], data.split(b"\r\n", 2)[2]
    data = b"\r\n".join(first) + b"\r\n\r\n" + rest + b"\r\n"
    stmt = read_detail(write_file("d.csv", data))
    assert stmt.findings == []
    assert stmt.frame.sort("source_line").get_column("source_line").to_list() == [2, 4, 5]


@pytest.mark.parametrize("quote_values", [True, False])
def test_detail_csv_short_line_is_a_finding(
    w: SimpleNamespace, write_file: Writer, quote_values: bool
) -> None:
    data = w.detail_bytes(good_detail_rows(w), quote_values=quote_values)
    lines = data.split(b"\r\n")
    lines.insert(2, b"51230,2024-12-19T15:30:45,WEM,too,few")
    path = write_file("d.csv", b"\r\n".join(lines))
    stmt = read_detail(path)
    assert stmt.findings, "a line of 5 fields read silently"
    assert {f.source for f in stmt.findings} == {f"{path}:3"}
    assert all(f.severity is Severity.ERROR and f.run_id == 51230 for f in stmt.findings)
    assert detail_variables(stmt) == ["RTMSA_P_D", "MSQ_F_I", "CongRental_NC_I"]
    assert stmt.frame.get_column("source_line").sort().to_list() == [2, 4, 5]


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("[1e-05]", "'1e-05' is not a plain decimal"),
        ("[+1]", "'+1' is not a plain decimal"),
        ("[1.123456789]", "more than 8 decimals"),
        ("[1234567890123456]", "more than 15 integer digits"),
        ("[NaN]", "not a plain decimal"),
        ("[]", "array is empty"),
        ("[1,,2]", "element 2"),
        ("5", "not an array"),
        ("", "is empty"),
        ("[1", "not an array"),
    ],
)
def test_detail_data_value(w: SimpleNamespace, write_file: Writer, value: str, words: str) -> None:
    bad = w.detail_row("RTMSA_F_D", "SWANGEN_WF1", "2024-12-01", value)
    stmt, path = read_one_bad_detail(w, write_file, bad)
    f = only(stmt, "data.value")
    assert f.severity is Severity.ERROR
    assert f.source == f"{path}:3"
    assert words in f.message
    assert (f.variable, f.scope, f.timestamp) == ("RTMSA_F_D", "SWANGEN_WF1", "2024-12-01")
    assert detail_variables(stmt) == ["RTMSA_P_D", "MSQ_F_I", "CongRental_NC_I"]


def test_detail_value_ascii_white_space_is_accepted(w: SimpleNamespace, write_file: Writer) -> None:
    """README assumption 15: ASCII white space around elements, exact values kept."""
    spaced = w.detail_row("RTMSA_F_D", "SWANGEN_WF1", "2024-12-01", "[ \t-1.25\x0b\x0c ]")
    stmt, _path = read_one_bad_detail(w, write_file, spaced)
    assert stmt.findings == []
    row = stmt.frame.filter(pl.col("variable") == "RTMSA_F_D")
    assert row.get_column("values").to_list() == [[Decimal("-1.25")]]


def test_detail_value_non_ascii_space_is_a_data_value(
    w: SimpleNamespace, write_file: Writer
) -> None:
    bad = w.detail_row("RTMSA_F_D", "SWANGEN_WF1", "2024-12-01", "[1.5,\u00a02]")
    stmt, path = read_one_bad_detail(w, write_file, bad)
    f = only(stmt, "data.value")
    assert f.source == f"{path}:3"
    assert detail_variables(stmt) == ["RTMSA_P_D", "MSQ_F_I", "CongRental_NC_I"]


@pytest.mark.parametrize(
    ("variable", "count", "want"),
    [
        ("MSQ_F_I", 47, 48),
        ("MSQ_F_I", 49, 48),
        ("RTMSA_F_D", 2, 1),
        ("ESSEnab_FE_DI", 48, 288),
        ("MFRATE_G_FY", 48, 1),
    ],
)
def test_detail_data_array_length(
    w: SimpleNamespace, write_file: Writer, variable: str, count: int, want: int
) -> None:
    scope = {"F": "SWANGEN_WF1", "FE": "SWANGEN_ESR1 REGULATION_RAISE", "G": "Global"}[
        variable.split("_")[1]
    ]
    ts = "2024-07-01" if variable.endswith("_FY") else "2024-12-01"
    bad = w.detail_row(variable, scope, ts, ["1"] * count)
    stmt, path = read_one_bad_detail(w, write_file, bad)
    f = only(stmt, "data.array_length")
    assert f.source == f"{path}:3"
    assert (f.expected, f.actual) == (str(want), str(count))
    assert len(stmt.frame) == 3


@pytest.mark.parametrize("name", ["MSQ", "MSQ_Q_I", "MSQ_F_W", "MSQ__F_I", ""])
def test_detail_data_variable(w: SimpleNamespace, write_file: Writer, name: str) -> None:
    bad = w.detail_row(name, "SWANGEN_WF1", "2024-12-01", ["1"])
    stmt, path = read_one_bad_detail(w, write_file, bad)
    f = only(stmt, "data.variable")
    assert f.source == f"{path}:3"
    assert len(stmt.frame) == 3


@pytest.mark.parametrize(
    ("variable", "scope"),
    [
        ("MSQ_F_D", "swangen wf1"),
        ("Qty_CH_D", "1234567890-X1"),
        ("Qty_T_D", "KWINANA CL_T11"),
        ("Rate_G_D", "global"),
        ("Qty_SCC_D", "COLLIE_ESR1"),
        ("Qty_NC_D", "A,,B"),
    ],
)
def test_detail_data_scope_keeps_the_row(
    w: SimpleNamespace, write_file: Writer, variable: str, scope: str
) -> None:
    bad = w.detail_row(variable, scope, "2024-12-01", ["7.5"])
    stmt, path = read_one_bad_detail(w, write_file, bad)
    f = only(stmt, "data.scope")
    assert f.severity is Severity.ERROR
    assert f.source == f"{path}:3"
    assert (f.variable, f.scope) == (variable, scope)
    kept = stmt.frame.filter(pl.col("variable") == variable)
    assert kept.get_column("scope").to_list() == [scope]
    assert kept.get_column("values").to_list() == [[Decimal("7.5")]]
    assert len(stmt.frame) == 4


@pytest.mark.parametrize(
    ("variable", "ts", "words"),
    [
        ("CCAlloc_F_M", "2024-12-02", "1st of a month"),
        ("RCQ_F_CY", "2024-10-02", "1 October"),
        ("RCQ_F_CY", "2024-07-01", "1 October"),
        ("MFRATE_G_FY", "2024-06-30", "1 July"),
        ("MFRATE_G_FY", "2024-10-01", "1 July"),
    ],
)
def test_detail_data_timestamp_rule(
    w: SimpleNamespace, write_file: Writer, variable: str, ts: str, words: str
) -> None:
    scope = "Global" if "_G_" in variable else "SWANGEN_WF1"
    bad = w.detail_row(variable, scope, ts, ["1"])
    stmt, path = read_one_bad_detail(w, write_file, bad)
    f = only(stmt, "data.timestamp")
    assert f.severity is Severity.ERROR
    assert f.source == f"{path}:3"
    assert words in f.message
    assert (f.variable, f.timestamp) == (variable, ts)


@pytest.mark.parametrize(
    "ts", ["2024-13-01", "01/12/2024", "2024-12-01junk", "yesterday", "24-12-01", ""]
)
def test_detail_data_timestamp_not_a_date(w: SimpleNamespace, write_file: Writer, ts: str) -> None:
    bad = w.detail_row("RTMSA_F_D", "SWANGEN_WF1", ts, ["1"])
    stmt, path = read_one_bad_detail(w, write_file, bad)
    f = only(stmt, "data.timestamp")
    assert f.source == f"{path}:3"
    assert "not a date" in f.message
    assert len(stmt.frame) == 3


@pytest.mark.parametrize("day", ["2024-12-32", "1 Dec 2024", "2024-12-01junk"])
def test_detail_settlement_trading_day_not_a_date(
    w: SimpleNamespace, write_file: Writer, day: str
) -> None:
    bad = w.detail_row("RTMSA_F_D", "SWANGEN_WF1", "2024-12-01", ["1"], day=day)
    stmt, path = read_one_bad_detail(w, write_file, bad)
    f = only(stmt, "data.timestamp")
    assert f.source == f"{path}:3"
    assert len(stmt.frame) == 3


def test_detail_settlement_trading_day_outside_period(
    w: SimpleNamespace, write_file: Writer
) -> None:
    bad = w.detail_row("MFRATE_G_FY", "Global", "2024-07-01", ["1"], day="2024-12-08")
    stmt, path = read_one_bad_detail(w, write_file, bad)
    f = only(stmt, "data.timestamp")
    assert f.severity is Severity.ERROR
    assert f.source == f"{path}:3"
    assert "outside the Period" in f.message
    assert f.timestamp == "2024-12-08"


def test_detail_d_timestamp_outside_period_is_a_warning(
    w: SimpleNamespace, write_file: Writer
) -> None:
    bad = w.detail_row("RTMSA_F_D", "SWANGEN_WF1", "2024-11-30", ["1"])
    stmt, path = read_one_bad_detail(w, write_file, bad)
    f = only(stmt, "data.period")
    assert f.severity is Severity.WARNING
    assert f.source == f"{path}:3"
    assert (f.variable, f.timestamp) == ("RTMSA_F_D", "2024-11-30")
    assert len(stmt.frame) == 4


@pytest.mark.parametrize(
    ("variable", "scope", "ts"),
    [
        ("CCAlloc_F_M", "SWANGEN_WF1", "2024-11-01"),
        ("RCQ_F_CY", "SWANGEN_WF1", "2024-10-01"),
        ("MFRATE_G_FY", "Global", "2024-07-01"),
        ("NCESSAvail_C_X", "NCESS001", "2024-11-03"),
    ],
)
def test_detail_m_cy_fy_x_timestamps_may_lie_outside_period(
    w: SimpleNamespace, write_file: Writer, variable: str, scope: str, ts: str
) -> None:
    row = w.detail_row(variable, scope, ts, ["0.00071234"])
    stmt = read_detail(write_file("d.csv", w.detail_bytes([*good_detail_rows(w), row])))
    assert stmt.findings == []
    assert len(stmt.frame) == 4


def test_detail_data_header(w: SimpleNamespace, write_file: Writer) -> None:
    bad = w.detail_row("RTMSA_F_D", "SWANGEN_WF1", "2024-12-01", ["1"], RunId="51231")
    stmt, path = read_one_bad_detail(w, write_file, bad)
    f = only(stmt, "data.header")
    assert f.source == f"{path}:3"
    assert (f.expected, f.actual) == ("51230", "51231")
    assert stmt.header.run_id == 51230
    assert len(stmt.frame) == 4


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("PublishedAt", "2024-12-20T15:30:45"),
        ("Designation", "ADJ1"),
        ("Period", "TW 08 Dec 2024"),
        ("ParticipantCode", "OTHERGEN"),
    ],
)
def test_detail_data_header_each_field(
    w: SimpleNamespace, write_file: Writer, column: str, value: str
) -> None:
    bad = w.detail_row("RTMSA_F_D", "SWANGEN_WF1", "2024-12-01", ["1"], **{column: value})
    stmt, path = read_one_bad_detail(w, write_file, bad)
    f = only(stmt, "data.header")
    assert f.source == f"{path}:3"
    assert column in f.message
    assert f.actual == value


def test_detail_data_duplicate(w: SimpleNamespace, write_file: Writer) -> None:
    rows = [*good_detail_rows(w), w.detail_row("MSQ_F_I", "SWANGEN_WF1", "2024-12-01", ["9"] * 48)]
    path = write_file("d.csv", w.detail_bytes(rows))
    stmt = read_detail(path)
    f = only(stmt, "data.duplicate")
    assert f.source == f"{path}:5"
    assert f"{path}:3" in f.message
    assert (f.variable, f.scope, f.timestamp) == ("MSQ_F_I", "SWANGEN_WF1", "2024-12-01")
    kept = stmt.frame.filter(pl.col("variable") == "MSQ_F_I").get_column("values").to_list()
    assert kept == [[Decimal(k) for k in range(1, 49)]]
    assert len(stmt.frame) == 3


def test_detail_same_variable_other_scope_is_no_duplicate(
    w: SimpleNamespace, write_file: Writer
) -> None:
    rows = [*good_detail_rows(w), w.detail_row("MSQ_F_I", "SWANGEN_SF1", "2024-12-01", ["9"] * 48)]
    stmt = read_detail(write_file("d.csv", w.detail_bytes(rows)))
    assert stmt.findings == []
    assert len(stmt.frame) == 4


def test_detail_period_label_and_eight_day_span(w: SimpleNamespace, write_file: Writer) -> None:
    head = {"Period": "TW 01 Oct 2023", "PeriodFrom": "2023-10-01", "PeriodTo": "2023-10-08"}
    rows = [w.detail_row("RTMSA_P_D", "SWANGEN", "2023-10-08", ["1"], day="2023-10-08", **head)]
    stmt = read_detail(write_file("d.csv", w.detail_bytes(rows)))
    f = only(stmt, "data.period")
    assert f.severity is Severity.WARNING
    assert "8 days" in f.message
    assert stmt.days == [date(2023, 10, 8)]


def test_detail_period_label_names_another_day(w: SimpleNamespace, write_file: Writer) -> None:
    rows = [w.detail_row("RTMSA_P_D", "SWANGEN", "2024-12-01", ["1"], Period="TW 24 Nov 2024")]
    stmt = read_detail(write_file("d.csv", w.detail_bytes(rows)))
    f = only(stmt, "data.period")
    assert (f.expected, f.actual) == ("2024-11-24", "2024-12-01")
    assert len(stmt.frame) == 1


def test_detail_findings_are_capped_per_check(w: SimpleNamespace, write_file: Writer) -> None:
    n = MAX_FINDINGS_PER_CHECK + 5
    rows = [w.detail_row(f"V{i}_F_D", "SWANGEN_WF1", "2024-12-01", "[x]") for i in range(n)]
    stmt = read_detail(write_file("d.csv", w.detail_bytes([*good_detail_rows(w), *rows])))
    found = of(stmt, "data.value")
    assert len(found) == MAX_FINDINGS_PER_CHECK + 1
    assert found[-1].message.startswith("5 more rows")
    assert len(stmt.frame) == 3


# ================================================================= Detail ZIP


def week_zip(w: SimpleNamespace, days: int = 3) -> dict[str, bytes]:
    """Return members of a Detail ZIP, one per Trading Day from 2024-12-01.

    Args:
        w: The ``wem_csv`` writers.
        days: How many Trading Days.
    """
    members = {}
    for i in range(days):
        day = (date(2024, 12, 1) + timedelta(days=i)).isoformat()
        members[f"SWANGEN_51230_INITIAL_SettlementStatementDetail_{day}.csv"] = w.detail_bytes(
            [
                w.detail_row("RTMSA_P_D", "SWANGEN", day, [str(i + 1)], day=day),
                w.detail_row("MSQ_F_I", "SWANGEN_WF1", day, I48, day=day),
                w.detail_row("MFRATE_G_FY", "Global", "2024-07-01", ["0.00071234"], day=day),
            ]
        )
    return members


def test_detail_zip_reads_every_member_in_memory(
    w: SimpleNamespace, write_file: Writer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a ZIP member was extracted to disk")

    monkeypatch.setattr(zipfile.ZipFile, "extract", refuse)
    monkeypatch.setattr(zipfile.ZipFile, "extractall", refuse)
    path = write_file("d.zip", w.zip_bytes(week_zip(w)))
    before = sorted(os.listdir(tmp_path))
    stmt = read_detail(path)
    assert sorted(os.listdir(tmp_path)) == before
    assert stmt.findings == []
    assert stmt.form == "zip"
    assert stmt.days == [date(2024, 12, 1), date(2024, 12, 2), date(2024, 12, 3)]
    assert len(stmt.frame) == 9
    assert stmt.value_count == 3 * (1 + 48 + 1)
    rtmsa = stmt.frame.filter(pl.col("variable") == "RTMSA_P_D").sort("settlement_trading_day")
    assert rtmsa.get_column("values").to_list() == [[Decimal(1)], [Decimal(2)], [Decimal(3)]]
    assert set(stmt.frame.get_column("source_file").to_list()) == {
        f"{path}!{m}" for m in week_zip(w)
    }
    assert stmt.sources == [str(path)]


def test_detail_zip_parts_one_per_member(w: SimpleNamespace, write_file: Writer) -> None:
    path = write_file("d.zip", w.zip_bytes(week_zip(w, 7)))
    seen: list[tuple[int, int]] = []
    parts = list(iter_detail_parts(path, progress=lambda done, total: seen.append((done, total))))
    assert [p.days for p in parts] == [[date(2024, 12, d)] for d in range(1, 8)]
    assert seen == [(i, 7) for i in range(1, 8)]


def test_detail_zip_finding_names_the_member(w: SimpleNamespace, write_file: Writer) -> None:
    members = week_zip(w)
    name = list(members)[1]
    members[name] = w.detail_bytes(
        [
            w.detail_row("RTMSA_P_D", "SWANGEN", "2024-12-02", ["1"], day="2024-12-02"),
            w.detail_row("MSQ_F_I", "SWANGEN_WF1", "2024-12-02", ["1"] * 47, day="2024-12-02"),
        ]
    )
    path = write_file("d.zip", w.zip_bytes(members))
    stmt = read_detail(path)
    f = only(stmt, "data.array_length")
    assert f.source == f"{path}!{name}:3"
    assert f.run_id == 51230
    assert len(stmt.frame) == 3 + 1 + 3


def test_detail_zip_header_differs_between_members(w: SimpleNamespace, write_file: Writer) -> None:
    members = week_zip(w)
    name = list(members)[2]
    members[name] = w.detail_bytes(
        [w.detail_row("RTMSA_P_D", "SWANGEN", "2024-12-03", ["3"], day="2024-12-03", RunId="51231")]
    )
    path = write_file("d.zip", w.zip_bytes(members))
    stmt = read_detail(path)
    f = only(stmt, "data.header")
    assert f.source == f"{path}!{name}:2"
    assert (f.expected, f.actual) == ("51230", "51231")


def test_detail_zip_duplicate_across_members(w: SimpleNamespace, write_file: Writer) -> None:
    members = week_zip(w, 1)
    members["zz_again.csv"] = w.detail_bytes(
        [w.detail_row("RTMSA_P_D", "SWANGEN", "2024-12-01", ["5"])]
    )
    path = write_file("d.zip", w.zip_bytes(members))
    stmt = read_detail(path)
    f = only(stmt, "data.duplicate")
    assert f.source == f"{path}!zz_again.csv:2"
    rtmsa = stmt.frame.filter(pl.col("variable") == "RTMSA_P_D")
    assert rtmsa.get_column("values").to_list() == [[Decimal(1)]]


# =============================================================== data.columns


@pytest.mark.parametrize(
    ("columns", "words"),
    [
        (lambda cols: [c for c in cols if c != "Scope"], "lacks column(s) 'Scope'"),
        (lambda cols: [*cols, "Extra"], "unknown column(s) 'Extra'"),
        (lambda cols: [c if c != "Value" else "Values" for c in cols], "'Values'"),
        (lambda cols: [*cols, "Value"], "repeats column(s) 'Value'"),
    ],
)
def test_detail_data_columns(
    w: SimpleNamespace, write_file: Writer, columns: Callable[[list[str]], list[str]], words: str
) -> None:
    cols = columns(list(w.DETAIL_COLUMNS))
    path = write_file("d.csv", w.csv_bytes(cols, good_detail_rows(w)))
    with pytest.raises(ColumnsError) as info:
        read_detail(path)
    assert isinstance(info.value, InputError)
    f = info.value.finding
    assert f.check == "data.columns"
    assert f.severity is Severity.ERROR
    assert f.source == f"{path}:1"
    assert words in f.message
    assert str(path) in str(info.value)


def test_zip_member_data_columns(w: SimpleNamespace, write_file: Writer) -> None:
    members = week_zip(w, 2)
    name = list(members)[1]
    members[name] = w.csv_bytes([c for c in w.DETAIL_COLUMNS if c != "Timestamp"], [])
    path = write_file("d.zip", w.zip_bytes(members))
    with pytest.raises(ColumnsError) as info:
        read_detail(path)
    assert info.value.finding.source == f"{path}!{name}:1"


# ================================================================= unreadable


def _corrupt_member(w: SimpleNamespace) -> bytes:
    """Return a Detail ZIP whose one member's compressed bytes are damaged.

    Args:
        w: The ``wem_csv`` writers.
    """
    data = bytearray(w.zip_bytes(week_zip(w, 1)))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        info = zf.infolist()[0]
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for i in range(start + 2, start + 12):
        data[i] ^= 0xFF
    return bytes(data)


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("empty.csv", lambda w: b"", "is empty"),
        ("blank.csv", lambda w: b"\r\n", "is empty"),
        ("latin1.csv", lambda w: "Période,Valeur\r\n".encode("latin-1"), "not UTF-8"),
        ("header_only.csv", lambda w: w.detail_bytes([]), "no Detail rows"),
        ("truncated.zip", lambda w: w.zip_bytes(week_zip(w, 1))[:60], "not a readable ZIP"),
        (
            "central_directory.zip",
            lambda w: (lambda z: z[:-22] + b"\x00" * 22)(w.zip_bytes(week_zip(w, 1))),
            "not a readable ZIP",
        ),
        ("folders_only.zip", lambda w: w.zip_bytes({"day/": b""}), "no members"),
        (
            "bad_member.zip",
            _corrupt_member,
            "!SWANGEN_51230_INITIAL_SettlementStatementDetail_"
            "2024-12-01.csv: cannot be decompressed",
        ),
    ],
)
def test_unreadable_detail_raises_input_error(
    w: SimpleNamespace,
    write_file: Writer,
    name: str,
    data: Callable[[SimpleNamespace], bytes],
    words: str,
) -> None:
    path = write_file(name, data(w))
    with pytest.raises(InputError) as info:
        read_detail(path)
    assert str(path) in str(info.value)
    assert words in str(info.value)
    with pytest.raises(InputError) as info:
        decode(path)
    assert str(path) in str(info.value)


def test_unreadable_run_header_raises_input_error(w: SimpleNamespace, write_file: Writer) -> None:
    rows = [w.detail_row("RTMSA_P_D", "SWANGEN", "2024-12-01", ["1"], RunId="abc")]
    path = write_file("d.csv", w.detail_bytes(rows))
    with pytest.raises(InputError, match="RunId") as info:
        read_detail(path)
    assert str(path) in str(info.value)


# =========================================================================== the sample week


SAMPLE_ZIP = (
    FIXTURES / "sample_week" / "csv" / "SWANGEN_51230_INITIAL_SettlementStatementDetail.zip"
)
WEEK_DAYS = [date(2024, 12, d) for d in range(1, 8)]


@pytest.fixture(scope="module")
def whole() -> DetailStatement:
    """The sample week's INITIAL Detail ZIP, read whole."""
    return read_detail(SAMPLE_ZIP)


def test_read_detail_of_the_sample_zip_reports_progress_per_member(
    whole: DetailStatement,
) -> None:
    seen: list[tuple[int, int]] = []
    st = read_detail(SAMPLE_ZIP, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (7, 7) and len(seen) == 7
    assert st.days == WEEK_DAYS and st.form == "zip" and st.findings == []
    assert st.source == str(SAMPLE_ZIP) and st.sources == [str(SAMPLE_ZIP)]
    assert st.header.run_id == 51230 and st.kept is None
    assert st.frame.equals(whole.frame)
    first = st.frame.sort("source_file", "source_line").row(0, named=True)
    assert first["source_file"] == (
        f"{SAMPLE_ZIP}!SWANGEN_51230_INITIAL_SettlementStatementDetail_20241201.csv"
    )
    assert first["source_line"] == 2


def test_read_detail_uncast_keeps_the_validated_text(whole: DetailStatement) -> None:
    text = read_detail(SAMPLE_ZIP, cast=False)
    assert "value_text" in text.frame.columns and "values" not in text.frame.columns
    assert text.value_count == whole.value_count
    cols = ["settlement_trading_day", "variable", "scope", "timestamp", "values"]
    key = cols[:4]
    assert (
        text.with_values().frame.select(cols).sort(key).equals(whole.frame.select(cols).sort(key))
    )


def test_a_streamed_detail_keeps_only_its_rows_and_reads_days_again(
    whole: DetailStatement,
) -> None:
    kept = Kept(frozenset({"MSQ_F_I"}))
    st = stream_detail(SAMPLE_ZIP, kept)
    assert st.kept == kept and st.days == whole.days and st.findings == whole.findings
    assert set(st.frame.get_column("variable").unique()) == {
        v for v in whole.frame.get_column("variable").unique() if kept.holds(v)
    }
    assert st.value_count == whole.value_count  # every row's, not only those kept
    assert read_detail(SAMPLE_ZIP, kept=kept).frame.equals(st.frame)
    [(day, again)] = list(st.day_frames([date(2024, 12, 3)]))
    expected = whole.frame.filter(pl.col("settlement_trading_day") == day)
    assert day == date(2024, 12, 3) and again.equals(expected)


def test_a_streamed_detail_whose_file_changed_is_not_read_again(tmp_path: Path) -> None:
    copy = tmp_path / SAMPLE_ZIP.name
    copy.write_bytes(SAMPLE_ZIP.read_bytes())
    st = stream_detail(copy, Kept())
    copy.write_bytes(SAMPLE_ZIP.read_bytes() + b"\0")
    with pytest.raises(InputError) as e:
        list(st.day_frames([date(2024, 12, 1)]))
    assert str(e.value) == f"{copy}: changed while it was being checked; check it again"


def test_parse_detail_csv_of_one_member_from_bytes(whole: DetailStatement) -> None:
    with zipfile.ZipFile(SAMPLE_ZIP) as zf:
        name = zf.namelist()[1]
        data = zf.read(name)
    st = parse_detail_csv(data, f"d.zip!{name}", form="zip", header=whole.header)
    assert st.days == [date(2024, 12, 2)] and st.form == "zip" and st.findings == []
    expected = whole.frame.filter(pl.col("settlement_trading_day") == date(2024, 12, 2))
    assert st.frame.drop("source_file").equals(expected.drop("source_file"))
    assert set(st.frame.get_column("source_file")) == {f"d.zip!{name}"}


# =========================================================================== zip members


def _info(name: str, size: int = 10) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.file_size = size
    return info


@pytest.mark.parametrize(
    ("name", "size", "reason"),
    [
        ("day1.csv", 10, None),
        ("DAY1.CSV", 10, None),
        ("week/day1", 10, None),  # no extension: read
        (".day1.csv", 10, None),
        ("week/", 0, "a folder"),
        ("__MACOSX/day1.csv", 10, "macOS resource data (__MACOSX/), not a CSV file"),
        ("week/__MACOSX/x", 10, "macOS resource data (__MACOSX/), not a CSV file"),
        ("week/._day1.csv", 10, "macOS resource data (._ file), not a CSV file"),
        ("week/.DS_Store", 10, "a file manager's folder settings, not a CSV file"),
        ("Thumbs.db", 10, "a file manager's folder settings, not a CSV file"),
        ("desktop.ini", 10, "a file manager's folder settings, not a CSV file"),
        ("day1.csv", 0, "an empty member"),
        ("README.txt", 10, "not a CSV file"),
        ("day1.csv.bak", 10, "not a CSV file"),
    ],
)
def test_ignored_member(name: str, size: int, reason: str | None) -> None:
    assert ignored_member(_info(name, size)) == reason


def test_the_member_count_is_read_from_the_central_directory(tmp_path: Path) -> None:
    assert zip_entry_count(SAMPLE_ZIP) == 7
    check_member_count(SAMPLE_ZIP, Limits(max_members=7))
    with pytest.raises(InputError) as e:
        check_member_count(SAMPLE_ZIP, Limits(max_members=6))
    assert e.value.problem == "holds 7 members, over the cap of 6 (raise it with --max-members)"
    not_zip = tmp_path / "d.zip"
    not_zip.write_bytes(b"RunId,PublishedAt\n")
    assert zip_entry_count(not_zip) is None
    assert zip_entry_count(tmp_path / "gone.zip") is None
    check_member_count(not_zip, Limits(max_members=0))  # zipfile reports the damage
