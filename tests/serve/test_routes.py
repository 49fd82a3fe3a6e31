"""recon.serve.routes: the Financial Year names, and each route's own answers (downloads,
the audit's range, the register's filter, logins, static files, who a change is recorded
as), through the application in-process over the walk-through store. What the pages show
is in test_pages.py; the guard's refusals in test_guard.py and test_security.py."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from recon.errors import UsageError
from recon.serve.app import create_app
from recon.serve.config import ServeConfig
from recon.serve.guard import CSRF_COOKIE, SESSION_COOKIE
from recon.serve.routes import ROUTES, financial_year_named, fy_text

from .asgi import InProcess
from .helpers import PASSWORD, USER

WEEK = "2024-12-15"
D_KEY = "SWANGEN|2024-12-15|summary_detail.value|REGFEE_P_D|SWANGEN|2024-12-20||"


@pytest.mark.parametrize(
    ("start", "text"), [(date(2024, 7, 1), "2024-25"), (date(1999, 7, 1), "1999-00")]
)
def test_a_financial_year_as_australians_write_it(start: date, text: str) -> None:
    assert fy_text(start) == text


@pytest.mark.parametrize(
    ("text", "start"),
    [("2024-25", date(2024, 7, 1)), ("2025", date(2024, 7, 1)), (" 1999-00 ", date(1999, 7, 1))],
)
def test_a_financial_year_named(text: str, start: date) -> None:
    assert financial_year_named(text) == start


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2024-26", "fy: '2024-26' is not a Financial Year such as 2024-25"),
        ("FY25", "fy: 'FY25' is not a Financial Year such as 2024-25 or 2025"),
        ("2024/25", "fy: '2024/25' is not a Financial Year such as 2024-25 or 2025"),
    ],
)
def test_a_financial_year_that_does_not_read(text: str, message: str) -> None:
    with pytest.raises(UsageError) as e:
        financial_year_named(text)
    assert str(e.value) == message


def test_every_route_and_its_methods() -> None:
    table = {(r.path, tuple(sorted(r.methods or ()))) for r in ROUTES}
    assert ("/logout", ("POST",)) in table
    assert ("/api/issues/{issue_id}", ("GET", "HEAD", "POST")) in table
    assert ("/api/audit", ("GET", "HEAD")) in table
    assert len(ROUTES) == 16


@pytest.fixture
def client(walk_store: Path) -> InProcess:
    return InProcess(create_app(ServeConfig(store=walk_store)))


@pytest.mark.parametrize(
    ("path", "message"),
    [
        (f"/weeks/SWANGEN/{WEEK}/result.json", "No such file."),
        ("/weeks/SWANGEN/2024-12-16/report.html", "No such file."),
        ("/weeks/SWANGEN/2024-12-08/report.html", "The store holds no run of that week."),
        ("/weeks/PLANTCO/2024-12-15/findings.json", "The store holds no run of that week."),
    ],
)
def test_a_week_download_not_offered_is_404(client: InProcess, path: str, message: str) -> None:
    answer = client.get(path)
    assert answer.status_code == 404 and message in answer.text


def test_a_weeks_findings_are_made_and_named_for_saving(client: InProcess) -> None:
    answer = client.get(f"/weeks/SWANGEN/{WEEK}/findings.json")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    assert answer.headers["content-disposition"] == (
        'attachment; filename="recon_SWANGEN_2024-12-15_findings.json"'
    )
    doc = answer.json()
    assert {i["run_id"] for i in doc["inputs"] if i.get("run_id")} == {51958, 54601, 57219}


def test_the_audit_covers_the_financial_year_of_the_latest_week_by_default(
    client: InProcess,
) -> None:
    doc = client.get("/api/audit").json()
    assert (doc["from"], doc["to"]) == ("2024-07-01", "2025-06-30")
    assert client.get("/api/audit?fy=2025").json()["from"] == "2024-07-01"
    ranged = client.get("/api/audit?from=2024-12-01&to=2024-12-31").json()
    assert (ranged["from"], ranged["to"]) == ("2024-12-01", "2024-12-31")
    assert [w["latest_run_id"] for w in ranged["weeks"]] == [57219]


def test_an_audit_range_that_does_not_read_is_400(client: InProcess) -> None:
    answer = client.get("/api/audit?fy=2024-26")
    assert answer.status_code == 400
    assert answer.json() == {"error": "fy: '2024-26' is not a Financial Year such as 2024-25"}
    page = client.get("/audit?fy=2024-26")
    assert page.status_code == 200 and "is not a Financial Year" in page.text
    assert client.get("/audit/audit.json?fy=nope").status_code == 400
    assert client.get("/audit/audit.csv").status_code == 404


def test_an_audit_download_is_named_for_its_range(client: InProcess) -> None:
    answer = client.get("/audit/audit.json?fy=2024-25")
    assert answer.status_code == 200
    assert answer.headers["content-disposition"] == (
        'attachment; filename="recon_2024-07-01_2025-06-30_audit.json"'
    )
    assert answer.json()["from"] == "2024-07-01"


def test_a_register_filter_that_does_not_read_is_400(client: InProcess) -> None:
    answer = client.get("/api/issues?status=closed")
    assert answer.status_code == 400
    assert answer.json() == {"error": "status: 'closed' is not one of open, resolved, all"}


def test_htmx_asks_for_the_table_alone(client: InProcess) -> None:
    whole = client.get("/issues")
    part = client.get("/issues", headers={"HX-Request": "true"})
    restore = client.get(
        "/issues", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in whole.text and "<html" not in part.text and "<html" in restore.text
    assert whole.headers["vary"] == part.headers["vary"] == "HX-Request"


def test_dashboard_dates_that_do_not_read_are_400(client: InProcess) -> None:
    answer = client.get("/api/weeks?from=2024-13-01")
    assert answer.status_code == 400
    assert answer.json() == {"error": "from: '2024-13-01' is not a date (yyyy-mm-dd)"}


def test_static_files_by_name_only(client: InProcess) -> None:
    css = client.get("/static/serve.css")
    assert css.status_code == 200 and css.headers["content-type"] == "text/css; charset=utf-8"
    assert client.get("/static/report.css").status_code == 200
    assert client.get("/static/report.html").status_code == 404


def test_without_users_login_goes_home_and_logout_clears_the_cookies(client: InProcess) -> None:
    login = client.get("/login")
    assert (login.status_code, login.headers["location"]) == (303, "/")
    token = client.cookies.get(CSRF_COOKIE)
    assert token
    out = client.post("/logout", data={"csrf": token})
    assert (out.status_code, out.headers["location"]) == (303, "/")
    cleared = out.headers.get_list("set-cookie")
    assert any(c.startswith(f"{SESSION_COOKIE}=;") and "Max-Age=0" in c for c in cleared)
    assert any(c.startswith(f"{CSRF_COOKIE}=;") and "Max-Age=0" in c for c in cleared)


@pytest.mark.parametrize(
    ("target", "goes"),
    [
        ("/issues?status=all", "/issues?status=all"),
        ("//evil.example/x", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("", "/"),
    ],
)
def test_after_logging_in_only_a_path_of_this_server(
    walk_store: Path, users_file: Path, target: str, goes: str
) -> None:
    app = create_app(ServeConfig(store=walk_store, users_file=users_file))
    c = InProcess(app)
    c.get("/login")
    form = {"csrf": c.cookies[CSRF_COOKIE], "name": USER, "password": PASSWORD, "next": target}
    answer = c.post("/login", data=form)
    assert (answer.status_code, answer.headers["location"]) == (303, goes)
    assert c.cookies.get(SESSION_COOKIE)
    again = c.get(f"/login?next={target}")  # logged in already
    assert (again.status_code, again.headers["location"]) == (303, goes)


def _d_id(c: InProcess) -> str:
    every = c.get("/api/issues?status=all").json()
    return next(i["id"] for i in every if i["key"] == D_KEY)


def test_without_users_a_change_is_recorded_as_recon_user(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RECON_USER", "carol")
    c = InProcess(create_app(ServeConfig(store=store)))
    d = _d_id(c)
    answer = c.post(f"/api/issues/{d}", json={"workflow": "investigating"})
    assert answer.status_code == 200
    (event,) = answer.json()["events"]
    assert (event["by"], event["workflow"]) == ("carol", "investigating")


def test_a_body_that_is_not_json_records_nothing(store: Path) -> None:
    c = InProcess(create_app(ServeConfig(store=store)))
    d = _d_id(c)
    answer = c.post(
        f"/api/issues/{d}", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert answer.status_code == 400
    assert answer.json()["error"].startswith("the body is not JSON: send {")
    assert c.get(f"/api/issues/{d}").json()["events"] == []


def test_a_refused_change_is_said_in_the_words_of_the_api(store: Path) -> None:
    c = InProcess(create_app(ServeConfig(store=store)))
    d = _d_id(c)
    answer = c.post(f"/api/issues/{d}", json={"workflow": "accepted", "by": "x"})
    assert answer.status_code == 400
    refused = c.post(f"/api/issues/{d}", json={"workflow": "accepted"})
    assert refused.status_code == 400
    assert "--" not in refused.json()["error"]
    assert "note" in refused.json()["error"]
    assert json.loads(c.get(f"/api/issues/{d}").text)["events"] == []


def test_a_change_to_an_unknown_issue_is_404(store: Path) -> None:
    c = InProcess(create_app(ServeConfig(store=store)))
    api = c.post("/api/issues/0123456789", json={"workflow": "investigating", "by": None})
    assert api.status_code == 400  # "by" is not a field of a change: refused first
    api = c.post("/api/issues/0123456789", json={"workflow": "investigating"})
    assert (api.status_code, api.json()) == (404, {"error": "No issue has that id."})
    assert c.get("/issues/0123456789").status_code == 404


def test_an_invalid_form_is_the_issue_page_again_with_why_and_what_was_typed(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RECON_USER", "carol")
    c = InProcess(create_app(ServeConfig(store=store)))
    d = _d_id(c)
    c.get(f"/issues/{d}")  # the form's page: its CSRF cookie
    form = {"csrf": c.cookies[CSRF_COOKIE], "workflow": "disputed", "ref": "<NOD-9>"}
    answer = c.post(f"/issues/{d}", data=form)
    assert answer.status_code == 400
    assert "lodged" in answer.text and "--lodged" not in answer.text
    assert "&lt;NOD-9&gt;" in answer.text and "<NOD-9>" not in answer.text
    assert c.get(f"/api/issues/{d}").json()["events"] == []
    done = c.post(
        f"/issues/{d}", data={"csrf": c.cookies[CSRF_COOKIE], "workflow": "investigating"}
    )
    assert (done.status_code, done.headers["location"]) == (303, f"/issues/{d}#workflow")
    assert [e["by"] for e in c.get(f"/api/issues/{d}").json()["events"]] == ["carol"]


def test_a_change_the_store_cannot_take_is_500_and_says_so(store: Path) -> None:
    c = InProcess(create_app(ServeConfig(store=store)))
    d = _d_id(c)
    store.unlink()
    answer = c.post(f"/api/issues/{d}", json={"workflow": "investigating"})
    assert answer.status_code == 500
    assert answer.json()["error"].startswith("Your change was not recorded: ")
    assert not store.exists()
