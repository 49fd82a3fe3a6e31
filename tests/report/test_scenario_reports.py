"""The reports of real checks of the scenario weeks: dates as dates, one chart per
participant, numbers only in numeric columns, the verdict qualified by coverage."""

from __future__ import annotations

import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from paths import REPO as ROOT

import recon
from recon.models.results import CheckResult, RunCoverage
from recon.report import write_reports
from recon.report.html import render_html
from recon.report.sheet import EXACT_FORMAT, MONEY_FORMAT
from recon.wem.calendar import parse_week_label

WEEKS_IN_ORDER = ["TW 24 Nov 2024", "TW 01 Dec 2024", "TW 08 Dec 2024"]


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[CheckResult, Path]:
    out = tmp_path_factory.mktemp("planted")
    result = recon.check(ROOT / "fixtures" / "planted_week")
    write_reports(result, out)
    return result, out


def _in_date_order(labels: list[str]) -> bool:
    days = [parse_week_label(x) for x in labels]
    return days == sorted(days)


def test_weeks_sort_by_date_in_the_title_and_runs_table(planted: tuple[CheckResult, Path]) -> None:
    _, out = planted
    html = (out / "report.html").read_text(encoding="utf-8")
    title = re.search(r"<title>(.*?)</title>", html, flags=re.S)[1]  # type: ignore[index]
    assert [w for w in re.findall(r"TW \d\d \w{3} \d{4}", title)] == WEEKS_IN_ORDER
    runs = html[html.index("<h2>Runs</h2>") : html.index("<h2>Checks</h2>")]
    for who in ("PLANTCO", "SWANGEN"):
        rows = re.findall(rf"<td>{who}</td><td>(TW [^<]+)</td>", runs)
        assert rows and _in_date_order(rows), rows
    sections = re.findall(
        r'<section class="run" id="run-(\w+)-\d+">\s*<h2>[^<]*?(TW [^<·]+?) ·', html
    )
    plantco = [w.strip() for who, w in sections if who == "PLANTCO"]
    assert _in_date_order(plantco) and len(set(plantco)) == 3, plantco


def test_weeks_sort_by_date_in_the_workbook(planted: tuple[CheckResult, Path]) -> None:
    _, out = planted
    wb = load_workbook(out / "report.xlsx")
    ov = wb["Overview"]
    facts = {r[0]: r[1] for r in ov.iter_rows(max_row=15, max_col=2, values_only=True) if r[0]}
    assert facts["Trading Week"] == ", ".join(WEEKS_IN_ORDER)
    for sheet in ("Invoice", "Findings", "Disagreement"):
        rows = list(wb[sheet].iter_rows(values_only=True))
        head = rows[0]
        who, week = head.index("Participant"), head.index("Trading Week")
        for participant in ("PLANTCO", "SWANGEN"):
            seen = [r[week] for r in rows[1:] if r[who] == participant and r[week]]
            assert _in_date_order(seen), (sheet, seen)


def test_one_chart_per_participant_at_the_top(planted: tuple[CheckResult, Path]) -> None:
    _, out = planted
    wb = load_workbook(out / "report.xlsx")
    assert wb.sheetnames[1] == "ADJ chart"
    titles = [
        c.value
        for row in wb["ADJ chart"].iter_rows()
        for c in row
        if isinstance(c.value, str) and c.value.endswith(": ADJ deltas by variable")
    ]
    assert titles == ["PLANTCO: ADJ deltas by variable", "SWANGEN: ADJ deltas by variable"]
    with zipfile.ZipFile(out / "report.xlsx") as zf:
        charts = sorted(n for n in zf.namelist() if n.startswith("xl/charts/chart"))
        xml = [zf.read(n).decode() for n in charts]
    assert len(xml) == 2
    assert "PLANTCO" in xml[0] and "SWANGEN" not in xml[0]
    assert "SWANGEN" in xml[1] and "PLANTCO" not in xml[1]


def test_numeric_columns_hold_numbers_only(planted: tuple[CheckResult, Path]) -> None:
    _, out = planted
    wb = load_workbook(out / "report.xlsx")
    checked = 0
    for ws in wb.worksheets:
        numeric_cols: set[int] = set()
        for row in ws.iter_rows():
            for c in row:
                if c.number_format in (MONEY_FORMAT, EXACT_FORMAT) and c.value is not None:
                    numeric_cols.add(c.column)
                    assert isinstance(c.value, (int, float)), (ws.title, c.coordinate, c.value)
                    checked += 1
        header_row = 1 if ws.title not in ("Overview", "ADJ chart") else None
        if header_row:
            for col in numeric_cols:
                for c in next(ws.iter_cols(min_col=col, max_col=col, min_row=2)):
                    assert c.value is None or isinstance(c.value, (int, float)), (
                        ws.title,
                        c.coordinate,
                        c.value,
                    )
    assert checked > 100


