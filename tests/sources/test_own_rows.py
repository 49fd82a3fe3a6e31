"""sources/own_rows: the own-intervals frame and what the own-data readers share."""

from __future__ import annotations

import hashlib
import os
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from recon.errors import InputError
from recon.models.own import OwnSeries
from recon.sources.limits import Limits, refused_by_limit
from recon.sources.own_rows import (
    MAX_FINDINGS_PER_FILE,
    OWN_SCHEMA,
    Limited,
    OwnFile,
    Unusable,
    cast_values,
    empty_frame,
)

SERIES = OwnSeries(
    name="SCADA",
    variable="MSQ_F_I",
    format="csv",
    path="x.csv",
    unit="MWh",
    tolerance="0.0005",
)


def test_empty_frame_has_the_schema() -> None:
    frame = empty_frame()
    assert frame.height == 0 and frame.schema == OWN_SCHEMA


def test_cast_values_is_exact_and_names_each_problem() -> None:
    frame = pl.DataFrame({"v": ["1.5", "", "abc", "0.123456789", "-2.00000001"]})
    out, bad = cast_values(frame, "v", None)
    assert out.get_column("value").to_list() == [
        Decimal("1.5"),
        None,  # empty: no reading
        None,
        None,
        Decimal("-2.00000001"),
    ]
    assert bad.get_column("v").to_list() == ["abc", "0.123456789"]
    assert bad.get_column("why").to_list() == ["not a plain decimal number", "more than 8 decimals"]


def test_cast_values_scales_by_the_factor_exactly() -> None:
    frame = pl.DataFrame({"v": ["1234.5", "0.001"]})
    out, bad = cast_values(frame, "v", pl.lit(Decimal("0.001"), pl.Decimal(38, 16)))
    assert bad.height == 0
    assert out.get_column("value").to_list() == [Decimal("1.2345"), Decimal("0.000001")]


def test_limited_caps_each_check_and_says_how_many() -> None:
    lim = Limited(SERIES)
    for n in range(MAX_FINDINGS_PER_FILE + 5):
        lim.add("data.value", f"bad value {n}", source=f"x.csv:{n + 2}")
    lim.add("data.timestamp", "bad start", source="x.csv:99")
    findings = lim.done(Path("x.csv"))
    values = [f for f in findings if f.check == "data.value"]
    assert len(values) == MAX_FINDINGS_PER_FILE + 1
    assert f"{MAX_FINDINGS_PER_FILE + 5} data.value problems" in values[-1].message
    assert [f.source for f in findings if f.check == "data.timestamp"] == ["x.csv:99"]


def test_own_file_reads_lines_and_hashes_the_bytes_read(tmp_path: Path) -> None:
    path = tmp_path / "ok.csv"
    data = "\ufeffa,b\r\n1,2\r\n3,4".encode()
    path.write_bytes(data)
    with OwnFile(path) as own:
        assert list(own.lines()) == [(1, "a,b"), (2, "1,2"), (3, "3,4")]
        assert own.finish() == hashlib.sha256(data).hexdigest()
        assert own.unchanged()
    with OwnFile(path) as own:
        own.scan()
        assert own.finish() == hashlib.sha256(data).hexdigest()


def test_own_file_stops_at_the_line_cap_without_reading_the_line(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_bytes(b"a,b\n" + b"9" * 5000 + b"\n1,2\n")
    caps = Limits(max_line_bytes=1000)
    for read in (lambda o: list(o.lines()), lambda o: o.scan()):
        with OwnFile(path, caps) as own, pytest.raises(InputError) as e:
            read(own)
        assert "line 2 is longer than 1000 bytes (raise it with --max-line-mb)" in str(e.value)
        assert refused_by_limit(e.value)


@pytest.mark.parametrize("ending", [b"\n", b"\r\n"])
def test_own_file_scan_takes_a_line_of_exactly_the_cap(tmp_path: Path, ending: bytes) -> None:
    path = tmp_path / "edge.csv"
    path.write_bytes(b"x" * 10 + ending + b"y" * 10 + ending + b"z" * 3)
    with OwnFile(path, Limits(max_line_bytes=10)) as own:
        own.scan()
    path.write_bytes(b"x" * 10 + ending + b"y" * 11 + ending)
    with OwnFile(path, Limits(max_line_bytes=10)) as own, pytest.raises(InputError, match="line 2"):
        own.scan()


def test_own_file_refuses_a_file_over_the_member_cap(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes(b"a,b\n" * 100)
    with pytest.raises(InputError, match=r"over the cap of 100 \(raise it with --max-member-mb\)"):
        OwnFile(path, Limits(max_member_bytes=100))


def test_own_file_refuses_what_is_not_a_regular_file(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.csv"
    os.mkfifo(fifo)
    for path in (tmp_path, fifo, Path("/dev/zero"), tmp_path / "absent.csv"):
        with pytest.raises(Unusable):
            OwnFile(path)


def test_own_file_says_which_line_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes("a,b\n1,caf\u00e9\n".encode("latin-1"))
    with OwnFile(path) as own, pytest.raises(Unusable, match=r"not UTF-8 text \(line 2, byte 6\)"):
        list(own.lines())


def test_own_file_refuses_lines_ended_by_a_carriage_return_alone(tmp_path: Path) -> None:
    path = tmp_path / "mac.csv"
    path.write_bytes(b"100,NEM12\r200,x\r300,y\r")
    with OwnFile(path) as own, pytest.raises(Unusable, match="carriage return alone"):
        list(own.lines())
