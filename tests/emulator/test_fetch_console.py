"""``recon fetch`` draws its progress on the CLI's one stderr console (issue 16).

It used to make a console of its own, which took its width from the environment and
could hard-break lines; log lines and the progress bar also went to two different consoles.
Here the shared console (:data:`recon.cli.progress.stderr`) is made to act as a terminal
of a fixed size: the bar appears on it, and the fetch's summary on stdout is unchanged.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from recon.cli import progress
from recon.cli.main import main


def test_the_progress_bar_is_drawn_on_the_shared_stderr_console(
    env: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    # A terminal 120 by 25, whatever the machine's: only the shared console is one.
    monkeypatch.setattr(progress.stderr, "_force_terminal", True)
    monkeypatch.setattr(progress.stderr, "_width", 120)
    monkeypatch.setattr(progress.stderr, "_height", 25)
    out = tmp_path / "fetched"
    capsys.readouterr()
    code = main(["fetch", "--week", "2024-12-01", "--out", str(out)])
    cap = capsys.readouterr()
    assert code == 0, cap.err
    assert "2 run(s), 20 file(s) written, 0 unchanged" in cap.out
    assert "\x1b" not in cap.out  # the summary is plain text, not the console's
    assert "Traceback" not in cap.err
    counts = re.findall(r"\b(\d+)/(\d+)\b", cap.err)
    assert counts and counts[-1][0] == counts[-1][1], cap.err[-2000:]  # the bar, completed
    assert len(list(out.iterdir())) == 20
