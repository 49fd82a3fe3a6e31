"""``recon check --store --own`` and ``recon.check(store=..., own=...)``: your own data tied
out against the Details held in the history store, exactly as against the files.

The planted week's SWANGEN folder (``fixtures/planted_week``, written by the fixture
generator) holds planted own-data differences; ``tests/test_own_scenarios.py`` holds the
file check to ``own_expected.json``. Here the same week comes from a store.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import duckdb
import pytest
from paths import FIXTURES

import recon
from recon.cli.main import main
from recon.store import ingest, open_store

PLANTED = FIXTURES / "planted_week"
SWANGEN = PLANTED / "SWANGEN_2024-12-01"
OWN = PLANTED / "own.toml"
OWN_FILES = {
    OWN: "own_mapping",
    PLANTED / "own" / "SWANGEN_revenue_meters_NEM12.csv": "own_nem12",
    PLANTED / "own" / "SWANGEN_scada_msq.csv": "own_csv",
}


def _own_key(f: Any) -> tuple[Any, ...]:
    """What an own-data finding says, apart from where AEMO's figure was read."""
    return (
        f.check,
        f.severity,
        f.variable,
        f.scope,
        f.timestamp,
        f.position,
        f.interval_start,
        f.interval_end,
        f.expected,
        f.actual,
    )


@pytest.fixture(scope="module")
def planted_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding every run of the planted week's SWANGEN folder."""
    path = tmp_path_factory.mktemp("own_store") / "history.duckdb"
    with open_store(path) as s:
        report = ingest(s, [SWANGEN])
    assert report.counts["ingested"] > 0, "the planted SWANGEN week should ingest"
    return path


@pytest.fixture(scope="module")
def from_files() -> recon.CheckResult:
    return recon.check(SWANGEN, own=OWN)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_own_data_against_the_store_finds_what_the_files_find(
    planted_store: Path, from_files: recon.CheckResult
) -> None:
    from_store = recon.check(store=planted_store, week="2024-12-01", own=OWN, record=False)
    expected = sorted(_own_key(f) for f in from_files.findings if f.check.startswith("own."))
    got = sorted(_own_key(f) for f in from_store.findings if f.check.startswith("own."))
    assert got == expected
    judged = [(k[0], k[1].value) for k in got if k[1].value != "info"]
    assert sorted(judged) == [("own.missing", "warning")] * 3 + [("own.value", "error")] * 4
    assert any(k[1].value == "info" for k in got)  # ADJ changes explained against yours
    assert from_store.own is not None and from_files.own is not None
    assert [(s.name, s.intervals_compared, s.within_tolerance) for s in from_store.own.series] == [
        (s.name, s.intervals_compared, s.within_tolerance) for s in from_files.own.series
    ]


def test_own_files_are_inputs_with_their_sha256(from_files: recon.CheckResult) -> None:
    own = {i.path: (i.kind, i.sha256) for i in from_files.inputs if i.kind.startswith("own_")}
    assert own == {str(p): (kind, _sha(p)) for p, kind in OWN_FILES.items()}
    assert not [s for s in from_files.skipped if Path(s["path"]) in OWN_FILES]


