"""``recon check --own`` on the fixtures written by ``fixtures/own_data.py`` (SPEC §9).

* ``fixtures/sample_week`` with its ``own.toml`` (a NEM12 file of every channel, a SCADA
  CSV of every facility's MSQ_F_I) is clean: exit 0, every mapped interval compared.
* ``fixtures/planted_week`` with its ``own.toml`` holds planted differences and gaps; the
  own.* errors and warnings are exactly those of ``own_expected.json``, at their exact AWST
  intervals, and no others.

The generator does not import recon: its intervals are an independent account.
"""

from __future__ import annotations

import hashlib
import json
import tracemalloc
from decimal import Decimal
from pathlib import Path
from typing import Any

import fixture_scripts
import polars as pl
import pytest
from paths import FIXTURES

from recon.cli.main import main

SAMPLE_WEEK = FIXTURES / "sample_week"
PLANTED_WEEK = FIXTURES / "planted_week"


TRADING_DAYS = 7
CHANNELS = 9  # ChannelQty_CH_I scopes of the sample week (4 NMIs)
FACILITIES = 4  # MSQ_F_I scopes


def run(tmp: Path, week: Path, *extra: str) -> tuple[int, dict[str, Any], dict[str, Any]]:
    code = main(
        [
            "check",
            str(week),
            "--own",
            str(week / "own.toml"),
            "--out",
            str(tmp),
            "--no-progress",
            *extra,
        ]
    )
    findings = json.loads((tmp / "findings.json").read_text())
    result = json.loads((tmp / "result.json").read_text())
    return code, findings, result


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, dict, dict, Path]:
    out = tmp_path_factory.mktemp("own_sample")
    code, findings, result = run(out, SAMPLE_WEEK)
    return code, findings, result, out


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, dict, dict]:
    out = tmp_path_factory.mktemp("own_planted")
    return run(out, PLANTED_WEEK, "--no-reports")


def test_sample_week_with_own_data_is_clean(sample: tuple[int, dict, dict, Path]) -> None:
    code, findings, _result, _out = sample
    bad = [f for f in findings["findings"] if f["severity"] != "info"]
    assert code == 0, bad
    assert bad == []


def test_sample_week_compares_every_mapped_interval(sample: tuple[int, dict, dict, Path]) -> None:
    _code, _findings, result, _out = sample
    series = {s["name"]: s for s in result["own"]["series"]}
    assert set(series) == {"revenue meters", "SCADA"}
    meters, scada = series["revenue meters"], series["SCADA"]
    assert meters["intervals_compared"] == CHANNELS * TRADING_DAYS * 48
    assert scada["intervals_compared"] == FACILITIES * TRADING_DAYS * 48
    for s in (meters, scada):
        assert s["within_tolerance"] == s["intervals_compared"]
        assert s["missing_yours"] == s["missing_aemo"] == 0
        assert s["runs"] == [56492]  # the latest run holds every day
        assert len(s["trading_days"]) == TRADING_DAYS


def test_sample_week_own_files_are_not_listed_as_skipped(
    sample: tuple[int, dict, dict, Path],
) -> None:
    _code, _findings, result, _out = sample
    names = [Path(s["path"]).name for s in result["skipped"]]
    assert "own.toml" not in names
    assert not [n for n in names if n.startswith("SWANGEN_") and n.endswith(".csv")]


def test_sample_week_adjustments_are_explained_against_your_data(
    sample: tuple[int, dict, dict, Path],
) -> None:
    _code, findings, result, _out = sample
    rows = [a for s in result["own"]["series"] for a in s["adjustments"]]
    assert rows, "ADJ1 and ADJ2 revise meter data: some changed intervals"
    # Your data is the latest run's: every change of ADJ2 now agrees.
    assert {a["verdict"] for a in rows if a["designation"] == "ADJ2"} == {"now agrees"}
    info = [f for f in findings["findings"] if f["check"] == "own.value"]
    assert info and all(f["severity"] == "info" for f in info)
    assert all("changed" in f["message"] for f in info)


def test_sample_week_reports_have_the_own_section(sample: tuple[int, dict, dict, Path]) -> None:
    _code, _findings, _result, out = sample
    html = (out / "report.html").read_text()
    assert "revenue meters" in html
    assert "<svg" in html
    from openpyxl import load_workbook

    wb = load_workbook(out / "report.xlsx", read_only=True)
    assert "Own data" in wb.sheetnames


