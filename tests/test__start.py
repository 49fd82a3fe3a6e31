"""recon._start: the console script's entry point gives SIGINT its default, then runs the CLI.

(Ctrl-C during start-up in a real process: tests/hardening/test_start_signals.py.)
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator

import pytest

from recon import _start


@pytest.fixture
def sigint_restored() -> Iterator[None]:
    before = signal.getsignal(signal.SIGINT)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, before)


def _sentinel(signum: int, frame: object) -> None:  # pragma: no cover - never called
    raise AssertionError("the earlier SIGINT handler ran")


@pytest.mark.usefixtures("sigint_restored")
@pytest.mark.parametrize(
    ("argv", "code"), [(["recon", "--version"], 0), (["recon", "no-such-command"], 2)]
)
def test_main_runs_the_cli_with_sigint_at_its_default_and_exits_with_its_status(
    argv: list[str], code: int, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    signal.signal(signal.SIGINT, _sentinel)
    monkeypatch.setattr(sys, "argv", argv)
    with pytest.raises(SystemExit) as e:
        _start.main()
    assert e.value.code == code
    # the CLI put back what it found: the default _start set, not the earlier handler
    assert signal.getsignal(signal.SIGINT) is signal.SIG_DFL
    out = capsys.readouterr()
    if code == 0:
        assert out.out.startswith("recon, version ")
    else:
        assert "No such command 'no-such-command'" in out.err
