"""The same week shows the same figures in serve, in report.html and in audit.json /
audit.html (issue 27: serve recomputes nothing): each run's invoiced Amount Due, recon's
recomputed Total Payable and net adjustment, the week's position and its open issues."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from recon.cli.main import main
from recon.serve.config import ServeConfig

from .helpers import WEEK, serving

RUNS = (51958, 54601, 57219)


def _money(text: str) -> Decimal | None:
    text = re.sub(r"<[^>]+>", "", text).strip()
    return Decimal(text.replace(",", "")) if text else None


def _report_figures(report: str) -> dict[int, dict[str, Decimal | None]]:
    """Each run's Payment Summary figures in report.html: (recomputed, invoiced)."""
    out = {}
    for run_id in RUNS:
        section = re.search(
            rf'<section class="run" id="run-SWANGEN-{run_id}">(.*?)</section>', report, re.S
        )
        assert section, run_id
        figures = {}
        for name in ("Total Payable", "Amount Due"):
            cell = r"<td[^>]*>([^<]*)</td>"
            row = re.search(
                rf"<td>Payment Summary</td><td>{name}(?:<br>[^\n]*?)?</td>{cell}{cell}",
                section.group(1),
            )
            assert row, (run_id, name)
            figures[f"{name} recomputed"] = _money(row.group(1))
            figures[f"{name} invoiced"] = _money(row.group(2))
        out[run_id] = figures
    return out


def _serve_chain(html: str) -> dict[int, list[Decimal | None]]:
    table = re.search(r'<table id="chain">.*?<tbody>(.*?)</tbody>(.*?)</table>', html, re.S)
    assert table
    out = {}
    for run_id, body in re.findall(r'<tr data-run="(\d+)">(.*?)</tr>', table.group(1), re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", body, re.S)
        out[int(run_id)] = [_money(c) for c in cells[3:6]]
    position = re.findall(r"<td[^>]*>(.*?)</td>", table.group(2), re.S)[0]
    out[0] = [_money(position)]
    return out


@pytest.fixture(scope="module")
def outputs(walk_store: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    out = tmp_path_factory.mktemp("same")
    assert main(["audit", "--store", str(walk_store), "--from", WEEK, "--to", WEEK, "--out",
                 str(out)]) == 1  # fmt: skip
    report = (walk_store.parent / "check-3_ADJ2" / "report.html").read_text()
    with serving(ServeConfig(store=walk_store)) as server:
        page = server.get(f"/weeks/SWANGEN/{WEEK}").text
        twin = server.get(f"/api/weeks/SWANGEN/{WEEK}").json()
        dashboard = server.get("/api/weeks").json()
    return {
        "audit": json.loads((out / "audit.json").read_text()),
        "audit_html": (out / "audit.html").read_text(),
        "report": report,
        "page": page,
        "twin": twin,
        "dashboard": dashboard,
    }


def test_each_run_shows_the_same_figures_everywhere(outputs: dict) -> None:
    report = _report_figures(outputs["report"])
    served = _serve_chain(outputs["page"])
    audit_runs = {r["run_id"]: r for r in outputs["audit"]["weeks"][0]["runs"]}
    twin_runs = {r["run_id"]: r for r in outputs["twin"]["runs"]}
    for run_id in RUNS:
        amount_due, recomputed, net = served[run_id]
        a, t = audit_runs[run_id], twin_runs[run_id]
        assert amount_due == report[run_id]["Amount Due invoiced"] == Decimal(a["amount_due"])
        assert recomputed == report[run_id]["Total Payable recomputed"]
        assert recomputed == Decimal(a["recomputed_total_payable"])
        if run_id == RUNS[0]:  # INITIAL has no net adjustment
            assert net is None and a["net_adjustment"] is None
        else:  # an ADJ run's net adjustment is its recomputed Total Payable
            assert net == Decimal(a["net_adjustment"]) == report[run_id]["Total Payable recomputed"]
        for field in ("amount_due", "recomputed_total_payable", "net_adjustment"):
            assert t[field] == a[field]  # the JSON twin is audit.json's own entry


def test_the_week_position_and_open_issues_agree(outputs: dict) -> None:
    served = _serve_chain(outputs["page"])[0][0]
    row = re.search(r"<table id=\"weeks\">.*?<tbody>(.*?)</tbody>", outputs["audit_html"], re.S)
    assert row
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    assert served == _money(cells[3]) == Decimal("-3154832.97")
    (week,) = outputs["dashboard"]["weeks"]
    assert Decimal(week["position"]) == served
    open_audit = [i for i in outputs["audit"]["issues"] if i["status"] == "open"]
    assert week["open_issues"] == len(open_audit) == int(re.sub(r"<[^>]+>", "", cells[7]))


def test_the_findings_are_the_latest_checks(outputs: dict) -> None:
    headline = re.search(r"(\d+) errors?", outputs["report"])
    assert headline
    findings = outputs["twin"]["findings"]
    assert len([f for f in findings if f["severity"] == "error"]) == int(headline.group(1)) == 7
    assert outputs["audit"]["checks"][-1]["counts"] == {"error": 7, "warning": 0, "info": 0}
