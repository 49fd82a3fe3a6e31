"""recon's signal handling: an interrupt Python cannot raise is still quiet (issue 16)."""

from __future__ import annotations

import sys
import types

import pytest

from recon.cli import main as cli_main
from recon.errors import Interrupted


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
