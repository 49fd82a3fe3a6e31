"""recon.errors: each error's exit status and the one line it reads as."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from recon import errors
from recon.errors import (
    EXIT_CANNOT_RUN,
    EXIT_CLEAN,
    EXIT_FINDINGS,
    EXIT_INTERRUPTED,
    EXIT_NOT_NOTIFIED,
    SIGNALS_RECEIVED,
    InputError,
    Interrupted,
    NotifyError,
    ReconError,
    StoreBusyError,
    StoreError,
    raise_if_interrupted,
)


def test_the_exit_statuses_are_spec_6s() -> None:
    assert (EXIT_CLEAN, EXIT_FINDINGS, EXIT_CANNOT_RUN, EXIT_NOT_NOTIFIED) == (0, 1, 2, 3)
    assert EXIT_INTERRUPTED == 128 + signal.SIGINT == 130


@pytest.mark.parametrize(
    "name",
    [
        "ReconError",
        "InputError",
        "UsageError",
        "OutputError",
        "FetchError",
        "StoreError",
        "StoreBusyError",
        "UnknownIssueError",
        "UnsafeNameError",
    ],
)
def test_every_error_but_notify_means_could_not_run(name: str) -> None:
    cls = getattr(errors, name)
    assert issubclass(cls, ReconError)
    assert cls.exit_code == 2
    err = cls(Path("a.csv"), "bad") if cls is InputError else cls("bad")
    assert err.exit_code == 2


def test_a_busy_store_is_a_store_error() -> None:
    assert issubclass(StoreBusyError, StoreError)


def test_notify_error_is_3_when_the_run_finished_and_2_when_it_could_not_run() -> None:
    sent = NotifyError("SMTP refused the digest")
    assert (sent.exit_code, str(sent)) == (3, "SMTP refused the digest")
    assert NotifyError("x", run_finished=False).exit_code == 2
    assert NotifyError.exit_code == 3


@pytest.mark.parametrize(
    ("line", "json_path", "text"),
    [
        (None, None, "in/week.csv: not a Settlement Statement"),
        (7, None, "in/week.csv, line 7: not a Settlement Statement"),
        (None, "$.lines[2]", "in/week.csv, at $.lines[2]: not a Settlement Statement"),
        (7, "$.a", "in/week.csv, line 7, at $.a: not a Settlement Statement"),
    ],
)
def test_input_error_names_the_file_the_line_and_the_place(
    line: int | None, json_path: str | None, text: str
) -> None:
    err = InputError(
        Path("in/week.csv"), "not a Settlement Statement", line=line, json_path=json_path
    )
    assert str(err) == text
    assert (err.path, err.problem, err.line, err.json_path) == (
        "in/week.csv",
        "not a Settlement Statement",
        line,
        json_path,
    )


@pytest.mark.parametrize(
    ("signum", "code", "text"),
    [
        (signal.SIGINT, 130, "interrupted by SIGINT"),
        (signal.SIGTERM, 143, "interrupted by SIGTERM"),
        (signal.SIGHUP, 129, "interrupted by SIGHUP"),
        (99, 227, "interrupted by 99"),  # not a signal Python names
    ],
)
def test_interrupted_exit_status_and_text(signum: int, code: int, text: str) -> None:
    e = Interrupted(signum)
    assert (e.signum, e.exit_code, str(e)) == (signum, code, text)


def test_interrupted_is_not_caught_by_except_exception() -> None:
    assert not issubclass(Interrupted, Exception)
    with pytest.raises(Interrupted):
        try:
            raise Interrupted(signal.SIGTERM)
        except Exception:
            pytest.fail("except Exception swallowed an Interrupted")


def test_raise_if_interrupted_raises_the_first_signal_received() -> None:
    raise_if_interrupted()  # nothing received: nothing raised
    SIGNALS_RECEIVED.extend([signal.SIGTERM, signal.SIGINT])
    try:
        with pytest.raises(Interrupted) as e:
            raise_if_interrupted()
    finally:
        SIGNALS_RECEIVED.clear()
    assert (e.value.signum, e.value.exit_code) == (signal.SIGTERM, 143)
