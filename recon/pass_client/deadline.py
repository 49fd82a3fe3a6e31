"""The deadline per request: every socket read and write of a request ends by it.

httpx's timeouts bound each read; a server that drips a byte a second stays within them
forever. :class:`Deadline` is the end of the current request; :func:`bound_network` puts
a client's connection pools on :class:`DeadlineBackend`, whose :class:`DeadlineStream`
shortens every read, write and TLS handshake to what is left of it.
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx


class Deadline:
    """The end of the current request, shared by the client and its network streams."""

    def __init__(self) -> None:
        self._at: float | None = None

    def start(self, seconds: float) -> None:
        self._at = time.monotonic() + seconds

    def stop(self) -> None:
        self._at = None

    def passed(self) -> bool:
        return self._at is not None and time.monotonic() >= self._at

    def limit(self, timeout: float | None) -> float | None:
        """``timeout`` shortened to what is left of the deadline (never past it)."""
        if self._at is None:
            return timeout
        left = self._at - time.monotonic()
        if left <= 0:
            raise httpcore.ReadTimeout("the deadline per request passed")
        return left if timeout is None else min(timeout, left)


class DeadlineStream(httpcore.NetworkStream):
    """A network stream whose every read and write ends by the request's deadline, so a
    server that drips a byte a second (each read within the per-read timeout) is cut."""

    def __init__(self, inner: httpcore.NetworkStream, deadline: Deadline) -> None:
        self._inner = inner
        self._deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._deadline.limit(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._deadline.limit(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        inner = self._inner.start_tls(ssl_context, server_hostname, self._deadline.limit(timeout))
        return DeadlineStream(inner, self._deadline)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's network backend with :class:`DeadlineStream` streams."""

    def __init__(self, inner: httpcore.NetworkBackend, deadline: Deadline) -> None:
        self._inner = inner
        self._deadline = deadline

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._inner.connect_tcp(
            host,
            port,
            timeout=self._deadline.limit(timeout),
            local_address=local_address,
            socket_options=socket_options,
        )
        return DeadlineStream(stream, self._deadline)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:  # pragma: no cover - PaSS is reached over TCP
        stream = self._inner.connect_unix_socket(
            path, timeout=self._deadline.limit(timeout), socket_options=socket_options
        )
        return DeadlineStream(stream, self._deadline)

    def sleep(self, seconds: float) -> None:  # pragma: no cover - httpcore's retries only
        self._inner.sleep(seconds)


def bound_network(client: httpx.Client, deadline: Deadline) -> bool:
    """Put every connection pool of ``client`` on :class:`DeadlineBackend`; False when
    a transport is not httpx's own (a test's mock): the deadline is then checked between
    chunks of the body only."""
    transports = [client._transport, *client._mounts.values()]
    bound = True
    for transport in transports:
        pool = getattr(transport, "_pool", None)
        backend = getattr(pool, "_network_backend", None)
        if pool is None or backend is None:
            bound = False
            continue
        pool._network_backend = DeadlineBackend(backend, deadline)
    return bound
