"""Own data readers (SPEC §9): the ``--own`` mapping, NEM12 and CSV series, and alignment.

Files are written by hand here so each test can plant one thing and know its line.
"""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from recon.errors import InputError
from recon.models.decimals import round_half_away
from recon.models.own import OwnSeries
from recon.sources.own_data import (
    read_csv_series,
    read_mapping,
    read_nem12,
    read_series,
    series_files,
)
from recon.wem.calendar import (
    AWST,
    TRADING_INTERVAL,
    align_intervals,
    meter_interval,
    trading_interval,
)

D = Decimal
DAY = date(2024, 12, 4)


def nem_series(tmp: Path, **kw: object) -> OwnSeries:
    args: dict = {
        "name": "meters",
        "variable": "ChannelQty_CH_I",
        "format": "nem12",
        "glob": "*.csv",
        "unit": "kWh",
        "tolerance": "0.001",
        "base_dir": str(tmp),
    }
    args.update(kw)
    return OwnSeries(**args)


def day_record(day: date, values: list[str], quality: str = "A") -> str:
    return f"300,{day:%Y%m%d},{','.join(values)},{quality},,,{day:%Y%m%d}120000,"


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\r\n".join(lines) + "\r\n")
    return path


# --------------------------------------------------------------------------- the mapping


def test_mapping_reads_series_and_resolves_globs_against_its_folder(tmp_path: Path) -> None:
    (tmp_path / "m").mkdir()
    write(tmp_path / "m" / "a.csv", ["100,NEM12,202412010000,A,B", "900"])
    (tmp_path / "own.toml").write_text(
        '[[series]]\nname = "meters"\nvariable = "ChannelQty_CH_I"\nformat = "nem12"\n'
        'glob = "m/*.csv"\nunit = "kWh"\ntolerance = "0.001"\n'
        '[[series]]\nname = "SCADA"\nvariable = "MSQ_F_I"\nformat = "csv"\npath = "s.csv"\n'
        'scope = "facility"\nvalue = "mwh"\naggregate = "mean"\n'
    )
    m = read_mapping(tmp_path / "own.toml")
    assert [s.name for s in m.series] == ["meters", "SCADA"]
    assert m.series[0].tolerance == D("0.001")
    assert m.series[1].aggregate == "mean" and m.series[1].scope == "facility"
    data = read_series(m.series[0])
    assert data.files == [str(tmp_path / "m" / "a.csv")]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("[[series]\n", "not valid TOML"),
        ('title = "x"\n', "unknown top-level key"),
        ("", "no [[series]]"),
        (
            '[[series]]\nname="a"\nvariable="MSQ_F_I"\nformat="csv"\npath="x"\ntolerance=0.1\n',
            "as a string",
        ),
        (
            '[[series]]\nname="a"\nvariable="MSQ_F_I"\nformat="csv"\npath="x"\ncolour="red"\n',
            "colour",
        ),
        ('[[series]]\nname="a"\nvariable="RTMSA_P_D"\nformat="csv"\npath="x"\n', "granularity"),
        ('[[series]]\nname="a"\nvariable="MSQ_F_I"\nformat="nem12"\npath="x"\n', "NEM12"),
        ('[[series]]\nname="a"\nvariable="MSQ"\nformat="csv"\npath="x"\n', "MSQ"),
        (
            '[[series]]\nname="a"\nvariable="MSQ_F_I"\nformat="csv"\npath="x"\ntolerance=true\n',
            "number",
        ),
        (
            '[[series]]\nname="a"\nvariable="MSQ_F_I"\nformat="csv"\npath="x"\ntolerance="x"\n',
            "number",
        ),
        (
            '[[series]]\nname="a"\nvariable="ChannelQty_CH_I"\nformat="nem12"\npath="x"\n',
            "needs unit",
        ),
        ('[[series]]\nname="a"\nvariable="MSQ_F_I"\nformat="csv"\n', "either path"),
        (
            '[[series]]\nname="a"\nvariable="MSQ_F_I"\nformat="csv"\npath="x"\nglob="*"\n',
            "not both",
        ),
        # The old form, a pattern under path: the key to use is named.
        (
            '[[series]]\nname="a"\nvariable="MSQ_F_I"\nformat="csv"\npath="own/*.csv"\n',
            "write glob = 'own/*.csv'",
        ),
        ("a = " + "[" * 5000 + "]" * 5000 + "\n", "nested too deeply"),
    ],
)
def test_a_bad_mapping_is_refused_naming_the_file(tmp_path: Path, text: str, says: str) -> None:
    p = tmp_path / "own.toml"
    p.write_text(text)
    with pytest.raises(InputError) as e:
        read_mapping(p)
    assert str(p) in str(e.value) and says in str(e.value)


