"""emulator/faults: the counted faults the emulator injects (429, 503, slow, drop)."""

from __future__ import annotations

import threading

import pytest

from recon.emulator.faults import Faults, FaultState


def test_statuses_come_in_order_then_stop() -> None:
    state = FaultState.of(Faults(status_429=2, status_503=1))
    got = [state.take_status("/statements") for _ in range(5)]
    assert got == [429, 429, 503, None, None]


def test_only_paths_the_pattern_finds_count() -> None:
    state = FaultState.of(Faults(status_503=1, drop=1, slow=0.5, path=r"/invoices"))
    assert state.take_status("/statements/1") is None
    assert state.take_drop("/statements/1") is False
    assert state.take_slow("/statements/1") == 0.0
    assert state.take_status("/invoices/1") == 503
    assert state.take_drop("/invoices/1") is True and state.take_drop("/invoices/1") is False
    assert state.take_slow("/invoices/1") == 0.5


@pytest.mark.parametrize(("count", "expected"), [(None, [2.0, 2.0, 2.0]), (1, [2.0, 0.0, 0.0])])
def test_slow_answers_are_counted_or_every_one(count: int | None, expected: list[float]) -> None:
    state = FaultState.of(Faults(slow=2.0, slow_count=count))
    assert [state.take_slow("/x") for _ in range(3)] == expected


def test_no_faults_by_default() -> None:
    state = FaultState.of(Faults())
    assert state.take_status("/x") is None
    assert state.take_slow("/x") == 0.0 and state.take_drop("/x") is False


def test_counts_hold_across_threads() -> None:
    state = FaultState.of(Faults(status_429=50))
    got: list[int | None] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(20):
            s = state.take_status("/x")
            with lock:
                got.append(s)

    threads = [threading.Thread(target=worker) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got.count(429) == 50 and got.count(None) == 50
