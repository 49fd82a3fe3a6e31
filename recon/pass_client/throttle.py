"""The throttle (SPEC §7): at most 50 PaSS calls a minute and 200 in five minutes.

:class:`Throttle` is a sliding-window rate limiter holding every :class:`RateLimit` at
once; :class:`~recon.pass_client.client.PassClient` acquires it before every attempt.
"""

from __future__ import annotations

import logging
import threading
import time
from bisect import bisect_right
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RateLimit:
    """At most ``calls`` calls in any ``seconds``-long sliding window."""

    calls: int
    seconds: float


PASS_LIMITS: tuple[RateLimit, ...] = (RateLimit(50, 60.0), RateLimit(200, 300.0))
"""SPEC §7: at most 50 calls a minute and 200 in five minutes."""


class Throttle:
    """A sliding-window rate limiter: blocks (by ``sleep``) until a call is allowed.

    Args:
        limits: Every limit to hold at once.
        clock: Monotonic seconds (``time.monotonic``; tests pass a fake clock).
        sleep: How to wait (``time.sleep``; tests pass a fake that advances the clock).
        margin: Extra seconds to wait past a window's edge, to stay clear of a server
            that counts its windows a little differently.
    """

    def __init__(
        self,
        limits: Iterable[RateLimit] = PASS_LIMITS,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        margin: float = 0.25,
    ) -> None:
        self.limits = tuple(limits)
        if not self.limits or any(lim.calls < 1 or lim.seconds <= 0 for lim in self.limits):
            raise ValueError("each rate limit needs at least one call and a positive window")
        self._clock = clock
        self._sleep = sleep
        self._margin = margin
        self._horizon = max(lim.seconds for lim in self.limits)
        self._times: deque[float] = deque()
        self._lock = threading.Lock()

    def _wait_needed(self, now: float) -> float:
        while self._times and self._times[0] <= now - self._horizon:
            self._times.popleft()
        times = list(self._times)
        wait = 0.0
        for lim in self.limits:
            first_in = bisect_right(times, now - lim.seconds)
            in_window = times[first_in:]
            if len(in_window) >= lim.calls:
                leaving = in_window[-lim.calls]  # once it leaves, one more call fits
                wait = max(wait, leaving + lim.seconds + self._margin - now)
        return wait

    def acquire(self) -> float:
        """Wait until one more call fits every limit, and count it.

        Returns:
            The seconds waited.
        """
        waited = 0.0
        while True:
            with self._lock:
                now = self._clock()
                wait = self._wait_needed(now)
                if wait <= 0:
                    self._times.append(now)
                    return waited
            log.info("PaSS throttle: waiting %.1f s to stay under the API's rate limits", wait)
            self._sleep(wait)
            waited += wait
