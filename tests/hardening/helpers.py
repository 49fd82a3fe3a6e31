"""Helpers of the hardening suite: a CLI run's outcome, cost measurement, folder listing,
a real ``recon`` process interrupted by a signal, and the texts of written outputs."""

from __future__ import annotations

import contextlib
import json
import os
import re
import resource
import signal
import subprocess
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import fixture_scripts
from paths import REPO


@dataclass
class Run:
    """What one ``recon`` invocation did.

    Attributes:
        code: Exit status.
        out: Captured stdout.
        err: Captured stderr.
        findings: ``findings.json``'s findings, when it was written.
    """

    code: int
    out: str
    err: str
    findings: list[dict[str, Any]] = field(default_factory=list)

    @property
    def error_lines(self) -> list[str]:
        """The ``recon: ...`` lines on stderr."""
        return [line for line in self.err.splitlines() if line.startswith("recon: ")]

    def assert_no_traceback(self) -> None:
        """Assert the promise of SPEC §6: no traceback and no internal error, anywhere."""
        for text in (self.out, self.err):
            assert "Traceback" not in text, text[-3000:]
            assert "internal error" not in text, text[-3000:]


def _vm_hwm_kib() -> int | None:
    try:
        text = Path("/proc/self/status").read_text()
    except OSError:
        return None
    m = re.search(r"VmHWM:\s+(\d+) kB", text)
    return int(m.group(1)) if m else None


def _reset_hwm() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        return False
    return True


@dataclass
class Cost:
    """Wall time (s) and peak RSS growth (MiB) of a block; filled in when it ends."""

    seconds: float = 0.0
    peak_growth_mib: float = 0.0


@contextlib.contextmanager
def measure() -> Iterator[Cost]:
    """Measure a block's wall time and how far it raised the process's peak RSS.

    On Linux the peak is reset first (``/proc/self/clear_refs``), so the growth is the
    block's own; elsewhere it is the rise of ``ru_maxrss`` (a lower bound, never flaky).
    """
    cost = Cost()
    exact = _reset_hwm() and _vm_hwm_kib() is not None
    before = _vm_hwm_kib() if exact else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    try:
        yield cost
    finally:
        cost.seconds = time.perf_counter() - start
        after = _vm_hwm_kib() if exact else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        cost.peak_growth_mib = max(0, (after or 0) - (before or 0)) / 1024


def tree(root: Path) -> dict[str, int]:
    """Every file and folder under ``root`` (relative path -> size, -1 for folders)."""
    return {
        str(p.relative_to(root)): (-1 if p.is_dir() else p.stat().st_size)
        for p in sorted(root.rglob("*"))
    }


RunCli = Callable[..., Run]
"""The ``recon_cli`` fixture: ``run(*argv, out=None) -> Run``."""

ROOT = REPO
"""The repository (its ``recon`` is the one a subprocess runs)."""


def snapshot(folder: Path) -> dict[str, bytes]:
    """Each file directly in ``folder``: name -> bytes."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def recon_env() -> dict[str, str]:
    """The environment of a ``python -m recon`` subprocess: this checkout's recon first."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def wait_for_recon_handlers(proc: subprocess.Popen[bytes]) -> None:
    """Wait until recon's main() has installed its SIGTERM handler (seen in
    /proc/PID/status), so the moments of a signal are counted from recon's start, not from
    the interpreter's (a SIGINT while Python itself starts up is Python's to report)."""
    status = Path(f"/proc/{proc.pid}/status")
    bit = 1 << (signal.SIGTERM - 1)
    while proc.poll() is None:
        try:
            caught = re.search(r"SigCgt:\s+([0-9a-f]+)", status.read_text())
        except OSError:
            return
        if caught is None or int(caught.group(1), 16) & bit:
            return
        time.sleep(0.002)


def interrupting(sig: signal.Signals = signal.SIGINT) -> Callable[..., Any]:
    """A stand-in for a function recon calls: it sends this process ``sig`` and gives the
    signal a second to interrupt it (failing if it does not)."""

    def interrupted(*_args: Any, **_kwargs: Any) -> Any:
        os.kill(os.getpid(), sig)
        time.sleep(1)
        raise AssertionError("the signal should have interrupted")

    return interrupted


def swallowing_sigint(real: Callable[..., Any]) -> Callable[..., Any]:
    """``real`` called through a library that catches everything (a bare ``except``): a
    SIGINT arrives inside it and is swallowed, then ``real`` runs on."""

    def swallowing(*args: Any, **kwargs: Any) -> Any:
        try:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(1)
        except BaseException:  # what such a library does
            pass
        return real(*args, **kwargs)

    return swallowing


def signalled_stderr(proc: subprocess.Popen[bytes]) -> str:
    """Wait for a process sent a signal; return its stderr, asserting no traceback in it."""
    _, stderr = proc.communicate(timeout=300)
    err = stderr.decode("utf-8", "replace")
    assert "Traceback" not in err and "internal error" not in err, err[-3000:]
    return err


