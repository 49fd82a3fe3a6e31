"""Ctrl-C while ``recon`` starts up ends it quietly (issue 16).

Until :func:`recon.cli.main.main` installs its handlers, a SIGINT used to raise
``KeyboardInterrupt`` in whatever module Python was importing, and the console script
printed a traceback. The console script and ``python -m recon`` now start in
:mod:`recon._start`, which gives SIGINT its default action before importing the CLI.

The console script is run as pip writes it (``from MODULE import FUNC; sys.exit(FUNC())``)
with the entry point read from pyproject.toml, so the test follows what gets installed.
A SIGINT that lands before the interpreter has handed over to recon (CPython's own
start-up: its standard streams, ``site`` and the ``.pth`` files) is CPython's to report and
out of recon's reach; the signals here are sent from the moment recon's entry point runs.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest
from paths import FIXTURES
from paths import REPO as ROOT

SAMPLE = FIXTURES / "sample_week"


def _entry_point() -> tuple[str, str]:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["scripts"]
    module, _, func = scripts["recon"].partition(":")
    return module, func


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


_SELF_INTERRUPT = """
import os, signal, sys

class _CtrlC:
    # Sends SIGINT to this process when MODULE is about to be imported: a Ctrl-C that
    # lands exactly there, without any timing.
    def find_spec(self, name, path=None, target=None):
        if name == {module!r}:
            os.kill(os.getpid(), signal.SIGINT)
        return None

sys.meta_path.insert(0, _CtrlC())
"""


def _console_script(prelude: str = "") -> str:
    """The code of the console script pip writes for the ``recon`` entry point."""
    module, func = _entry_point()
    return f"{prelude}\nimport sys\nfrom {module} import {func}\nsys.exit({func}())\n"


def _python_m(prelude: str = "") -> str:
    """``python -m recon``, with ``prelude`` run first."""
    run = "runpy.run_module('recon', run_name='__main__', alter_sys=True)"
    return f"{prelude}\nimport runpy\n{run}\n"


def test_the_console_script_starts_in_recon_start() -> None:
    assert _entry_point() == ("recon._start", "main")


@pytest.mark.parametrize("how", ["console script", "python -m recon"])
@pytest.mark.parametrize("module", ["recon.cli", "recon.cli.main", "click", "rich.text"])
def test_ctrl_c_during_the_imports_ends_quietly(tmp_path: Path, how: str, module: str) -> None:
    prelude = _SELF_INTERRUPT.format(module=module)
    code = _console_script(prelude) if how == "console script" else _python_m(prelude)
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-c", code, "check", str(SAMPLE), "--out", str(out), "--no-progress"],
        env=_env(),
        capture_output=True,
        timeout=120,
    )
    err = proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err[-3000:]
    assert proc.returncode == -signal.SIGINT, (proc.returncode, err[-3000:])
    assert err == ""
    assert not out.exists()


def _caught_signals(pid: int) -> int | None:
    """The mask of signals the process catches, or None once it has gone."""
    try:
        caught = re.search(r"SigCgt:\s+([0-9a-f]+)", Path(f"/proc/{pid}/status").read_text())
    except OSError:
        return None
    return int(caught.group(1), 16) if caught else None


def _wait_for_handover(proc: subprocess.Popen[bytes]) -> None:
    """Wait until recon's entry point has run, seen in /proc/PID/status: SIGINT was caught
    (CPython's handler, in place while ``site`` and the ``.pth`` files run) and no longer
    is (recon._start gave it its default action); or recon's own handlers are in place
    (SIGTERM caught)."""
    sigint, sigterm = 1 << (signal.SIGINT - 1), 1 << (signal.SIGTERM - 1)
    python_handler_seen = False
    while proc.poll() is None:
        caught = _caught_signals(proc.pid)
        if caught is None or caught & sigterm:
            return
        if caught & sigint:
            python_handler_seen = True
        elif python_handler_seen:
            return
        time.sleep(0.0005)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize("how", ["console script", "python -m recon"])
def test_ctrl_c_at_several_moments_of_start_up_never_prints_a_traceback(
    tmp_path: Path, how: str
) -> None:
    argv = ["check", str(SAMPLE), "--out", "OUT", "--no-progress"]
    prog = ["-c", _console_script()] if how == "console script" else ["-m", "recon"]
    outcomes = []
    for i, delay in enumerate((0.0, 0.0, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.3)):
        out = tmp_path / f"out{i}"
        cmd = [sys.executable, *prog, *[str(out) if a == "OUT" else a for a in argv]]
        proc = subprocess.Popen(cmd, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        _wait_for_handover(proc)
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=300)
        err = stderr.decode("utf-8", "replace")
        assert "Traceback" not in err and "KeyboardInterrupt" not in err, err[-3000:]
        assert "internal error" not in err, err[-3000:]
        if proc.returncode == -signal.SIGINT:  # before recon's handlers (nothing written)
            # or after main() put the default action back (the check is done)
            done = (out / "findings.json").exists()
            assert (err == "" and not out.exists()) or (done and "Wrote" in err), err
        elif proc.returncode == 130:  # recon's handlers: one line
            lines = [line for line in err.splitlines() if line.startswith("recon: ")]
            assert lines == ["recon: interrupted"], err
        else:  # the check finished before the signal arrived
            assert proc.returncode == 0, err[-3000:]
        outcomes.append((delay, proc.returncode))
    print(outcomes)
