"""A local stand-in for AEMO's PaSS API (SPEC §7), for tests and demos.

:class:`PassEmulator` serves the artefacts found in a data folder under the paths of
:mod:`recon.pass_client.protocol`, over HTTPS that requires a client certificate signed by
the given CA, and answers errors the way AEMO shapes them::

    {"transactionId": "...", "errors": [{"code": "...", "title": "...", "detail": "..."}]}

- 401 when ``x-initiatingParticipantId`` is missing, 403 when it names a participant the
  emulator holds nothing for (or the timeline is asked for another participant),
  400 for a bad query (missing or malformed ``tradingWeek``/``tradingDay``/``x-market``),
  404 for an unknown path, run or day, 405 for anything but GET.
- JSON answers are ``{"transactionId": "<uuid>", "data": <document>}`` with the document's
  bytes exactly as held; a fresh transactionId every time, as a real server would.
- :class:`Faults` injects trouble for tests: 429s with ``Retry-After``, 503s, slow
  answers and connections dropped halfway through a body.

What is served comes from the data folder, found by content: JSON files (Summary, Detail,
Invoice, with or without the envelope) are served as they are; Summary CSV and Detail
CSV/ZIP (and an Invoice PDF with no JSON beside it) are converted to JSON through
``recon.sources.detect`` and :mod:`recon.emulator.encode`; Invoice PDFs are served as they
are. The timeline is made from the headers of what is held.
"""

from __future__ import annotations

import json
import logging
import re
import socket
import ssl
import threading
import uuid
from dataclasses import dataclass, field, replace
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, cast
from urllib.parse import parse_qs, urlsplit

from recon.emulator.faults import Faults, FaultState
from recon.emulator.holdings import DETAIL, INVOICE, INVOICE_PDF, SUMMARY, HeldDoc, Holdings
from recon.models import aemo_names as aemo
from recon.pass_client.protocol import (
    DETAIL_PATH,
    INVOICE_PATH,
    INVOICE_PDF_PATH,
    JSON_TYPE,
    MARKET,
    MARKET_HEADER,
    PARTICIPANT_HEADER,
    PDF_TYPE,
    SUMMARY_PATH,
    TIMELINE_PATH,
    TimelineEntry,
)

log = logging.getLogger(__name__)


def _route(template: str) -> re.Pattern[str]:
    return re.compile("^" + re.escape(template).replace(re.escape("{run_id}"), r"(\d+)") + "$")


_ROUTES: tuple[tuple[re.Pattern[str], str], ...] = (
    (_route(SUMMARY_PATH), SUMMARY),
    (_route(DETAIL_PATH), DETAIL),
    (_route(INVOICE_PDF_PATH), INVOICE_PDF),
    (_route(INVOICE_PATH), INVOICE),
)


@dataclass(frozen=True)
class RequestRecord:
    """One request the emulator answered (for tests).

    Attributes:
        method: The HTTP method.
        path: The path, without the query.
        query: The query string.
        status: The status answered (0 when the connection was dropped before one).
        fault: The fault injected, if any: ``429``, ``503``, ``slow``, ``drop``.
    """

    method: str
    path: str
    query: str
    status: int
    fault: str | None = None


# --- HTTP ----------------------------------------------------------------------------------


def _error_body(status: int, code: str, title: str, detail: str) -> bytes:
    return json.dumps(
        {
            aemo.F_WRAP_ID: str(uuid.uuid4()),
            aemo.F_WRAP_ERRORS: [{"code": code, "title": title, "detail": detail}],
        }
    ).encode()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "recon-PaSS-emulator"
    sys_version = ""
    server: _TlsServer

    def do_GET(self) -> None:
        self.server.emulator._handle(self)

    def _not_allowed(self) -> None:
        self.server.emulator._answer_error(
            self, 405, "METHOD_NOT_ALLOWED", "Method Not Allowed", "only GET is served"
        )

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _not_allowed

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("emulator: " + format, *args)


def _linger(sock: ssl.SSLSocket, seconds: float = 1.0) -> None:
    """After a refused handshake: send FIN, then read what the client still sends.

    In TLS 1.3 a client sends its request before it learns that its certificate was
    refused. Closing with that request unread would make the kernel answer with a reset,
    which can overtake the TLS alert and leave the client guessing; draining first lets
    the alert arrive.
    """
    try:
        sock.shutdown(socket.SHUT_WR)
        sock.settimeout(seconds)
        while socket.socket.recv(sock, 65536):
            pass
    except OSError:
        pass


