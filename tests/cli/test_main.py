"""recon's signal handling: an interrupt Python cannot raise is still quiet (issue 16)."""

from __future__ import annotations

import importlib
import logging
import os
import signal
import subprocess
import sys
import types
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import click
import pytest

from recon.cli import main as cli_main
from recon.errors import (
    SIGNALS_RECEIVED,
    InputError,
    Interrupted,
    NotifyError,
    StoreError,
    UsageError,
)


def _unraisable(exc: BaseException) -> types.SimpleNamespace:
    return types.SimpleNamespace(
        exc_type=type(exc), exc_value=exc, exc_traceback=None, err_msg=None, object=None
    )


def test_an_interrupt_that_cannot_be_raised_is_quiet_and_others_are_reported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[BaseException] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda u: seen.append(u.exc_value))
    with cli_main.signals_raise():
        sys.unraisablehook(_unraisable(Interrupted(15)))
        sys.unraisablehook(_unraisable(ValueError("boom")))
    assert [type(e) for e in seen] == [ValueError]


def test_the_hook_is_put_back() -> None:
    before = sys.unraisablehook
    with cli_main.signals_raise():
        assert sys.unraisablehook is not before
    assert sys.unraisablehook is before


# ------------------------------------------------------------------ every outcome mapped


@pytest.fixture
def command() -> Iterator[Callable[[Callable[[], object]], list[str]]]:
    """``command(body)``: a ``recon zz-test`` command running ``body``; returns its argv."""
    added: list[str] = []

    def add(body: Callable[[], object]) -> list[str]:
        @click.command("zz-test")
        def zz() -> object:
            return body()

        cli_main.cli.add_command(zz)
        added.append("zz-test")
        return ["zz-test"]

    yield add
    for name in added:
        cli_main.cli.commands.pop(name, None)


def _raise(exc: BaseException) -> Callable[[], object]:
    def body() -> object:
        raise exc

    return body


@pytest.mark.parametrize(
    ("body", "code", "line"),
    [
        (lambda: 1, 1, None),
        (lambda: None, 0, None),
        (_raise(UsageError("week and participant go with --store")), 2,
         "recon: week and participant go with --store"),
        (_raise(InputError("a.csv", "not a Settlement Statement", line=3)), 2,
         "recon: a.csv, line 3: not a Settlement Statement"),
        (_raise(NotifyError("SMTP said no")), 3, "recon: SMTP said no"),
        (_raise(StoreError("name\x1b[2J\nforged")), 2, "recon: name\\x1b[2J\\x0aforged"),
        (_raise(KeyboardInterrupt()), 130, "recon: interrupted"),
        (_raise(Interrupted(signal.SIGTERM)), 143, "recon: terminated by SIGTERM"),
        (_raise(Interrupted(signal.SIGINT)), 130, "recon: interrupted"),
        (_raise(click.Abort()), 2, "recon: aborted"),
        (_raise(ZeroDivisionError("division by zero")), 2,
         "recon: internal error: ZeroDivisionError: division by zero (run with -vv for "
         "details and please report it)"),
    ],
)  # fmt: skip
def test_every_outcome_is_an_exit_status_and_at_most_one_line(
    command: Callable[[Callable[[], object]], list[str]],
    body: Callable[[], object],
    code: int,
    line: str | None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = command(body)
    capsys.readouterr()
    assert cli_main.main(argv) == code
    err = capsys.readouterr().err
    # (click writes an empty line before a KeyboardInterrupt becomes its Abort)
    assert [ln for ln in err.splitlines() if ln] == ([line] if line else [])


def test_a_signal_a_library_swallowed_still_ends_the_command_as_interrupted(
    command: Callable[[Callable[[], object]], list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    def swallowed() -> int:
        SIGNALS_RECEIVED.append(signal.SIGTERM)
        return 0

    argv = command(swallowed)
    capsys.readouterr()
    assert cli_main.main(argv) == 143
    assert capsys.readouterr().err.splitlines() == ["recon: terminated by SIGTERM"]
    assert SIGNALS_RECEIVED == []  # the record belongs to that command only


def test_a_click_error_is_shown_as_click_shows_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main.main(["no-such-command"]) == 2
    err = capsys.readouterr().err
    assert "Error: No such command 'no-such-command'." in err and "Traceback" not in err


def test_the_handlers_are_installed_only_while_a_command_runs(
    command: Callable[[Callable[[], object]], list[str]],
) -> None:
    seen: list[object] = []
    argv = command(lambda: seen.append(signal.getsignal(signal.SIGTERM)))
    before = signal.getsignal(signal.SIGTERM)
    assert cli_main.main(argv) == 0
    assert seen == [cli_main._on_signal]
    assert signal.getsignal(signal.SIGTERM) is before


# ------------------------------------------------------------------ the commands


def test_each_command_is_in_its_module_with_the_one_line_help_listed() -> None:
    for name, (module, short) in cli_main.COMMANDS.items():
        cmd = getattr(importlib.import_module(module), name)
        assert isinstance(cmd, click.Command)
        assert cmd.help is not None
        assert cmd.help.split("\n")[0] == short, name


def test_help_lists_every_command_without_importing_any() -> None:
    code = (
        "import sys; from recon.cli.main import main; main(['--help'])\n"
        "print(sorted(m for m in sys.modules if m.endswith('_cmd')), file=sys.stderr)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "COLUMNS": "100"})  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip() == "[]"
    listed = proc.stdout[proc.stdout.index("Commands:") :]
    for name in cli_main.COMMANDS:
        assert f"  {name} " in listed, name


# ------------------------------------------------------------------ log lines


def _record(msg: str, args: Any) -> logging.LogRecord:
    return logging.LogRecord("recon", logging.WARNING, __file__, 1, msg, args, None)


@pytest.mark.parametrize(
    ("msg", "args", "text"),
    [
        ("read %s: %d rows", ("a\nb.csv", 3), "read a\\x0ab.csv: 3 rows"),
        ("sum %s", (Decimal("1.50"),), "sum 1.50"),
        ("%(path)s held", ({"path": "\x1b[31mx"},), "\\x1b[31mx held"),
        ("two lines\nkept %s", ("\u202e",), "two lines\nkept U+202E"),
        ("%d of %d", ("x",), "%d of %d (arguments: ('x',))"),
    ],
)
def test_log_arguments_are_escaped_and_recons_own_newlines_kept(
    msg: str, args: object, text: str
) -> None:
    record = _record(msg, args)
    assert cli_main._SafeRecords().filter(record) is True
    assert (record.msg, record.args) == (text, None)


def test_a_log_line_on_a_pipe_is_one_unpadded_line(capsys: pytest.CaptureFixture[str]) -> None:
    handler = cli_main._safe(cli_main.ConsoleHandler())
    handler.setFormatter(logging.Formatter("%(message)s"))
    capsys.readouterr()
    handler.handle(_record("wrote %s", ("x" * 150,)))
    assert capsys.readouterr().err == "WARNING  wrote " + "x" * 150 + "\n"
