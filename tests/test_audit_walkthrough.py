"""The settlement history walk-through (SPEC §8), end to end on a DuckDB store on disk.

``fixtures/history_adj`` (written by the fixture generator, which does not import recon)
holds SWANGEN's TW 15 Dec 2024 as its runs arrived: INITIAL, then ADJ1 (no Summary JSON),
then ADJ2, with planted discrepancies: A fixed by AEMO in ADJ1, B (a CSV-vs-JSON mismatch
ADJ1 cannot show) and C fixed in ADJ2, D still open. After each arrival the folder is
ingested, the week checked from the store (`recon check` with the store) and audited
(`recon audit`); the register must be the one the generator worked out.
"""

from __future__ import annotations

import json
import os
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from isolation import isolate
from openpyxl import load_workbook
from paths import FIXTURES

from recon.cli.main import main
from recon.report.audit import AUDIT_SHEETS

WALK = FIXTURES / "history_adj"
EXPECTED = WALK / "expected_register.json"
WEEK = "2024-12-15"
COMPARED = (
    "key",
    "check",
    "variable",
    "scope",
    "timestamp",
    "first_run_id",
    "last_run_id",
    "status",
    "resolved_by_run_id",
)


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate(monkeypatch, tmp_path)


def _expected() -> dict[str, Any]:
    return json.loads(EXPECTED.read_text(encoding="utf-8"))


def _store_args(store: Path) -> list[str]:
    """``recon check``'s store option."""
    return ["--store", str(store)]


def _check(store: Path, out: Path) -> int:
    return main(["check", *_store_args(store), "--week", WEEK, "--out", str(out), "--no-progress"])


