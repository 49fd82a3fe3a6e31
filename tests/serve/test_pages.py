"""The pages and their JSON twins over the history_adj walk-through store: what each shows
is the store's and the register's (SPEC §12), and the JSON twin says the same."""

from __future__ import annotations

import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from recon.cli.main import main
from recon.serve.config import ServeConfig

from .helpers import WEEK, Running, serving

D_ISSUE = "SWANGEN|2024-12-15|summary_detail.value|REGFEE_P_D|SWANGEN|2024-12-20||"
"""The issue key of D (SPEC §8: eight parts, the last, the invoice figure, empty)."""


@pytest.fixture(scope="module")
def server(walk_store: Path) -> Running:
    with serving(ServeConfig(store=walk_store)) as running:
        yield running


def _rows(html: str, table_id: str) -> list[list[str]]:
    """The cells' text of a table's body rows."""
    found = re.search(rf'<table[^>]*id="{table_id}".*?<tbody>(.*?)</tbody>', html, re.S)
    assert found, f"no table {table_id}"
    rows = []
    for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", found.group(1), re.S):
        cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", tr, re.S)
        rows.append([re.sub(r"<[^>]+>", "", c).strip() for c in cells])
    return rows


def _issue_ids(html: str) -> list[str]:
    return re.findall(r'data-issue="([0-9a-f]{10})"', html)


def test_dashboard_shows_the_week_its_position_and_charts(server: Running) -> None:
    page = server.get("/")
    assert page.status == 200
    html = page.text
    assert "SWANGEN" in html and "TW 15 Dec 2024" in html
    assert 'href="/weeks/SWANGEN/2024-12-15"' in html
    assert "-3,154,832.97" in html  # the position after ADJ2 (audit's)
    assert html.count("<svg") == 2 and "Net adjustment by week" in html
    doc = server.get("/api/weeks").json()
    (week,) = doc["weeks"]
    assert (week["participant"], week["week"], week["label"]) == ("SWANGEN", WEEK, "TW 15 Dec 2024")
    assert week["position"] == "-3154832.97000000"
    assert week["net_adjustments"] == "657.30000000"
    assert (week["open_issues"], week["open_errors"], week["latest_run_id"]) == (1, 1, 57219)
    assert [r["designation"] for r in week["runs"]] == ["INITIAL", "ADJ1", "ADJ2"]


def test_dashboard_range_and_participant_filters(server: Running) -> None:
    empty = server.get("/?from=2025-01-05&to=2025-02-01")
    assert empty.status == 200 and 'id="no-weeks"' in empty.text
    assert server.get("/api/weeks?participant=PLANTCO").json()["weeks"] == []
    assert server.get("/?from=2025-13-01").status == 400
    assert "error" in server.get("/api/weeks?to=soon").json()


def test_week_page_shows_chain_coverage_findings_and_issues(server: Running) -> None:
    html = server.get(f"/weeks/SWANGEN/{WEEK}").text
    chain = _rows(html, "chain")
    assert [r[:2] for r in chain] == [["51958", "INITIAL"], ["54601", "ADJ1"], ["57219", "ADJ2"]]
    assert chain[0][2] == "2025-01-02 15:30 AWST"
    assert chain[1][3:] == ["718.86", "718.86", "718.86"]
    coverage = _rows(html, "coverage")
    assert [r[0] for r in coverage] == ["INITIAL 51958", "ADJ1 54601", "ADJ2 57219"]
    assert all(r[-1].startswith("yes") for r in coverage)
    assert "Summary CSV, Summary JSON" not in coverage[1][5]  # ADJ1 has no Summary JSON
    # the latest check covers every run: the INITIAL files still show A, B, C and D
    assert re.findall(r"<h3>([^<]+)</h3>", html) == [
        "INITIAL 51958: 4 finding(s)",
        "ADJ1 54601: 2 finding(s)",
        "ADJ2 57219: 1 finding(s)",
    ]
    assert len(_issue_ids(html)) == 4
    doc = server.get(f"/api/weeks/SWANGEN/{WEEK}").json()
    assert [c["run_id"] for c in doc["coverage"]] == [51958, 54601, 57219]
    assert {f["issue_id"] for f in doc["findings"]} == set(_issue_ids(html))
    assert len(doc["findings"]) == 7
    assert len(doc["checks"]) == 3 and doc["latest_check"]["check_id"] == 3
    assert doc["reports"]["report.html"] == f"/weeks/SWANGEN/{WEEK}/report.html"


@pytest.mark.parametrize("path", ["/weeks/SWANGEN/2024-12-16", "/weeks/NOBODY/2024-12-15"])
def test_unknown_week_is_404(server: Running, path: str) -> None:
    assert server.get(path).status == 404
    assert server.get("/api" + path).status == 404


