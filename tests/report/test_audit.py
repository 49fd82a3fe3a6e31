"""recon.report.audit: the audit's series, texts, audit.json, the workbook (re-opened cell
by cell), the SVG charts, audit.html and the set ``write_audit`` replaces, over an Audit
built by hand (two participants, an INITIAL/ADJ1 chain, an issue with a dispute)."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from recon.models.audit import (
    Audit,
    AuditRun,
    AuditWeek,
    CheckRecord,
    Issue,
    IssueEvent,
    OutputsState,
    Workflow,
)
from recon.report.audit import (
    AUDIT_SHEETS,
    NET_ADJUSTMENT_CHART,
    POSITION_CHART,
    WeekPoint,
    audit_json,
    bar_svg,
    build_audit_workbook,
    event_rows,
    published_text,
    render_audit_html,
    stored_time_text,
    week_series,
    week_text,
    write_audit,
)
from recon.report.sheet import DISCREPANCY_FILL

from .conftest import decimal_of

W1, W2 = date(2024, 12, 1), date(2024, 12, 8)
KEY = "SWANGEN|2024-12-01|invoice.total|||||payment_summary.total_payable"


def _issue(**over: Any) -> Issue:
    base = Issue(
        key=KEY,
        check="invoice.total",
        severity="error",
        participant="SWANGEN",
        week=W1,
        variable=None,
        scope=None,
        timestamp=None,
        position=None,
        figure="payment_summary.total_payable",
        first_run_id=101,
        last_run_id=102,
        status="open",
        resolved_by_run_id=None,
        first_seen_at=datetime(2025, 1, 2, 8, 0),
        last_seen_at=datetime(2025, 3, 6, 8, 0),
        message="invoiced <b>-21.35</b>, the statements give -12.35",
        first_designation="INITIAL",
        last_designation="ADJ1",
        at_stake=D("-9.00"),
        events=[
            IssueEvent(datetime(2025, 3, 7, 1, 0), "alice", Workflow.INVESTIGATING),
            IssueEvent(
                datetime(2025, 3, 8, 2, 30),
                "bob",
                Workflow.DISPUTED,
                ref="NOD-7",
                lodged=date(2025, 3, 8),
                note="sent",
            ),
        ],
    )
    return replace(base, **over)


def _audit() -> Audit:
    swangen = AuditWeek(
        "SWANGEN",
        W1,
        [
            AuditRun(
                101, "INITIAL", datetime(2025, 1, 2, 15, 30), D("-100.00"), D("-100.00"), None
            ),
            AuditRun(102, "ADJ1", datetime(2025, 3, 6, 15, 30), D("12.50"), None, D("12.50")),
        ],
        checked=2,
        last_checked_at=datetime(2025, 3, 6, 8, 0),
    )
    other_w1 = AuditWeek(
        "OTHERGEN", W1, [AuditRun(201, "INITIAL", None, D("40"), D("40"), None)], checked=1
    )
    unknown_w2 = AuditWeek(
        "SWANGEN", W2, [AuditRun(103, "INITIAL", None, None, None, None)], checked=0
    )
    check = CheckRecord(
        7,
        datetime(2025, 3, 6, 8, 0),
        "9.9.9",
        "check",
        "SWANGEN",
        W1,
        [101, 102],
        {"error": 1, "warning": 0, "info": 2},
        ["a" * 64, "b" * 64],
        OutputsState.WRITTEN,
    )
    return Audit(
        start=W1,
        end=W2,
        participant=None,
        weeks=[swangen, other_w1, unknown_w2],
        issues=[_issue()],
        checks=[check],
        generated_at=datetime(2025, 3, 9, 0, 15, tzinfo=UTC),
        recon_version="9.9.9",
    )


def test_week_series_sums_participants_and_runs_the_total() -> None:
    assert week_series(_audit()) == [
        # SWANGEN -100 + 12.50 and OTHERGEN 40; ADJ1's 12.50 is the net adjustment
        WeekPoint(W1, D("12.50"), D("-47.50"), D("-47.50")),
        # a week whose INITIAL figure is unknown adds 0
        WeekPoint(W2, D("0"), D("0"), D("-47.50")),
    ]


def test_week_series_of_an_empty_audit() -> None:
    assert week_series(Audit(start=W1, end=W2, participant=None)) == []


def test_times_are_shown_in_awst_with_the_zone() -> None:
    assert stored_time_text(datetime(2024, 12, 19, 15, 30)) == "2024-12-19 23:30 AWST"
    assert stored_time_text(datetime(2024, 12, 19, 15, 30, tzinfo=UTC)) == ("2024-12-19 23:30 AWST")
    assert stored_time_text(None) == ""
    assert published_text(None) == ""
    assert week_text(date(2024, 12, 15)) == "TW 15 Dec 2024"


def test_audit_json_is_the_document_indented_with_text_kept() -> None:
    audit = _audit()
    data = audit_json(audit)
    assert data == (json.dumps(audit.document(), indent=2, ensure_ascii=False) + "\n").encode()
    doc = json.loads(data)
    assert [w["latest_run_id"] for w in doc["weeks"]] == [102, 201, 103]
    assert doc["issues"][0]["state"] == "disputed NOD-7, open"
    assert doc["issues"][0]["at_stake"] == "-9.00"
    assert b"\xe2\x86\x92" not in data  # no run chain text in the JSON (runs are listed)


def test_events_are_listed_in_the_order_recorded() -> None:
    audit = _audit()
    late = _issue(
        key=KEY + "x",
        events=[IssueEvent(datetime(2025, 3, 7, 12, 0), "carol", Workflow.ACCEPTED)],
    )
    audit.issues.append(late)
    rows = event_rows(audit)
    assert [(r["event"].by, r["at"], r["lodged"]) for r in rows] == [
        ("alice", "2025-03-07 09:00 AWST", ""),
        ("carol", "2025-03-07 20:00 AWST", ""),
        ("bob", "2025-03-08 10:30 AWST", "2025-03-08"),
    ]
    assert {r["week"] for r in rows} == {"TW 01 Dec 2024"}


@pytest.fixture
def book(tmp_path: Path) -> Workbook:
    path = tmp_path / "audit.xlsx"
    build_audit_workbook(_audit()).save(path)
    return load_workbook(path)


def _table(ws: Any) -> list[dict[str, object]]:
    rows = list(ws.iter_rows(values_only=True))
    head = rows[0]
    return [dict(zip(head, r, strict=True)) for r in rows[1:]]


def test_the_workbook_has_its_sheets_in_order(book: Workbook) -> None:
    assert book.sheetnames == list(AUDIT_SHEETS)


def test_the_overview_states_the_verdict_and_plots_two_charts(book: Workbook) -> None:
    ws = book["Overview"]
    facts = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(3, 20)}
    assert facts["Verdict"] == _audit().verdict()
    assert facts["Verdict"].startswith("1 error issue(s) open: 3 week(s), 1 check(s) recorded")
    assert facts["Participant"] == "every participant held"
    assert facts["Issues open"] == 1 and facts["Issues resolved"] == 0
    assert facts["Generated"] == "2025-03-09 08:15 AWST"
    verdict_row = next(r for r in range(3, 20) if ws.cell(r, 1).value == "Verdict")
    assert ws.cell(verdict_row, 2).fill.fgColor.rgb == DISCREPANCY_FILL.fgColor.rgb
    titles = sorted(c.title.tx.rich.p[0].r[0].t for c in ws._charts)
    assert titles == sorted([NET_ADJUSTMENT_CHART, POSITION_CHART])
    head = next(r for r in range(1, 40) if ws.cell(r, 1).value == "Week")
    plotted = [
        [ws.cell(head + k, 1).value, *(decimal_of(ws.cell(head + k, c)) for c in range(2, 5))]
        for k in (1, 2)
    ]
    assert plotted == [
        ["TW 01 Dec 2024", D("12.5"), D("-47.5"), D("-47.5")],
        ["TW 08 Dec 2024", D("0"), D("0"), D("-47.5")],
    ]
    assert ws.cell(head + 3, 1).value is None


def test_the_weeks_and_run_chains_sheets(book: Workbook) -> None:
    weeks = _table(book["Weeks"])
    assert [(w["Participant"], w["Run chain"], w["Open issues"]) for w in weeks] == [
        ("SWANGEN", "INITIAL 101 → ADJ1 102", 1),
        ("OTHERGEN", "INITIAL 201", 0),
        ("SWANGEN", "INITIAL 103", 0),
    ]
    assert weeks[2]["Position after latest run"] is None
    runs = _table(book["Run chains"])
    assert [(r["Run"], r["Designation"], r["Published"]) for r in runs] == [
        (101, "INITIAL", "2025-01-02 15:30 AWST"),
        (102, "ADJ1", "2025-03-06 15:30 AWST"),
        (201, "INITIAL", None),  # an empty cell
        (103, "INITIAL", None),
    ]


def test_the_issues_events_and_checks_sheets(book: Workbook) -> None:
    (issue,) = _table(book["Issues"])
    assert issue["Id"] == _issue().id
    assert (issue["Workflow"], issue["Raised by run"], issue["Last run"]) == (
        "disputed",
        "INITIAL 101",
        "ADJ1 102",
    )
    assert issue["Resolved by run"] in ("", None)
    events = _table(book["Events"])
    assert [(e["By"], e["Workflow"], e["Ref"]) for e in events] == [
        ("alice", "investigating", None),
        ("bob", "disputed", "NOD-7"),
    ]
    (check,) = _table(book["Checks"])
    assert (check["Check"], check["Runs"], check["Errors"], check["Info"]) == (7, "101, 102", 1, 2)
    assert check["Outputs"] == "written"
    assert check["Inputs (SHA-256)"] == "a" * 64 + "\n" + "b" * 64


def test_a_verdict_without_open_errors_is_not_filled(tmp_path: Path) -> None:
    audit = _audit()
    audit.issues = [_issue(status="resolved", resolved_by_run_id=102)]
    path = tmp_path / "audit.xlsx"
    build_audit_workbook(audit).save(path)
    ws = load_workbook(path)["Overview"]
    verdict_row = next(r for r in range(3, 20) if ws.cell(r, 1).value == "Verdict")
    assert ws.cell(verdict_row, 2).value.startswith("No error issue open: ")
    assert ws.cell(verdict_row, 2).fill.fgColor.rgb != DISCREPANCY_FILL.fgColor.rgb


def test_an_empty_audit_says_so_and_draws_no_chart(tmp_path: Path) -> None:
    path = tmp_path / "audit.xlsx"
    build_audit_workbook(Audit(start=W1, end=W2, participant="SWANGEN")).save(path)
    ws = load_workbook(path)["Overview"]
    texts = [c.value for row in ws.iter_rows() for c in row if c.value is not None]
    assert "No Trading Week held in the range." in texts
    assert ws._charts == []


def _bars(svg: str) -> list[tuple[float, float, str]]:
    return [
        (float(y), float(h), fill)
        for y, h, fill in re.findall(
            r'<rect class="bar" x="[^"]+" y="([^"]+)" width="[^"]+" '
            r'height="([^"]+)" fill="([^"]+)"',
            svg,
        )
    ]


def test_bars_rise_for_positive_and_fall_for_negative_values() -> None:
    svg = str(bar_svg(["a", "b", "c"], [D("100"), D("-50"), D("0")], "t"))
    (y1, h1, fill1), (y2, h2, fill2), (y3, h3, _) = _bars(svg)
    zero = y1 + h1
    assert y2 == zero and h2 == pytest.approx(h1 / 2, abs=0.1)
    assert (y3, h3) == (zero, 0.0)
    assert (fill1, fill2) == ("#c0504d", "#4f81bd")
    assert "$100.00" in svg or "100.00" in svg


def test_bar_labels_and_titles_are_escaped() -> None:
    svg = str(bar_svg(["<b>w</b>"], [D("1")], "<script>x</script>"))
    assert "<script>" not in svg and "<b>" not in svg
    assert "&lt;script&gt;x&lt;/script&gt;" in svg and "&lt;b&gt;w&lt;/b&gt;" in svg


def test_the_page_shows_the_verdict_chains_charts_and_escapes_text() -> None:
    page = render_audit_html(_audit())
    assert _audit().verdict() in page
    assert "INITIAL 101 → ADJ1 102" in page
    assert page.count("<svg") == 2
    assert "invoiced &lt;b&gt;-21.35&lt;/b&gt;" in page
    assert "<b>-21.35</b>" not in page
    assert "<script" not in page


def test_write_audit_replaces_the_set_and_keeps_other_files(tmp_path: Path) -> None:
    out = tmp_path / "audit"
    written = write_audit(_audit(), out)
    assert written == [out / "audit.xlsx", out / "audit.html", out / "audit.json"]
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    assert write_audit(_audit(), out, reports=False) == [out / "audit.json"]
    assert sorted(p.name for p in out.iterdir()) == ["audit.json", "notes.txt"]
    assert (out / "audit.json").read_bytes() == audit_json(_audit())