def _same(want: str | None, got: str | None) -> bool:
    if want is None:
        return True
    return got is not None and Decimal(want) == Decimal(got)


def test_planted_own_differences_are_found_exactly(planted: tuple[int, dict, dict]) -> None:
    code, findings, _result = planted
    expected = json.loads((PLANTED_WEEK / "own_expected.json").read_text())["findings"]
    got = [
        f for f in findings["findings"] if f["check"].startswith("own.") and f["severity"] != "info"
    ]
    assert code == 1
    keys = (
        "check",
        "severity",
        "variable",
        "scope",
        "timestamp",
        "position",
        "interval_start",
        "interval_end",
    )
    unmatched = list(got)
    for want in expected:
        match = [
            f
            for f in unmatched
            if all(f[k] == want[k] for k in keys)
            and _same(want.get("expected"), f["expected"])
            and _same(want.get("actual"), f["actual"])
        ]
        assert match, f"{want['plant']} not found: {want}"
        unmatched.remove(match[0])
    assert unmatched == [], "own findings not planted"


def test_planted_own_data_adds_no_other_error(planted: tuple[int, dict, dict]) -> None:
    _code, findings, _result = planted
    assert not [
        f
        for f in findings["findings"]
        if f["participant"] is None and f["check"].startswith("data.")
    ]