def test_register_filters(server: Running) -> None:
    default = server.get("/issues").text  # open issues
    assert len(_issue_ids(default)) == 1
    every = server.get("/issues?status=all").text
    assert len(_issue_ids(every)) == 4
    resolved = server.get("/api/issues?status=resolved").json()
    assert {i["resolved_by_run_id"] for i in resolved} == {54601, 57219}
    errors = server.get("/api/issues?status=open&severity=error&check=summary_detail.value").json()
    assert [i["key"] for i in errors] == [D_ISSUE]
    assert server.get("/api/issues?status=all&check=source.mismatch").json()[0]["variable"] == (
        "SOFEE_P_D"
    )
    assert server.get("/api/issues?status=all&severity=warning").json() == []
    assert server.get("/api/issues?status=all&week=2024-12-08").json() == []
    assert len(server.get("/api/issues?status=all&participant=swangen").json()) == 4
    for bad in ("status=closed", "severity=fatal", "check=nope", "week=15/12/2024", "sort=x"):
        answer = server.get(f"/api/issues?{bad}")
        assert answer.status == 400, bad
        assert bad.split("=")[0] in answer.json()["error"]


def test_register_json_is_the_audit_issue_objects_with_an_id(
    server: Running, walk_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (issue,) = server.get("/api/issues").json()
    assert issue["key"] == D_ISSUE
    assert re.fullmatch(r"[0-9a-f]{10}", issue["id"])
    assert (issue["workflow"], issue["state"], issue["events"]) == ("new", "new, open", [])
    # the same objects as `recon issues --json` prints, and as audit.json holds them
    for query, options in (("", []), ("?status=all", ["--status", "all"])):
        capsys.readouterr()
        main(["issues", "--store", str(walk_store), "--json", *options])
        assert server.get("/api/issues" + query).json() == json.loads(capsys.readouterr().out)
    audit = server.get(f"/api/audit?from={WEEK}&to={WEEK}").json()
    assert server.get("/api/issues?status=all").json() == audit["issues"]
    sorted_due = server.get("/api/issues?status=all&sort=due").json()
    sorted_money = server.get("/api/issues?status=all&sort=at_stake").json()
    assert {i["id"] for i in sorted_due} == {i["id"] for i in sorted_money}


def test_htmx_filter_answers_the_table_alone(server: Running) -> None:
    partial = server.get("/issues?status=all", headers={"HX-Request": "true"})
    assert partial.status == 200
    assert "<html" not in partial.text and 'id="register-count"' in partial.text
    assert len(_issue_ids(partial.text)) == 4
    restore = server.get(
        "/issues", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in restore.text


def test_issue_page_shows_findings_across_runs_and_values(server: Running) -> None:
    (issue,) = server.get("/api/issues").json()
    html = server.get(f"/issues/{issue['id']}").text
    assert "Raised by INITIAL 51958, still shown by ADJ2 57219." in html
    values = _rows(html, "values")
    summary = {(r[0], r[1]): r[3] for r in values if r[1].startswith("Summary")}
    detail = {(r[0], r[1]): r[3] for r in values if r[1].startswith("Detail")}
    assert summary == {
        ("INITIAL 51958", "Summary CSV"): "187.93923879",
        ("INITIAL 51958", "Summary JSON"): "187.93923879",
        ("ADJ1 54601", "Summary CSV"): "187.93923879",
        ("ADJ2 57219", "Summary CSV"): "187.93923879",
        ("ADJ2 57219", "Summary JSON"): "187.93923879",
    }
    assert set(detail.values()) == {"187.92923879"} and len(detail) == 3
    chart = re.search(r'<figure[^>]*id="values-chart".*?</figure>', html, re.S)
    assert chart and "<svg" in chart.group(0)
    assert chart.group(0).count("<circle") == len(values)
    findings = _rows(html, "findings")
    assert [r[0] for r in findings] == ["INITIAL 51958", "ADJ1 54601", "ADJ2 57219"]
    doc = server.get(f"/api/issues/{issue['id']}").json()
    assert doc["key"] == D_ISSUE and len(doc["findings"]) == 3 and len(doc["values"]) == 8
    assert {v["value"] for v in doc["values"]} == {"187.93923879", "187.92923879"}


def test_a_resolved_issue_says_which_run_resolved_it(server: Running) -> None:
    every = server.get("/api/issues?status=all&check=source.mismatch").json()
    html = server.get(f"/issues/{every[0]['id']}").text
    assert "resolved by ADJ2 57219" in html
    values = _rows(html, "values")  # the CSV and JSON Summary values the mismatch is about
    assert ["INITIAL 51958", "Summary JSON", "", "1,500.6403926"] in values
    assert ["INITIAL 51958", "Summary CSV", "", "1,488.3003926"] in values


@pytest.mark.parametrize("wanted", ["0123456789", "nothex!!!!", "ABCDEF0123", "x"])
def test_unknown_issue_is_404(server: Running, wanted: str) -> None:
    assert server.get(f"/issues/{wanted}").status == 404
    assert server.get(f"/api/issues/{wanted}").json() == {"error": "No issue has that id."}


def test_week_reports_are_made_by_recon_check(
    server: Running, tmp_path: Path, walk_store: Path
) -> None:
    out, copy = tmp_path / "check", tmp_path / "copy.duckdb"
    shutil.copyfile(walk_store, copy)  # recon check records its check: not in the shared store
    main(["check", "--store", str(copy), "--week", WEEK, "--out", str(out), "--no-progress"])
    expected = json.loads((out / "findings.json").read_text())
    answer = server.get(f"/weeks/SWANGEN/{WEEK}/findings.json")
    assert answer.status == 200
    assert answer.headers["content-disposition"] == (
        'attachment; filename="recon_SWANGEN_2024-12-15_findings.json"'
    )
    served = answer.json()
    for doc in (expected, served):
        doc.pop("generated_at")
    assert served == expected
    html = server.get(f"/weeks/SWANGEN/{WEEK}/report.html")
    assert html.status == 200 and html.headers["content-type"].startswith("text/html")
    assert "ADJ2 · run 57219" in html.text
    xlsx = server.get(f"/weeks/SWANGEN/{WEEK}/report.xlsx")
    assert xlsx.status == 200 and xlsx.body[:2] == b"PK"
    assert server.get(f"/weeks/SWANGEN/{WEEK}/result.json").status == 404
    assert server.get(f"/weeks/NOBODY/{WEEK}/report.html").status == 404


def test_audit_page_and_downloads_are_what_recon_audit_writes(
    server: Running, tmp_path: Path, walk_store: Path
) -> None:
    page = server.get("/audit")  # the Financial Year of the latest week, by default
    assert page.status == 200
    assert "Trading Weeks starting 2024-07-01 to 2025-06-30" in page.text
    assert "FY 2024-25 (1 Jul 2024 to 30 Jun 2025)" in page.text
    out = tmp_path / "audit"
    code = main(
        ["audit", "--store", str(walk_store), "--from", WEEK, "--to", WEEK, "--out", str(out)]
    )
    assert code == 1
    expected = json.loads((out / "audit.json").read_text())
    served = server.get(f"/audit/audit.json?from={WEEK}&to={WEEK}").json()
    for doc in (expected, served):
        doc.pop("generated_at")
    assert served == expected
    twin = server.get(f"/api/audit?from={WEEK}&to={WEEK}").json()
    twin.pop("generated_at")
    assert twin == expected
    for name in ("audit.xlsx", "audit.html"):
        answer = server.get(f"/audit/{name}?fy=2024-25")
        assert answer.status == 200 and len(answer.body) > 1000
    assert server.get("/audit?from=2025-01-01&to=2024-01-01").status == 200  # says why
    assert "is after" in server.get("/audit?from=2025-01-01&to=2024-01-01").text
    assert server.get(f"/audit/audit.csv?from={WEEK}&to={WEEK}").status == 404


def test_figures_read_exactly(server: Running) -> None:
    doc = server.get(f"/api/weeks/SWANGEN/{WEEK}").json()
    runs = {r["run_id"]: r for r in doc["runs"]}
    assert Decimal(runs[54601]["net_adjustment"]) == Decimal("718.86")
    assert runs[51958]["net_adjustment"] is None


@pytest.mark.parametrize(
    ("fy", "start"),
    [("2024-25", "2024-07-01"), ("2025", "2024-07-01"), ("2023-24", "2023-07-01")],
)
def test_a_financial_year_is_named_as_spec_reads_it(server: Running, fy: str, start: str) -> None:
    doc = server.get(f"/api/audit?fy={fy}").json()
    assert doc["from"] == start and doc["to"] == f"{int(start[:4]) + 1}-06-30"


@pytest.mark.parametrize("fy", ["2024-26", "24-25", "FY2025", "2025-2026"])
def test_a_financial_year_that_does_not_read(server: Running, fy: str) -> None:
    answer = server.get(f"/api/audit?fy={fy}")
    assert answer.status == 400 and answer.json()["error"].startswith("fy:")
