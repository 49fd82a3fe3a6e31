"""Logins: sessions, the slowing of failed attempts, and the cache of API credentials.

* :class:`Sessions`: who is logged in, held in the server's memory (a restart logs everyone
  out). The cookie holds a random token; the server keeps the user, the session's CSRF
  token and when it was made and last used. A session ends after
  :data:`IDLE_SECONDS` unused or :data:`LIFE_SECONDS` in all, or at logout.
* :class:`Throttle`: each failed login (a form or an API call's Basic credentials) from a
  client address, and for a user name, makes the next answer wait longer: 1 s, 2 s, 4 s,
  ... up to :data:`MAX_DELAY` seconds, counted over the last :data:`WINDOW` seconds. The
  answer never says whether the name or the password was wrong.
* :class:`CredentialCache`: an API client sends its password with every call; checking
  scrypt each time would cost ~0.1 s a call, so a right pair is remembered for a few
  minutes (as a keyed hash, never the password).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

IDLE_SECONDS = 8 * 3600
LIFE_SECONDS = 24 * 3600
BASE_DELAY = 1.0
MAX_DELAY = 30.0
WINDOW = 15 * 60
CACHE_SECONDS = 300


def new_token() -> str:
    """A random token for a cookie or a form (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


@dataclass
class Session:
    """One login."""

    user: str
    csrf: str
    created: float
    seen: float


class Sessions:
    """The sessions of logged-in users, by token (thread-safe)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._by_token: dict[str, Session] = {}
        self._lock = threading.Lock()
        self._clock = clock

    def create(self, user: str) -> tuple[str, Session]:
        """A new session for ``user``: (the cookie's token, the session)."""
        now = self._clock()
        token = new_token()
        session = Session(user=user, csrf=new_token(), created=now, seen=now)
        with self._lock:
            self._expire(now)
            self._by_token[token] = session
        return token, session

    def get(self, token: str | None) -> Session | None:
        """The live session of a cookie's token (its last use is noted), else None."""
        if not token:
            return None
        now = self._clock()
        with self._lock:
            session = self._by_token.get(token)
            if session is None:
                return None
            if now - session.seen > IDLE_SECONDS or now - session.created > LIFE_SECONDS:
                del self._by_token[token]
                return None
            session.seen = now
            return session

    def drop(self, token: str | None) -> None:
        """End a session (logout)."""
        if token:
            with self._lock:
                self._by_token.pop(token, None)

    def _expire(self, now: float) -> None:
        dead = [
            t
            for t, s in self._by_token.items()
            if now - s.seen > IDLE_SECONDS or now - s.created > LIFE_SECONDS
        ]
        for t in dead:
            del self._by_token[t]


@dataclass
class Throttle:
    """How long to wait before answering a failed login (see the module doc)."""

    clock: Callable[[], float] = time.monotonic
    _failures: dict[str, list[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def failed(self, *keys: str) -> float:
        """Record a failure for each key (a client address, a user name); return the
        seconds to wait before answering: twice as long for each recent failure."""
        now = self.clock()
        worst = 0
        with self._lock:
            for key in keys:
                recent = [t for t in self._failures.get(key, []) if now - t < WINDOW]
                recent.append(now)
                self._failures[key] = recent[-64:]
                worst = max(worst, len(recent))
            if len(self._failures) > 10_000:  # forget the oldest keys first
                for key in sorted(self._failures, key=lambda k: self._failures[k][-1])[:5000]:
                    del self._failures[key]
        return min(MAX_DELAY, BASE_DELAY * 2 ** (worst - 1))

    def succeeded(self, *keys: str) -> None:
        """Forget the failures of these keys (a right login)."""
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)


class CredentialCache:
    """Right (name, password) pairs checked lately, as keyed hashes."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._key = secrets.token_bytes(32)
        self._seen: dict[bytes, float] = {}
        self._lock = threading.Lock()
        self._clock = clock

    def _id(self, name: str, password: str, version: object) -> bytes:
        msg = f"{version}\0{name}\0{password}".encode()
        return hmac.new(self._key, msg, hashlib.sha256).digest()

    def known(self, name: str, password: str, version: object) -> bool:
        """Whether this pair was checked right in the last :data:`CACHE_SECONDS` against
        the same ``version`` of the users file (a changed file forgets every pair)."""
        key = self._id(name, password, version)
        with self._lock:
            at = self._seen.get(key)
            if at is None or self._clock() - at > CACHE_SECONDS:
                self._seen.pop(key, None)
                return False
            return True

    def remember(self, name: str, password: str, version: object) -> None:
        """Note a pair just checked right against ``version`` of the users file."""
        with self._lock:
            if len(self._seen) > 1000:
                self._seen.clear()
            self._seen[self._id(name, password, version)] = self._clock()
