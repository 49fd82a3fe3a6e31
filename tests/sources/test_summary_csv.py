"""recon.sources.summary_csv: the Settlement Statement Summary CSV (Guide Table 4, SPEC
§3.1) read into a statement, and its ``data.*`` findings.

Every malformed-file test plants one bad field in an otherwise good file and checks the
finding's check id, severity and ``file:line`` source, and that the other rows are still
read.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from paths import FIXTURES
from statement_findings import only

from recon.errors import InputError
from recon.models.findings import Severity
from recon.models.statements import Designation, PaymentOrCharge
from recon.sources.limits import Limits
from recon.sources.summary_csv import parse_summary_csv, read_summary_csv
from recon.sources.validate import ColumnsError

Writer = Callable[[str, bytes], Path]


@pytest.fixture
def w(wem_csv: SimpleNamespace) -> SimpleNamespace:
    """Short alias of the ``wem_csv`` writers."""
    return wem_csv


def test_summary_csv_with_bom_and_crlf(w: SimpleNamespace, write_file: Writer) -> None:
    data = w.summary_bytes(
        [
            w.summary_row("RTMSA_P_D", "2024-12-01", "-1234.56789012", p_or_c="Charge", gst="Y"),
            w.summary_row("RTMSA_P_D", "2024-12-02", "0.00000001", p_or_c="Charge", gst="Y"),
            w.summary_row(
                "SECDEPINT_P_D", "2024-12-01", "999999999999999.99999999", p_or_c="Payment", gst="N"
            ),
        ],
        bom=True,
    )
    assert data.startswith(b"\xef\xbb\xbfRunId,") and b"\r\n" in data
    path = write_file("summary.csv", data)
    stmt = read_summary_csv(path)
    assert stmt.findings == []
    assert stmt.form == "csv"
    assert stmt.source == str(path)
    h = stmt.header
    assert (
        h.run_id,
        h.published_at,
        h.market_service,
        h.designation,
        h.period,
        h.period_from,
        h.period_to,
        h.participant,
    ) == (
        51230,
        datetime(2024, 12, 19, 15, 30, 45),
        "WEM",
        Designation.INITIAL,
        "TW 01 Dec 2024",
        date(2024, 12, 1),
        date(2024, 12, 7),
        "SWANGEN",
    )
    got = [
        (r.variable, r.timestamp, r.payment_or_charge, r.gst_applicable, r.value, r.source)
        for r in stmt.rows
    ]
    assert got == [
        (
            "RTMSA_P_D",
            date(2024, 12, 1),
            PaymentOrCharge.CHARGE,
            True,
            Decimal("-1234.56789012"),
            f"{path}:2",
        ),
        (
            "RTMSA_P_D",
            date(2024, 12, 2),
            PaymentOrCharge.CHARGE,
            True,
            Decimal("0.00000001"),
            f"{path}:3",
        ),
        (
            "SECDEPINT_P_D",
            date(2024, 12, 1),
            PaymentOrCharge.PAYMENT,
            False,
            Decimal("999999999999999.99999999"),
            f"{path}:4",
        ),
    ]


def test_summary_csv_lf_without_trailing_newline(w: SimpleNamespace, write_file: Writer) -> None:
    rows = [w.summary_row("RTMSA_P_D", f"2024-12-0{d}", str(d)) for d in range(1, 8)]
    path = write_file("s.csv", w.summary_bytes(rows, newline="\n", trailing_newline=False))
    stmt = read_summary_csv(path)
    assert stmt.findings == []
    assert [r.value for r in stmt.rows] == [Decimal(d) for d in range(1, 8)]
    assert sum(r.value for r in stmt.rows) == Decimal(28)


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("1e-05", "not a plain decimal"),
        ("+1", "not a plain decimal"),
        ("1.123456789", "more than 8 decimals"),
        ("1234567890123456", "more than 15 integer digits"),
        ("NaN", "not a plain decimal"),
        ("Infinity", "not a plain decimal"),
        ("1.2.3", "not a plain decimal"),
        ("", "not a plain decimal"),
    ],
)
def test_summary_data_value(w: SimpleNamespace, write_file: Writer, value: str, words: str) -> None:
    rows = [
        w.summary_row("RTMSA_P_D", "2024-12-01", "1"),
        w.summary_row("RTMSA_P_D", "2024-12-02", value),
        w.summary_row("RTMSA_P_D", "2024-12-03", "3"),
    ]
    path = write_file("s.csv", w.summary_bytes(rows))
    stmt = read_summary_csv(path)
    f = only(stmt, "data.value")
    assert f.severity is Severity.ERROR
    assert f.source == f"{path}:3"
    assert words in f.message
    assert (f.variable, f.timestamp, f.actual) == ("RTMSA_P_D", "2024-12-02", value or None)
    assert [r.value for r in stmt.rows] == [Decimal(1), Decimal(3)]


def test_summary_finding_carries_the_run(w: SimpleNamespace, write_file: Writer) -> None:
    rows = [w.summary_row("RTMSA_P_D", "2024-12-01", "x")]
    stmt = read_summary_csv(write_file("s.csv", w.summary_bytes(rows)))
    f = only(stmt, "data.value")
    assert (f.participant, f.period, f.run_id, f.designation) == (
        "SWANGEN",
        "TW 01 Dec 2024",
        51230,
        "INITIAL",
    )


@pytest.mark.parametrize(
    ("p_or_c", "gst"),
    [("Paymnt", "Y"), ("payment", "Y"), ("", "N"), ("Charge", "X"), ("Charge", "")],
)
def test_summary_data_classification(
    w: SimpleNamespace, write_file: Writer, p_or_c: str, gst: str
) -> None:
    rows = [
        w.summary_row("RTMSA_P_D", "2024-12-01", "1"),
        w.summary_row("MKTFEE_P_D", "2024-12-01", "2", p_or_c=p_or_c, gst=gst),
        w.summary_row("RTMSA_P_D", "2024-12-02", "3"),
    ]
    path = write_file("s.csv", w.summary_bytes(rows))
    stmt = read_summary_csv(path)
    f = only(stmt, "data.classification")
    assert f.severity is Severity.ERROR
    assert f.source == f"{path}:3"
    assert f.variable == "MKTFEE_P_D"
    assert len(stmt.rows) == 2


@pytest.mark.parametrize("name", ["RTMSA", "RTMSA_Q_D", "RTMSA_F_D", "RTMSA_P_I", ""])
def test_summary_data_variable(w: SimpleNamespace, write_file: Writer, name: str) -> None:
    rows = [w.summary_row("RTMSA_P_D", "2024-12-01", "1"), w.summary_row(name, "2024-12-01", "2")]
    path = write_file("s.csv", w.summary_bytes(rows))
    stmt = read_summary_csv(path)
    f = only(stmt, "data.variable")
    assert f.source == f"{path}:3"
    assert [r.variable for r in stmt.rows] == ["RTMSA_P_D"]


@pytest.mark.parametrize(
    "ts", ["2024-13-01", "01/12/2024", "2024-12-01junk", "20241201", "2024-W48-7", ""]
)
def test_summary_data_timestamp_not_a_date(w: SimpleNamespace, write_file: Writer, ts: str) -> None:
    rows = [w.summary_row("RTMSA_P_D", ts, "2"), w.summary_row("RTMSA_P_D", "2024-12-01", "1")]
    path = write_file("s.csv", w.summary_bytes(rows))
    stmt = read_summary_csv(path)
    f = only(stmt, "data.timestamp")
    assert f.source == f"{path}:2"
    assert [r.value for r in stmt.rows] == [Decimal(1)]


def test_summary_data_duplicate(w: SimpleNamespace, write_file: Writer) -> None:
    rows = [
        w.summary_row("RTMSA_P_D", "2024-12-01", "1"),
        w.summary_row("RTMSA_P_D", "2024-12-02", "2"),
        w.summary_row("RTMSA_P_D", "2024-12-01", "9"),
    ]
    path = write_file("s.csv", w.summary_bytes(rows))
    stmt = read_summary_csv(path)
    f = only(stmt, "data.duplicate")
    assert f.source == f"{path}:4"
    assert f"{path}:2" in f.message
    assert [r.value for r in stmt.rows] == [Decimal(1), Decimal(2)]


def test_summary_data_header(w: SimpleNamespace, write_file: Writer) -> None:
    rows = [
        w.summary_row("RTMSA_P_D", "2024-12-01", "1"),
        w.summary_row("RTMSA_P_D", "2024-12-02", "2", RunId="51231"),
        w.summary_row("RTMSA_P_D", "2024-12-03", "3"),
    ]
    path = write_file("s.csv", w.summary_bytes(rows))
    stmt = read_summary_csv(path)
    f = only(stmt, "data.header")
    assert f.severity is Severity.ERROR
    assert f.source == f"{path}:3"
    assert (f.expected, f.actual) == ("51230", "51231")
    assert "RunId" in f.message
    assert stmt.header.run_id == 51230
    assert len(stmt.rows) == 3


def test_summary_data_period_label_and_from_disagree(
    w: SimpleNamespace, write_file: Writer
) -> None:
    rows = [w.summary_row("RTMSA_P_D", "2024-12-01", "1", Period="TW 08 Dec 2024")]
    stmt = read_summary_csv(write_file("s.csv", w.summary_bytes(rows)))
    f = only(stmt, "data.period")
    assert f.severity is Severity.WARNING
    assert (f.expected, f.actual) == ("2024-12-08", "2024-12-01")
    assert len(stmt.rows) == 1


def test_summary_eight_day_period_is_a_warning_not_a_rejection(
    w: SimpleNamespace, write_file: Writer
) -> None:
    # The Guide's own example: TW 01 Oct 2023 with PeriodTo 2023-10-08.
    head = {"Period": "TW 01 Oct 2023", "PeriodFrom": "2023-10-01", "PeriodTo": "2023-10-08"}
    rows = [w.summary_row("RTMSA_P_D", f"2023-10-0{d}", str(d), **head) for d in range(1, 9)]
    stmt = read_summary_csv(write_file("s.csv", w.summary_bytes(rows)))
    f = only(stmt, "data.period")
    assert f.severity is Severity.WARNING
    assert (f.expected, f.actual) == ("7", "8")
    assert len(stmt.rows) == 8


def test_summary_timestamp_outside_period(w: SimpleNamespace, write_file: Writer) -> None:
    rows = [
        w.summary_row("RTMSA_P_D", "2024-12-01", "1"),
        w.summary_row("RTMSA_P_D", "2024-12-08", "2"),
    ]
    path = write_file("s.csv", w.summary_bytes(rows))
    stmt = read_summary_csv(path)
    f = only(stmt, "data.period")
    assert f.severity is Severity.WARNING
    assert f.source == f"{path}:3"
    assert len(stmt.rows) == 2


@pytest.mark.parametrize(
    ("columns", "words"),
    [
        (
            lambda cols: [c for c in cols if c != "GST Applicable"],
            "lacks column(s) 'GST Applicable'",
        ),
        (lambda cols: [*cols, "Scope"], "unknown column(s) 'Scope'"),
    ],
)
def test_summary_data_columns(
    w: SimpleNamespace, write_file: Writer, columns: Callable[[list[str]], list[str]], words: str
) -> None:
    cols = columns(list(w.SUMMARY_COLUMNS))
    rows = [w.summary_row("RTMSA_P_D", "2024-12-01", "1")]
    path = write_file("s.csv", w.csv_bytes(cols, rows))
    with pytest.raises(ColumnsError) as info:
        read_summary_csv(path)
    f = info.value.finding
    assert (f.check, f.source) == ("data.columns", f"{path}:1")
    assert words in f.message


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("empty.csv", b"", "is empty"),
        ("latin1.csv", "Période,Valeur\r\n".encode("latin-1"), "not UTF-8"),
    ],
)
def test_unreadable_summary_raises_input_error(
    write_file: Writer, name: str, data: bytes, words: str
) -> None:
    path = write_file(name, data)
    with pytest.raises(InputError) as info:
        read_summary_csv(path)
    assert str(path) in str(info.value)
    assert words in str(info.value)


def test_header_only_summary_raises_input_error(w: SimpleNamespace, write_file: Writer) -> None:
    path = write_file("s.csv", w.summary_bytes([]))
    with pytest.raises(InputError, match="no Summary rows") as info:
        read_summary_csv(path)
    assert str(path) in str(info.value)


# =========================================================================== from bytes


SAMPLE = FIXTURES / "sample_week" / "csv" / ("SWANGEN_51230_INITIAL_SettlementStatementSummary.csv")


def test_the_sample_summary_reads_from_its_file_and_its_bytes_alike() -> None:
    st = read_summary_csv(SAMPLE)
    again = parse_summary_csv(SAMPLE.read_bytes(), str(SAMPLE))
    assert st == again
    assert st.form == "csv" and st.source == str(SAMPLE) and st.findings == []
    assert st.header.run_id == 51230 and st.header.participant == "SWANGEN"
    assert st.rows[0].source == f"{SAMPLE}:2"
    assert len(st.rows) == SAMPLE.read_bytes().count(b"\n") - 1


def test_a_row_that_cannot_be_read_is_a_finding_naming_the_run(w: SimpleNamespace) -> None:
    rows = [
        w.summary_row("RTMSA_P_D", "2024-12-01", "1"),
        w.summary_row("RTMSA_P_D", "2024-12-02", "x"),  # a value that does not read
    ]
    data = w.summary_bytes(rows) + b"51230,2024-12-19T15:30:45\r\n"  # a short line
    st = parse_summary_csv(data, "w/s.csv")
    short, bad_value = st.findings  # the unread line first, then the validator's
    assert (short.check, short.source) == ("data.value", "w/s.csv:4")
    assert short.message == "line 4 has 2 fields where the header has 13; the row was not used."
    assert (short.participant, short.period, short.run_id, short.designation) == (
        bad_value.participant,
        bad_value.period,
        bad_value.run_id,
        bad_value.designation,
    )
    assert short.run_id == 51230 and short.designation == "INITIAL"
    assert bad_value.source == "w/s.csv:3"
    assert [r.value for r in st.rows] == [Decimal("1")]


def test_a_summary_over_the_cap_is_refused() -> None:
    with pytest.raises(InputError) as e:
        read_summary_csv(SAMPLE, Limits(max_member_bytes=1000))
    assert e.value.problem.endswith("over the cap of 1000 (raise it with --max-member-mb)")
