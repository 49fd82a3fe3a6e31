"""Real servers for the digest's tests, all on 127.0.0.1 and started by the test:

- an SMTP server (aiosmtpd), plain or offering STARTTLS or TLS from the first byte, with or
  without AUTH, keeping every message it accepts;
- a webhook server (http.server) that accepts, answers 500, answers after the client's
  timeout, or answers 503 and then accepts; and a port nothing listens on (a server down).

Certificates are made fresh per session with trustme.
"""

from __future__ import annotations

import json
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from isolation import isolate

USER = "recon@example.com"
PASSWORD = "s3cret-Pa55word"


@dataclass(frozen=True)
class Pki:
    """A CA (its PEM file for ``ca`` in ``[notify]``) and a server certificate for
    127.0.0.1 it signed."""

    ca_pem: Path
    server_context: ssl.SSLContext


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(ctx)
    folder = tmp_path_factory.mktemp("notify-pki")
    ca.cert_pem.write_to_path(str(folder / "ca.pem"))
    return Pki(folder / "ca.pem", ctx)


@dataclass
class Received:
    """One message the SMTP server accepted."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    tls: bool
    login: str | None


@dataclass
class SmtpServer:
    """A running SMTP server: where it listens and what it received."""

    host: str
    port: int
    received: list[Received] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}"


class _Handler:
    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    async def handle_RCPT(
        self, _server: Any, _session: Any, envelope: Any, address: str, _options: Any
    ) -> str:
        if address.endswith("@refused.example"):
            return "550 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, _server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        login = session.auth_data.decode() if isinstance(session.auth_data, bytes) else None
        self.server.received.append(
            Received(
                envelope.mail_from,
                list(envelope.rcpt_tos),
                message,  # type: ignore[arg-type]
                session.ssl is not None,
                login,
            )
        )
        return "250 OK"


class _AnyPortController(Controller):
    """aiosmtpd's controller on a port the system chooses (port 0)."""

    def _trigger_server(self) -> None:
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


SmtpFactory = Callable[..., SmtpServer]


@pytest.fixture()
def smtp_server(pki: Pki) -> Iterator[SmtpFactory]:
    """``smtp_server(starttls=False, auth=False, implicit_tls=False, auth_require_tls=True)``
    starts an SMTP server on 127.0.0.1; every one is stopped after the test."""
    started: list[Controller] = []

    def start(
        *,
        starttls: bool = False,
        auth: bool = False,
        implicit_tls: bool = False,
        auth_require_tls: bool = True,
    ) -> SmtpServer:
        server = SmtpServer("127.0.0.1", 0)

        def authenticator(
            _server: Any, _session: Any, _envelope: Any, _mechanism: str, data: Any
        ) -> AuthResult:
            if isinstance(data, LoginPassword):
                pair = (data.login.decode(), data.password.decode())
                server.logins.append(pair)
                if pair == (USER, PASSWORD):
                    return AuthResult(success=True, auth_data=data.login)
            return AuthResult(success=False, handled=False)

        kwargs: dict[str, Any] = {}
        if starttls:
            kwargs["tls_context"] = pki.server_context
        if implicit_tls:
            kwargs["ssl_context"] = pki.server_context
        if auth:
            kwargs["authenticator"] = authenticator
            kwargs["auth_require_tls"] = auth_require_tls
        controller = _AnyPortController(_Handler(server), hostname="127.0.0.1", port=0, **kwargs)
        controller.start()
        started.append(controller)
        server.port = controller.port
        return server

    yield start
    for controller in started:
        controller.stop()


@dataclass
class Webhook:
    """A running webhook server: its URL and the JSON bodies it accepted."""

    url: str
    bodies: list[Any] = field(default_factory=list)
    requests: int = 0


WebhookFactory = Callable[..., Webhook]


@pytest.fixture()
def webhook_server(pki: Pki) -> Iterator[WebhookFactory]:
    """``webhook_server(mode, tls=False)``: ``ok`` accepts (204), ``fail`` answers 500,
    ``slow`` answers after ``delay`` seconds, ``flaky`` answers 503 once then accepts;
    ``down`` is a port nothing listens on. With ``tls`` it speaks HTTPS (the test CA)."""
    servers: list[ThreadingHTTPServer] = []
    release = threading.Event()

    def start(mode: str = "ok", delay: float = 3.0, tls: bool = False) -> Webhook:
        if mode == "down":
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                port = s.getsockname()[1]
            return Webhook(f"http://127.0.0.1:{port}/hooks/SECRET-TOKEN")
        hook = Webhook("")

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args: Any) -> None:
                pass

            def do_POST(self) -> None:
                hook.requests += 1
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if mode == "slow":
                    release.wait(delay)
                if mode == "fail" or (mode == "flaky" and hook.requests == 1):
                    status = 500 if mode == "fail" else 503
                    self.send_response(status)
                    self.send_header("Content-Type", "text/plain")
                    if mode == "flaky":
                        self.send_header("Retry-After", "0")
                    self.end_headers()
                    self.wfile.write(b"Internal\x1b[2J error\n")
                    return
                assert self.headers.get("Content-Type") == "application/json"
                hook.bodies.append(json.loads(body))
                self.send_response(204)
                self.end_headers()

        httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        httpd.daemon_threads = True
        if tls:
            httpd.socket = pki.server_context.wrap_socket(httpd.socket, server_side=True)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        servers.append(httpd)
        scheme = "https" if tls else "http"
        hook.url = f"{scheme}://127.0.0.1:{httpd.server_address[1]}/hooks/SECRET-TOKEN"
        return hook

    yield start
    release.set()
    for httpd in servers:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No proxy, PaSS setting, store or config file of the user's leaks into these tests."""
    isolate(monkeypatch, tmp_path, also=("RECON_SMTP_PASSWORD",))  # proxies: _no_proxy
