"""Regression tests of the bugs issue 9 fixed, each at the unit that had it."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import polars as pl
import pytest
from builders.summary import summary_document

from recon.cli.main import main, printable
from recon.emulator import encode as enc
from recon.errors import InputError
from recon.models.detail import MAX_PERIOD_DAYS, period_days
from recon.sources.csv_table import header_names
from recon.sources.detect import PREFIX_BYTES, detect, sniff
from recon.sources.limits import Limits
from recon.sources.summary_csv import parse_summary_csv
from recon.sources.validate import parse_header

from .corpus import detail_rows, put, raw_zip, stored_member, summary_rows
from .helpers import RunCli, measure


def test_period_days_is_bounded_for_a_hostile_header() -> None:
    header = parse_header(
        {
            "RunId": "1",
            "PublishedAt": "2024-12-19T15:30:45",
            "MarketService": "WEM",
            "Designation": "INITIAL",
            "Period": "TW 01 Dec 2024",
            "PeriodFrom": "0001-01-01",
            "PeriodTo": "9999-12-31",
            "ParticipantCode": "X",
        },
        "s",
    )
    days = period_days(header)
    assert len(days) == MAX_PERIOD_DAYS and days[0] == date(1, 1, 1)


def test_period_from_on_the_first_day_of_the_calendar(wem_csv: SimpleNamespace) -> None:
    """0001-01-01 is a Monday: finding its Sunday overflowed (an internal error)."""
    w = wem_csv
    stmt = parse_summary_csv(
        w.summary_bytes(
            [
                w.summary_row(
                    "RTMSA_P_D", "2024-12-01", "1", PeriodFrom="0001-01-01", PeriodTo="0001-01-07"
                )
            ]
        ),
        "s",
    )
    assert any("is not a Sunday" in f.message for f in stmt.findings)
    assert any("outside the Period" in f.message for f in stmt.findings)


def test_printable_escapes_control_characters_and_cuts() -> None:
    assert printable("a\x1b[2Jb\x07\nc\td\u0085") == "a\\x1b[2Jb\\x07\\x0ac\td\\x85"
    long = printable("x" * 5000)
    assert len(long) < 2100 and long.endswith("(3000 more characters)")


def test_a_rust_panic_is_one_line_not_a_traceback(
    tmp_path: Path, recon_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    import recon.pipeline.check

    def panic(*args: object, **kwargs: object) -> None:
        raise pl.exceptions.PanicException("index out of bounds")

    monkeypatch.setattr(recon.pipeline.check, "read", panic)
    run = recon_cli("check", tmp_path, "--out", tmp_path / "out", "--no-progress")
    assert run.code == 2
    assert run.error_lines == [
        "recon: internal error: PanicException: index out of bounds "
        "(run with -vv for details and please report it)"
    ]
    assert "Traceback" not in run.err


def test_a_panic_in_the_fast_csv_path_falls_back_to_the_careful_one(
    wem_csv: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = wem_csv
    data = w.summary_bytes(summary_rows(w))
    fast = parse_summary_csv(data, "s.csv")

    def panic(*args: object, **kwargs: object) -> None:
        raise pl.exceptions.PanicException("polars panicked")

    monkeypatch.setattr(pl, "read_csv", panic)
    slow = parse_summary_csv(data, "s.csv")
    assert slow.rows == fast.rows and slow.findings == fast.findings == []


def test_a_short_line_is_named_by_its_field_count(wem_csv: SimpleNamespace) -> None:
    w = wem_csv
    data = w.summary_bytes(summary_rows(w)) + b"51230,2024-12-19T15:30:45\r\n"
    stmt = parse_summary_csv(data, "s.csv")
    assert [(f.check, f.source) for f in stmt.findings] == [("data.value", "s.csv:4")]
    assert "has 2 fields where the header has 13" in stmt.findings[0].message
    assert len(stmt.rows) == 2


def test_an_empty_value_reads_alike_on_both_paths(wem_csv: SimpleNamespace) -> None:
    w = wem_csv
    rows = [*summary_rows(w), w.summary_row("CCP_P_D", "2024-12-03", "")]
    stmt = parse_summary_csv(w.summary_bytes(rows), "s.csv")
    assert [f.check for f in stmt.findings] == ["data.value"]
    assert "'' is not a plain decimal" in stmt.findings[0].message


@pytest.mark.parametrize("data", [b"\rRunId,PublishedAt", b"RunId,PublishedAt\rx,y\r"])
def test_carriage_returns_alone_are_an_input_error(data: bytes) -> None:
    with pytest.raises(InputError, match="carriage return"):
        header_names(data, "s.csv")


def test_a_non_utf8_row_is_detected_as_csv_not_skipped(
    wem_csv: SimpleNamespace, tmp_path: Path
) -> None:
    w = wem_csv
    path = put(tmp_path / "s.csv", w.summary_bytes(summary_rows(w)).replace(b"12.5", b"1\xff"))
    assert sniff(path).kind == "summary_csv"
    header_bad = put(tmp_path / "h.csv", b"Run\xffId,x\n1,2\n")
    assert detect([header_bad]).skipped[0].reason.startswith("not UTF-8")


def test_zip_sniffing_reads_a_bounded_prefix_of_the_first_member(
    wem_csv: SimpleNamespace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Detail header then 64 MiB of one line: sniffing reads 64 KiB of it, not a line."""
    data = wem_csv.detail_bytes(detail_rows(wem_csv)) + b"0" * (64 * 1024 * 1024)
    path = put(tmp_path / "d.zip", wem_csv.zip_bytes({"day1.csv": data}))
    reads: list[int] = []
    real_read = zipfile.ZipExtFile.read

    def read(self: zipfile.ZipExtFile, n: int = -1) -> bytes:
        reads.append(n)
        return real_read(self, n)

    monkeypatch.setattr(zipfile.ZipExtFile, "read", read)
    with measure() as cost:
        art = sniff(path)
    assert art.kind == "detail_zip" and art.run_id == 51230
    assert reads == [PREFIX_BYTES]
    assert cost.peak_growth_mib < 50, cost


