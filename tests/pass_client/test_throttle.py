"""The throttle (:mod:`recon.pass_client.throttle`) on a fake clock: SPEC §7's two limits
held at once, no wait under them.

That :class:`~recon.pass_client.client.PassClient` throttles its real calls is in
``test_client.py``.
"""

from __future__ import annotations

import pytest
from emulator_testing import FakeClock

from recon.pass_client.throttle import PASS_LIMITS, RateLimit, Throttle


def _max_in_window(times: list[float], seconds: float) -> int:
    return max(sum(1 for u in times if t - seconds < u <= t) for t in times)


def test_throttle_holds_both_limits_on_a_fake_clock() -> None:
    clock = FakeClock()
    calls: list[float] = []
    throttle = Throttle(clock=clock, sleep=clock.sleep)
    for _ in range(600):
        throttle.acquire()
        calls.append(clock())
        clock.now += 0.01  # each call takes a little time
    assert _max_in_window(calls, 60.0) <= 50
    assert _max_in_window(calls, 300.0) <= 200
    # ...and it does not wait much longer than it must: 600 calls need about 15 minutes.
    assert calls[-1] - calls[0] < 3 * 300 + 60


def test_throttle_does_not_wait_under_the_limit() -> None:
    clock = FakeClock()
    throttle = Throttle((RateLimit(5, 10.0),), clock=clock, sleep=clock.sleep)
    for _ in range(5):
        assert throttle.acquire() == 0.0
    waited = throttle.acquire()
    assert waited == pytest.approx(10.25)
    assert PASS_LIMITS == (RateLimit(50, 60.0), RateLimit(200, 300.0))