def _audit(store: Path, out: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    code = main(
        ["audit", "--store", str(store), "--from", WEEK, "--to", WEEK, "--out", str(out), *extra]
    )
    return code, json.loads((out / "audit.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def walk(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Ingest, check and audit after each arrival; the audits and exit codes in order."""
    doc = _expected()
    root = tmp_path_factory.mktemp("walk")
    store = root / "history.duckdb"
    env = {k: os.environ.get(k) for k in ("RECON_STORE", "XDG_DATA_HOME")}
    os.environ.pop("RECON_STORE", None)
    os.environ["XDG_DATA_HOME"] = str(root / "xdg")
    steps = []
    try:
        for n, step in enumerate(doc["steps"], start=1):
            folder = WALK / step["folder"]
            assert main(["ingest", str(folder), "--store", str(store), "--no-progress"]) == 0
            check_code = _check(store, root / f"check{n}")
            audit_code, audit = _audit(store, root / f"audit{n}")
            steps.append({"check": check_code, "audit": audit_code, "doc": audit})
        recheck = _check(store, root / "recheck")
        again_code, again = _audit(store, root / "audit-again")
    finally:
        for k, v in env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return {
        "expected": doc,
        "steps": steps,
        "store": store,
        "root": root,
        "recheck": recheck,
        "again": (again_code, again),
        "final_out": root / f"audit{len(doc['steps'])}",
    }


def _unpositioned(key: str) -> str:
    """The key without its position (its seventh part): the planted values are of Trading
    Day (D) variables, one value each, which recon may report as position 1 or as none."""
    parts = key.split("|")
    assert len(parts) == 8, key  # participant ... timestamp, position, figure
    return "|".join(parts[:6] + parts[7:])


def _register(issues: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    out = {}
    for i in issues:
        assert i["position"] in (None, 1)
        assert i["key"] == "|".join(
            "" if i[k] is None else str(i[k])
            for k in (
                "participant",
                "week",
                "check",
                "variable",
                "scope",
                "timestamp",
                "position",
                "figure",
            )
        )
        out[_unpositioned(i["key"])] = {k: i[k] for k in COMPARED if k != "key"}
    return out


@pytest.mark.parametrize("n", [0, 1, 2], ids=["after-INITIAL", "after-ADJ1", "after-ADJ2"])
def test_register_after_each_arrival_is_the_generators(walk: dict[str, Any], n: int) -> None:
    expected = walk["expected"]["steps"][n]
    got = walk["steps"][n]
    assert got["check"] == 1  # every step still has an error finding (D)
    want = {
        _unpositioned(i["key"]): {k: i[k] for k in COMPARED if k != "key"}
        for i in expected["issues"]
    }
    assert _register(got["doc"]["issues"]) == want
    assert all(i["severity"] == "error" for i in got["doc"]["issues"])
    assert got["audit"] == 1  # an error issue is open in the range


def test_final_register_story(walk: dict[str, Any]) -> None:
    """A fixed by ADJ1; B (no JSON in ADJ1) and C fixed by ADJ2; D open, raised by INITIAL
    and last seen in ADJ2. Open issues come first."""
    ids = {a["designation"]: a["run_id"] for a in walk["expected"]["arrivals"]}
    issues = walk["steps"][-1]["doc"]["issues"]
    by_var = {i["variable"]: i for i in issues}
    assert by_var["OUTCOMP_P_D"]["resolved_by_run_id"] == ids["ADJ1"]
    assert by_var["SOFEE_P_D"]["check"] == "source.mismatch"
    assert by_var["SOFEE_P_D"]["last_run_id"] == ids["INITIAL"]
    assert by_var["SOFEE_P_D"]["resolved_by_run_id"] == ids["ADJ2"]  # not ADJ1: no JSON there
    assert by_var["CRCHG_P_D"]["last_run_id"] == ids["ADJ1"]
    assert by_var["CRCHG_P_D"]["resolved_by_run_id"] == ids["ADJ2"]
    assert by_var["REGFEE_P_D"]["status"] == "open"
    assert (by_var["REGFEE_P_D"]["first_run_id"], by_var["REGFEE_P_D"]["last_run_id"]) == (
        ids["INITIAL"],
        ids["ADJ2"],
    )
    assert [i["status"] for i in issues] == ["open", "resolved", "resolved", "resolved"]
    d = by_var["REGFEE_P_D"]
    assert d["first_seen_at"] < d["last_seen_at"]  # first seen in INITIAL's check, last in ADJ2's


def test_audit_json_follows_spec_8(walk: dict[str, Any]) -> None:
    doc = walk["steps"][-1]["doc"]
    assert set(doc) == {"recon_version", "generated_at", "from", "to", "weeks", "issues", "checks"}
    assert (doc["from"], doc["to"]) == (WEEK, WEEK)
    [week] = doc["weeks"]
    assert set(week) == {"participant", "week", "runs", "latest_run_id", "checked"}
    arrivals = walk["expected"]["arrivals"]
    assert week["participant"] == "SWANGEN" and week["week"] == WEEK
    assert week["checked"] == 3
    assert week["latest_run_id"] == arrivals[-1]["run_id"]
    assert [r["run_id"] for r in week["runs"]] == [a["run_id"] for a in arrivals]
    for run, arrival in zip(week["runs"], arrivals, strict=True):
        assert set(run) == {
            "run_id",
            "designation",
            "published_at",
            "amount_due",
            "recomputed_total_payable",
            "net_adjustment",
        }
        assert run["designation"] == arrival["designation"]
        assert run["published_at"] == arrival["published_at"]
        assert run["amount_due"] == arrival["amount_due"]  # the invoice's, as a string
        assert run["recomputed_total_payable"] == arrival["total_payable"]  # recon's
        if arrival["designation"] == "INITIAL":
            assert run["net_adjustment"] is None
        else:
            assert run["net_adjustment"] == arrival["total_payable"]
    for issue in doc["issues"]:
        assert set(issue) == {
            "id",
            "figure",
            "key",
            "check",
            "severity",
            "participant",
            "week",
            "variable",
            "scope",
            "timestamp",
            "position",
            "first_run_id",
            "last_run_id",
            "status",
            "resolved_by_run_id",
            "first_seen_at",
            "last_seen_at",
            "at_stake",
            "at_stake_basis",
            "workflow",
            "due",
            "events",
            "age_business_days",
            "state",
        }
        assert (issue["workflow"], issue["events"], issue["due"]) == ("new", [], None)
    assert len(doc["checks"]) == 3
    for n, check in enumerate(doc["checks"], start=1):
        assert set(check) == {
            "checked_at",
            "recon_version",
            "participant",
            "week",
            "run_ids",
            "counts",
            "inputs_sha256",
            "outputs",
        }
        assert check["outputs"] == "written"  # recorded, then marked once the set was in place
        assert check["run_ids"] == [a["run_id"] for a in arrivals[:n]]
        assert all(len(s) == 64 for s in check["inputs_sha256"])
    assert [c["counts"]["error"] for c in doc["checks"]] == [4, 6, 7]


def test_recheck_records_a_check_and_changes_no_issue(walk: dict[str, Any]) -> None:
    assert walk["recheck"] == 1
    code, again = walk["again"]
    before = walk["steps"][-1]["doc"]
    assert code == 1
    assert again["issues"] == before["issues"]
    assert len(again["checks"]) == len(before["checks"]) + 1
    assert again["checks"][-1]["inputs_sha256"] == before["checks"][-1]["inputs_sha256"]


def test_out_of_range_and_bad_ranges(
    walk: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = walk["store"]
    for fy in ("2025-26", "2026"):  # SPEC §8: FY2026, which holds no week of this store
        capsys.readouterr()
        out = tmp_path / f"fy{fy}"
        code = main(["audit", "--store", str(store), "--fy", fy, "--out", str(out)])
        assert code == 0
        err = capsys.readouterr().err
        lines = [line for line in err.splitlines() if line.strip()]
        assert len(lines) == 1, err  # one line on stderr, and no green "No error issue open"
        assert "No Trading Week held in the store starts from 1 Jul 2025 to 30 Jun 2026" in err
        assert "No error issue open" not in err
        doc = json.loads((out / "audit.json").read_text())
        assert (doc["from"], doc["to"]) == ("2025-07-01", "2026-06-30")
        assert doc["weeks"] == doc["issues"] == doc["checks"] == []
    for fy in ("2024-25", "2025", "FY2025"):  # the year ending 30 June 2025 holds the week
        capsys.readouterr()
        args = ["audit", "--store", str(store), "--fy", fy, "--participant", "swangen"]
        assert main([*args, "--out", str(tmp_path / "fy25")]) == 1
        err = " ".join(capsys.readouterr().err.split())
        assert "Audit of Trading Weeks starting 1 Jul 2024 to 30 Jun 2025 (SWANGEN)." in err
        assert "Open issues: 1" in err  # the heading counts the rows below it
    out = str(tmp_path / "bad")
    assert main(["audit", "--store", str(store), "--out", out]) == 2
    assert main(["audit", "--store", str(store), "--fy", "2024", "--from", WEEK, "--out", out]) == 2
    assert main(["audit", "--store", str(store), "--fy", "2024-26", "--out", out]) == 2
    assert main(["audit", "--store", str(store), "--from", "2025-01-01", "--to", WEEK,
                 "--out", out]) == 2  # fmt: skip
    assert main(["audit", "--store", str(tmp_path / "absent.duckdb"), "--fy", "2024",
                 "--out", out]) == 2  # fmt: skip


def test_workbook_reopens_with_its_charts_and_register(walk: dict[str, Any]) -> None:
    path = walk["final_out"] / "audit.xlsx"
    wb = load_workbook(path)
    assert wb.sheetnames == list(AUDIT_SHEETS)
    issues = wb["Issues"]
    header = [c.value for c in issues[1]]
    rows = [dict(zip(header, [c.value for c in r], strict=True)) for r in issues.iter_rows(2)]
    assert [r["Status"] for r in rows] == ["open", "resolved", "resolved", "resolved"]
    assert rows[0]["Variable"] == "REGFEE_P_D" and rows[0]["Raised by run"] == "INITIAL 51958"
    assert rows[0]["Resolved by run"] is None
    resolved = {r["Variable"]: r["Resolved by run"] for r in rows[1:]}
    assert resolved == {
        "OUTCOMP_P_D": "ADJ1 54601",
        "SOFEE_P_D": "ADJ2 57219",
        "CRCHG_P_D": "ADJ2 57219",
    }
    chains = [[c.value for c in r] for r in wb["Weeks"].iter_rows(2)]
    assert chains[0][2] == "INITIAL 51958 → ADJ1 54601 → ADJ2 57219"
    assert len(list(wb["Checks"].iter_rows(2))) == 3
    with zipfile.ZipFile(path) as zf:
        charts = sorted(n for n in zf.namelist() if n.startswith("xl/charts/chart"))
        xml = [zf.read(n).decode() for n in charts]
    assert len(charts) == 2
    assert any("<barChart>" in x for x in xml) and any("<lineChart>" in x for x in xml)
    assert all("'Overview'!" in x for x in xml)


def test_html_is_self_contained_and_prints_in_chromium(
    walk: dict[str, Any], tmp_path: Path, print_pdf: Callable[[Path, Path, Path], None]
) -> None:
    html = walk["final_out"] / "audit.html"
    text = html.read_text(encoding="utf-8")
    assert "<script" not in text and " src=" not in text and "href=" not in text
    assert text.count("<svg") == 2 and 'class="bar"' in text and 'class="line"' in text
    pdf = tmp_path / "audit.pdf"
    print_pdf(html, pdf, tmp_path / "profile")
    with pdfplumber.open(pdf) as doc:
        assert 2 <= len(doc.pages) <= 12
        page = doc.pages[0]
        assert page.width > page.height  # A4 landscape
        texts = "\n".join(p.extract_text() or "" for p in doc.pages)
    assert "Settlement audit" in texts
    assert "1 error issue(s) open" in texts
    assert "Issue register: 1 open, 3 resolved" in texts
    assert "REGFEE_P_D" in texts and "Check trail" in texts
    assert "INITIAL 51958 → ADJ1 54601 → ADJ2 57219" in texts
