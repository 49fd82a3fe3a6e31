"""recon.notify.smtp against a real SMTP server (aiosmtpd) on 127.0.0.1: plain, STARTTLS,
TLS from the first byte, with and without AUTH; and servers that refuse, are down or hang."""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from recon.config import NotifySettings, SmtpServer
from recon.errors import EXIT_NOT_NOTIFIED, NotifyError
from recon.notify.smtp import build_message, send_mail

from .conftest import PASSWORD, USER, Pki, SmtpFactory

WHEN = datetime(2025, 4, 16, 23, 30, tzinfo=UTC)


def _settings(url: str, pki: Pki | None = None, **over: object) -> NotifySettings:
    scheme, _, rest = url.partition("://")
    host, _, port = rest.rpartition(":")
    values: dict[str, object] = {
        "smtp": SmtpServer(scheme, host, int(port)),
        "sender": "recon@example.com",
        "to": ("settlements@example.com", "lead@example.com"),
        "timeout": 10.0,
        "ca": pki.ca_pem if pki else None,
    }
    values.update(over)
    return NotifySettings(**values)  # type: ignore[arg-type]


def _send(settings: NotifySettings) -> None:
    message = build_message(
        settings,
        "recon weekly: discrepancies in 1 of 1 week",
        "plain body: $12.50 at stake\n",
        "<p>html body: $12.50 at stake</p>",
        when=WHEN,
    )
    send_mail(settings, message)


def test_plain_server_gets_one_multipart_message(smtp_server: SmtpFactory) -> None:
    server = smtp_server()
    _send(_settings(server.url))
    (got,) = server.received
    assert not got.tls and got.login is None
    assert got.mail_from == "recon@example.com"
    assert got.rcpt_tos == ["settlements@example.com", "lead@example.com"]
    msg = got.message
    assert msg["Subject"] == "recon weekly: discrepancies in 1 of 1 week"
    assert msg["To"] == "settlements@example.com, lead@example.com"
    assert msg["Auto-Submitted"] == "auto-generated"
    assert msg["Message-ID"].endswith("@example.com>")
    assert msg.get_content_type() == "multipart/alternative"
    assert msg.get_body(("plain",)).get_content().rstrip() == "plain body: $12.50 at stake"
    assert "html body" in msg.get_body(("html",)).get_content()


def test_starttls_is_used_when_offered(smtp_server: SmtpFactory, pki: Pki) -> None:
    server = smtp_server(starttls=True)
    _send(_settings(server.url, pki))
    (got,) = server.received
    assert got.tls


def test_login_over_starttls_never_shows_the_password(
    smtp_server: SmtpFactory, pki: Pki, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    server = smtp_server(starttls=True, auth=True)
    _send(_settings(server.url, pki, smtp_user=USER, password=PASSWORD))
    (got,) = server.received
    assert got.tls and got.login == USER
    assert server.logins == [(USER, PASSWORD)]
    assert PASSWORD not in caplog.text
    assert PASSWORD not in got.message.as_string()


def test_a_wrong_password_is_refused_in_one_line(smtp_server: SmtpFactory, pki: Pki) -> None:
    server = smtp_server(starttls=True, auth=True)
    with pytest.raises(NotifyError) as err:
        _send(_settings(server.url, pki, smtp_user=USER, password="not-it-Secret9"))
    text = str(err.value)
    assert f"the login as '{USER}' was refused (535" in text
    assert "not-it-Secret9" not in text and "\n" not in text
    assert err.value.exit_code == EXIT_NOT_NOTIFIED
    assert server.received == []


def test_no_password_over_a_plain_connection(smtp_server: SmtpFactory) -> None:
    """A server that offers AUTH but no STARTTLS gets no password, and no message."""
    server = smtp_server(auth=True, auth_require_tls=False)
    with pytest.raises(NotifyError, match="offers no STARTTLS, and recon does not send a pass"):
        _send(_settings(server.url, smtp_user=USER, password=PASSWORD))
    assert server.logins == [] and server.received == []


def test_an_untrusted_certificate_is_a_failure_not_a_fallback(smtp_server: SmtpFactory) -> None:
    server = smtp_server(starttls=True)
    with pytest.raises(NotifyError, match="certificate is not trusted"):
        _send(_settings(server.url))  # no ca: the test CA is not in the system's store
    assert server.received == []


def test_smtps_is_tls_from_the_first_byte(smtp_server: SmtpFactory, pki: Pki) -> None:
    server = smtp_server(implicit_tls=True, auth=True, auth_require_tls=False)
    _send(_settings(f"smtps://127.0.0.1:{server.port}", pki, smtp_user=USER, password=PASSWORD))
    (got,) = server.received
    assert got.login == USER


def test_a_server_that_is_down(smtp_server: SmtpFactory) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(
        NotifyError, match=rf"email via smtp://127.0.0.1:{port}: connection refused"
    ):
        _send(_settings(f"smtp://127.0.0.1:{port}"))


@pytest.fixture()
def silent_port() -> Iterator[int]:
    """A port that accepts connections (the kernel's backlog) and never says a word."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(8)
        yield s.getsockname()[1]


def test_a_server_that_never_answers_times_out(silent_port: int) -> None:
    with pytest.raises(NotifyError, match=r"no answer within 0\.5 s"):
        _send(_settings(f"smtp://127.0.0.1:{silent_port}", timeout=0.5))


def test_a_recipient_refused_is_a_failure(smtp_server: SmtpFactory) -> None:
    server = smtp_server()
    with pytest.raises(NotifyError) as err:
        _send(_settings(server.url, to=("settlements@example.com", "gone@refused.example")))
    assert "some recipients were refused (gone@refused.example: 550 no such user)" in str(err.value)
    with pytest.raises(NotifyError, match="every recipient was refused"):
        _send(_settings(server.url, to=("gone@refused.example",)))


@pytest.fixture()
def dripping_port() -> Iterator[int]:
    """A server that greets one byte every 0.2 s, each well within a per-read timeout,
    and hangs up after 40 bytes (8 s) without ever finishing the line."""
    stop = threading.Event()
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(10)

    def serve() -> None:
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        with conn:
            for _ in range(40):
                if stop.wait(0.2):
                    return
                try:
                    conn.sendall(b"2")
                except OSError:
                    return

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    listener.close()
    thread.join(timeout=10)


def test_a_session_is_bounded_as_a_whole(dripping_port: int) -> None:
    """Every read comes within the timeout; the session still ends by it: a timeout, not
    the server hanging up 8 s later."""
    with pytest.raises(NotifyError, match=r"no answer within 1 s"):
        _send(_settings(f"smtp://127.0.0.1:{dripping_port}", timeout=1.0))
