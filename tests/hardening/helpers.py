"""Helpers of the hardening suite: a CLI run's outcome, cost measurement, folder listing."""

from __future__ import annotations

import contextlib
import re
import resource
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


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