def test_a_missing_mapping_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot be read"):
        read_mapping(tmp_path / "nope.toml")


def test_a_glob_that_matches_nothing_is_a_finding(tmp_path: Path) -> None:
    data = read_series(nem_series(tmp_path, glob="none/*.csv"))
    assert data.frame.height == 0
    (f,) = data.findings
    assert f.check == "data.columns" and "matches no file" in f.message


def test_a_path_that_does_not_exist_is_a_finding(tmp_path: Path) -> None:
    data = read_series(nem_series(tmp_path, glob=None, path="meters.csv"))
    (f,) = data.findings
    assert f.check == "data.columns" and "'meters.csv', which does not exist" in f.message


def test_a_path_is_literal_and_a_glob_has_only_star_wildcards(tmp_path: Path) -> None:
    for name in ("SCADA export [wk 49].csv", "scada[1].csv", "scada1.csv", "a?.csv", "ab.csv"):
        write(tmp_path / name, ["100,NEM12,202412010000,A,B", "900"])
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub" / "deep[1].csv", ["900"])

    def files(**kw: object) -> list[str]:
        return [Path(f).name for f in series_files(nem_series(tmp_path, **{"glob": None, **kw}))]

    assert files(path="SCADA export [wk 49].csv") == ["SCADA export [wk 49].csv"]
    assert files(path="scada[1].csv") == ["scada[1].csv"]
    assert files(path="a?.csv") == ["a?.csv"]
    assert files(glob="scada[1].csv") == ["scada[1].csv"]
    assert files(glob="a?.csv") == ["a?.csv"]
    assert files(glob="scada*.csv") == ["scada1.csv", "scada[1].csv"]
    assert files(glob="**/*[1].csv") == ["scada[1].csv", "deep[1].csv"]  # sorted by path
    # The mapping's own folder may hold any character too.
    odd = tmp_path / "own [2024]"
    odd.mkdir()
    write(odd / "m.csv", ["900"])
    series = nem_series(odd, glob="*.csv")
    assert [Path(f).name for f in series_files(series)] == ["m.csv"]


@pytest.mark.parametrize("what", ["folder", "fifo", "device", "huge"])
def test_a_mapping_that_is_no_regular_file_is_refused_in_one_line(
    tmp_path: Path, what: str
) -> None:
    p = tmp_path / "own.toml"
    if what == "folder":
        p.mkdir()
    elif what == "fifo":
        os.mkfifo(p)
    elif what == "device":
        p = Path("/dev/zero")
    else:
        p.write_bytes(b"# " + b"x" * (2 * 1024 * 1024) + b"\n")
    with pytest.raises(InputError) as e:
        read_mapping(p)
    assert str(p) in str(e.value) and "\n" not in str(e.value)


# --------------------------------------------------------------------------- NEM12


def test_nem12_values_stay_exact_and_units_convert(tmp_path: Path) -> None:
    # 0.1 + 0.2 is 0.30000000000000004 in floats; 30-minute kWh, and a Wh channel.
    kwh = ["0.1", "0.2"] + ["0"] * 46
    wh = ["123"] * 48
    path = write(
        tmp_path / "a.csv",
        [
            "100,NEM12,202412050000,MDP,RET",
            "200,8001234567,B1E1,1,B1,N1,M1,kWh,30,",
            day_record(DAY, kwh),
            "200,8001234567,B1E1,1,E1,N1,M1,Wh,30,",
            day_record(DAY, wh),
            "900",
        ],
    )
    frame, found = read_nem12(path, nem_series(tmp_path))
    assert found == []
    assert frame.height == 96
    assert frame.schema["value"] == pl.Decimal(38, 8)
    b1 = frame.filter(pl.col("scope") == "8001234567-B1").sort("start")
    assert b1.get_column("value").head(2).to_list() == [D("0.1"), D("0.2")]
    assert sum(b1.get_column("value").head(2).to_list()) == D("0.3")
    e1 = frame.filter(pl.col("scope") == "8001234567-E1")
    assert set(e1.get_column("value").to_list()) == {D("0.123")}
    assert frame.get_column("source_line").unique().sort().to_list() == [3, 5]


