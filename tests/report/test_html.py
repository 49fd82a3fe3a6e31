"""report.html: golden file, escaping, self-containment, the verdict first."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from builders.report_result import FORMULA_VARIABLE, SCRIPT_SCOPE

from recon.errors import OutputError
from recon.models.results import CheckResult
from recon.report import templates
from recon.report.html import delta_chart, render_html, write_html

GOLDEN = Path(__file__).parent / "golden" / "report.html"
UPDATE = os.environ.get("RECON_UPDATE_GOLDEN") == "1"


def normalise(html: str) -> str:
    """Blank the time of the check and recon's version, which change from run to run."""
    html = re.sub(
        r'<time class="generated" datetime="[^"]*">[^<]*</time>',
        '<time class="generated" datetime="GENERATED">GENERATED</time>',
        html,
    )
    return re.sub(
        r'<span class="version">[^<]*</span>', '<span class="version">VERSION</span>', html
    )


def test_golden(result: CheckResult) -> None:
    html = normalise(render_html(result))
    if UPDATE:
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(html, encoding="utf-8")
    assert GOLDEN.is_file(), "no golden file: run with RECON_UPDATE_GOLDEN=1 to write it"
    assert html == GOLDEN.read_text(encoding="utf-8"), (
        "report.html differs from tests/report/golden/report.html; if the change is "
        "intended, rerun with RECON_UPDATE_GOLDEN=1 and review the diff"
    )


def test_normalise_blanks_time_and_version(result: CheckResult) -> None:
    later = result.model_copy(update={"recon_version": "9.9.9"})
    later.generated_at = later.generated_at.replace(year=2030)
    assert normalise(render_html(later)) == normalise(render_html(result))


def test_input_text_is_escaped(result: CheckResult) -> None:
    html = render_html(result)
    assert SCRIPT_SCOPE not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in html.lower()
    escaped_formula = FORMULA_VARIABLE.replace('"', "&#34;")
    assert escaped_formula in html


def test_self_contained(result: CheckResult) -> None:
    html = render_html(result)
    links = re.findall(r'\b(?:src|href|action|srcset)\s*=\s*"([^"]*)"', html, flags=re.I)
    assert all(link.startswith("#") for link in links), links
    assert "url(" not in html and "@import" not in html and "<link" not in html
    assert "<iframe" not in html and "<img" not in html
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert "<svg" in html and "@media print" in html and "@page" in html


def test_verdict_comes_first_with_the_worst_finding(result: CheckResult) -> None:
    html = render_html(result)
    banner = html.index('class="verdict verdict-error"')
    assert banner < html.index("<h2>")
    first_item = html.index("<li>", banner)
    assert "The ADJ1 invoice shows -21.35 for RTMSA_P_D" in html[first_item : first_item + 600]
    assert "<b>5</b> errors" in html and "<b>2</b> warnings" in html


def test_content_matches_the_workbook(result: CheckResult) -> None:
    html = render_html(result)
    for text in (
        "Payment Summary and sections: recomputed vs invoiced",
        "Invoice lines",
        "Adjustments against run 50000",
        "Where the deltas came from",
        "Notice of Disagreement: draft",
        "Audit trail: inputs",
        "Not used",
    ):
        assert text in html, text
    for i in result.inputs:
        assert i.sha256 in html
    assert html.count('<section class="run"') == len(result.runs)
    # the planted discrepancy, in the ADJ1 line table: statement, invoiced, difference
    assert re.search(r"<code>RTMSA_P_D</code>.*?-12\.35.*?-21\.35.*?-9\.00", html, re.S)
    assert "2023-10-03 16:00–16:30" in html  # attribution interval, AWST


def test_chart_geometry() -> None:
    from decimal import Decimal as D

    from recon.models.results import AdjustmentLine

    def adj(v: str, d: str) -> AdjustmentLine:
        return AdjustmentLine(
            participant="P",
            period="TW 01 Oct 2023",
            run_id=2,
            designation="ADJ1",
            previous_run_id=1,
            variable=v,
            previous=D(0),
            current=D(d),
            delta=D(d),
        )

    chart = delta_chart(
        [adj("A_P_D", "-30"), adj("B_P_D", "10"), adj("C_P_D", "0")],
        label_width=100,
        plot_width=400,
    )
    assert chart is not None
    assert [b.label for b in chart.bars] == ["A_P_D", "B_P_D"]
    assert chart.zero_x == "400.0"  # 100 + 400 * 30/40
    a, b = chart.bars
    assert (a.x, a.width, a.negative, a.text) == ("100.0", "300.0", True, "-30.00")
    assert (b.x, b.width, b.negative) == ("400.0", "100.0", False)
    assert delta_chart([adj("C_P_D", "0")]) is None


def test_write_html(result: CheckResult, tmp_path: Path) -> None:
    path = write_html(result, tmp_path / "report.html")
    assert path.read_text(encoding="utf-8") == render_html(result)


def test_missing_templates_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, result: CheckResult
) -> None:
    monkeypatch.setattr(templates, "candidates", lambda: (tmp_path / "nowhere",))
    with pytest.raises(OutputError, match="templates folder is missing"):
        render_html(result)
