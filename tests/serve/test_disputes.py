"""Dispute actions (SPEC §11, §12): the issue page's forms and ``POST /api/issues/{id}``
record the same events as ``recon issue --set``, by the user logged in; and every way of
breaking them is refused with nothing recorded (a forged or missing CSRF token, no
session, no credentials, ``--read-only``, bad JSON, an unknown id, a busy store), while
text typed into a change is shown as text."""

from __future__ import annotations

import json
import re
import shutil
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape

from recon.cli.main import main
from recon.serve.config import ServeConfig

from .helpers import PASSWORD, USER, WEEK, RecordedSleep, Running, basic, serving, watch
from .test_sharing import held

D_KEY = "SWANGEN|2024-12-15|summary_detail.value|REGFEE_P_D|SWANGEN|2024-12-20||"
JSON = {"Content-Type": "application/json"}


@pytest.fixture
def store(walk_store: Path, tmp_path: Path) -> Path:
    """A copy of the walk-through store this test may write."""
    copy = tmp_path / "store.duckdb"
    shutil.copyfile(walk_store, copy)
    return copy


@pytest.fixture
def sleep() -> RecordedSleep:
    return RecordedSleep()


@pytest.fixture
def server(store: Path, users_file: Path, sleep: RecordedSleep) -> Iterator[Running]:
    config = ServeConfig(store=store, users_file=users_file, write_wait=0.5)
    with serving(config, sleep=sleep) as running:
        yield running


def _d(server: Running) -> str:
    """The id of D, the issue still open after ADJ2."""
    (issue,) = server.get("/api/issues", headers=basic(), cookies=False).json()
    assert issue["key"] == D_KEY
    return issue["id"]


def _events(server: Running, issue: str) -> list[dict[str, Any]]:
    return server.get(f"/api/issues/{issue}", headers=basic(), cookies=False).json()["events"]


def _api(server: Running, issue: str, doc: Any, **kw: Any) -> Any:
    body = doc if isinstance(doc, bytes) else json.dumps(doc).encode()
    headers = {**basic(), **JSON, **kw.pop("headers", {})}
    return server.post(f"/api/issues/{issue}", headers=headers, body=body, cookies=False, **kw)


def _form(server: Running, issue: str, **fields: str) -> Any:
    """Send one of the issue page's forms as a logged-in browser would (the page's own
    CSRF token unless ``csrf`` is given)."""
    if "csrf" not in fields:
        page = server.get(f"/issues/{issue}").text
        found = re.search(r'name="csrf" value="([^"]+)"', page)
        assert found
        fields = {"csrf": found.group(1), **fields}
    return server.post(f"/issues/{issue}", form=fields)


# ------------------------------------------------------------------------------ the forms


def test_the_issue_page_offers_each_change_with_the_csrf_token(server: Running) -> None:
    issue = _d(server)
    server.login()
    page = server.get(f"/issues/{issue}").text
    token = server.csrf()
    forms = re.findall(r'<form method="post" action="/issues/([0-9a-f]+)"[^>]*id="([^"]+)">'
                       r'\s*<input type="hidden" name="csrf" value="([^"]+)">', page)  # fmt: skip
    assert forms == [
        (issue, f"set-{w}", token) for w in ("investigating", "disputed", "accepted", "new")
    ]
    assert '<b id="recorded-as">alice</b>' in page
    assert 'id="no-events"' in page
    disputed = re.search(r'<form[^>]*id="set-disputed">(.*?)</form>', page, re.S).group(1)
    assert re.search(r'<input name="ref" required', disputed)
    assert re.search(r'<input name="lodged" type="date" required max="\d{4}-\d\d-\d\d"', disputed)
    accepted = re.search(r'<form[^>]*id="set-accepted">(.*?)</form>', page, re.S).group(1)
    assert '<textarea name="note" rows="2" required' in accepted


