"""recon.serve.app: the application behind its guard, and every error answered as a page
(or JSON under ``/api/``) that never shows a traceback: a busy store 503 with Retry-After,
a store that cannot be read 503, a missing page 404, a wrong method 405, a crash 500."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import pytest

from recon.errors import OutputError, UsageError
from recon.serve import views
from recon.serve.access import turns
from recon.serve.app import RETRY_AFTER, create_app
from recon.serve.config import ServeConfig
from recon.serve.state import ServeState

from .asgi import InProcess


@pytest.fixture
def client(walk_store: Path) -> InProcess:
    return InProcess(create_app(ServeConfig(store=walk_store)))


def test_a_page_and_its_json_twin(client: InProcess) -> None:
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert page.headers["x-content-type-options"] == "nosniff"  # behind the guard
    assert client.get("/api/weeks").json()["weeks"][0]["participant"] == "SWANGEN"


def test_a_prepared_state_is_used_as_it_is(walk_store: Path) -> None:
    state = ServeState.from_config(ServeConfig(store=walk_store))
    app = create_app(state)
    assert app.state.serve is state


def test_a_users_file_that_does_not_read_is_a_usage_error(tmp_path: Path) -> None:
    users = tmp_path / "users.txt"
    users.write_text("not a user line\n", encoding="utf-8")
    with pytest.raises(UsageError, match=r"users\.txt"):
        create_app(ServeConfig(store=tmp_path / "s.duckdb", users_file=users))


def test_no_such_page(client: InProcess) -> None:
    page = client.get("/nowhere")
    assert page.status_code == 404 and "There is no such page." in page.text
    assert "<html" in page.text
    api = client.get("/api/nowhere")
    assert (api.status_code, api.json()) == (404, {"error": "There is no such page."})


def test_a_method_not_allowed(client: InProcess) -> None:
    answer = client.get("/logout")
    assert answer.status_code == 405 and "That is not allowed here." in answer.text


def test_a_store_that_cannot_be_read_is_503(tmp_path: Path) -> None:
    missing = tmp_path / "missing.duckdb"
    client = InProcess(create_app(ServeConfig(store=missing)))
    answer = client.get("/api/weeks")
    assert answer.status_code == 503
    assert answer.json()["error"].startswith("The store cannot be read: ")
    assert "missing.duckdb" in answer.json()["error"]
    assert "Traceback" not in answer.text
    assert not missing.exists()


def test_a_busy_store_is_503_with_retry_after(walk_store: Path, tmp_path: Path) -> None:
    config = ServeConfig(store=walk_store, read_wait=0.05, write_wait=0.05)
    client = InProcess(create_app(config))
    holding, release = threading.Event(), threading.Event()

    def writer() -> None:  # the server's own writer turn on the store, held
        with turns(walk_store).writing(5, walk_store):
            holding.set()
            release.wait(10)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert holding.wait(10)
        page = client.get("/")
        api = client.get("/api/weeks")
    finally:
        release.set()
        thread.join(10)
    assert page.status_code == 503 and page.headers["retry-after"] == RETRY_AFTER == "5"
    assert "The store is busy" in page.text
    assert api.status_code == 503
    assert api.json()["error"].startswith("The store is busy: another recon process")
    assert client.get("/").status_code == 200  # free again


def test_a_crash_is_500_in_one_line_and_no_traceback(
    client: InProcess, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*_args: object) -> None:
        raise RuntimeError("something unexpected <b>")

    monkeypatch.setattr(views, "dashboard", broken)
    with caplog.at_level(logging.ERROR, logger="recon.serve.app"):
        page = client.get("/")
        api = client.get("/api/weeks")
    assert (page.status_code, page.text) == (500, "Internal error: see the server's log.\n")
    assert page.headers["content-type"].startswith("text/plain")
    assert page.headers["x-frame-options"] == "DENY"  # the guard's headers still
    assert (api.status_code, api.json()) == (
        500,
        {"error": "Internal error: see the server's log."},
    )
    assert [r.getMessage() for r in caplog.records if r.name == "recon.serve.app"] == [
        "internal error on /: RuntimeError: something unexpected <b>",
        "internal error on /api/weeks: RuntimeError: something unexpected <b>",
    ]


def test_a_recon_error_is_500_with_its_one_line(
    client: InProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(*_args: object) -> None:
        raise OutputError("template 'weeks.html' is missing from /x")

    monkeypatch.setattr(views, "dashboard", refused)
    api = client.get("/api/weeks")
    assert (api.status_code, api.json()) == (
        500,
        {"error": "template 'weeks.html' is missing from /x"},
    )
    page = client.get("/")
    assert page.status_code == 500 and "Something went wrong" in page.text
