"""Running the application under uvicorn: on the address asked, one process (the sessions
live in its memory), proxy headers believed only from ``--trusted-proxy`` addresses."""

from __future__ import annotations

import logging
import socket
from typing import Any

from recon.errors import UsageError
from recon.serve.config import ServeConfig

log = logging.getLogger(__name__)


def listen(host: str, port: int) -> socket.socket:
    """A socket bound to ``host:port`` and listening.

    Raises:
        UsageError: The address cannot be used (taken, not this machine's, no such name).
    """
    bare = host.strip("[]")
    try:
        infos = socket.getaddrinfo(bare, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except OSError as e:
        raise UsageError(f"cannot listen on {host}:{port}: {e.strerror or e}") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as e:
        sock.close()
        raise UsageError(f"cannot listen on {host}:{port}: {e.strerror or e}") from None
    return sock


def uvicorn_server(config: ServeConfig, app: Any) -> Any:
    """The uvicorn server for ``app``: no ``Server`` header, no logging set-up of its own
    (recon's applies), proxy headers believed only from ``config.trusted_proxies``."""
    # start-up: uvicorn costs 10 ms to import (python -X importtime, 2026-12-05); only serving
    # needs it, not `recon serve --add-user`
    import uvicorn

    return uvicorn.Server(
        uvicorn.Config(
            app,
            log_config=None,
            lifespan="off",
            proxy_headers=bool(config.trusted_proxies),
            forwarded_allow_ips=list(config.trusted_proxies) or None,
            server_header=False,
            timeout_graceful_shutdown=10,
        )
    )


def run(config: ServeConfig, sock: socket.socket) -> None:
    """Serve until interrupted (Ctrl-C or SIGTERM end it gracefully)."""
    # start-up: recon.serve.app (starlette, the pages) costs 200 ms to import (python -X
    # importtime, 2026-12-05); only serving needs it, not `recon serve --add-user`
    from recon.serve.app import create_app

    uvicorn_server(config, create_app(config)).run(sockets=[sock])
