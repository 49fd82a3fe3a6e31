"""recon serve in a real browser: Playwright driving the system Chromium over the
history_adj store, with logins. A person logs in, sees the week's charts on the dashboard,
filters the register to open errors, opens an issue and sees the chart of its values in
every run, sets it to disputed with a reference and the day it was lodged, and finds the
event on the issue page and in the audit.json the Audit page downloads; the pages log no
console error (a Content-Security-Policy violation would be one) and work without
JavaScript too.

The screenshots in ``docs/serve/`` are taken here: set ``RECON_SERVE_SCREENSHOTS`` to a
folder to keep them (``RECON_SERVE_SCREENSHOTS=docs/serve``); otherwise they go to the
test's temporary folder.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from recon.serve.config import ServeConfig

from .helpers import PASSWORD, USER, WEEK, Running, serving

SHOTS_ENV = "RECON_SERVE_SCREENSHOTS"


@pytest.fixture(scope="module")
def server(
    walk_store: Path, users_file: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Running]:
    store = tmp_path_factory.mktemp("browser") / "walk.duckdb"
    shutil.copyfile(walk_store, store)  # a dispute is recorded: not in the shared store
    with serving(ServeConfig(store=store, users_file=users_file)) as running:
        yield running


class Watched:
    """A browser page whose console errors, failed requests and dialogs are kept."""

    def __init__(self, page: Any, shots: Path) -> None:
        self.page = page
        self.shots = shots
        self.problems: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.problems.append(m.text))
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: self.problems.append(f"failed: {r.url}"))
        page.on("dialog", lambda d: (self.problems.append(f"dialog: {d.message}"), d.dismiss()))

    def shot(self, name: str, part: str | None = None) -> None:
        """A screenshot of the whole page, or of the element ``part`` selects."""
        path = str(self.shots / f"{name}.png")
        if part is None:
            self.page.screenshot(path=path, full_page=True)
        else:
            self.page.locator(part).screenshot(path=path)


@pytest.fixture
def watched(browser: Any, tmp_path: Path) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    w = Watched(page, tmp_path)
    try:
        yield w
    finally:
        context.close()
        keep = os.environ.get(SHOTS_ENV)
        if keep:
            Path(keep).mkdir(parents=True, exist_ok=True)
            for png in tmp_path.glob("*.png"):
                shutil.copyfile(png, Path(keep) / png.name)


def _log_in(w: Watched, server: Running) -> None:
    page = w.page
    page.goto(server.url + "/")
    assert page.url.startswith(server.url + "/login?next=")
    w.shot("login")
    page.fill("input[name=name]", USER)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.login button[type=submit]")
    page.wait_for_url(server.url + "/")
    assert page.inner_text("#user") == USER


def test_a_person_walks_through_the_week(watched: Watched, server: Running) -> None:
    from playwright.sync_api import expect

    w, page = watched, watched.page
    _log_in(w, server)
    # the dashboard: the week, its position, and its charts drawn
    net = page.locator("figure.net-adjustment svg")
    position = page.locator("figure.position svg")
    assert net.is_visible() and position.is_visible()
    assert net.locator("rect.bar").count() == 1
    assert position.locator("circle").count() == 1
    assert net.bounding_box()["height"] > 100
    row = page.locator("table.weeks tbody tr").first
    assert "TW 15 Dec 2024" in row.inner_text() and "-3,154,832.97" in row.inner_text()
    w.shot("dashboard")
    # the week
    page.click("table.weeks a:has-text('TW 15 Dec 2024')")
    page.wait_for_url(f"{server.url}/weeks/SWANGEN/{WEEK}")
    assert page.locator("#chain tbody tr").count() == 3
    w.shot("week")
    with page.expect_download() as got:
        page.click("a.button:has-text('findings.json')")
    saved = got.value.path()
    assert json.loads(Path(saved).read_text())["counts"]["error"] == 7
    # the register, filtered to open errors (htmx swaps the table in place)
    page.click("nav >> text=Issues")
    page.wait_for_url(server.url + "/issues")
    page.select_option("select[name=status]", "all")
    expect(page.locator("tr[data-issue]")).to_have_count(4)
    page.select_option("select[name=severity]", "error")
    page.wait_for_url(re.compile(r".*status=all.*severity=error"))
    expect(page.locator("tr[data-issue]")).to_have_count(4)  # every issue is an error
    page.select_option("select[name=status]", "open")
    # the filter is in the address, to share or to go back to
    page.wait_for_url(re.compile(r".*status=open.*severity=error"))
    expect(page.locator("tr[data-issue]")).to_have_count(1)
    rows = page.locator("tr[data-issue]")
    assert "REGFEE_P_D" in rows.first.inner_text()
    assert page.locator("#register-count").inner_text().startswith("1 issue(s) match")
    w.shot("issues")
    # the issue and the chart of its values in every run held
    rows.first.locator("a").first.click()
    page.wait_for_url(re.compile(r".*/issues/[0-9a-f]{10}$"))
    chart = page.locator("#values-chart svg")
    assert chart.is_visible()
    assert chart.locator("circle").count() == 8  # 5 Summary values, 3 Detail values
    legend = chart.locator("text").all_text_contents()
    assert "— Detail ZIP" in legend and "— Summary CSV" in legend
    assert page.locator("#findings tbody tr").count() == 3
    w.shot("issue")
    issue_url = page.url
    issue_id = issue_url.rsplit("/", 1)[1]
    # set it to disputed: the reference and the day the Notice of Disagreement was lodged
    assert page.locator("#no-events").is_visible()
    assert page.inner_text("#recorded-as") == USER
    form = page.locator("form#set-disputed")
    form.locator("input[name=ref]").fill("NOD-0142")
    form.locator("input[name=lodged]").fill("2025-03-10")
    form.locator("textarea[name=note]").fill("Detail is a cent short of the Summary")
    w.shot("dispute", "#workflow")
    form.locator("button[type=submit]").click()
    page.wait_for_url(issue_url + "#workflow")
    expect(page.locator("#state-text")).to_have_text("disputed NOD-0142, open")
    event = page.locator("#events tbody tr")
    expect(event).to_have_count(1)
    cells = event.locator("td").all_inner_texts()
    assert cells[0].endswith(" AWST")
    assert cells[1:] == [USER, "disputed", "NOD-0142", "10 Mar 2025",
                         "Detail is a cent short of the Summary"]  # fmt: skip
    w.shot("disputed", "#workflow")
    # the event is in the audit the Audit page downloads
    page.click("nav >> text=Audit")
    page.wait_for_url(server.url + "/audit")
    with page.expect_download() as got:
        page.click("a.button:has-text('audit.json')")
    audit = json.loads(Path(got.value.path()).read_text())
    (disputed,) = [i for i in audit["issues"] if i["id"] == issue_id]
    assert disputed["workflow"] == "disputed" and disputed["state"] == "disputed NOD-0142, open"
    (event_doc,) = disputed["events"]
    assert event_doc.pop("at").endswith("+00:00")  # stored in UTC
    assert event_doc == {
        "by": USER,
        "workflow": "disputed",
        "ref": "NOD-0142",
        "lodged": "2025-03-10",
        "note": "Detail is a cent short of the Summary",
    }
    # nothing went wrong in the browser: no console error, no CSP violation, no dialog
    assert w.problems == []


def test_the_pages_work_without_javascript(browser: Any, server: Running) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(server.url + "/issues")
        page.fill("input[name=name]", USER)
        page.fill("input[name=password]", PASSWORD)
        page.click("form.login button[type=submit]")
        page.wait_for_url(server.url + "/issues")
        page.select_option("select[name=status]", "resolved")
        page.click("form.filters button[type=submit]")
        page.wait_for_url(re.compile(r".*status=resolved.*"))
        assert page.locator("tr[data-issue]").count() == 3
        page.locator("tr[data-issue] a").first.click()
        page.wait_for_url(re.compile(r".*/issues/[0-9a-f]{10}$"))
        assert page.locator("#values-chart svg").is_visible()
        page.click("form[action='/logout'] button")
        page.wait_for_url(server.url + "/login")
    finally:
        context.close()