def assert_signal_outcome(
    code: int, sig: signal.Signals, err: str, state: str, *, silent_old: bool
) -> None:
    """Assert how a real ``recon`` process sent ``sig`` ended, given the outputs' ``state``.

    Killed by the signal's default action (recon's handlers not yet in place, or already
    removed): the new outputs, or with ``silent_old`` the earlier ones and nothing on
    stderr. Exit 130/143: one ``recon:`` line (the earlier outputs, or, when the signal came
    after the swap, the new ones; always whole). Exit 1: it finished before the signal
    arrived and wrote the new outputs (the checked week has error findings).

    Args:
        code: The exit status (``-sig`` when the signal killed it).
        sig: SIGINT or SIGTERM.
        err: Its stderr.
        state: ``"old"`` or ``"new"``: which outputs the folder holds.
        silent_old: Whether a kill by the default action may leave the earlier outputs.
    """
    if code == -sig:
        assert (silent_old and state == "old" and err == "") or state == "new", err
    elif code in (130, 143):
        assert code == (130 if sig == signal.SIGINT else 143)
        lines = [line for line in err.splitlines() if line.startswith("recon: ")]
        assert lines == [
            "recon: interrupted" if sig == signal.SIGINT else "recon: terminated by SIGTERM"
        ], err
    else:
        assert code == 1, err[-2000:]
        assert state == "new"


RAW = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064"
    "\u2066-\u2069\ufeff\ufff9-\ufffb\ud800-\udfff\ufffe\uffff]"
)
"""A character no output may show raw: a control (tab and newline aside), a bidi or
invisible formatting mark, a lone surrogate, a noncharacter."""


def raw_characters(text: str) -> list[str]:
    """The characters of ``text`` that no output may show raw (:data:`RAW`)."""
    return RAW.findall(text)


def workbook_texts(path: Path) -> list[tuple[str, str]]:
    """Every text of a workbook as (where, text): each sheet's title, each text cell re-opened
    cell by cell with openpyxl, each chart's title and axis titles (openpyxl does not load
    charts, so their XML is read), each defined name, and every other XML part whole."""
    from xml.etree import ElementTree

    from openpyxl import load_workbook

    out: list[tuple[str, str]] = []
    wb = load_workbook(path)
    for ws in wb.worksheets:
        out.append((f"sheet title {ws.title!r}", ws.title))
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    out.append((f"{ws.title}!{cell.coordinate}", cell.value))
                if cell.comment is not None:
                    out.append((f"{ws.title}!{cell.coordinate} comment", cell.comment.text))
    out.extend((f"defined name {name}", name) for name in wb.defined_names)
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            xml = z.read(name).decode("utf-8")
            out.append((name, xml))
            if name.startswith("xl/charts/"):
                root = ElementTree.fromstring(xml)
                out.extend(
                    (f"{name} text", t.text or "")
                    for t in root.iter("{http://schemas.openxmlformats.org/drawingml/2006/main}t")
                )
    return out


def chart_titles(path: Path) -> list[str]:
    """The text of every chart title in a workbook (its runs joined), in part order."""
    from xml.etree import ElementTree

    c = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
    a = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
    titles: list[str] = []
    with zipfile.ZipFile(path) as z:
        for name in sorted(n for n in z.namelist() if n.startswith("xl/charts/chart")):
            root = ElementTree.fromstring(z.read(name))
            for title in root.iter(f"{c}title"):
                titles.append("".join(t.text or "" for t in title.iter(f"{a}t")))
    return titles


def raw_in_outputs(folder: Path) -> dict[str, list[str]]:
    """Raw characters (:data:`RAW`) in the reports and workbooks of ``folder``, by where."""
    found: dict[str, list[str]] = {}
    for f in sorted(folder.iterdir()):
        if f.suffix == ".xlsx":
            texts = workbook_texts(f)
        elif f.suffix == ".html":
            texts = [(f.name, f.read_text("utf-8"))]
        else:
            continue
        for where, text in texts:
            if bad := raw_characters(text):
                found[f"{f.name}: {where}"] = bad
    return found


CHECK_SET = ("findings.json", "result.json", "report.xlsx", "report.html")
"""The files of one check."""


def hostile_fixture() -> ModuleType:
    """``fixtures/hostile.py`` (weeks with given hostile texts) as a module."""
    return fixture_scripts.load("hostile.py")


def assert_terminal_clean(run: Run) -> None:
    """No traceback or internal error, and nothing raw (:data:`RAW`) on the terminal."""
    run.assert_no_traceback()
    assert not raw_characters(run.out + run.err), (run.out + run.err)[-3000:]


def assert_outputs_clean(folder: Path, names: tuple[str, ...] = CHECK_SET) -> None:
    """Every file of ``names`` is in ``folder``, its JSON reads as UTF-8 JSON, and its
    reports and workbooks show nothing raw (:func:`raw_in_outputs`)."""
    assert all((folder / n).is_file() for n in names), sorted(os.listdir(folder))
    bad = raw_in_outputs(folder)
    assert not bad, bad
    for name in names:
        if name.endswith(".json"):
            json.loads((folder / name).read_text("utf-8"))