def test_a_clean_verdict_is_qualified_by_coverage(planted: tuple[CheckResult, Path]) -> None:
    result, _ = planted
    clean = result.model_copy(
        update={
            "findings": [],
            "coverage": [
                RunCoverage(
                    participant="SWANGEN",
                    period="TW 01 Dec 2024",
                    run_id=51230,
                    designation="INITIAL",
                    summary=True,
                    detail_days=3,
                    invoice_json=True,
                )
            ],
        }
    )
    html = render_html(clean)
    lines = clean.verdict_lines()
    assert len(lines) == 2
    banner = html[html.index('class="verdict') : html.index("</section>")]
    for line in lines:
        assert line.replace("'", "&#39;") in banner
    assert "No errors and no warnings" not in html
    assert date(2024, 12, 1) == parse_week_label("TW 01 Dec 2024")


def test_each_check_with_findings_shows_its_next_steps(planted: tuple[CheckResult, Path]) -> None:
    """The advice of recon/models/advice.py stands beside each check's findings."""
    from markupsafe import escape

    from recon.models.advice import ADVICE

    result, out = planted
    found = {f.check for f in result.findings}
    html = (out / "report.html").read_text(encoding="utf-8")
    for check in found:
        row = re.search(rf'<tr id="check-{re.escape(check)}"[^>]*>(.*?)</tr>', html, flags=re.S)
        assert row, check
        advice = ADVICE[check]
        for text in (advice.meaning, advice.look_at, advice.disagreement_why):
            assert str(escape(text)) in row[1], (check, text)
        assert f'href="#check-{check}"' in html  # each finding links to its check's advice
    wb = load_workbook(out / "report.xlsx")
    rows = list(wb["Overview"].iter_rows(values_only=True))
    head = next(i for i, r in enumerate(rows) if r[0] == "Check")
    header = rows[head]
    by_check = {r[0]: r for r in rows[head + 1 :] if r[0] in ADVICE}
    for check in found:
        r = by_check[check]
        assert r[header.index("What to look at")] == ADVICE[check].look_at
        assert r[header.index("Notice of Disagreement?")].startswith(
            ADVICE[check].disagreement.text + ": "
        )
    fs = list(wb["Findings"].iter_rows(values_only=True))
    look = fs[0].index("What to look at")
    check_col = fs[0].index("Check")
    assert all(r[look] == ADVICE[r[check_col]].look_at for r in fs[1:])


def test_a_trading_day_finding_names_its_day_in_every_report(
    planted: tuple[CheckResult, Path],
) -> None:
    """summary_detail.value on CCPAY_P_D (a Trading Day variable): no interval anywhere."""
    result, out = planted
    (f,) = [x for x in result.findings if x.check == "summary_detail.value"]
    assert (f.position, f.interval_start, f.interval_end) == (None, None, None)
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Trading Day 5 Dec 2024" in html
    assert "08:00–08:00" not in html and "Interval 1," not in html
    wb = load_workbook(out / "report.xlsx")
    for sheet, col in (
        ("Findings", "When (AWST)"),
        ("Disagreement", "Trading Interval or Day (AWST)"),
    ):
        rows = list(wb[sheet].iter_rows(values_only=True))
        i = rows[0].index(col)
        shown = {r[i] for r in rows[1:] if "CCPAY_P_D" in r}
        assert shown == {"Trading Day 5 Dec 2024"}, (sheet, shown)


def test_artefacts_are_named_alike_in_both_reports(planted: tuple[CheckResult, Path]) -> None:
    from recon.models.labels import ARTEFACT_KINDS

    _, out = planted
    html = (out / "report.html").read_text(encoding="utf-8")
    for kind in ARTEFACT_KINDS:
        assert f">{kind}<" not in html and f"{kind}, " not in html, kind
    assert "Summary CSV+JSON, Detail ZIP, Invoice JSON+PDF" in html
    wb = load_workbook(out / "report.xlsx")
    kinds = {r[1] for r in wb["Inputs"].iter_rows(min_row=2, values_only=True) if r[1]}
    assert kinds and kinds <= {
        "Summary CSV",
        "Summary JSON",
        "Detail ZIP",
        "Detail JSON",
        "Invoice JSON",
        "Invoice PDF",
    }


def test_own_data_among_the_inputs_is_listed_as_own_data(tmp_path: Path) -> None:
    """The sample week's own.toml and its files are your own data, not files recon could
    not use: so say both reports."""
    result = recon.check(ROOT / "fixtures" / "sample_week")
    assert result.exit_code() == 0
    own = [s for s in result.skipped if s.get("own_data")]
    assert len(own) == 3 and len(result.skipped) == 3
    assert all(s["reason"].startswith("own data (used with --own ") for s in own)
    write_reports(result, tmp_path)
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "Not used (and your own data)" in html
    assert html.count("own data (used with --own ") == 3
    wb = load_workbook(tmp_path / "report.xlsx")
    used = [r[-1] for r in wb["Inputs"].iter_rows(min_row=2, values_only=True)]
    assert sum(1 for u in used if str(u).startswith("own data (used with --own ")) == 3
    assert not any(str(u).startswith("skipped") for u in used)
