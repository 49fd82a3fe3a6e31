"""A hostile PaSS server for tests: real mutual TLS on 127.0.0.1, answers built to hurt.

It serves a valid timeline (one run of one day), then answers every artefact request
the way its ``mode`` says:

- ``bomb``: a gzip body that inflates to 3 GiB (a few MiB on the wire);
- ``endless``: a chunked body that never ends;
- ``drip``: headers, then one byte of body every half second, forever;
- ``drip_head``: the status line and headers themselves, a byte every half second;
- ``envelope``: HTTP 200 whose body is AEMO's error envelope, not the document;
- ``other_run``: HTTP 200 with a Summary of another run.

Raw sockets, not an HTTP framework, so nothing on the server side buffers or limits.
"""

from __future__ import annotations

import contextlib
import json
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

WEEK = "2024-12-01"
RUN_ID = 51230
MIB = 1024 * 1024

TIMELINE = {
    "transactionId": "t-1",
    "data": [
        {
            "runId": RUN_ID,
            "designation": "INITIAL",
            "period": "TW 01 Dec 2024",
            "periodFrom": WEEK,
            "periodTo": WEEK,
            "publishedAt": "2024-12-19T15:30:45",
            "participantCode": "SWANGEN",
        }
    ],
}
ENVELOPE = {
    "transactionId": "e-77",
    "errors": [{"code": "WEM-500", "title": "Internal error", "detail": "try later"}],
}


def _gzip_bomb_parts(inflated_mib: int) -> tuple[bytes, bytes, int]:
    """(head, repeated block, repeats): the gzip header and first block, then a deflate
    block of 1 MiB of zeros that can be repeated (each ends with a full flush)."""
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: gzip wrapper
    zeros = bytes(MIB)
    head = comp.compress(zeros) + comp.flush(zlib.Z_FULL_FLUSH)
    block = comp.compress(zeros) + comp.flush(zlib.Z_FULL_FLUSH)
    again = comp.compress(zeros) + comp.flush(zlib.Z_FULL_FLUSH)
    assert block == again  # a full flush restarts the stream: blocks repeat exactly
    return head, block, inflated_mib - 1


class HostileServer:
    """Serve one hostile ``mode`` over mutual TLS on 127.0.0.1 (a free port).

    Args:
        mode: See the module doc.
        server_cert: PEM certificate for 127.0.0.1.
        server_key: Its key.
        client_ca: CA a client certificate must be signed by.
    """

    def __init__(self, mode: str, server_cert: Path, server_key: Path, client_ca: Path) -> None:
        self.mode = mode
        self.requests: list[str] = []
        self._ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self._ctx.load_cert_chain(str(server_cert), str(server_key))
        self._ctx.load_verify_locations(str(client_ca))
        self._ctx.verify_mode = ssl.CERT_REQUIRED
        self._sock = socket.create_server(("127.0.0.1", 0))
        self._sock.settimeout(0.2)
        self.url = f"https://127.0.0.1:{self._sock.getsockname()[1]}"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._bomb = _gzip_bomb_parts(3 * 1024) if mode == "bomb" else None

    def __enter__(self) -> HostileServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)
        self._sock.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                raw, _ = self._sock.accept()
            except (TimeoutError, OSError):
                continue
            threading.Thread(target=self._connection, args=(raw,), daemon=True).start()

    def _connection(self, raw: socket.socket) -> None:
        raw.settimeout(30)
        try:
            with self._ctx.wrap_socket(raw, server_side=True) as conn:
                while not self._stop.is_set():
                    path = _read_request(conn)
                    if path is None:
                        return
                    self.requests.append(path)
                    if path.startswith("/timeline"):
                        _send(conn, 200, json.dumps(TIMELINE).encode())
                    elif not self._hostile(conn):
                        return
        except (OSError, ssl.SSLError):
            return

    def _hostile(self, conn: ssl.SSLSocket) -> bool:
        """Answer one artefact request; False when the connection is finished."""
        mode = self.mode
        if mode == "envelope":
            _send(conn, 200, json.dumps(ENVELOPE).encode())
            return True
        if mode == "other_run":
            doc = {"runId": 99999, "participantCode": "SWANGEN", "variables": []}
            _send(conn, 200, json.dumps({"transactionId": "x", "data": doc}).encode())
            return True
        if mode == "bomb":
            assert self._bomb is not None
            head, block, repeats = self._bomb
            conn.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                b"Content-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n"
            )
            _chunk(conn, head)
            batch = block * 64
            for _ in range(repeats // 64):
                if self._stop.is_set():
                    return False
                _chunk(conn, batch)
            conn.sendall(b"0\r\n\r\n")
            return False
        if mode == "endless":
            conn.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n"
            )
            _chunk(conn, b'{"data": [')
            filler = b"1234567890," * (MIB // 11)
            while not self._stop.is_set():
                _chunk(conn, filler)
            return False
        if mode == "drip":
            conn.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                b"Content-Length: 1000000\r\n\r\n"
            )
            _drip(conn, b"{" + b" " * 999999, self._stop)
            return False
        if mode == "drip_head":
            _drip(conn, b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" * 1000, self._stop)
            return False
        raise ValueError(mode)


def _read_request(conn: ssl.SSLSocket) -> str | None:
    data = b""
    while b"\r\n\r\n" not in data:
        piece = conn.recv(4096)
        if not piece:
            return None
        data += piece
    line = data.split(b"\r\n", 1)[0].decode("latin-1")
    parts = line.split(" ")
    return parts[1] if len(parts) > 1 else "/"


def _send(conn: ssl.SSLSocket, status: int, body: bytes) -> None:
    conn.sendall(
        f"HTTP/1.1 {status} OK\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n".encode()
        + body
    )


def _chunk(conn: ssl.SSLSocket, data: bytes) -> None:
    conn.sendall(f"{len(data):x}\r\n".encode() + data + b"\r\n")


def _drip(conn: ssl.SSLSocket, data: bytes, stop: threading.Event) -> None:
    for i in range(len(data)):
        if stop.is_set():
            return
        conn.sendall(data[i : i + 1])
        time.sleep(0.5)


@contextlib.contextmanager
def hostile_server(mode: str, pki: object) -> Iterator[HostileServer]:
    """Run a :class:`HostileServer` for ``pki`` (an ``emulator_testing.TestPki``)."""
    with HostileServer(mode, pki.server_cert, pki.server_key, pki.ca) as server:  # type: ignore[attr-defined]
        yield server
