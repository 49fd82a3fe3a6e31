"""The digest by email: one multipart message (plain text and HTML) over SMTP.

``smtp://host:port`` speaks plain SMTP and upgrades with STARTTLS whenever the server
offers it; ``smtps://host:port`` is TLS from the first byte. The server's certificate is
always verified (the system's trust store, or ``ca`` in ``[notify]``), and a failed
upgrade is a failure, never a fallback to plain text. With ``smtp_user`` recon logs in with
``$RECON_SMTP_PASSWORD``, and only over TLS: a server that offers no STARTTLS gets no
password.

One session is bounded as a whole: every connect, read and write ends by ``timeout``
seconds after the session started, however slowly the server answers.
"""

from __future__ import annotations

import logging
import smtplib
import socket
import ssl
import time
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from typing import Any

from recon.__about__ import __version__
from recon.config import NotifySettings, SmtpServer
from recon.errors import NotifyError

log = logging.getLogger(__name__)


def tls_context(settings: NotifySettings) -> ssl.SSLContext:
    """A verifying TLS context: the system's trust store, or ``ca`` from ``[notify]``."""
    ctx = ssl.create_default_context(cafile=str(settings.ca) if settings.ca else None)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    return ctx


def build_message(
    settings: NotifySettings, subject: str, text: str, html: str, *, when: Any
) -> EmailMessage:
    """The email: ``text/plain`` with a ``text/html`` alternative.

    Args:
        settings: ``from`` and ``to``.
        subject: One line.
        text: The plain text.
        html: The HTML page.
        when: The ``Date`` (an aware datetime).
    """
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = settings.sender or ""
    msg["To"] = ", ".join(settings.to)
    msg["Date"] = format_datetime(when)
    domain = parseaddr(settings.sender or "")[1].rpartition("@")[2] or "recon.invalid"
    msg["Message-ID"] = make_msgid("recon", domain=domain)
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies to it
    msg["X-Mailer"] = f"recon {__version__}"
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    return msg


def _left(ends_at: float) -> float:
    left = ends_at - time.monotonic()
    if left <= 0:
        raise TimeoutError("timed out: the session's time ran out")
    return left


class _DeadlineReader:
    """The reply reader smtplib reads lines from, each read ending by the session's end:
    a server that sends a byte a second (each within a per-read timeout) is cut."""

    def __init__(self, sock: socket.socket, ends_at: float) -> None:
        self._sock = sock
        self._ends_at = ends_at
        self._buffer = b""

    def readline(self, limit: int = -1) -> bytes:
        while b"\n" not in self._buffer and (limit < 0 or len(self._buffer) < limit):
            self._sock.settimeout(_left(self._ends_at))
            chunk = self._sock.recv(4096)
            if not chunk:
                break
            self._buffer += chunk
        end = self._buffer.find(b"\n") + 1 or len(self._buffer)
        if limit >= 0:
            end = min(end, limit)
        line, self._buffer = self._buffer[:end], self._buffer[end:]
        return line

    def close(self) -> None:
        self._buffer = b""


class _Deadline(smtplib.SMTP):
    """Ends every socket operation of an SMTP session by the session's end."""

    _ends_at: float
    sock: socket.socket | None
    file: Any

    def send(self, s: Any) -> None:
        if self.sock is not None:
            self.sock.settimeout(_left(self._ends_at))  # sendall: in all, not per chunk
        super().send(s)

    def getreply(self) -> tuple[int, bytes]:
        if self.sock is not None:
            self.sock.settimeout(_left(self._ends_at))
            if self.file is None:  # a new connection, or a new TLS layer after STARTTLS
                self.file = _DeadlineReader(self.sock, self._ends_at)
        return super().getreply()


class _SMTP(_Deadline, smtplib.SMTP):
    def __init__(self, ends_at: float, **kwargs: Any) -> None:
        self._ends_at = ends_at
        super().__init__(**kwargs)


class _SMTPS(_Deadline, smtplib.SMTP_SSL):
    def __init__(self, ends_at: float, **kwargs: Any) -> None:
        self._ends_at = ends_at
        super().__init__(**kwargs)


