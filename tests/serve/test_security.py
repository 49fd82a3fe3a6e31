"""Trying to break the server's defences (SPEC §12): logins, sessions, CSRF, the Host
header, the Content-Security-Policy, ``--read-only``, and paths that climb out."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from recon.serve.config import ServeConfig
from recon.serve.guard import CONTENT_SECURITY_POLICY

from .helpers import PASSWORD, USER, WEEK, RecordedSleep, Running, basic, serving

SESSION = "recon_session"


@pytest.fixture
def sleep() -> RecordedSleep:
    return RecordedSleep()


@pytest.fixture
def server(walk_store: Path, users_file: Path, sleep: RecordedSleep) -> Iterator[Running]:
    with serving(ServeConfig(store=walk_store, users_file=users_file), sleep=sleep) as running:
        yield running


def _issue_id(server: Running) -> str:
    return server.get("/api/issues", headers=basic()).json()[0]["id"]


# ------------------------------------------------------------------------------ logins


@pytest.mark.parametrize(
    ("path", "target"),
    [("/", "%2F"), ("/issues?status=all", "%2Fissues%3Fstatus%3Dall"), ("/audit", "%2Faudit")],
)
def test_every_page_needs_a_login(server: Running, path: str, target: str) -> None:
    answer = server.get(path)
    assert answer.status == 303
    assert answer.headers["location"] == f"/login?next={target}"
    assert "SWANGEN" not in answer.text


def test_the_login_page_and_the_style_sheets_need_no_login(server: Running) -> None:
    assert server.get("/login").status == 200
    assert server.get("/static/serve.css").status == 200


def test_logging_in_gives_a_session_cookie_httponly_samesite_strict(server: Running) -> None:
    answer = server.login()
    assert answer.status == 303 and answer.headers["location"] == "/"
    (set_cookie,) = [c for c in answer.cookies() if c.startswith(SESSION + "=")]
    attrs = [a.strip() for a in set_cookie.split(";")]
    assert "HttpOnly" in attrs and "SameSite=Strict" in attrs and "Path=/" in attrs
    assert "Secure" not in attrs  # plain HTTP, no trusted proxy
    page = server.get("/")
    assert page.status == 200 and f'<span id="user">{USER}</span>' in page.text


def test_a_missing_or_forged_session_cookie_is_sent_to_the_login(server: Running) -> None:
    server.login()
    assert server.get("/").status == 200
    good = server.jar[SESSION]
    server.jar[SESSION] = good[:-4] + "AAAA"
    assert server.get("/").status == 303
    server.jar.pop(SESSION)
    assert server.get("/").status == 303
    server.jar[SESSION] = good
    assert server.get("/").status == 200


def test_a_failed_login_is_slowed_and_does_not_say_which_part(
    server: Running, sleep: RecordedSleep
) -> None:
    wrong_password = server.login(USER, "not the password")
    wrong_name = server.login("mallory", PASSWORD)
    assert wrong_password.status == wrong_name.status == 401
    message = "The name or the password is not right."
    for answer in (wrong_password, wrong_name):
        assert message in answer.text
        assert SESSION not in "".join(answer.cookies())
    # the same page but for the name typed, echoed back
    assert wrong_password.text.replace(USER, "mallory") == wrong_name.text
    # each failure from this client waits twice as long as the one before
    server.login(USER, "again wrong")
    assert sleep.delays == [1.0, 2.0, 4.0]
    assert server.login().status == 303  # the right password still works
    server.jar.clear()
    server.login(USER, "wrong once more")
    assert sleep.delays[-1] == 1.0  # a right login forgets the failures


def test_the_api_takes_http_basic_and_answers_401_without(
    server: Running, sleep: RecordedSleep
) -> None:
    bare = server.get("/api/weeks", cookies=False)
    assert bare.status == 401
    assert bare.headers["www-authenticate"].startswith('Basic realm="recon"')
    assert bare.json() == {
        "error": "Log in: HTTP Basic credentials of a user of the server's users file."
    }
    assert sleep.delays == []  # no credentials: nothing to slow
    wrong = server.get("/api/weeks", headers=basic(USER, "nope"), cookies=False)
    unknown = server.get("/api/weeks", headers=basic("mallory", PASSWORD), cookies=False)
    assert wrong.status == unknown.status == 401
    assert wrong.json() == unknown.json() == {"error": "The name or the password is not right."}
    assert sleep.delays == [1.0, 2.0]
    garbled = server.get("/api/weeks", headers={"Authorization": "Basic %%%"}, cookies=False)
    assert garbled.status == 401
    ok = server.get("/api/weeks", headers=basic(), cookies=False)
    assert ok.status == 200 and ok.json()["weeks"][0]["participant"] == "SWANGEN"
    # a session cookie is not an API credential
    server.login()
    assert server.get("/api/weeks").status == 401


# ------------------------------------------------------------------------------ CSRF


def test_a_login_form_without_its_csrf_token_is_refused(server: Running) -> None:
    server.get("/login")  # the visitor's CSRF cookie
    for form in (
        {"name": USER, "password": PASSWORD},
        {"name": USER, "password": PASSWORD, "csrf": ""},
        {"name": USER, "password": PASSWORD, "csrf": "forged-token-forged-token-forged"},
    ):
        answer = server.post("/login", form=form)
        assert answer.status == 403, form
        assert "did not come from this site" in answer.text
        assert SESSION not in server.jar


def test_a_csrf_token_of_another_visitor_is_refused(server: Running, walk_store: Path) -> None:
    other = Running(server.url, server.host, server.port, server.state)
    token = other.csrf()
    server.get("/login")
    answer = server.post("/login", form={"csrf": token, "name": USER, "password": PASSWORD})
    assert answer.status == 403


def test_logout_needs_the_session_csrf_token(server: Running) -> None:
    server.login()
    before = server.csrf()
    forged = server.post("/logout", form={"csrf": "x" * 43})
    assert forged.status == 403 and server.get("/").status == 200
    assert server.post("/logout", form={}).status == 403
    old = server.jar[SESSION]
    done = server.post("/logout", form={"csrf": before})
    assert done.status == 303 and done.headers["location"] == "/login"
    assert SESSION not in server.jar
    server.jar[SESSION] = old  # the old cookie no longer opens anything
    assert server.get("/").status == 303


def test_a_change_from_another_site_is_refused(server: Running) -> None:
    token = server.csrf()
    answer = server.post(
        "/login",
        form={"csrf": token, "name": USER, "password": PASSWORD},
        headers={"Origin": "https://evil.example"},
    )
    assert answer.status == 403 and SESSION not in server.jar
    same = server.post(
        "/login",
        form={"csrf": token, "name": USER, "password": PASSWORD},
        headers={"Origin": server.url},
    )
    assert same.status == 303


def test_an_api_change_needs_json_and_a_page_change_a_form(server: Running) -> None:
    issue = _issue_id(server)
    as_form = server.post(
        f"/api/issues/{issue}", headers={**basic(), "Content-Type": "text/plain"}, body=b"{}"
    )
    assert as_form.status == 415
    server.login()
    as_json = server.post(
        "/logout", headers={"Content-Type": "application/json"}, body=b'{"csrf": "x"}'
    )
    assert as_json.status == 415


def test_a_large_body_is_refused(server: Running) -> None:
    answer = server.post(
        "/login",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Content-Length": str(10 * 1024 * 1024),
        },
        body=None,
    )
    assert answer.status == 413


# ------------------------------------------------------------------------------ read-only


def test_read_only_refuses_every_change(walk_store: Path, users_file: Path) -> None:
    config = ServeConfig(store=walk_store, users_file=users_file, read_only=True)
    with serving(config) as server:
        issue = _issue_id(server)
        change = server.post(
            f"/api/issues/{issue}",
            headers={**basic(), "Content-Type": "application/json"},
            body=b'{"workflow": "investigating"}',
        )
        assert change.status == 403
        assert "read-only" in change.json()["error"]
        assert server.login().status == 303  # logging in changes nothing
        token = server.csrf()
        page = server.post(f"/issues/{issue}", form={"csrf": token, "workflow": "investigating"})
        assert page.status == 403 and "read-only" in page.text
        assert 'title="recon serve --read-only' in server.get("/").text
        issue_page = server.get(f"/issues/{issue}").text
        assert 'id="no-changes"' in issue_page and 'id="set-disputed"' not in issue_page
        assert server.get(f"/api/issues/{issue}", headers=basic()).json()["events"] == []


# ------------------------------------------------------------------------------ host


@pytest.mark.parametrize(
    "host", ["evil.example", "evil.example:8765", "127.0.0.1.evil.example", "", "a b", "[::1"]
)
def test_a_host_header_not_naming_this_server_is_refused(server: Running, host: str) -> None:
    answer = server.get("/login", host=host)
    assert answer.status == 400
    assert "does not answer to that host" in answer.text
    assert "content-security-policy" in answer.headers


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "LOCALHOST:1", "[::1]:8765"])
def test_the_loopback_names_are_answered(server: Running, host: str) -> None:
    assert server.get("/login", host=host).status == 200


def test_an_allowed_host_is_answered(walk_store: Path, users_file: Path) -> None:
    config = ServeConfig(
        store=walk_store, users_file=users_file, allowed_hosts=("recon.example.com",)
    )
    with serving(config) as server:
        assert server.get("/login", host="recon.example.com").status == 200
        assert server.get("/login", host="recon.example.com.evil").status == 400


# ------------------------------------------------------------------------------ TLS


def test_the_cookie_is_secure_when_a_trusted_proxy_says_https(
    walk_store: Path, users_file: Path
) -> None:
    config = ServeConfig(store=walk_store, users_file=users_file, trusted_proxies=("127.0.0.1",))
    with serving(config) as server:
        proxied = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
        token = re.search(
            r'name="csrf" value="([^"]+)"', server.get("/login", headers=proxied).text
        ).group(1)
        answer = server.post(
            "/login",
            form={"csrf": token, "name": USER, "password": PASSWORD},
            headers=proxied,
        )
        assert answer.status == 303
        session = next(c for c in answer.cookies() if c.startswith(SESSION))
        assert "Secure" in [a.strip() for a in session.split(";")]
        assert answer.headers["strict-transport-security"].startswith("max-age=")


def test_forwarded_headers_are_ignored_without_a_trusted_proxy(server: Running) -> None:
    proxied = {"X-Forwarded-Proto": "https"}
    server.get("/login", headers=proxied)
    answer = server.post(
        "/login",
        form={"csrf": server.csrf(), "name": USER, "password": PASSWORD},
        headers=proxied,
    )
    session = next(c for c in answer.cookies() if c.startswith(SESSION))
    assert "Secure" not in session and "strict-transport-security" not in answer.headers


# ------------------------------------------------------------------------------ CSP


def test_every_answer_carries_the_security_headers(server: Running) -> None:
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY
    assert "'unsafe-eval'" not in CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY
    answers = [
        server.get("/"),
        server.get("/login"),
        server.get("/static/htmx.min.js"),
        server.get("/static/nothing.css"),
        server.get("/api/weeks"),
        server.post("/login", form={}),
    ]
    server.login()
    answers += [server.get(p) for p in ("/", f"/weeks/SWANGEN/{WEEK}", "/issues", "/nope")]
    for answer in answers:
        assert answer.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["x-frame-options"] == "DENY"
        assert answer.headers["server-timing"].startswith("app;dur=")
        assert "server" not in answer.headers or "uvicorn" not in answer.headers["server"]


def test_pages_hold_no_inline_script(server: Running) -> None:
    login = server.get("/login").text
    assert re.findall(r"<script([^>]*)>(.*?)</script>", login, re.S) == [
        (' src="/static/htmx.min.js" defer', "")
    ]
    server.login()
    issue = _issue_id(server)
    for path in (
        "/",
        f"/weeks/SWANGEN/{WEEK}",
        "/issues?status=all",
        f"/issues/{issue}",
        "/audit",
    ):
        html = server.get(path).text
        scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
        assert scripts and all('src="/static/' in attrs and not body for attrs, body in scripts)
        assert not re.search(r"\son[a-z]+\s*=", html), path
        assert "javascript:" not in html.lower()
        # the only inline style is the reports' chart attribute, allowed by its hash
        assert set(re.findall(r'style="([^"]*)"', html)) <= {"max-width:100%;height:auto"}


# ------------------------------------------------------------------------------ paths


@pytest.mark.parametrize(
    "path",
    [
        "/static/../pyproject.toml",
        "/static/..%2Fpyproject.toml",
        "/static/%2e%2e/%2e%2e/pyproject.toml",
        "/static/..%5c..%5cpyproject.toml",
        "/static/serve.css%00.txt",
        "/static//etc/passwd",
        "/static/%2Fetc%2Fpasswd",
        f"/weeks/SWANGEN/{WEEK}/..%2F..%2F..%2Fpyproject.toml",
        f"/weeks/SWANGEN/{WEEK}/%2e%2e",
        f"/weeks/..%2F..%2Fetc/{WEEK}/report.html",
        f"/weeks/SWANGEN/{WEEK}/report.html%2F..%2F..%2Fpyproject.toml",
        "/audit/..%2F..%2Fpyproject.toml",
        "/audit/%2e%2e%2faudit.json",
        "/../../../../etc/passwd",
        "/issues/..%2F..%2Fetc%2Fpasswd",
    ],
)
def test_a_path_that_climbs_out_finds_nothing(server: Running, path: str) -> None:
    server.login()
    answer = server.get(path)
    assert answer.status in (400, 404), (path, answer.status)
    assert b"[build-system]" not in answer.body and b"root:" not in answer.body