def test_a_form_sets_disputed_and_the_event_shows_everywhere(
    server: Running, store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    issue = _d(server)
    server.login()
    answer = _form(server, issue, workflow="disputed", ref="NOD-0142", lodged="2025-03-10",
                   note="Detail is a cent short")  # fmt: skip
    assert answer.status == 303
    assert answer.headers["location"] == f"/issues/{issue}#workflow"
    page = server.get(f"/issues/{issue}").text
    assert re.search(r'<span id="state-text">disputed NOD-0142, open</span>', page)
    (row,) = re.findall(r'<table id="events">.*?<tbody>(.*?)</tbody>', page, re.S)
    cells = [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    assert cells[1:] == ["alice", "disputed", "NOD-0142", "10 Mar 2025", "Detail is a cent short"]
    assert cells[0].endswith(" AWST")
    # the register, the week and the API say the same
    assert "disputed NOD-0142, open" in server.get("/issues").text
    assert "disputed NOD-0142, open" in server.get(f"/weeks/SWANGEN/{WEEK}").text
    (event,) = _events(server, issue)
    assert {k: v for k, v in event.items() if k != "at"} == {
        "by": "alice",
        "workflow": "disputed",
        "ref": "NOD-0142",
        "lodged": "2025-03-10",
        "note": "Detail is a cent short",
    }
    listed = server.get("/api/issues?workflow=disputed", headers=basic(), cookies=False).json()
    assert [i["id"] for i in listed] == [issue]
    # ...and so do recon issue and the audit recon audit writes
    capsys.readouterr()
    assert main(["issue", issue, "--store", str(store), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["events"] == [event]
    audit = server.get(f"/audit/audit.json?from={WEEK}&to={WEEK}").json()
    (held_issue,) = [i for i in audit["issues"] if i["id"] == issue]
    assert held_issue["events"] == [event] and held_issue["workflow"] == "disputed"


def test_the_same_event_as_recon_issue_set(
    server: Running, store: Path, tmp_path: Path, walk_store: Path
) -> None:
    issue = _d(server)
    by_cli = tmp_path / "cli.duckdb"
    shutil.copyfile(walk_store, by_cli)
    change = {"workflow": "disputed", "ref": "NOD-7", "lodged": "2025-02-03", "note": "n"}
    assert _api(server, issue, change).status == 200
    code = main(["issue", issue, "--store", str(by_cli), "--set", "disputed", "--ref", "NOD-7",
                 "--lodged", "2025-02-03", "--note", "n", "--by", USER])  # fmt: skip
    assert code == 0
    columns = "seq, issue_id, issue_key, participant, week, by_name, workflow, ref, lodged, note"
    rows = []
    for path in (store, by_cli):
        import duckdb

        with duckdb.connect(str(path), read_only=True) as con:
            rows.append(con.execute(f"SELECT {columns} FROM issue_events").fetchall())
    assert rows[0] == rows[1] and len(rows[0]) == 1


def test_each_workflow_in_turn_through_the_api(server: Running) -> None:
    issue = _d(server)
    steps = [
        {"workflow": "investigating"},
        {"workflow": "disputed", "ref": "NOD-1", "lodged": "2025-01-20", "note": None},
        {"workflow": "accepted", "note": "one cent: AEMO's rounding, agreed"},
        {"workflow": "new", "note": "reopened"},
    ]
    states = []
    for step in steps:
        answer = _api(server, issue, step)
        assert answer.status == 200, answer.text
        doc = answer.json()
        assert doc["id"] == issue and len(doc["findings"]) == 3 and doc["values"]
        states.append(doc["state"])
        if step["workflow"] == "accepted":  # accepted: no longer counts as open
            (week,) = server.get("/api/weeks", headers=basic(), cookies=False).json()["weeks"]
            assert (week["open_issues"], week["open_errors"]) == (1, 0)
    assert states == [
        "investigating, open",
        "disputed NOD-1, open",
        "disputed NOD-1, accepted: one cent: AEMO's rounding, agreed, open",
        "new, open",
    ]
    assert [e["workflow"] for e in _events(server, issue)] == [s["workflow"] for s in steps]
    assert {e["by"] for e in _events(server, issue)} == {USER}


# ------------------------------------------------------------------------------ refused


@pytest.mark.parametrize(
    ("doc", "says"),
    [
        ({"workflow": "accepted"}, "give note saying why"),
        ({"workflow": "accepted", "note": "   "}, "give note saying why"),
        ({"workflow": "disputed", "ref": "NOD-1"}, "give ref (the reference) and lodged"),
        ({"workflow": "disputed", "lodged": "2025-01-20"}, "give ref"),
        ({"workflow": "disputed", "ref": "N", "lodged": "20/01/2025"}, "is not a date"),
        ({"workflow": "disputed", "ref": "N", "lodged": "2999-01-01"}, "is after today"),
        ({"workflow": "investigating", "ref": "NOD-1"}, "ref and lodged go with"),
        ({"workflow": "closed"}, "'closed' is not a workflow state"),
        ({"workflow": "new", "note": "bidi \u202e text"}, "control or direction character"),
        ({"workflow": "new", "note": "x" * 4001}, "longer than 4000 characters"),
        ({}, "workflow: give one of new, investigating, disputed, accepted"),
        ({"workflow": "new", "by": "mallory"}, "'by': not a field of a change"),
        ({"workflow": "accepted", "note": 5}, "note: give text"),
        ({"workflow": ["new"]}, "workflow: give text"),
        ([], "send a JSON object"),
        ("new", "send a JSON object"),
        (b"{workflow: new}", "the body is not JSON"),
        (b"\xff\xfe", "the body is not JSON"),
        (b"", "the body is not JSON"),
    ],
)
def test_an_invalid_change_is_400_and_records_nothing(server: Running, doc: Any, says: str) -> None:
    issue = _d(server)
    answer = _api(server, issue, doc)
    assert answer.status == 400, answer.text
    assert says in answer.json()["error"]
    assert "--" not in answer.json()["error"]  # in the body's words, not the CLI's
    assert _events(server, issue) == []


def test_an_invalid_form_is_the_page_again_with_why_and_what_was_typed(server: Running) -> None:
    issue = _d(server)
    server.login()
    answer = _form(server, issue, workflow="disputed", ref="NOD-<9>", lodged="", note="")
    assert answer.status == 400
    assert re.search(r'id="change-problem" role="alert">Not recorded: to set an issue disputed, '
                     r"give ref \(the reference\) and lodged DATE</p>", answer.text)  # fmt: skip
    assert 'value="NOD-&lt;9&gt;"' in answer.text  # kept, escaped, in the form it came from
    assert _events(server, issue) == []


@pytest.mark.parametrize("wanted", ["0123456789", "zzzzzzzzzz", "ABCDEF0123", "x", "0123456789a"])
def test_an_unknown_id_is_404_and_records_nothing(server: Running, wanted: str) -> None:
    answer = _api(server, wanted, {"workflow": "investigating"})
    assert answer.status == 404 and answer.json() == {"error": "No issue has that id."}
    server.login()
    form = {"csrf": server.csrf(), "workflow": "investigating"}
    page = server.post(f"/issues/{wanted}", form=form)
    assert page.status == 404 and "No issue has that id." in page.text
    assert _events(server, _d(server)) == []


def test_the_api_needs_credentials_and_json(server: Running, sleep: RecordedSleep) -> None:
    issue = _d(server)
    change = json.dumps({"workflow": "investigating"}).encode()
    url = f"/api/issues/{issue}"
    bare = server.post(url, headers=JSON, body=change, cookies=False)
    assert bare.status == 401 and bare.headers["www-authenticate"].startswith("Basic")
    wrong = server.post(url, headers={**JSON, **basic(USER, "not it")}, body=change)
    assert wrong.status == 401 and sleep.delays == [1.0]
    server.login()  # a session cookie (and its CSRF token) is no API credential
    token = server.csrf()
    with_session = server.post(url, headers={**JSON, "X-CSRF-Token": token}, body=change)
    assert with_session.status == 401
    for media in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data", ""):
        sent = server.post(url, headers={**basic(), "Content-Type": media}, body=change)
        assert sent.status == 415, media
        assert sent.json() == {"error": "Send the change as Content-Type: application/json."}
    charset = server.post(
        url, headers={**basic(), "Content-Type": "application/json; charset=utf-8"}, body=change
    )
    assert charset.status == 200
    assert [e["workflow"] for e in _events(server, issue)] == ["investigating"]


def test_a_forged_or_missing_csrf_token_records_nothing(server: Running) -> None:
    issue = _d(server)
    visitor = Running(server.url, server.host, server.port, server.state)
    their_token = visitor.csrf()  # a token of another visitor (before login)
    server.login()
    token = server.csrf()
    altered = token[:-1] + ("B" if token.endswith("A") else "A")  # never the token itself
    for csrf in ("", "x" * 43, their_token, altered):
        answer = server.post(f"/issues/{issue}", form={"csrf": csrf, "workflow": "new"})
        assert answer.status == 403, csrf
        assert "did not come from this site" in answer.text
    no_field = server.post(f"/issues/{issue}", form={"workflow": "new"})
    assert no_field.status == 403
    elsewhere = server.post(
        f"/issues/{issue}",
        form={"csrf": server.csrf(), "workflow": "new"},
        headers={"Origin": "https://evil.example"},
    )
    assert elsewhere.status == 403 and "another site" in elsewhere.text
    as_json = server.post(f"/issues/{issue}", headers=JSON, body=b'{"workflow": "new"}')
    assert as_json.status == 415
    assert _events(server, issue) == []


def test_without_a_session_cookie_a_form_records_nothing(server: Running) -> None:
    issue = _d(server)
    server.login()
    token = server.csrf()
    server.jar.pop("recon_session")
    answer = server.post(f"/issues/{issue}", form={"csrf": token, "workflow": "new"})
    assert answer.status == 403
    assert _events(server, issue) == []


def test_read_only_refuses_changes_through_the_api_and_the_forms(
    store: Path, users_file: Path
) -> None:
    config = ServeConfig(store=store, users_file=users_file, read_only=True)
    with serving(config) as server:
        issue = _d(server)
        api = _api(server, issue, {"workflow": "investigating"})
        assert api.status == 403 and "read-only" in api.json()["error"]
        server.login()
        form = server.post(f"/issues/{issue}", form={"csrf": server.csrf(), "workflow": "new"})
        assert form.status == 403
        assert _events(server, issue) == []


# ------------------------------------------------------------------------------ busy


def test_a_change_to_a_busy_store_is_503_and_records_nothing(server: Running, store: Path) -> None:
    issue = _d(server)
    server.login()
    token = server.csrf()
    with held(store, "write", 120):
        api = _api(server, issue, {"workflow": "investigating"})
        form = server.post(f"/issues/{issue}", form={"csrf": token, "workflow": "new"})
    assert api.status == form.status == 503
    assert api.headers["retry-after"] == form.headers["retry-after"] == "5"
    assert "Your change was not recorded" in api.json()["error"]
    assert "Your change was not recorded" in form.text and "Traceback" not in form.text
    assert _events(server, issue) == []
    assert _api(server, issue, {"workflow": "investigating"}).status == 200  # free again
    assert len(_events(server, issue)) == 1


def test_changes_while_other_requests_read_the_store(server: Running) -> None:
    """The server's own readers and its writer take turns: every page is answered and
    every change recorded (DuckDB refuses a read-only and a read-write connection to one
    file side by side within a process)."""
    issue = _d(server)
    stop, seen = threading.Event(), Counter()
    paths = ["/api/weeks", f"/api/issues/{issue}", "/api/issues?status=all",
             f"/api/weeks/SWANGEN/{WEEK}"]  # fmt: skip

    def hammer(k: int) -> None:
        client = Running(server.url, server.host, server.port, server.state)
        i = k
        while not stop.is_set():
            seen[client.get(paths[i % len(paths)], headers=basic(), cookies=False).status] += 1
            i += 1

    threads = [threading.Thread(target=hammer, args=(k,)) for k in range(3)]
    for t in threads:
        t.start()
    try:
        answers = [_api(server, issue, {"workflow": w}).status
                   for w in ("investigating", "new") * 4]  # fmt: skip
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=60)
    assert answers == [200] * 8
    assert set(seen) == {200} and seen[200] > 0
    assert len(_events(server, issue)) == 8


# ------------------------------------------------------------------------------ who


def test_without_users_a_change_is_recorded_as_recon_user(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RECON_USER", "bob")
    with serving(ServeConfig(store=store)) as server:
        issue = _d(server)
        page = server.get(f"/issues/{issue}").text
        assert '<b id="recorded-as">bob</b>' in page
        token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        answer = server.post(f"/issues/{issue}", form={"csrf": token, "workflow": "investigating"})
        assert answer.status == 303
        api = server.post(f"/api/issues/{issue}", headers=JSON, body=b'{"workflow": "new"}')
        assert api.status == 200
        assert [(e["by"], e["workflow"]) for e in api.json()["events"]] == [
            ("bob", "investigating"),
            ("bob", "new"),
        ]


def test_due_dates_follow_the_config_file(
    store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[disputes]\nnod_business_days = 10\n")
    monkeypatch.setenv("RECON_CONFIG", str(config))
    capsys.readouterr()
    main(["issues", "--store", str(store), "--json", "--status", "all"])
    expected = json.loads(capsys.readouterr().out)
    assert [i["due"] for i in expected if i["status"] == "open"] == ["2025-01-16"]
    with serving(ServeConfig(store=store, nod_business_days=10)) as server:
        assert server.get("/api/issues?status=all").json() == expected
        issue = _d(server)
        assert '<dd id="due">16 Jan 2025</dd>' in server.get(f"/issues/{issue}").text
        assert "due 16 Jan 2025" in server.get("/issues").text
    with serving(ServeConfig(store=store)) as server:
        assert server.get(f"/api/issues/{_d(server)}").json()["due"] is None
        assert "WA Business Days old" in server.get("/issues").text


# ------------------------------------------------------------------------------ hostile text

SCRIPT = "<script>alert('note')</script>"
IMG = '"><img src=x onerror=alert(1)>'


def test_text_typed_into_a_change_is_shown_as_text(server: Running, browser: Any) -> None:
    issue = _d(server)
    server.login()
    assert _form(server, issue, workflow="disputed", ref=IMG, lodged="2025-01-20",
                 note=SCRIPT).status == 303  # fmt: skip
    pages = {
        p: server.get(p).text
        for p in (f"/issues/{issue}", "/issues", f"/weeks/SWANGEN/{WEEK}", "/audit")
    }
    for path, text in pages.items():
        assert SCRIPT not in text and "<img src=x" not in text, path
    assert str(escape(SCRIPT)) in pages[f"/issues/{issue}"]
    assert str(escape(IMG)) in pages[f"/issues/{issue}"]
    assert str(escape(f"disputed {IMG}, open")) in pages["/issues"]
    audit = server.get(f"/audit/audit.html?from={WEEK}&to={WEEK}").text
    assert SCRIPT not in audit and "<img src=x" not in audit
    # and a browser opening them runs none of it
    context = browser.new_context()
    try:
        page = context.new_page()
        problems = watch(page)
        page.goto(server.url + "/login")
        page.fill("input[name=name]", USER)
        page.fill("input[name=password]", PASSWORD)
        page.click("form.login button[type=submit]")
        page.wait_for_url(server.url + "/")
        for path in pages:
            page.goto(server.url + path)
            assert page.locator("main").is_visible()
        page.goto(server.url + f"/issues/{issue}")
        assert page.locator("#events tbody tr td.note").inner_text() == SCRIPT
    finally:
        context.close()
    assert problems == []


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(note=st.text(max_size=60), ref=st.text(max_size=30))
def test_any_text_is_recorded_exactly_or_refused_in_one_line(
    server: Running, note: str, ref: str
) -> None:
    issue = _d(server)
    before = len(_events(server, issue))
    answer = _api(server, issue, {"workflow": "disputed", "ref": ref, "lodged": "2025-01-20",
                                  "note": note})  # fmt: skip
    if answer.status == 200:
        last = answer.json()["events"][-1]
        assert (last["ref"], last["note"]) == (ref.strip(), note.strip() or None)
        assert len(answer.json()["events"]) == before + 1
    else:
        assert answer.status == 400, answer.text
        error = answer.json()["error"]
        assert "\n" not in error and "Traceback" not in error
        assert len(_events(server, issue)) == before


def test_lodged_today_is_accepted_and_tomorrow_is_not(server: Running) -> None:
    from recon.serve.access import today

    issue = _d(server)
    tomorrow = (today() + timedelta(days=1)).isoformat()
    later = _api(server, issue, {"workflow": "disputed", "ref": "N", "lodged": tomorrow})
    assert later.status == 400
    now = _api(server, issue, {"workflow": "disputed", "ref": "N", "lodged": today().isoformat()})
    assert now.status == 200 and now.json()["events"][-1]["lodged"] == today().isoformat()
    assert date.fromisoformat(now.json()["events"][-1]["lodged"]) == today()