def test_cli_check_store_own_records_the_own_files(
    planted_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "s.duckdb"
    store.write_bytes(planted_store.read_bytes())
    out = tmp_path / "out"
    code = main(
        ["check", "--own", str(OWN), "--store", str(store), "--out", str(out), "--no-progress"]
    )
    err = capsys.readouterr().err
    assert code == 1, err
    assert "Your own data:" in err
    doc = json.loads((out / "findings.json").read_text("utf-8"))
    assert {i["kind"] for i in doc["inputs"] if i["path"] in map(str, OWN_FILES)} == set(
        OWN_FILES.values()
    )
    assert sum(f["check"] == "own.value" and f["severity"] == "error" for f in doc["findings"]) == 4
    con = duckdb.connect(str(store), read_only=True)
    try:
        rows = con.execute(
            "SELECT command, inputs_sha256 FROM checks WHERE participant = 'SWANGEN'"
        ).fetchall()
        recorded = con.execute(
            "SELECT count(*) FROM check_findings WHERE check_name LIKE 'own.%'"
        ).fetchone()
    finally:
        con.close()
    assert [r[0] for r in rows] == ["check"]
    assert {_sha(p) for p in OWN_FILES} <= set(rows[0][1])
    assert recorded is not None
    assert recorded[0] == sum(f["check"].startswith("own.") for f in doc["findings"]) > 7


def test_api_check_with_a_store_records_unless_told_not_to(
    planted_store: Path, tmp_path: Path
) -> None:
    store = tmp_path / "s.duckdb"
    store.write_bytes(planted_store.read_bytes())

    def checks() -> list[str]:
        con = duckdb.connect(str(store), read_only=True)
        try:
            return [r[0] for r in con.execute("SELECT command FROM checks").fetchall()]
        finally:
            con.close()

    recon.check(store=store, week="2024-12-01", record=False)
    assert checks() == []
    result = recon.check(store=store, participant="swangen")
    assert {r.participant for r in result.runs} == {"SWANGEN"}
    assert checks() == ["api"]


def test_api_check_refuses_store_options_without_a_store() -> None:
    with pytest.raises(recon.UsageError, match="store"):
        recon.check(SWANGEN, week="2024-12-01")
    with pytest.raises(recon.UsageError, match="participant"):
        recon.check(SWANGEN, participant="SWANGEN")
    with pytest.raises(recon.UsageError, match="at least one"):
        recon.check([])


def _run_files(*run_ids: str) -> list[Path]:
    """The planted SWANGEN week's files of these runs (every form)."""
    return sorted(
        p for p in SWANGEN.rglob("*") if p.is_file() and any(f"_{r}_" in p.name for r in run_ids)
    )


def test_a_check_without_own_data_neither_keeps_nor_resolves_an_own_issue(
    tmp_path: Path,
) -> None:
    """SPEC §8: a run that did not cover what a finding is about does not resolve it. A later
    check without ``--own`` compared none of your data: the own-data issues raised against
    ADJ1 stay open when ADJ2 is checked without it, and are decided when ADJ2 is checked
    with it."""
    from recon.store import open_store
    from recon.store.register import build_register

    store = tmp_path / "s.duckdb"
    with open_store(store) as s:
        ingest(s, _run_files("51230", "53874"))
    first = recon.check(store=store, week="2024-12-01", own=OWN)
    raised = {
        (f.check, f.variable, f.scope, f.timestamp)
        for f in first.findings
        if f.check.startswith("own.") and f.severity.value != "info"
    }
    assert raised, "ADJ1 against the planted own data should raise own-data errors"

    with open_store(store) as s:
        ingest(s, _run_files("56492"))
    recon.check(store=store, week="2024-12-01")  # ADJ2 checked, your data not compared

    def own_issues() -> dict[tuple[Any, ...], tuple[str, int | None]]:
        with open_store(store) as s:
            register = build_register(s)
        return {
            (i.check, i.variable, i.scope, i.timestamp): (i.status, i.resolved_by_run_id)
            for i in register
            if i.check.startswith("own.") and i.severity != "info"
        }

    after_plain = own_issues()
    assert set(after_plain) == raised
    assert {v for v in after_plain.values()} == {("open", None)}

    last = recon.check(store=store, week="2024-12-01", own=OWN)
    still = {
        (f.check, f.variable, f.scope, f.timestamp)
        for f in last.findings
        if f.check.startswith("own.") and f.severity.value != "info"
    }
    decided = own_issues()
    for key in raised:
        want = ("open", None) if key in still else ("resolved", 56492)
        assert decided[key] == want, key


def test_weekly_own_ties_out_each_week_as_check_own_does(
    planted_store: Path, from_files: recon.CheckResult, tmp_path: Path
) -> None:
    """``recon weekly --own``: each week checked from the store is tied out against your
    data, with the findings a check of the files with ``--own`` makes, in its output set
    and in the store's record."""
    store = tmp_path / "s.duckdb"
    store.write_bytes(planted_store.read_bytes())
    out_root = tmp_path / "weekly"
    args = ["weekly", "--no-fetch", "--no-progress", "--no-reports", "--own", str(OWN)]
    code = main([*args, "--store", str(store), "--out-root", str(out_root)])
    assert code == 1
    (findings_json,) = out_root.glob("*/SWANGEN_2024-12-01/findings.json")
    doc = json.loads(findings_json.read_text("utf-8"))
    own = [f for f in doc["findings"] if f["check"].startswith("own.")]
    expected = [f for f in from_files.findings if f.check.startswith("own.")]
    assert len(own) == len(expected) > 7
    assert sorted((f["check"], f["severity"], f["variable"], f["scope"]) for f in own) == sorted(
        (f.check, f.severity.value, f.variable, f.scope) for f in expected
    )
    assert {i["kind"] for i in doc["inputs"] if i["path"] in map(str, OWN_FILES)} == set(
        OWN_FILES.values()
    )
    con = duckdb.connect(str(store), read_only=True)
    try:
        commands = con.execute("SELECT command, outputs FROM checks").fetchall()
        recorded = con.execute(
            "SELECT count(*) FROM check_findings WHERE check_name LIKE 'own.%'"
        ).fetchone()
    finally:
        con.close()
    assert commands == [("weekly", "written")]
    assert recorded == (len(own),)


def test_weekly_without_own_compares_none_of_your_data(planted_store: Path, tmp_path: Path) -> None:
    """The same week without ``--own``: no own-data finding (the check that can fail the
    test above)."""
    store = tmp_path / "s.duckdb"
    store.write_bytes(planted_store.read_bytes())
    out_root = tmp_path / "weekly"
    args = ["weekly", "--no-fetch", "--no-progress", "--no-reports"]
    main([*args, "--store", str(store), "--out-root", str(out_root)])
    (findings_json,) = out_root.glob("*/SWANGEN_2024-12-01/findings.json")
    doc = json.loads(findings_json.read_text("utf-8"))
    assert not [f for f in doc["findings"] if f["check"].startswith("own.")]
