"""``recon check --own`` on the fixtures written by ``fixtures/own_data.py`` (SPEC §9).

* ``fixtures/sample_week`` with its ``own.toml`` (a NEM12 file of every channel, a SCADA
  CSV of every facility's MSQ_F_I) is clean: exit 0, every mapped interval compared.
* ``fixtures/planted_week`` with its ``own.toml`` holds planted differences and gaps; the
  own.* errors and warnings are exactly those of ``own_expected.json``, at their exact AWST
  intervals, and no others.

The generator does not import recon: its intervals are an independent account.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from recon.cli.main import main

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
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
