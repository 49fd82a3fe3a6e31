"""recon.serve.guard: the helpers (host names, cookies, the Content-Security-Policy) and the
Guard itself in front of a small echo application, driven in-process through ASGI (the
server-level tests of the same rules are in test_security.py and test_disputes.py)."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.routing import Mount
from starlette.types import Receive, Scope, Send

from recon.serve.config import ServeConfig
from recon.serve.guard import (
    CONTENT_SECURITY_POLICY,
    CSRF_COOKIE,
    SECURITY_HEADERS,
    STYLE_ATTRIBUTES,
    Guard,
    client_key,
    cookie,
    cookies_of,
    host_name,
)
from recon.serve.state import ServeState

from .asgi import InProcess
from .helpers import PASSWORD, USER, RecordedSleep

TOKEN = "A" * 43
FORM = "application/x-www-form-urlencoded"


# ---------------------------------------------------------------------- helpers


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("127.0.0.1:8765", "127.0.0.1"),
        ("LOCALHOST", "localhost"),
        ("[::1]:8765", "::1"),
        ("[::1]", "::1"),
        ("recon.example.com", "recon.example.com"),
        (" recon.example.com:443 ", "recon.example.com"),
    ],
)
def test_the_host_name_of_a_host_header(header: str, name: str) -> None:
    assert host_name(header) == name


@pytest.mark.parametrize(
    "header",
    [None, "", "a b", "evil.com@127.0.0.1", "127.0.0.1:123456", "host/path", "[::1", "x:y"],
)
def test_a_host_header_that_is_not_one_has_no_name(header: str | None) -> None:
    assert host_name(header) is None


def test_cookies_are_httponly_strict_and_secure_over_https() -> None:
    assert cookie("a", "v", secure=False) == "a=v; Path=/; HttpOnly; SameSite=Strict"
    assert cookie("a", "v", secure=True) == "a=v; Path=/; HttpOnly; SameSite=Strict; Secure"
    assert cookie("a", "", secure=False, expire=True).endswith("; Max-Age=0")


def test_the_cookies_of_a_request() -> None:
    scope = {
        "headers": [
            (b"cookie", b"recon_session=abc; recon_csrf=def"),
            (b"accept", b"text/html"),
            (b"cookie", b"other=1"),
        ]
    }
    assert cookies_of(scope) == {"recon_session": "abc", "recon_csrf": "def", "other": "1"}
    assert cookies_of({"headers": []}) == {}
    assert cookies_of({}) == {}


def test_the_throttle_key_is_the_client_address() -> None:
    with_client = Request({"type": "http", "client": ("192.0.2.7", 5000), "headers": []})
    assert client_key(with_client) == "ip:192.0.2.7"
    assert client_key(Request({"type": "http", "client": None, "headers": []})) == "ip:?"


def test_the_policy_allows_the_chart_style_by_its_hash_and_no_inline_script() -> None:
    (style,) = STYLE_ATTRIBUTES
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    directives = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["style-src"] == f"'self' 'unsafe-hashes' 'sha256-{digest}'"
    assert directives["script-src"] == "'self'"
    assert directives["default-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY


# ---------------------------------------------------------------------- the Guard


async def _echo(scope: Scope, receive: Receive, send: Send) -> None:
    """What the request reached the application as: its state and its body."""
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    state = scope.get("state", {})
    doc = {
        "user": state.get("user"),
        "csrf": state.get("csrf"),
        "secure": state.get("secure"),
        "body": body.decode(),
    }
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"application/json")],
        }
    )
    await send({"type": "http.response.body", "body": json.dumps(doc).encode()})


class _Client:
    """Requests to a Guard in front of :func:`_echo`, through ASGI (no socket); each
    request on its own, with no cookie but those it is given."""

    def __init__(self, state: ServeState, scheme: str = "http") -> None:
        self.app = Starlette(
            routes=[Mount("/", app=_echo)], middleware=[Middleware(Guard, state=state)]
        )
        self.app.state.serve = state  # what the error pages read
        self.base = f"{scheme}://127.0.0.1:8765"

    def __call__(self, method: str, path: str, **kw: Any) -> httpx.Response:
        return InProcess(self.app, self.base).request(method, path, **kw)


@pytest.fixture
def open_guard(tmp_path: Path) -> _Client:
    return _Client(ServeState(ServeConfig(store=tmp_path / "store.duckdb")))


def test_a_page_passes_with_a_new_csrf_cookie_and_every_header(open_guard: _Client) -> None:
    answer = open_guard("GET", "/weeks")
    assert answer.status_code == 200
    doc = answer.json()
    assert doc["user"] is None and doc["secure"] is False
    assert len(doc["csrf"]) >= 20
    assert answer.headers["set-cookie"] == cookie(CSRF_COOKIE, doc["csrf"], secure=False)
    for name, value in SECURITY_HEADERS:
        assert answer.headers[name] == value
    assert answer.headers["cache-control"] == "no-store"
    assert answer.headers["server-timing"].startswith("app;dur=")
    assert "strict-transport-security" not in answer.headers


def test_a_static_file_may_be_cached_and_https_gets_hsts(tmp_path: Path) -> None:
    guard = _Client(ServeState(ServeConfig(store=tmp_path / "s.duckdb")), scheme="https")
    answer = guard("GET", "/static/serve.css")
    assert answer.headers["cache-control"] == "no-cache"
    assert answer.headers["strict-transport-security"] == "max-age=31536000"
    assert answer.json()["secure"] is True
    assert answer.headers["set-cookie"].endswith("; Secure")


def test_a_csrf_cookie_sent_back_is_kept(open_guard: _Client) -> None:
    answer = open_guard("GET", "/weeks", headers={"cookie": f"{CSRF_COOKIE}={TOKEN}"})
    assert answer.json()["csrf"] == TOKEN
    assert "set-cookie" not in answer.headers


def test_an_api_request_gets_no_csrf_cookie(open_guard: _Client) -> None:
    answer = open_guard("GET", "/api/weeks")
    assert answer.status_code == 200 and "set-cookie" not in answer.headers


@pytest.mark.parametrize(
    ("path", "kind", "body"),
    [
        ("/weeks", "text/plain", b"This server does not answer to that host name.\n"),
        (
            "/api/weeks",
            "application/json",
            b'{"error":"This server does not answer to that host name."}',
        ),
    ],
)
def test_another_host_name_is_400(open_guard: _Client, path: str, kind: str, body: bytes) -> None:
    answer = open_guard("GET", path, headers={"host": "evil.example"})
    assert answer.status_code == 400
    assert answer.headers["content-type"].startswith(kind)
    assert answer.content == body
    assert answer.headers["x-frame-options"] == "DENY"


def test_a_large_or_odd_content_length_is_413(open_guard: _Client) -> None:
    big = open_guard("POST", "/weeks", content=b"x" * (64 * 1024 + 1))
    assert big.status_code == 413 and big.text == "The request is too large.\n"


def test_a_form_with_the_csrf_token_reaches_the_app_with_its_body(open_guard: _Client) -> None:
    form = f"csrf={TOKEN}&note=a%20b"
    answer = open_guard(
        "POST",
        "/issues/x",
        content=form.encode(),
        headers={
            "cookie": f"{CSRF_COOKIE}={TOKEN}",
            "content-type": "application/x-www-form-urlencoded",
        },
    )
    assert answer.status_code == 200
    assert answer.json()["body"] == form  # read by the guard, then replayed


@pytest.mark.parametrize("sent", ["", "csrf=", f"csrf={'B' * 43}"])
def test_a_form_without_the_right_token_is_403(open_guard: _Client, sent: str) -> None:
    answer = open_guard(
        "POST",
        "/issues/x",
        content=sent.encode(),
        headers={
            "cookie": f"{CSRF_COOKIE}={TOKEN}",
            "content-type": "application/x-www-form-urlencoded",
        },
    )
    assert answer.status_code == 403
    assert "The form has expired or did not come from this site" in answer.text


def test_a_page_change_must_be_a_form_and_an_api_change_json(open_guard: _Client) -> None:
    page = open_guard("POST", "/issues/x", content=b"{}", headers={"content-type": "text/plain"})
    assert page.status_code == 415 and "Send the form URL-encoded." in page.text
    api = open_guard("POST", "/api/issues/x", content=b"a=b")
    assert api.status_code == 415
    assert api.json() == {"error": "Send the change as Content-Type: application/json."}
    ok = open_guard("POST", "/api/issues/x", json={"workflow": "investigating"})
    assert ok.status_code == 200
    assert json.loads(ok.json()["body"]) == {"workflow": "investigating"}


def test_a_change_from_another_origin_is_403(open_guard: _Client) -> None:
    other = open_guard("POST", "/api/issues/x", json={}, headers={"origin": "https://evil.example"})
    assert other.status_code == 403
    assert other.json() == {"error": "The request came from another site."}
    same = open_guard("POST", "/api/issues/x", json={}, headers={"origin": "http://127.0.0.1:8765"})
    assert same.status_code == 200


def test_read_only_refuses_changes_but_not_logging_out(tmp_path: Path) -> None:
    guard = _Client(ServeState(ServeConfig(store=tmp_path / "s.duckdb", read_only=True)))
    refused = guard("POST", "/api/issues/x", json={})
    assert refused.status_code == 403
    assert "read-only" in refused.json()["error"]
    form = {"cookie": f"{CSRF_COOKIE}={TOKEN}", "content-type": "application/x-www-form-urlencoded"}
    assert (
        guard("POST", "/logout", content=f"csrf={TOKEN}".encode(), headers=form).status_code == 200
    )
    assert guard("GET", "/weeks").status_code == 200


@pytest.fixture
def sleep() -> RecordedSleep:
    return RecordedSleep()


@pytest.fixture
def login_guard(tmp_path: Path, users_file: Path, sleep: RecordedSleep) -> Iterator[_Client]:
    config = ServeConfig(store=tmp_path / "s.duckdb", users_file=users_file)
    state = ServeState.from_config(config)
    state.sleep = sleep
    yield _Client(state)


def test_without_a_session_a_page_is_sent_to_the_login(login_guard: _Client) -> None:
    answer = login_guard("GET", "/issues?status=all&week=2024-12-15")
    assert answer.status_code == 303
    assert answer.headers["location"] == (
        "/login?next=%2Fissues%3Fstatus%3Dall%26week%3D2024-12-15"
    )
    assert login_guard("GET", "/login").status_code == 200
    assert login_guard("GET", "/static/serve.css").status_code == 200


def test_without_a_session_a_change_is_403(login_guard: _Client) -> None:
    answer = login_guard(
        "POST",
        "/issues/x",
        content=b"",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert answer.status_code == 403 and "Log in first." in answer.text


def test_the_api_takes_basic_credentials(login_guard: _Client, sleep: RecordedSleep) -> None:
    none = login_guard("GET", "/api/weeks")
    assert none.status_code == 401
    assert none.headers["www-authenticate"] == 'Basic realm="recon", charset="UTF-8"'
    ok = login_guard("GET", "/api/weeks", auth=(USER, PASSWORD))
    assert ok.status_code == 200 and ok.json()["user"] == USER
    assert sleep.delays == []
    wrong = login_guard("GET", "/api/weeks", auth=(USER, "not it"))
    assert wrong.status_code == 401
    assert wrong.json() == {"error": "The name or the password is not right."}
    assert len(sleep.delays) == 1


@pytest.mark.parametrize(
    "header",
    ["Basic !!!not-base64", "Basic " + base64.b64encode(b"nocolon").decode(), "Bearer abc"],
)
def test_credentials_that_do_not_read_are_401(login_guard: _Client, header: str) -> None:
    answer = login_guard("GET", "/api/weeks", headers={"authorization": header})
    assert answer.status_code == 401


def test_a_cookie_header_that_does_not_read_is_no_cookie() -> None:
    assert cookies_of({"headers": [(b"cookie", b'recon_session="unterminated')]}) == {}


def test_right_credentials_are_remembered_for_the_next_request(
    login_guard: _Client, users_file: Path
) -> None:
    state = login_guard.app.state.serve
    assert state.users is not None
    assert not state.credentials.known(USER, PASSWORD, state.users.version)
    assert login_guard("GET", "/api/weeks", auth=(USER, PASSWORD)).status_code == 200
    assert state.credentials.known(USER, PASSWORD, state.users.version)
    assert login_guard("GET", "/api/weeks", auth=(USER, PASSWORD)).json()["user"] == USER


def test_a_form_sent_in_chunks_past_the_limit_is_413(tmp_path: Path) -> None:
    guard = _Client(ServeState(ServeConfig(store=tmp_path / "s.duckdb", body_limit=100)))

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: chunked
        yield f"csrf={TOKEN}&note=".encode()
        for _ in range(10):
            yield b"x" * 20

    answer = guard(
        "POST",
        "/issues/x",
        content=chunks(),
        headers={"cookie": f"{CSRF_COOKIE}={TOKEN}", "content-type": FORM},
    )
    assert answer.status_code == 413 and "The request is too large." in answer.text


def test_a_form_sent_in_chunks_within_the_limit_reaches_the_app_whole(tmp_path: Path) -> None:
    guard = _Client(ServeState(ServeConfig(store=tmp_path / "s.duckdb")))
    parts = [f"csrf={TOKEN}".encode(), b"&note=", b"a" * 30, b"b" * 30]

    async def chunks() -> AsyncIterator[bytes]:
        for part in parts:
            yield part

    answer = guard(
        "POST",
        "/issues/x",
        content=chunks(),
        headers={"cookie": f"{CSRF_COOKIE}={TOKEN}", "content-type": FORM},
    )
    assert answer.status_code == 200
    assert answer.json()["body"] == b"".join(parts).decode()