def test_csv_sniffing_reads_only_the_prefix(
    wem_csv: SimpleNamespace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = put(tmp_path / "s.csv", wem_csv.summary_bytes(summary_rows(wem_csv)))
    import builtins

    real_open = builtins.open
    opened: list[str] = []

    def spy(file: object, mode: str = "r", *args: object, **kwargs: object) -> object:
        opened.append(mode)
        return real_open(file, mode, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(builtins, "open", spy)
    assert sniff(path).kind == "summary_csv"
    assert all("b" in m for m in opened), opened  # no second, text-mode read of the file


def test_a_big_summary_json_cut_short_is_refused_not_skipped(
    tmp_path: Path, recon_cli: RunCli
) -> None:
    """Its prefix shows a Summary; that it does not parse whole is the reader's to say."""
    doc = summary_document()
    doc["variables"] = doc["variables"] * 2000  # type: ignore[operator]
    data = enc.dumps(doc)
    assert len(data) > 2 * PREFIX_BYTES
    path = put(tmp_path / "summary.json", data[: len(data) - 100])
    assert sniff(path).kind == "summary_json"
    run = recon_cli("check", path, "--out", tmp_path / "out", "--no-progress")
    run.assert_no_traceback()
    assert run.code == 2
    assert run.error_lines[0].startswith(f"recon: {path}")
    assert "is not valid JSON" in run.error_lines[0]
    small = put(tmp_path / "small.json", enc.dumps(summary_document())[:-10])
    assert detect([small]).skipped[0].reason.startswith("JSON that does not read")


def test_a_zip_over_the_member_cap_but_small_is_still_recognised(
    wem_csv: SimpleNamespace, tmp_path: Path
) -> None:
    w = wem_csv
    days = [f"2024-12-0{k}" for k in range(1, 4)]
    path = put(
        tmp_path / "d.zip",
        w.zip_bytes({f"{d}.csv": w.detail_bytes(detail_rows(w, d)) for d in days}),
    )
    assert sniff(path, limits=Limits(max_members=2)).kind == "detail_zip"


def test_load_passes_the_caps_to_every_reader(wem_csv: SimpleNamespace, tmp_path: Path) -> None:
    """recon.api.load used the default caps for JSON and PDF, whatever the options said."""
    from recon.api import load

    path = put(tmp_path / "summary.json", enc.dumps(summary_document()))
    tiny = Limits(max_member_bytes=100)
    with pytest.raises(InputError, match="over the cap of 100 "):
        load([path], limits=tiny)


def test_overlapping_members_are_refused_by_the_reader(
    wem_csv: SimpleNamespace, tmp_path: Path
) -> None:
    from recon.sources.detail_csv import read_detail

    from .corpus import _overlapping_zip

    path = put(tmp_path / "d.zip", _overlapping_zip(wem_csv))
    with pytest.raises(InputError, match="overlap"):
        read_detail(path)


def test_zip_name_flagged_utf8_that_is_not(wem_csv: SimpleNamespace, tmp_path: Path) -> None:
    from recon.sources.detail_csv import read_detail

    path = put(
        tmp_path / "d.zip",
        raw_zip(
            [stored_member(b"day\xff.csv", wem_csv.detail_bytes(detail_rows(wem_csv)), flags=0x800)]
        ),
    )
    with pytest.raises(InputError, match="not a readable ZIP"):
        read_detail(path)


def test_main_returns_the_status_when_given_argv(tmp_path: Path) -> None:
    assert (
        main(["check", str(tmp_path / "missing"), "--out", str(tmp_path / "o"), "--no-progress"])
        == 2
    )