def test_nem12_nmi_scope_and_quality_flags(tmp_path: Path) -> None:
    vals = [str(i) for i in range(1, 49)]
    path = write(
        tmp_path / "a.csv",
        [
            "100,NEM12,202412050000,MDP,RET",
            "200,8001234567,E1,1,E1,N1,M1,kWh,30,",
            day_record(DAY, vals, "V"),
            "400,1,10,A,,",
            "400,11,20,E52,,",
            "400,21,48,N,,",
            "900",
        ],
    )
    frame, found = read_nem12(path, nem_series(tmp_path, variable="NMINetQty_N_I"))
    assert found == []
    assert set(frame.get_column("scope")) == {"8001234567"}
    f = frame.sort("start")
    assert f.get_column("quality").to_list()[:21] == ["A"] * 10 + ["E52"] * 10 + ["N"]
    # quality N (null data): no value
    assert f.get_column("value").to_list()[20:] == [None] * 28


def test_nem12_malformed_lines_are_findings_naming_file_and_line(tmp_path: Path) -> None:
    good = ["1.5"] * 48
    path = write(
        tmp_path / "a.csv",
        [
            "100,NEM12,202412050000,MDP,RET",
            day_record(DAY, good),  # 2: before any 200
            "200,8001234567,B1,1,B1,N1,M1,kWh,30,",
            day_record(DAY, [*good[:-1], "12x"]),  # 4: a bad value
            day_record(DAY, good[:10]),  # 5: short
            "300,2024-12-04," + ",".join(good) + ",A,,,,",  # 6: not YYYYMMDD
            "200,8001234568,B1,1,B1,N1,M1,kW,30,",  # 7: power, not energy
            "200,8001234569,B1,1,B1,N1,M1,kWh,20,",  # 8: 20 minutes
            "777,x",  # 9: unknown record
            "900",
        ],
    )
    frame, found = read_nem12(path, nem_series(tmp_path))
    by_line = {f.source: f for f in found}
    assert set(by_line) == {f"{path}:{n}" for n in (2, 4, 5, 6, 7, 8, 9)}
    assert by_line[f"{path}:4"].check == "data.value" and "'12x'" in by_line[f"{path}:4"].message
    assert by_line[f"{path}:5"].check == "data.array_length"
    assert by_line[f"{path}:6"].check == "data.timestamp"
    assert "kW" in by_line[f"{path}:7"].message
    assert "20" in by_line[f"{path}:8"].message
    # the good intervals of line 4 are kept; the bad one is not a value
    assert frame.height == 48
    assert frame.get_column("value").null_count() == 1


