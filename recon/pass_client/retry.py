"""When a failed PaSS call is tried again (SPEC §7), and after how long.

A 429 and 502/503/504 are retried (:data:`TOO_MANY_REQUESTS`, :data:`RETRYABLE_STATUS`),
waiting as the answer's ``Retry-After`` says (:func:`parse_retry_after`) or by the capped,
jittered backoff of :class:`RetryPolicy`; so are timeouts and dropped connections.
"""

from __future__ import annotations

import email.utils
import random
import re
from dataclasses import dataclass
from datetime import UTC, datetime

RETRYABLE_STATUS = frozenset({502, 503, 504})
TOO_MANY_REQUESTS = 429


@dataclass(frozen=True)
class RetryPolicy:
    """How failed calls are retried.

    Attributes:
        max_attempts: Attempts in all, the first included.
        backoff_base: Seconds before the first retry; doubled each retry.
        backoff_cap: The most seconds between two attempts by backoff.
        max_retry_after: The longest ``Retry-After`` obeyed; a longer one fails the call.
    """

    max_attempts: int = 5
    backoff_base: float = 0.5
    backoff_cap: float = 30.0
    max_retry_after: float = 300.0

    def backoff(self, attempt: int, rng: random.Random) -> float:
        """Seconds to wait after failed attempt ``attempt`` (1-based): capped, jittered."""
        ceiling = min(self.backoff_cap, self.backoff_base * 2 ** (attempt - 1))
        return ceiling * (0.5 + rng.random() / 2)  # "equal jitter": half fixed, half random


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks for (delta-seconds or an HTTP date), or None."""
    if value is None:
        return None
    text = value.strip()
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
