"""The retry policy's backoff and ``Retry-After`` (:mod:`recon.pass_client.retry`).

Which answers :class:`~recon.pass_client.client.PassClient` retries, against the
emulator, is in ``test_client.py``.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from recon.pass_client.retry import RetryPolicy, parse_retry_after


def test_backoff_is_capped_and_jittered() -> None:
    policy = RetryPolicy(backoff_base=0.5, backoff_cap=30)
    rng = random.Random(3)
    waits = [policy.backoff(n, rng) for n in range(1, 12)]
    assert all(w <= 30 for w in waits)
    assert waits[-1] >= 15
    assert len({round(w, 6) for w in waits[-3:]}) == 3  # jittered, not constant


def test_parse_retry_after() -> None:
    now = datetime(2024, 12, 1, 0, 0, tzinfo=UTC)
    assert parse_retry_after("12") == 12.0
    assert parse_retry_after("1.5") == 1.5
    later = now + timedelta(seconds=30)
    http_date = later.strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert parse_retry_after(http_date, now=now) == pytest.approx(30)
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None