def test_a_nem13_file_is_a_finding_not_a_traceback(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", ["100,NEM13,202412050000,MDP,RET", "900"])
    frame, (f,) = read_nem12(path, nem_series(tmp_path))
    assert frame.height == 0 and "NEM13" in f.message and f.source == f"{path}:1"


def test_a_binary_file_is_a_finding(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b"\xff\xfe\x00garbage")
    frame, (f,) = read_nem12(path, nem_series(tmp_path))
    assert frame.height == 0 and "UTF-8" in f.message


# --------------------------------------------------------------------------- alignment


def test_the_nem12_interval_ending_0800_is_the_previous_trading_days_interval_48(
    tmp_path: Path,
) -> None:
    """SPEC §9: NEM12 day d, interval 16 at 30 minutes ends 08:00 on d: it is Trading
    Interval 48 of Trading Day d - 1; interval 17 is Trading Interval 1 of d."""
    start, end = meter_interval(DAY, 16, 30)
    assert (start, end) == (
        datetime(2024, 12, 4, 7, 30, tzinfo=AWST),
        datetime(2024, 12, 4, 8, 0, tzinfo=AWST),
    )
    assert (start, end) == trading_interval(DAY - timedelta(days=1), 48)
    assert meter_interval(DAY, 17, 30) == trading_interval(DAY, 1)
    assert meter_interval(DAY, 96, 5)[1] == datetime(2024, 12, 4, 8, 0, tzinfo=AWST)

    values = [str(k) for k in range(1, 49)]  # the value is the interval number
    path = write(
        tmp_path / "a.csv",
        ["100,NEM12,x,A,B", "200,8001234567,B1,1,B1,N1,M1,kWh,30,", day_record(DAY, values)],
    )
    frame, _ = read_nem12(path, nem_series(tmp_path))
    aligned, misfits = align_intervals(frame, TRADING_INTERVAL, "sum")
    assert misfits.height == 0
    got = {(r["trading_day"], r["position"]): r["value"] for r in aligned.iter_rows(named=True)}
    assert got[(DAY - timedelta(days=1), 48)] == D(16)
    assert got[(DAY, 1)] == D(17)
    assert got[(DAY - timedelta(days=1), 33)] == D(1)  # 00:00-00:30
    assert got[(DAY, 32)] == D(48)  # 23:30-24:00


def test_five_minute_intervals_aggregate_exactly_by_sum_and_mean(tmp_path: Path) -> None:
    five = ["0.1"] * 95 + ["0.2"] + ["0.1"] * 192  # interval 96 ends 08:00
    path = write(
        tmp_path / "a.csv",
        ["100,NEM12,x,A,B", "200,8001234567,B1,1,B1,N1,M1,kWh,5,", day_record(DAY, five)],
    )
    frame, _ = read_nem12(path, nem_series(tmp_path))
    summed, _ = align_intervals(frame, TRADING_INTERVAL, "sum")
    row = summed.filter(pl.col("trading_day") == DAY - timedelta(days=1), pl.col("position") == 48)
    assert row.get_column("value").item() == D("0.7")
    assert row.get_column("count").item() == row.get_column("expected").item() == 6
    mean, _ = align_intervals(
        frame, TRADING_INTERVAL, "mean", mean=lambda t, n: round_half_away(t / n, 8)
    )
    row = mean.filter(pl.col("trading_day") == DAY - timedelta(days=1), pl.col("position") == 48)
    # 0.7 / 6 = 0.11666666..., rounded half away from zero at 8 places
    assert row.get_column("value").item() == D("0.11666667")


def test_an_interval_longer_than_the_target_does_not_fit() -> None:
    frame = pl.DataFrame(
        {
            "scope": ["x"],
            "start": [datetime(2024, 12, 4, 8, 0)],
            "minutes": [30],
            "value": pl.Series([D("1")], dtype=pl.Decimal(38, 8)),
        }
    )
    aligned, misfits = align_intervals(frame, timedelta(minutes=5), "sum")
    assert aligned.height == 0 and misfits.height == 1
    assert "does not fit" in misfits.get_column("problem").item()


# --------------------------------------------------------------------------- CSV


def csv_series(tmp: Path, **kw: object) -> OwnSeries:
    args: dict = {
        "name": "SCADA",
        "variable": "MSQ_F_I",
        "format": "csv",
        "path": "s.csv",
        "scope": "facility",
        "start": "interval_start",
        "value": "mwh",
        "base_dir": str(tmp),
    }
    args.update(kw)
    return OwnSeries(**args)


def test_csv_starts_without_offset_are_awst_and_offsets_convert(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text(
        "facility,interval_start,mwh\n"
        "F1,2024-12-04T08:00:00,1.00000001\n"
        "F2,2024-12-04T08:00:00+08:00,2\n"
        "F3,2024-12-04T00:00:00Z,3\n"
        "F4,2024-12-04 08:00,4\n"
    )
    frame, found = read_csv_series(path, csv_series(tmp_path))
    assert found == []
    assert set(frame.get_column("start")) == {datetime(2024, 12, 4, 8, 0)}
    assert frame.sort("scope").get_column("value").to_list() == [
        D("1.00000001"),
        D(2),
        D(3),
        D(4),
    ]


def test_csv_problems_name_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text(
        "facility,interval_start,mwh\n"
        "F1,2024-12-04T08:00:00,1\n"
        "F1,tomorrow,1\n"
        "F1,2024-12-04T08:10:00,1e3\n"
        "F1,2024-12-04T08:15:00,0.123456789\n"
        "F1,2024-12-04T08:05:00,1\n"
    )
    frame, found = read_csv_series(path, csv_series(tmp_path))
    by_line = {f.source: f.check for f in found}
    assert by_line == {
        f"{path}:3": "data.timestamp",
        f"{path}:4": "data.value",
        f"{path}:5": "data.value",
    }
    assert frame.get_column("minutes").unique().to_list() == [5]  # the common gap


def test_csv_without_a_named_column_is_a_finding(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("facility,start,mwh\nF1,2024-12-04T08:00:00,1\n")
    frame, (f,) = read_csv_series(path, csv_series(tmp_path))
    assert frame.height == 0 and f.check == "data.columns" and "interval_start" in f.message


def test_the_same_interval_twice_is_a_finding_and_the_first_is_used(tmp_path: Path) -> None:
    (tmp_path / "s.csv").write_text(
        "facility,interval_start,mwh\n"
        "F1,2024-12-04T08:00:00,1\n"
        "F1,2024-12-04T08:05:00,2\n"
        "F1,2024-12-04T08:00:00+08:00,9\n"
    )
    data = read_series(csv_series(tmp_path))
    (f,) = data.findings
    assert f.check == "data.duplicate" and f.scope == "F1"
    assert f"{tmp_path / 's.csv'}:2" in f.message and f"{tmp_path / 's.csv'}:4" in f.message
    assert sorted(data.frame.get_column("value").to_list()) == [D(1), D(2)]