class _TlsServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(
        self, address: tuple[str, int], context: ssl.SSLContext, emulator: PassEmulator
    ) -> None:
        self.context = context
        self.emulator = emulator
        super().__init__(address, _Handler)

    def get_request(self) -> tuple[Any, Any]:
        sock, addr = self.socket.accept()
        sock.settimeout(15)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        # The handshake runs in the request's own thread (finish_request), so one slow or
        # refused client never holds up the others.
        return self.context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False), addr

    def finish_request(self, request: Any, client_address: Any) -> None:
        try:
            request.do_handshake()
        except (ssl.SSLError, OSError) as exc:
            reason = getattr(exc, "reason", None) or type(exc).__name__
            log.info("emulator: TLS handshake with %s refused: %s", client_address[0], reason)
            self.emulator._note_refused(str(reason))
            _linger(request)
            return
        super().finish_request(request, client_address)

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug(
            "emulator: connection from %s ended with an error", client_address[0], exc_info=True
        )


# --- The emulator --------------------------------------------------------------------------


@dataclass(frozen=True)
class EmulatorConfig:
    """Everything a :class:`PassEmulator` needs.

    Attributes:
        data_dir: Where the artefacts are (searched recursively).
        cert: The server's PEM certificate (for the host it listens on).
        key: The server's PEM key.
        client_ca: PEM CA certificate(s); a client must present a certificate it signed.
        host: The address to listen on (loopback by default).
        port: The port; 0 picks a free one.
        faults: Trouble to inject.
        participants: Participants to accept in ``x-initiatingParticipantId``
            (default: those the data holds).
    """

    data_dir: Path
    cert: Path
    key: Path
    client_ca: Path
    host: str = "127.0.0.1"
    port: int = 0
    faults: Faults = field(default_factory=Faults)
    participants: frozenset[str] | None = None


