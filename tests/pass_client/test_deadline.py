"""The deadline per request (:mod:`recon.pass_client.deadline`): every read, write and
connect of a request is given at most what is left of it.

End to end (a server dripping a byte a second, cut by ``--deadline``) this is
``tests/hardening/test_hostile_fetch.py``; here the parts, without a network.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx
import pytest

from recon.pass_client.deadline import Deadline, DeadlineBackend, DeadlineStream, bound_network

HOUR = 3600.0


class _Stream(httpcore.NetworkStream):
    """A stream that records the timeout of every call."""

    def __init__(self) -> None:
        self.timeouts: list[tuple[str, float | None]] = []

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        self.timeouts.append(("read", timeout))
        return b"x"

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.timeouts.append(("write", timeout))

    def close(self) -> None:
        self.timeouts.append(("close", None))

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        self.timeouts.append(("start_tls", timeout))
        return self

    def get_extra_info(self, info: str) -> Any:
        return f"info {info}"


class _Backend(httpcore.NetworkBackend):
    def __init__(self) -> None:
        self.stream = _Stream()
        self.connects: list[float | None] = []

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        self.connects.append(timeout)
        return self.stream


def test_no_request_under_way_leaves_the_timeout_alone() -> None:
    deadline = Deadline()
    assert not deadline.passed()
    assert deadline.limit(5.0) == 5.0
    assert deadline.limit(None) is None


def test_the_limit_is_the_shorter_of_the_timeout_and_what_is_left() -> None:
    deadline = Deadline()
    deadline.start(HOUR)
    assert not deadline.passed()
    assert deadline.limit(5.0) == 5.0
    left = deadline.limit(None)
    assert left is not None and 0 < left <= HOUR
    deadline.stop()
    assert deadline.limit(None) is None


def test_a_passed_deadline_ends_every_read() -> None:
    deadline = Deadline()
    deadline.start(0.0)
    assert deadline.passed()
    with pytest.raises(httpcore.ReadTimeout, match="deadline per request"):
        deadline.limit(5.0)
    deadline.stop()
    assert not deadline.passed()


def test_streams_of_the_backend_pass_on_the_limited_timeouts() -> None:
    inner = _Backend()
    deadline = Deadline()
    backend = DeadlineBackend(inner, deadline)
    stream = backend.connect_tcp("127.0.0.1", 443, timeout=5.0)
    assert isinstance(stream, DeadlineStream) and inner.connects == [5.0]
    tls = stream.start_tls(ssl.create_default_context(), "example", timeout=4.0)
    assert isinstance(tls, DeadlineStream)
    assert tls.read(10, timeout=3.0) == b"x"
    tls.write(b"y", timeout=2.0)
    assert tls.get_extra_info("peer") == "info peer"
    tls.close()
    assert inner.stream.timeouts == [
        ("start_tls", 4.0),
        ("read", 3.0),
        ("write", 2.0),
        ("close", None),
    ]
    deadline.start(0.0)
    with pytest.raises(httpcore.ReadTimeout):
        tls.read(10, timeout=3.0)
    with pytest.raises(httpcore.ReadTimeout):
        backend.connect_tcp("127.0.0.1", 443, timeout=5.0)
    assert len(inner.stream.timeouts) == 4 and inner.connects == [5.0]


def test_bound_network_puts_httpx_pools_on_the_deadline_backend() -> None:
    deadline = Deadline()
    with httpx.Client() as client:
        assert bound_network(client, deadline)
        backend = client._transport._pool._network_backend  # type: ignore[attr-defined]
        assert isinstance(backend, DeadlineBackend)


def test_bound_network_is_false_for_a_transport_not_httpx_own() -> None:
    mock = httpx.MockTransport(lambda request: httpx.Response(200))
    with httpx.Client(transport=mock) as client:
        assert not bound_network(client, Deadline())
