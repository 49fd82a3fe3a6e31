"""What the running server holds between requests: its settings, the users file, the
sessions, the login throttle, the credential cache. Never the store: that is opened for
one request and closed at its end (:mod:`recon.serve.access`)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from recon.serve.config import ServeConfig
from recon.serve.sessions import CredentialCache, Sessions, Throttle
from recon.serve.users import Users


@dataclass
class ServeState:
    """The server's state (one per application).

    Attributes:
        config: The settings.
        users: The users file (None without logins).
        sessions: Who is logged in.
        throttle: Failed logins, for slowing the next ones.
        credentials: API credentials checked lately.
        sleep: How a failed login waits (``asyncio.sleep``; a test records the delays).
        reports: Held while a week's reports are generated, one at a time (a check of a
            large week takes memory).
    """

    config: ServeConfig
    users: Users | None = None
    sessions: Sessions = field(default_factory=Sessions)
    throttle: Throttle = field(default_factory=Throttle)
    credentials: CredentialCache = field(default_factory=CredentialCache)
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    reports: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def from_config(cls, config: ServeConfig) -> ServeState:
        """The state for ``config`` (reads the users file: a bad file is a UsageError)."""
        users = Users(config.users_file) if config.users_file is not None else None
        return cls(config=config, users=users)
