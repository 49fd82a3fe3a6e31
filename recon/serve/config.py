"""What ``recon serve`` is told: the store, where it listens, who may log in.

The rules of SPEC §12 on where it may listen live here (:func:`check_listen`): on a
loopback address by default; on any other address only with a users file, and on a
wildcard address (``0.0.0.0``, ``::``) only when told which host names it answers to.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from pathlib import Path

from recon.errors import UsageError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
"""Host names a browser on the server's own machine uses: always answered."""
READ_WAIT = 5.0
"""Seconds a page waits for a store that a writer holds before answering 503."""
WRITE_WAIT = 10.0
"""Seconds a change (a dispute action) waits for a store another process holds before
answering 503, recording nothing."""
BODY_LIMIT = 64 * 1024
"""The largest request body accepted (forms and JSON are small)."""


def is_loopback(host: str) -> bool:
    """Whether ``host`` is a loopback address (or ``localhost``)."""
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def is_wildcard(host: str) -> bool:
    """Whether ``host`` means every address of the machine (``0.0.0.0``, ``::``)."""
    name = host.strip().strip("[]")
    try:
        return ipaddress.ip_address(name).is_unspecified
    except ValueError:
        return False


@dataclass(frozen=True)
class ServeConfig:
    """The server's settings (the options of ``recon serve``).

    Attributes:
        store: The store's database file.
        users_file: The users file; None serves without logins (loopback only).
        read_only: Refuse every change (403).
        host, port: Where to listen.
        allowed_hosts: Host names the server answers to besides the loopback names and
            ``host`` itself (the name a reverse proxy passes on).
        trusted_proxies: Addresses of reverse proxies whose ``X-Forwarded-Proto`` and
            ``X-Forwarded-For`` are believed (then a session cookie is ``Secure`` when the
            proxy says the browser used HTTPS). Empty: those headers are ignored.
        read_wait: Seconds a page waits for a busy store.
        write_wait: Seconds a change waits for a busy store.
        nod_business_days: ``[disputes] nod_business_days`` of the config file (due dates,
            SPEC §11); None: no due dates.
    """

    store: Path
    users_file: Path | None = None
    read_only: bool = False
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    allowed_hosts: tuple[str, ...] = ()
    trusted_proxies: tuple[str, ...] = ()
    read_wait: float = READ_WAIT
    write_wait: float = WRITE_WAIT
    nod_business_days: int | None = None
    body_limit: int = BODY_LIMIT
    hosts: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        names = {h.lower() for h in LOOPBACK_NAMES}
        names |= {h.strip().strip("[]").lower() for h in self.allowed_hosts if h.strip()}
        if not is_wildcard(self.host):
            names.add(self.host.strip().strip("[]").lower())
        object.__setattr__(self, "hosts", frozenset(names))

    @property
    def logins(self) -> bool:
        """Whether people log in (a users file is given)."""
        return self.users_file is not None


def check_listen(config: ServeConfig) -> None:
    """Refuse a place to listen that SPEC §12 does not allow.

    Raises:
        UsageError: A non-loopback ``--host`` without ``--users``; a wildcard host without
            ``--allowed-host``; a host name given as ``--allowed-host`` that is empty or
            holds a port, a path or a wildcard.
    """
    for name in config.allowed_hosts:
        bare = name.strip().strip("[]")
        if not bare or any(c in bare for c in "/*?#@ ") or (":" in bare and not _is_ip(bare)):
            raise UsageError(f"--allowed-host {name!r} is not a host name (no port, no path)")
    if is_loopback(config.host):
        return
    if config.users_file is None:
        raise UsageError(
            f"--host {config.host} listens beyond this machine: give --users FILE so that "
            "everyone must log in (create it with `recon serve --add-user NAME --users FILE`)"
        )
    if is_wildcard(config.host) and not config.allowed_hosts:
        raise UsageError(
            f"--host {config.host} listens on every address: give --allowed-host NAME for "
            "each host name browsers use to reach it (the Host header is checked)"
        )


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
