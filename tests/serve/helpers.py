"""Helpers for the ``recon serve`` tests: a real uvicorn server on 127.0.0.1 in a thread,
raw HTTP requests (the path and Host header sent exactly as given), and the walk-through
store built from ``fixtures/history_adj`` with recon's own commands."""

from __future__ import annotations

import base64
import contextlib
import http.client
import json
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from paths import FIXTURES
from paths import REPO as REPO  # the serve tests import it from here

from recon.cli.main import main
from recon.serve.app import create_app
from recon.serve.config import ServeConfig
from recon.serve.server import listen, uvicorn_server
from recon.serve.state import ServeState

WALK = FIXTURES / "history_adj" / "SWANGEN_2024-12-15"
WALK_RUNS = ("1_INITIAL", "2_ADJ1", "3_ADJ2")
WEEK = "2024-12-15"
USER = "alice"
PASSWORD = "correct horse battery staple"


def build_walk(store: Path, runs: tuple[str, ...] = WALK_RUNS) -> None:
    """Ingest each run of the history_adj week in turn and check the week from the store
    after each, as a weekly job would (``recon ingest``, ``recon check --store``)."""
    for run in runs:
        assert main(["ingest", str(WALK / run), "--store", str(store), "--no-progress"]) == 0
        out = store.parent / f"check-{run}"
        code = main(
            ["check", "--store", str(store), "--week", WEEK, "--out", str(out), "--no-progress"]
        )
        assert code == 1  # D stays open in every run


@dataclass
class Answer:
    """An HTTP answer as received."""

    status: int
    headers: Message
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.body)

    def cookies(self) -> list[str]:
        return self.headers.get_all("set-cookie") or []


@dataclass
class Running:
    """A server running in this process."""

    url: str
    host: str
    port: int
    state: ServeState
    jar: dict[str, str] = field(default_factory=dict)

    def request(
        self,
        method: str,
        path: str,
        *,
        headers: Mapping[str, str] | None = None,
        body: bytes | None = None,
        form: Mapping[str, str] | None = None,
        host: str | None = None,
        cookies: bool = True,
    ) -> Answer:
        """One request, sent as given (no redirect followed, the path not normalised);
        cookies set by answers are kept and sent when ``cookies``."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
        try:
            conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
            sent = {"Host": host if host is not None else f"{self.host}:{self.port}"}
            if cookies and self.jar:
                sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.jar.items())
            if form is not None:
                body = urlencode(form).encode()
                sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent.update(headers or {})
            if body is not None:
                sent["Content-Length"] = str(len(body))
            for k, v in sent.items():
                conn.putheader(k, v)
            conn.endheaders(body)
            resp = conn.getresponse()
            answer = Answer(resp.status, resp.headers, resp.read())
        finally:
            conn.close()
        for value in answer.cookies():
            name, _, rest = value.partition("=")
            val = rest.split(";", 1)[0]
            if "Max-Age=0" in value:
                self.jar.pop(name, None)
            else:
                self.jar[name] = val
        return answer

    def get(self, path: str, **kw: Any) -> Answer:
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> Answer:
        return self.request("POST", path, **kw)

    def csrf(self) -> str:
        """The CSRF token a page of this session carries (read from the login page or
        the dashboard's logout form)."""
        import re

        page = self.get("/login" if not self.jar.get("recon_session") else "/").text
        found = re.search(r'name="csrf" value="([^"]+)"', page)
        assert found, page[:500]
        return found.group(1)

    def login(self, name: str = USER, password: str = PASSWORD) -> Answer:
        """Log in through the form."""
        return self.post(
            "/login", form={"csrf": self.csrf(), "name": name, "password": password, "next": "/"}
        )


def watch(page: Any) -> list[str]:
    """What goes wrong in a Playwright page, as it happens: console errors (a
    Content-Security-Policy violation is one), script errors and dialogs (dismissed)."""
    problems: list[str] = []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    return problems


def basic(name: str = USER, password: str = PASSWORD) -> dict[str, str]:
    """An HTTP Basic ``Authorization`` header."""
    token = base64.b64encode(f"{name}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


class RecordedSleep:
    """Stands in for ``asyncio.sleep`` in the login throttle: records each delay asked."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


@contextlib.contextmanager
def serving(config: ServeConfig, *, sleep: RecordedSleep | None = None) -> Iterator[Running]:
    """A real uvicorn server for ``config`` on 127.0.0.1 (any free port), in a thread."""
    state = ServeState.from_config(config)
    if sleep is not None:
        state.sleep = sleep
    app = create_app(state)
    sock = listen("127.0.0.1", 0)
    port = sock.getsockname()[1]
    server = uvicorn_server(config, app)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.01)
    try:
        yield Running(f"http://127.0.0.1:{port}", "127.0.0.1", port, state)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()
