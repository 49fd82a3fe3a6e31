"""recon.serve.server: the listening socket (or a one-line refusal) and the uvicorn server
it is run with."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from recon.errors import UsageError
from recon.serve.app import create_app
from recon.serve.config import ServeConfig
from recon.serve.server import listen, uvicorn_server


@pytest.fixture
def sock() -> Iterator[socket.socket]:
    s = listen("127.0.0.1", 0)
    yield s
    s.close()


def test_listens_on_the_address_asked(sock: socket.socket) -> None:
    host, port = sock.getsockname()
    assert host == "127.0.0.1" and port > 0
    with socket.create_connection((host, port), timeout=5):
        pass  # accepted into the backlog: it listens


def test_a_port_in_use_is_refused_in_one_line(sock: socket.socket) -> None:
    port = sock.getsockname()[1]
    with pytest.raises(UsageError) as e:
        listen("127.0.0.1", port)
    assert str(e.value) == f"cannot listen on 127.0.0.1:{port}: Address already in use"


def test_an_address_not_of_this_machine_is_refused(sock: socket.socket) -> None:
    with pytest.raises(UsageError) as e:
        listen("192.0.2.1", 0)  # TEST-NET-1: never this machine's
    assert str(e.value) == "cannot listen on 192.0.2.1:0: Cannot assign requested address"


def test_a_name_that_does_not_resolve_is_refused() -> None:
    with pytest.raises(UsageError, match=r"^cannot listen on no-such-host\.invalid:8765: "):
        listen("no-such-host.invalid", 8765)


def test_ipv6_loopback_in_brackets() -> None:
    if not socket.has_ipv6:
        pytest.skip("no IPv6 on this machine")
    try:
        s = listen("[::1]", 0)
    except UsageError as e:
        pytest.skip(f"no IPv6 loopback here: {e}")
    try:
        assert s.family == socket.AF_INET6
        assert s.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY) == 1
    finally:
        s.close()


def test_uvicorn_believes_proxies_only_when_told(walk_store: Path) -> None:
    plain = ServeConfig(store=walk_store)
    server = uvicorn_server(plain, create_app(plain))
    assert server.config.proxy_headers is False
    assert server.config.server_header is False
    assert server.config.log_config is None
    proxied = ServeConfig(store=walk_store, trusted_proxies=("10.0.0.5",))
    server = uvicorn_server(proxied, create_app(proxied))
    assert server.config.proxy_headers is True
    assert server.config.forwarded_allow_ips == ["10.0.0.5"]
