"""The emulator's fault injection: 429/503 answers, slow answers and dropped connections."""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass, field

log = logging.getLogger(__name__)


# --- Faults --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Faults:
    """Trouble to inject, counted over the requests whose path matches ``path``.

    Attributes:
        status_429: Answer this many requests with 429 and ``Retry-After``.
        retry_after: The ``Retry-After`` seconds sent with each 429.
        status_503: Then answer this many with 503.
        slow: Wait this many seconds before answering...
        slow_count: ...this many requests (None: every one).
        drop: Drop the connection halfway through the body of this many answers.
        path: A regular expression; only requests whose path it finds count (None: all).
    """

    status_429: int = 0
    retry_after: float = 1.0
    status_503: int = 0
    slow: float = 0.0
    slow_count: int | None = None
    drop: int = 0
    path: str | None = None


@dataclass
class FaultState:
    faults: Faults
    left_429: int = 0
    left_503: int = 0
    left_slow: int | None = None
    left_drop: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def of(cls, faults: Faults) -> FaultState:
        return cls(faults, faults.status_429, faults.status_503, faults.slow_count, faults.drop)

    def applies(self, path: str) -> bool:
        return self.faults.path is None or re.search(self.faults.path, path) is not None

    def take_status(self, path: str) -> int | None:
        if not self.applies(path):
            return None
        with self.lock:
            if self.left_429 > 0:
                self.left_429 -= 1
                return 429
            if self.left_503 > 0:
                self.left_503 -= 1
                return 503
        return None

    def take_slow(self, path: str) -> float:
        if self.faults.slow <= 0 or not self.applies(path):
            return 0.0
        with self.lock:
            if self.left_slow is None:
                return self.faults.slow
            if self.left_slow > 0:
                self.left_slow -= 1
                return self.faults.slow
        return 0.0

    def take_drop(self, path: str) -> bool:
        if not self.applies(path):
            return False
        with self.lock:
            if self.left_drop > 0:
                self.left_drop -= 1
                return True
        return False
