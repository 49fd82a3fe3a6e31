"""Sessions end when idle or old; failed logins wait twice as long each time, up to a cap,
counted over a window; a right API password is remembered only for the same users file."""

from __future__ import annotations

from recon.serve.sessions import (
    CACHE_SECONDS,
    IDLE_SECONDS,
    LIFE_SECONDS,
    MAX_DELAY,
    WINDOW,
    CredentialCache,
    Sessions,
    Throttle,
)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_session_ends_when_idle_or_old() -> None:
    clock = Clock()
    sessions = Sessions(clock)
    token, session = sessions.create("alice")
    assert sessions.get(token) is session and len(token) >= 43 and session.csrf != token
    clock.now += IDLE_SECONDS - 1
    assert sessions.get(token) is session  # used: the idle time starts again
    clock.now += IDLE_SECONDS + 1
    assert sessions.get(token) is None
    token, _ = sessions.create("alice")
    for _ in range(LIFE_SECONDS // (IDLE_SECONDS // 2) + 1):
        clock.now += IDLE_SECONDS // 2
        sessions.get(token)
    assert sessions.get(token) is None  # however busy, a session ends after its life
    assert sessions.get(None) is None and sessions.get("made-up") is None


def test_failed_logins_wait_twice_as_long_each_time_up_to_a_cap() -> None:
    clock = Clock()
    throttle = Throttle(clock)
    delays = [throttle.failed("ip:a", "user:alice") for _ in range(8)]
    assert delays == [1.0, 2.0, 4.0, 8.0, 16.0, MAX_DELAY, MAX_DELAY, MAX_DELAY]
    assert throttle.failed("ip:b", "user:alice") == MAX_DELAY  # the name is counted too
    assert throttle.failed("ip:c", "user:bob") == 1.0
    clock.now += WINDOW + 1
    assert throttle.failed("ip:a", "user:alice") == 1.0  # old failures are forgotten
    throttle.succeeded("ip:c", "user:bob")
    assert throttle.failed("ip:c", "user:bob") == 1.0


def test_a_right_api_password_is_remembered_for_the_same_users_file_only() -> None:
    clock = Clock()
    cache = CredentialCache(clock)
    cache.remember("alice", "secret", (1, 2))
    assert cache.known("alice", "secret", (1, 2))
    assert not cache.known("alice", "secret!", (1, 2))
    assert not cache.known("alice", "secret", (1, 3))  # the file changed
    clock.now += CACHE_SECONDS + 1
    assert not cache.known("alice", "secret", (1, 2))
