"""The register resolves only on evidence (SPEC §8, issue 22): a run that does not hold an
issue's own ground (its artefact kind, form and Trading Day) neither keeps it open nor
resolves it, an INITIAL invoice still reported by every later check stays open, and two
totals that differ are two issues.

The week is written by the fixture generator (``fixtures/history_adj.py``'s partial
arrivals, which do not import recon): SWANGEN's TW 22 Dec 2024 arrives as INITIAL (every
form, every day) and then as an ADJ1 whose Detail holds two days in the ZIP and one of them
in JSON, as PaSS can publish or a partial download leaves it. Your own data (a SCADA CSV)
differs from AEMO's on one interval of every day; ADJ1 corrects the first day only. Each
step is ``recon ingest``, ``recon check --store --own`` and ``recon audit`` on the command
line. Every assertion below failed on the register before this rule.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import fixture_scripts
import pytest
from isolation import isolate

from recon.cli.main import main

WEEK = "2024-12-22"


h = fixture_scripts.load("history_adj.py")

DAYS = h.PARTIAL_DAYS
FIVE_TOTALS = {
    ("rcti", "total"): Decimal("1.00"),
    ("taxInvoice", "total"): Decimal("2.00"),
    ("paymentSummary", "totalPayable"): Decimal("3.00"),
    ("paymentSummary", "amountDue"): Decimal("4.00"),
    ("paymentSummary", "gst"): Decimal("5.00"),
}
MISMATCH = h.DetailJsonPlant("MSQ_F_I", "SWANGEN_WF1", DAYS[2], 10, Decimal("1.5"))


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate(monkeypatch, tmp_path)


@pytest.fixture(scope="module")
def walk(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """INITIAL, then a partial ADJ1; the check and audit codes and documents of each step."""
    root = tmp_path_factory.mktemp("grounds")
    facility = h.own_plants()[0][0]
    arrivals = [
        h.Arrival(
            "INITIAL",
            summary_json=True,
            json_days=DAYS,
            detail_json_plants=(MISMATCH,),
            invoice_lines={"SOFEE_P_D": Decimal("1.00")},
            invoice_totals=FIVE_TOTALS,
        ),
        h.Arrival(
            "ADJ1",
            zip_days=(DAYS[0], DAYS[2]),
            json_days=(DAYS[0],),
            own_fix=((facility, DAYS[0], 20),),
        ),
    ]
    mapping = h.write_own(root / "own")
    store = root / "s.duckdb"
    steps = []
    for n, arrival in enumerate(arrivals, start=1):
        folder = h.write_arrival(root / f"{n}_{arrival.designation}", arrival)
        assert main(["ingest", str(folder), "--store", str(store), "--no-progress"]) == 0
        out = root / f"check{n}"
        check = main(
            [
                *("check", "--store", str(store), "--week", WEEK, "--own", str(mapping)),
                *("--out", str(out), "--no-progress", "--no-reports"),
            ]
        )
        audit_out = root / f"audit{n}"
        audit = main(
            [
                *("audit", "--store", str(store), "--from", WEEK, "--to", WEEK),
                *("--out", str(audit_out)),
            ]
        )
        steps.append(
            {
                "check": check,
                "findings": json.loads((out / "findings.json").read_text())["findings"],
                "audit": audit,
                "doc": json.loads((audit_out / "audit.json").read_text()),
            }
        )
    return {"steps": steps, "facility": facility}


def _issues(walk: dict[str, Any], check: str) -> list[dict[str, Any]]:
    return [i for i in walk["steps"][-1]["doc"]["issues"] if i["check"] == check]


def test_the_latest_check_and_the_audit_agree(walk: dict[str, Any]) -> None:
    """The latest check still finds errors (exit 1): the audit must not say "No error issue
    open" (exit 0)."""
    last = walk["steps"][-1]
    assert last["check"] == 1 and last["audit"] == 1
    open_keys = {i["key"] for i in last["doc"]["issues"] if i["status"] == "open"}
    for f in last["findings"]:
        if f["severity"] == "error" and f["check"] != "adjustment.chain":
            assert any(f["check"] in k and (f["variable"] or "") in k for k in open_keys), f


def test_a_one_day_adj_detail_leaves_the_other_days_own_data_issues_open(
    walk: dict[str, Any],
) -> None:
    adj1, initial = h.run_id_of("ADJ1"), h.run_id_of("INITIAL")
    by_day = {i["timestamp"][:10]: i for i in _issues(walk, "own.value")}
    assert sorted(by_day) == [d.isoformat() for d in DAYS]  # one issue per planted day
    fixed = by_day.pop(DAYS[0].isoformat())  # ADJ1 holds it and agrees with your data
    assert (fixed["status"], fixed["resolved_by_run_id"]) == ("resolved", adj1)
    again = by_day.pop(DAYS[2].isoformat())  # ADJ1 holds it and still differs
    assert (again["status"], again["last_run_id"]) == ("open", adj1)
    for day, issue in by_day.items():  # ADJ1 does not hold these days: nothing re-checked
        assert (issue["status"], issue["last_run_id"]) == ("open", initial), day
        assert issue["resolved_by_run_id"] is None


def test_a_mismatch_on_a_day_the_adj_holds_in_one_form_stays_open(walk: dict[str, Any]) -> None:
    [issue] = _issues(walk, "source.mismatch")
    assert (issue["variable"], issue["scope"]) == (MISMATCH.variable, MISMATCH.scope)
    assert issue["timestamp"] == MISMATCH.day.isoformat()
    assert (issue["status"], issue["last_run_id"]) == ("open", h.run_id_of("INITIAL"))


def test_an_initial_invoice_line_reported_by_every_check_stays_open(walk: dict[str, Any]) -> None:
    [line] = _issues(walk, "invoice.line")
    assert line["variable"] == "SOFEE_P_D"
    assert (line["status"], line["resolved_by_run_id"]) == ("open", None)
    reported = [
        f for f in walk["steps"][-1]["findings"] if f["check"] == "invoice.line"
    ]  # the latest check still reports INITIAL's line
    assert [f["run_id"] for f in reported] == [h.run_id_of("INITIAL")]


def test_totals_that_differ_are_one_issue_each(walk: dict[str, Any]) -> None:
    figures = {
        f["figure"]
        for f in walk["steps"][0]["findings"]
        if f["check"] == "invoice.total" and f["severity"] == "error"
    }
    assert len(figures) >= len(FIVE_TOTALS) and None not in figures
    for name in ("RCTI Total", "Tax Invoice Total", "Payment Summary Amount Due"):
        assert name in figures
    issues = _issues(walk, "invoice.total")
    assert sorted(i["figure"] for i in issues) == sorted(figures)
    assert len({i["key"] for i in issues}) == len({i["id"] for i in issues}) == len(figures)
    assert all(i["status"] == "open" for i in issues)  # INITIAL's invoice is still an input
