"""Hostile names from the data never reach a page as markup (SPEC §12: input text is
escaped everywhere): a Detail scope and an own-data series name holding HTML, built into
a store from a week the fixture generator writes (``fixtures/scenarios.py``), not by
recon's code."""

from __future__ import annotations

import html
import re
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import fixture_scripts
import pytest
from paths import FIXTURES

from recon.cli.main import main
from recon.serve.config import ServeConfig

from .helpers import Running, serving, watch

SCOPE = "<img src=x onerror=alert(1)><script>alert(2)</script>"
SERIES = "</title><svg onload=alert(3)>meters"
PLANTED_DAY = date(2024, 12, 3)
"""The day ADJ1 revises SWANGEN_WF1's meter data: the INITIAL Detail differs there from your
own data (the sample week's, which agrees with ADJ2)."""
WEEK = "2024-12-01"


def _scenarios() -> Any:
    return fixture_scripts.load("scenarios.py")


def _hostile_scope(day: date, rows: list[Any]) -> list[Any] | None:
    """The Detail of one day with SWANGEN_WF1's MSQ_F_I row under a hostile scope."""
    if day != PLANTED_DAY:
        return None
    out, done = [], False
    for var, scope, ts, values in rows:
        if var == "MSQ_F_I" and scope == "SWANGEN_WF1" and not done:
            scope, done = SCOPE, True
        out.append((var, scope, ts, values))
    assert done
    return out


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample week's INITIAL run with the hostile scope, and your own data (the sample
    week's, which agrees with ADJ2, so it differs from INITIAL) under a hostile series
    name, its SCADA rows of that facility and day under the hostile scope too; ingested
    and checked from the store."""
    root = tmp_path_factory.mktemp("hostile")
    week = root / "week"
    _scenarios().write_runs(week, zip_rows=_hostile_scope)
    own = root / "own.toml"
    shutil.copytree(FIXTURES / "sample_week" / "own", root / "own")
    text = (FIXTURES / "sample_week" / "own.toml").read_text()
    own.write_text(text.replace('name = "revenue meters"', f'name = "{SERIES}"'))
    scada = root / "own" / "SWANGEN_scada_msq.csv"
    lines = scada.read_text().splitlines()
    day_from, day_to = "2024-12-03T08:00", "2024-12-04T08:00"
    for i, line in enumerate(lines):
        facility, start, _ = line.split(",")
        if facility == "SWANGEN_WF1" and day_from <= start < day_to:
            lines[i] = line.replace("SWANGEN_WF1", SCOPE, 1)
    scada.write_text("\n".join(lines) + "\n")
    store = root / "hostile.duckdb"
    assert main(["ingest", str(week), "--store", str(store), "--no-progress"]) in (0, 1)
    code = main(
        ["check", "--store", str(store), "--week", WEEK, "--own", str(own), "--out",
         str(root / "out"), "--no-progress"]
    )  # fmt: skip
    assert code == 1
    return store


@pytest.fixture(scope="module")
def server(hostile_store: Path) -> Iterator[Running]:
    with serving(ServeConfig(store=hostile_store)) as running:
        yield running


def _pages(server: Running) -> dict[str, str]:
    issues = server.get("/api/issues?status=all").json()
    paths = ["/", f"/weeks/SWANGEN/{WEEK}", "/issues?status=all", "/audit"]
    paths += [f"/issues/{i['id']}" for i in issues]
    return {p: server.get(p).text for p in paths}


def test_the_hostile_names_are_in_the_store(server: Running) -> None:
    issues = server.get("/api/issues?status=all").json()
    assert SCOPE in {i["scope"] for i in issues}
    findings = server.get(f"/api/weeks/SWANGEN/{WEEK}").json()["findings"]
    assert any(SERIES in f["message"] for f in findings)


def test_no_page_carries_them_as_markup(server: Running) -> None:
    pages = _pages(server)
    shown = "\n".join(pages.values())
    for raw in (SCOPE, SERIES, "<script>alert", "<img src=x", "<svg onload"):
        for path, text in pages.items():
            assert raw not in text, (path, raw)
    # ...and they are shown, escaped (the test would pass on pages that left them out)
    assert html.escape(SCOPE, quote=False) in shown or html.escape(SCOPE) in shown
    assert html.escape(SERIES, quote=False) in shown or html.escape(SERIES) in shown


def test_the_chart_of_the_hostile_scope_escapes_its_title(server: Running) -> None:
    issues = server.get("/api/issues?status=all").json()
    scoped = next(
        i for i in issues if i["scope"] == SCOPE and i["check"] == "own.value" and i["position"]
    )
    page = server.get(f"/issues/{scoped['id']}").text
    chart = re.search(r'<figure[^>]*id="values-chart".*?</figure>', page, re.S)
    assert chart is not None, "the values behind the finding are charted"
    svg = chart.group(0)
    assert "&lt;img src=x onerror=alert(1)&gt;" in svg
    assert "<img" not in svg and "<script" not in svg


def test_the_json_twins_carry_the_text_as_data(server: Running) -> None:
    answer = server.get(f"/api/weeks/SWANGEN/{WEEK}")
    assert answer.headers["content-type"] == "application/json"
    assert answer.headers["x-content-type-options"] == "nosniff"
    scopes = {f["scope"] for f in answer.json()["findings"]}
    assert SCOPE in scopes  # exact, for scripts: a JSON string is not markup


def test_a_browser_runs_none_of_it(server: Running, browser: Any) -> None:
    """Chromium opens every page: no dialog opens, no script error, no CSP violation."""
    context = browser.new_context()
    try:
        page = context.new_page()
        problems = watch(page)
        for path in _pages(server):
            page.goto(server.url + path)
            assert page.locator("main").is_visible()
    finally:
        context.close()
    assert problems == []