class PassEmulator:
    """A local PaSS API over mutual TLS (see the module doc).

    Args:
        data_dir: Where the artefacts are.
        cert: Server certificate (PEM path).
        key: Server key (PEM path).
        client_ca: CA that client certificates must be signed by (PEM path).
        host: Address to listen on.
        port: Port (0: any free one; see :attr:`url` once started).
        faults: Trouble to inject.
        participants: Participants accepted (default: those held).

    Raises:
        OSError, ssl.SSLError: The certificate, key or CA cannot be loaded.
    """

    def __init__(
        self,
        data_dir: str | Path,
        cert: str | Path,
        key: str | Path,
        client_ca: str | Path,
        host: str = "127.0.0.1",
        port: int = 0,
        faults: Faults | None = None,
        participants: frozenset[str] | set[str] | None = None,
    ) -> None:
        self.config = EmulatorConfig(
            Path(data_dir),
            Path(cert),
            Path(key),
            Path(client_ca),
            host,
            port,
            faults or Faults(),
            frozenset(participants) if participants else None,
        )
        self._context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self._context.minimum_version = ssl.TLSVersion.TLSv1_2
        self._context.load_cert_chain(str(self.config.cert), str(self.config.key))
        self._context.verify_mode = ssl.CERT_REQUIRED
        self._context.load_verify_locations(cafile=str(self.config.client_ca))
        self._faults = FaultState.of(self.config.faults)
        self._lock = threading.Lock()
        self.requests: list[RequestRecord] = []
        """Every request answered, in order."""
        self.refused_handshakes: list[str] = []
        """The reason of every TLS handshake refused."""
        self.holdings = Holdings(self.config.data_dir)
        self._server: _TlsServer | None = None
        self._thread: threading.Thread | None = None

    @classmethod
    def from_config(cls, config: EmulatorConfig) -> PassEmulator:
        """Build an emulator from an :class:`EmulatorConfig`."""
        return cls(
            config.data_dir,
            config.cert,
            config.key,
            config.client_ca,
            config.host,
            config.port,
            config.faults,
            config.participants,
        )

    # -- lifecycle --

    def start(self) -> PassEmulator:
        """Start serving in a background thread; returns self."""
        if self._server is not None:
            return self
        self._server = _TlsServer((self.config.host, self.config.port), self._context, self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="pass-emulator",
            daemon=True,
        )
        self._thread.start()
        log.info("PaSS emulator serving %d run(s) at %s", len(self.holdings.runs), self.url)
        return self

    def stop(self) -> None:
        """Stop serving and close the listening socket."""
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> PassEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The base URL (``https://host:port``); the emulator must be started."""
        if self._server is None:
            raise RuntimeError("the emulator is not started")
        # A TCP server's address is (host, port) with the host as text.
        host, port = cast("tuple[str, int]", self._server.server_address[:2])
        host = f"[{host}]" if ":" in str(host) else host
        return f"https://{host}:{port}"

    # -- for tests --

    def set_faults(self, faults: Faults) -> None:
        """Replace the faults to inject (their counters start afresh)."""
        self.config = replace(self.config, faults=faults)
        self._faults = FaultState.of(faults)

    def reload(self) -> None:
        """Read the data folder again (after files in it changed)."""
        self.holdings = Holdings(self.config.data_dir)

    def timeline(self, participant: str) -> list[TimelineEntry]:
        """Every run held for a participant, oldest first."""
        entries = [run.entry() for (p, _), run in self.holdings.runs.items() if p == participant]
        return sorted(
            (e for e in entries if e is not None), key=lambda e: (e.published_at, e.run_id)
        )

    @property
    def participants(self) -> frozenset[str]:
        """Participants accepted."""
        return self.config.participants or frozenset(self.holdings.participants)

    def _note_refused(self, reason: str) -> None:
        with self._lock:
            self.refused_handshakes.append(reason)

    def _record(
        self, handler: BaseHTTPRequestHandler, status: int, fault: str | None = None
    ) -> None:
        parts = urlsplit(handler.path)
        with self._lock:
            self.requests.append(
                RequestRecord(handler.command, parts.path, parts.query, status, fault)
            )

    # -- answering --

    def _answer(
        self,
        handler: BaseHTTPRequestHandler,
        status: int,
        body: bytes,
        content_type: str,
        headers: dict[str, str] | None = None,
        drop: bool = False,
        fault: str | None = None,
    ) -> None:
        self._record(handler, status, "drop" if drop else fault)
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.end_headers()
        if drop:
            handler.close_connection = True
            try:  # the connection is being dropped on purpose: its errors are expected
                handler.wfile.write(body[: len(body) // 2])
                handler.wfile.flush()
                handler.connection.shutdown(socket.SHUT_RDWR)
            except OSError:  # ssl.SSLEOFError and friends, when the client is quicker
                pass
            return
        handler.wfile.write(body)

    def _answer_error(
        self,
        handler: BaseHTTPRequestHandler,
        status: int,
        code: str,
        title: str,
        detail: str,
        headers: dict[str, str] | None = None,
        fault: str | None = None,
    ) -> None:
        self._answer(
            handler,
            status,
            _error_body(status, code, title, detail),
            JSON_TYPE,
            headers,
            fault=fault,
        )

    def _answer_json(self, handler: BaseHTTPRequestHandler, doc: HeldDoc, drop: bool) -> None:
        raw = doc.body()
        if doc.enveloped:
            body = raw
        else:
            tid = str(uuid.uuid4()).encode()
            body = b'{"transactionId":"' + tid + b'","data":' + raw.strip() + b"}"
        self._answer(handler, 200, body, JSON_TYPE, drop=drop)

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(h.path)
        path = parts.path.rstrip("/") or "/"
        query = parse_qs(parts.query, keep_blank_values=True)

        status = self._faults.take_status(path)
        if status == 429:
            wait = self.config.faults.retry_after
            wait_text = str(int(wait)) if float(wait).is_integer() else f"{wait:g}"
            self._answer_error(
                h,
                429,
                "TOO_MANY_REQUESTS",
                "Too Many Requests",
                "rate limit exceeded; retry later",
                {"Retry-After": wait_text},
                fault="429",
            )
            return
        if status == 503:
            self._answer_error(
                h,
                503,
                "SERVICE_UNAVAILABLE",
                "Service Unavailable",
                "the service is busy; retry later",
                fault="503",
            )
            return
        slow = self._faults.take_slow(path)
        if slow:
            threading.Event().wait(slow)

        participant = (h.headers.get(PARTICIPANT_HEADER) or "").strip()
        if not participant:
            self._answer_error(
                h,
                401,
                "UNAUTHORIZED",
                "Unauthorized",
                f"the {PARTICIPANT_HEADER} header is required",
            )
            return
        if participant not in self.participants:
            self._answer_error(
                h,
                403,
                "FORBIDDEN",
                "Forbidden",
                "the initiating participant is not authorised for this market",
            )
            return
        market = (h.headers.get(MARKET_HEADER) or "").strip()
        if market != MARKET:
            self._answer_error(
                h, 400, "BAD_REQUEST", "Bad Request", f"the {MARKET_HEADER} header must be {MARKET}"
            )
            return

        if path == TIMELINE_PATH:
            self._timeline(h, participant, query, path)
            return
        for pattern, kind in _ROUTES:
            m = pattern.match(path)
            if m:
                self._artefact(h, participant, kind, int(m.group(1)), query, path)
                return
        self._answer_error(h, 404, "NOT_FOUND", "Not Found", "no such resource")

    @staticmethod
    def _one(query: dict[str, list[str]], name: str) -> str | None:
        values = query.get(name)
        return values[0] if values else None

    def _bad(self, h: BaseHTTPRequestHandler, detail: str) -> None:
        self._answer_error(h, 400, "BAD_REQUEST", "Bad Request", detail)

    def _timeline(
        self, h: BaseHTTPRequestHandler, participant: str, query: dict[str, list[str]], path: str
    ) -> None:
        code = self._one(query, aemo.Q_PARTICIPANT)
        week_text = self._one(query, aemo.Q_TRADING_WEEK)
        if not code:
            self._bad(h, "participantCode is required")
            return
        if code != participant:
            self._answer_error(
                h,
                403,
                "FORBIDDEN",
                "Forbidden",
                "participantCode differs from the initiating participant",
            )
            return
        if not week_text:
            self._bad(h, "tradingWeek is required (yyyy-mm-dd)")
            return
        try:
            week = date.fromisoformat(week_text)
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", week_text):
                raise ValueError
        except ValueError:
            self._bad(h, "tradingWeek must be a date, yyyy-mm-dd")
            return
        if week.weekday() != 6:
            self._bad(h, "tradingWeek must be the Sunday that starts a Trading Week")
            return
        entries = [
            e.to_json() for e in self.timeline(participant) if e.period_from <= week <= e.period_to
        ]
        body = json.dumps({aemo.F_WRAP_ID: str(uuid.uuid4()), aemo.F_WRAP_DATA: entries}).encode()
        self._answer(h, 200, body, JSON_TYPE, drop=self._faults.take_drop(path))

    def _artefact(
        self,
        h: BaseHTTPRequestHandler,
        participant: str,
        kind: str,
        run_id: int,
        query: dict[str, list[str]],
        path: str,
    ) -> None:
        run = self.holdings.runs.get((participant, run_id))
        if run is None:
            self._answer_error(
                h,
                404,
                "NOT_FOUND",
                "Not Found",
                f"no run {run_id} is published for the initiating participant",
            )
            return
        doc: HeldDoc | None
        if kind == DETAIL:
            day_text = self._one(query, aemo.Q_TRADING_DAY)
            if not day_text:
                self._bad(h, "tradingDay is required (yyyy-mm-dd)")
                return
            try:
                if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day_text):
                    raise ValueError
                day = date.fromisoformat(day_text)
            except ValueError:
                self._bad(h, "tradingDay must be a date, yyyy-mm-dd")
                return
            doc = run.details.get(day)
            missing = f"no Detail of run {run_id} for Trading Day {day.isoformat()}"
        else:
            doc = {SUMMARY: run.summary, INVOICE: run.invoice, INVOICE_PDF: run.pdf}[kind]
            missing = f"no {kind.replace('_', ' ')} of run {run_id}"
        if doc is None:
            self._answer_error(h, 404, "NOT_FOUND", "Not Found", missing)
            return
        try:
            drop = self._faults.take_drop(path)
            if kind == INVOICE_PDF:
                self._answer(h, 200, doc.body(), PDF_TYPE, drop=drop)
            else:
                self._answer_json(h, doc, drop)
        except (BrokenPipeError, ConnectionResetError):
            raise
        except Exception as exc:  # a conversion that failed: a 500, as a server would
            log.warning("emulator: cannot serve %s: %s", doc.source, exc)
            self._answer_error(
                h,
                500,
                "INTERNAL_ERROR",
                "Internal Server Error",
                "the document could not be produced",
            )
