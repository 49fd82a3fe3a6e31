"""Running ``recon`` in-process the way a terminal would, for tests that read what it
printed: tables drawn 200 columns wide whatever the terminal, so no test depends on it."""

from __future__ import annotations

import pytest

from recon.cli.main import main
from recon.cli.progress import fixed_width


def run_recon(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """``recon ARGS`` in this process: (exit status, stdout, stderr), printed 200 columns
    wide (earlier output in ``capsys`` is dropped first)."""
    capsys.readouterr()
    with fixed_width(200):
        code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err