def test_an_unreadable_mapping_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "own.toml"
    bad.write_text("[[series]\nname = 'x'\n")
    code = main(
        ["check", str(SAMPLE_WEEK / "csv"), "--own", str(bad), "--out", str(tmp_path / "o")]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert "own.toml" in err and "TOML" in err
    assert "Traceback" not in err


def test_malformed_own_data_is_a_finding_naming_file_and_line(tmp_path: Path) -> None:
    own = tmp_path / "own"
    own.mkdir()
    lines = (SAMPLE_WEEK / "own" / "SWANGEN_revenue_meters_NEM12.csv").read_text().splitlines()
    n = next(i for i, line in enumerate(lines) if line.startswith("300,20241203"))
    fields = lines[n].split(",")
    assert lines[1].endswith(",kWh,15,20250101") and n < 10  # WF1 B1: 15-minute intervals
    fields[40] = "12.3.4"  # interval 39 of 3 Dec: 09:30-09:45
    lines[n] = ",".join(fields)
    (own / "meters.csv").write_text("\r\n".join(lines) + "\r\n")
    (tmp_path / "own.toml").write_text(
        '[[series]]\nname = "meters"\nvariable = "ChannelQty_CH_I"\nformat = "nem12"\n'
        'path = "own/meters.csv"\nunit = "kWh"\ntolerance = "0.001"\n'
    )
    out = tmp_path / "out"
    code = main(
        [
            "check",
            str(SAMPLE_WEEK / "csv"),
            "--own",
            str(tmp_path / "own.toml"),
            "--out",
            str(out),
            "--no-reports",
            "--no-progress",
        ]
    )
    findings = json.loads((out / "findings.json").read_text())["findings"]
    bad = [f for f in findings if f["severity"] != "info"]
    assert code == 1
    value = [f for f in bad if f["check"] == "data.value"]
    assert len(value) == 1 and value[0]["source"] == f"{own / 'meters.csv'}:{n + 1}"
    assert "'12.3.4'" in value[0]["message"]
    # the interval with the bad value is not compared: one own.missing, nothing else
    (missing,) = [f for f in bad if f["check"] == "own.missing"]
    assert missing["interval_start"] == "2024-12-03T09:30:00+08:00"  # Trading Interval 4
    assert missing["position"] == 4
    assert len(bad) == 2


# ------------------------------------------------- own data read literally and exactly


sc = fixture_scripts.load("scenarios.py")


def check_own(
    capsys: pytest.CaptureFixture[str], out: Path, paths: list[Path], mapping: Path, *extra: str
) -> tuple[int, list[dict[str, Any]], dict[str, Any], list[str]]:
    """``recon check PATHS --own MAPPING``: (exit status, findings, findings.json, the
    ``recon:`` lines on stderr)."""
    capsys.readouterr()
    argv = [*map(str, paths), "--own", str(mapping), "--out", str(out), "--no-progress"]
    code = main(["check", *argv, "--no-reports", *extra])
    err = capsys.readouterr().err
    assert "Traceback" not in err and "internal error" not in err, err
    lines = [line for line in err.splitlines() if line.startswith("recon: ")]
    if code == 2:
        return code, [], {}, lines
    doc = json.loads((out / "findings.json").read_text())
    return code, doc["findings"], doc, lines


def own_problems(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The own.* and data.* findings that are not info."""
    return [
        f
        for f in findings
        if f["severity"] != "info" and f["check"].split(".")[0] in ("own", "data")
    ]


@pytest.fixture(scope="module")
def left_out(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return sc.scenario_meter_left_out(tmp_path_factory.mktemp("left_out"))


@pytest.mark.parametrize("weeks", ["alone", "with the week before"])
def test_a_meter_the_detail_leaves_out_is_own_missing_whatever_weeks_are_checked(
    weeks: str, left_out: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = left_out["weeks"][1:] if weeks == "alone" else left_out["weeks"]
    _code, findings, _doc, _ = check_own(capsys, tmp_path, paths, left_out["mapping"])
    (missing,) = own_problems(findings)
    assert missing["check"] == "own.missing" and missing["scope"] == left_out["scope"]
    assert missing["period"] == left_out["period"]
    assert "AEMO's Detail has no value" in missing["message"]


def test_a_meter_the_detail_leaves_out_is_own_missing_from_the_store(
    left_out: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from recon.store import ingest, open_store

    store = tmp_path / "s.duckdb"
    with open_store(store) as s:
        ingest(s, left_out["weeks"])
    # Every week held: no PATH, no --week.
    _code, findings, _doc, _ = check_own(
        capsys, tmp_path / "out", [], left_out["mapping"], "--store", str(store)
    )
    (missing,) = own_problems(findings)
    assert missing["check"] == "own.missing" and missing["scope"] == left_out["scope"]
    assert missing["period"] == left_out["period"]


def test_a_nem12_record_with_more_values_than_its_interval_length_is_an_error_on_your_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    got = sc.scenario_nem12_record_lengths(tmp_path / "in", 96)
    code, findings, _doc, _ = check_own(capsys, tmp_path / "out", [SAMPLE_WEEK], got["mapping"])
    assert code == 1
    bad = own_problems(findings)
    lengths = [f for f in bad if f["check"] == "data.array_length"]
    assert [f["source"] for f in lengths] == [f"{got['file']}:{n}" for n in got["lines"]]
    assert all(f["scope"] == got["scope"] for f in lengths)
    assert "holds 96 values" in lengths[0]["message"]
    assert "30-minute intervals, so 48 values a day" in lengths[0]["message"]
    # Nothing read off by one: no own.value blaming AEMO, the channel's intervals missing.
    assert not [f for f in bad if f["check"] == "own.value"]
    (missing,) = [f for f in bad if f["check"] == "own.missing"]
    assert missing["scope"] == got["scope"] and "your data has no value" in missing["message"]
    assert len(bad) == len(lengths) + 1


@pytest.mark.parametrize("values", [47, 49, 288])
def test_a_nem12_record_of_any_other_length_is_an_error_on_your_file(
    values: int, tmp_path: Path
) -> None:
    from recon.sources.own_data import read_mapping, read_series

    got = sc.scenario_nem12_record_lengths(tmp_path / "in", values)
    (series,) = read_mapping(got["mapping"]).series
    data = read_series(series)
    assert [f.source for f in data.findings if f.check == "data.array_length"] == [
        f"{got['file']}:{n}" for n in got["lines"]
    ]
    assert data.frame.filter(pl.col("scope") == got["scope"]).height == 0


@pytest.fixture(scope="module")
def names(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return sc.scenario_own_file_names(tmp_path_factory.mktemp("names"))


def _own_inputs(doc: dict[str, Any]) -> dict[str, str]:
    return {Path(i["path"]).name: i["sha256"] for i in doc["inputs"] if i["kind"] == "own_csv"}


def test_a_path_with_brackets_is_one_file_read_literally(
    names: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mapping = names["mappings"]["literal"]
    code, findings, doc, _ = check_own(capsys, tmp_path, [SAMPLE_WEEK], mapping)
    assert code == 0, own_problems(findings)
    path = names["files"][sc.SCADA_LITERAL]
    assert _own_inputs(doc) == {path.name: hashlib.sha256(path.read_bytes()).hexdigest()}


@pytest.mark.parametrize("mapping", ["brackets", "brackets_glob"])
def test_the_file_named_is_the_file_compared_and_hashed(
    mapping: str, names: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``scada[1].csv`` holds a real 5 MWh difference; a stray ``scada1.csv`` agrees."""
    code, findings, doc, _ = check_own(capsys, tmp_path, [SAMPLE_WEEK], names["mappings"][mapping])
    assert code == 1
    (value,) = own_problems(findings)
    facility, _at, change = sc.SCADA_CHANGE
    assert value["check"] == "own.value" and value["scope"] == facility
    assert Decimal(value["expected"]) - Decimal(value["actual"]) == change
    assert value["interval_start"] == "2024-12-05T14:00:00+08:00"
    assert value["source"].startswith(str(names["files"]["scada[1].csv"]) + ":")
    named = names["files"]["scada[1].csv"]
    assert _own_inputs(doc) == {named.name: hashlib.sha256(named.read_bytes()).hexdigest()}


def test_a_pattern_under_path_is_refused_naming_glob(
    names: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _f, _d, lines = check_own(capsys, tmp_path, [SAMPLE_WEEK], names["mappings"]["old"])
    assert code == 2 and len(lines) == 1
    assert str(names["mappings"]["old"]) in lines[0] and "glob = 'scada*.csv'" in lines[0]
    assert not (tmp_path / "findings.json").exists()


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return sc.scenario_own_big_files(tmp_path_factory.mktemp("big"))


@pytest.mark.parametrize(
    ("which", "option", "says"),
    [
        ("years", "--max-member-mb", "over the cap of 1048576 (raise it with --max-member-mb)"),
        ("long", "--max-line-mb", "is longer than 1048576 bytes (raise it with --max-line-mb)"),
    ],
)
def test_own_files_obey_the_caps_of_aemos(
    which: str,
    option: str,
    says: str,
    big: dict[str, Any],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    mapping = big["mappings"][which]
    code, _f, _d, lines = check_own(capsys, tmp_path / "tight", [SAMPLE_WEEK], mapping, option, "1")
    assert code == 2 and len(lines) == 1, lines
    assert str(big["files"][which]) in lines[0] and says in lines[0]
    if which == "long":
        assert f"line {big['long_line']} " in lines[0]
    # Within the default caps the same file is read: a year and more of meter data, one
    # week of it compared, clean.
    if which == "years":
        code, findings, _doc, _ = check_own(capsys, tmp_path / "loose", [SAMPLE_WEEK], mapping)
        assert code == 0, own_problems(findings)


def test_an_own_file_is_read_streamed_not_whole(big: dict[str, Any]) -> None:
    """The reader holds a line at a time and the days compared, never the whole file."""
    from datetime import date, timedelta

    from recon.sources.own_data import read_mapping, read_series

    (series,) = read_mapping(big["mappings"]["years"]).series
    week = {date(2024, 12, 1) + timedelta(days=i) for i in range(8)}
    read_series(series, {date(2000, 1, 1)})  # imports and caches out of the measure
    tracemalloc.start()
    try:
        data = read_series(series, week)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert data.frame.height > 0 and not data.findings
    size = big["files"]["years"].stat().st_size
    assert size > 4 * 1024 * 1024
    assert peak < size / 2, (peak, size)


@pytest.mark.parametrize("kind", ["nested", "fifo", "folder", "huge", "binary", "device"])
def test_a_hostile_mapping_is_one_line_and_exit_2(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    od = sc.own_data()
    mapping = Path("/dev/zero") if kind == "device" else od.hostile_mapping(tmp_path, kind)
    code, _f, _d, lines = check_own(capsys, tmp_path / "out", [SAMPLE_WEEK / "csv"], mapping)
    assert code == 2 and len(lines) == 1, lines
    assert str(mapping) in lines[0]
