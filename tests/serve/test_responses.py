"""recon.serve.responses: which paths are the API's, JSON answers, pages and errors in
either form, and the plain errors given before anything is known of the request."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from starlette.requests import Request

from recon.serve.app import create_app
from recon.serve.config import ServeConfig
from recon.serve.responses import TITLES, as_json, base_context, error, is_api, page, plain_error


@pytest.mark.parametrize(
    ("path", "api"),
    [("/api", True), ("/api/", True), ("/api/weeks", True), ("/apiary", False), ("/", False)],
)
def test_which_paths_are_the_apis(path: str, api: bool) -> None:
    assert is_api(path) is api


def test_json_is_compact_utf8_with_decimals_and_dates_as_text() -> None:
    answer = as_json(
        {"a": Decimal("-1.50"), "d": date(2024, 12, 15), "t": "Ω"}, 201, {"X-Extra": "1"}
    )
    assert answer.status_code == 201
    assert answer.body == '{"a":"-1.50","d":"2024-12-15","t":"Ω"}'.encode()
    assert answer.media_type == "application/json"
    assert answer.headers["x-extra"] == "1"


def test_a_plain_error_shows_no_markup_and_no_control_characters() -> None:
    text = plain_error(400, "bad \x1b[2J <b>host</b>", api=False)
    assert text.status_code == 400
    assert text.body == b"bad \\x1b[2J <b>host</b>\n"
    assert text.media_type == "text/plain"
    api = plain_error(413, "too \u202e large", api=True)
    assert json.loads(api.body) == {"error": "too U+202E large"}


def _request(app: object, path: str, **state: object) -> Request:
    scope = {
        "type": "http",
        "method": "GET",
        "path": path,
        "query_string": b"",
        "headers": [],
        "app": app,
        "state": dict(state),
    }
    return Request(scope)


@pytest.fixture
def app(walk_store: Path) -> object:
    return create_app(ServeConfig(store=walk_store, read_only=True))


def test_every_page_knows_who_its_token_and_where_it_is(app: object) -> None:
    request = _request(app, "/issues", user="alice", csrf="tok")
    assert base_context(request) == {
        "user": "alice",
        "csrf": "tok",
        "logins": False,
        "read_only": True,
        "path": "/issues",
    }
    assert base_context(_request(app, "/"))["user"] is None


def test_an_api_error_is_json_and_a_page_error_a_page(app: object) -> None:
    api = error(_request(app, "/api/issues"), 404, "No issue \x07has that id.")
    assert json.loads(api.body) == {"error": "No issue \\x07has that id."}
    shown = error(
        _request(app, "/issues/x", csrf="tok"), 404, "No <i>issue</i>", headers={"A": "b"}
    )
    assert shown.status_code == 404 and shown.headers["a"] == "b"
    html = bytes(shown.body).decode()
    assert "<title>" in html and TITLES[404] in html
    assert "No &lt;i&gt;issue&lt;/i&gt;" in html and "<i>issue</i>" not in html
    titled = error(_request(app, "/"), 418, "teapot", title="A teapot")
    assert "A teapot" in bytes(titled.body).decode()
    untitled = error(_request(app, "/"), 418, "teapot")
    assert "Error" in bytes(untitled.body).decode()


def test_a_page_is_rendered_with_the_frame_and_its_status(app: object) -> None:
    answer = page(
        _request(app, "/login", csrf="tok"),
        "login.html",
        {"failed": True, "name": "<x>", "next": "/"},
        401,
    )
    assert answer.status_code == 401
    html = bytes(answer.body).decode()
    assert 'value="tok"' in html
    assert "&lt;x&gt;" in html and "<x>" not in html