def send_mail(settings: NotifySettings, message: EmailMessage) -> None:
    """Send one message to every recipient.

    Raises:
        NotifyError: It was not accepted for every recipient: the server could not be
            reached, did not answer in time, refused TLS, the login, the sender or a
            recipient, or offers no STARTTLS while a login is asked for. The message
            names the server, never the password.
    """
    server = settings.smtp
    if server is None:
        raise NotifyError("no SMTP server is set ([notify] smtp)")
    try:
        refused = _session(settings, server, message)
    except NotifyError:
        raise
    except (OSError, smtplib.SMTPException) as e:  # smtplib's errors are OSErrors too
        raise NotifyError(f"email via {server}: {_failure(e, settings)}") from None
    if refused:
        raise NotifyError(
            f"email via {server}: some recipients were refused ({_refusals(refused)})"
        )
    log.info("digest emailed via %s to %d recipient(s)", server, len(settings.to))


def _session(
    settings: NotifySettings, server: SmtpServer, message: EmailMessage
) -> dict[str, tuple[int, bytes]]:
    ctx = tls_context(settings)
    ends_at = time.monotonic() + settings.timeout
    kwargs: dict[str, Any] = {"host": server.host, "port": server.port}
    kwargs["timeout"] = settings.timeout
    if server.scheme == "smtps":
        conn: smtplib.SMTP = _SMTPS(ends_at, context=ctx, **kwargs)
    else:
        conn = _SMTP(ends_at, **kwargs)
    try:
        conn.ehlo()
        secure = server.scheme == "smtps"
        if not secure and conn.has_extn("starttls"):
            conn.starttls(context=ctx)
            conn.ehlo()
            secure = True
        if settings.smtp_user:
            if not secure:
                raise NotifyError(
                    f"email via {server}: the server offers no STARTTLS, and recon does not "
                    "send a password over a plain connection (use a server with STARTTLS, "
                    "or smtps://)"
                )
            if settings.password is None:
                raise NotifyError(
                    f"email via {server}: smtp_user is set but $RECON_SMTP_PASSWORD is not"
                )
            conn.login(settings.smtp_user, settings.password)
        refused = conn.send_message(message)
        try:
            conn.quit()
        except (smtplib.SMTPException, OSError):  # the message was accepted already
            pass
        return refused
    finally:
        conn.close()


def _failure(e: OSError | smtplib.SMTPException, settings: NotifySettings) -> str:
    """Why a session failed, in words (the server's own words where it gave some)."""
    timed_out = f"no answer within {settings.timeout:g} s (timeout in [notify])"
    if isinstance(e, smtplib.SMTPAuthenticationError):
        return (
            f"the login as {settings.smtp_user!r} was refused ({e.smtp_code} {_said(e.smtp_error)})"
        )
    if isinstance(e, smtplib.SMTPRecipientsRefused):
        return f"every recipient was refused ({_refusals(e.recipients)})"
    if isinstance(e, smtplib.SMTPResponseException):
        return f"the server answered {e.smtp_code} {_said(e.smtp_error)}"
    if isinstance(e, smtplib.SMTPServerDisconnected):
        # smtplib reports a read that timed out as a disconnection
        return timed_out if "timed out" in str(e) else "the server closed the connection"
    if isinstance(e, ssl.SSLCertVerificationError):
        return (
            f"the server's certificate is not trusted ({e.verify_message or e.reason}); "
            "set ca in [notify] to trust its CA"
        )
    if isinstance(e, ssl.SSLError):
        return f"TLS failed ({e.reason or e})"
    if isinstance(e, TimeoutError):
        return timed_out
    if isinstance(e, ConnectionRefusedError):
        return "connection refused"
    return getattr(e, "strerror", None) or str(e) or type(e).__name__


def _said(text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return " ".join(text.split())


def _refusals(refused: dict[str, Any]) -> str:
    return "; ".join(
        f"{who}: {code} {_said(said)}" for who, (code, said) in sorted(refused.items())
    )
