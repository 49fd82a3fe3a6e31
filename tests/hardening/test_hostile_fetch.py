"""``recon fetch`` against a hostile PaSS server (issue 16 items 3 and 4): a gzip bomb, an
endless body, a drip and an error envelope. Each fetch is a real subprocess over mutual TLS
on 127.0.0.1; each must end by itself with exit 1 or 2, its peak memory (the child's
``ru_maxrss``) under 1 GiB, saving nothing that is not an artefact."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import pytest
from emulator_testing import TestPki, write_test_pki
from paths import REPO as ROOT

from .hostile_server import RUN_ID, WEEK, HostileServer

GIB_KIB = 1024 * 1024
DEADLINE = 8.0
HANG_GUARD = 240.0
"""Seconds after which the test kills a fetch that did not end by itself (then fails)."""


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> TestPki:
    return write_test_pki(tmp_path_factory.mktemp("hostile-pki"))


def _fetch(server: HostileServer, pki: TestPki, out: Path, log: Path, *extra: str):
    """Run ``recon fetch`` in a child; return (exit status, stderr, peak RSS in KiB)."""
    argv = [
        sys.executable, "-m", "recon", "fetch", "--url", server.url,
        "--participant", "SWANGEN", "--cert", str(pki.client_cert),
        "--key", str(pki.client_key), "--ca", str(pki.ca), "--week", WEEK,
        "--out", str(out), "--timeout", "5", "--deadline", str(DEADLINE), *extra,
    ]  # fmt: skip
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    for name in list(env):
        if name.startswith("RECON_"):
            del env[name]
    env["RECON_CONFIG"] = str(log.parent / "none.toml")
    (log.parent / "none.toml").write_text("[pass]\n")
    with open(log, "wb") as err:
        pid = os.posix_spawn(sys.executable, argv, env, file_actions=[
            (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
            (os.POSIX_SPAWN_DUP2, err.fileno(), 2),
        ])  # fmt: skip
        start = time.monotonic()
        peak = 0
        while True:
            peak = max(peak, _high_water_kib(pid))
            done, status, _usage = os.wait4(pid, os.WNOHANG)
            if done:
                break
            if time.monotonic() - start > HANG_GUARD:
                os.kill(pid, signal.SIGKILL)
                os.wait4(pid, 0)
                pytest.fail(f"recon fetch did not end by itself ({server.mode})")
            time.sleep(0.02)
    return os.waitstatus_to_exitcode(status), log.read_text("utf-8", "replace"), peak


def _high_water_kib(pid: int) -> int:
    """The child's own peak RSS so far (``VmHWM``), 0 once it has exited.

    Not ``wait4``'s ``ru_maxrss``: a child spawned with vfork semantics inherits the
    high-water mark of the parent's memory at exec, so under a long pytest run every child
    would report pytest's own peak. ``VmHWM`` is of the child's own address space after
    exec, and only grows, so the last reading before it exits is its peak.
    """
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


CASES = [
    # mode, extra options, expected exit, words the one error line must hold
    ("bomb", (), 2, ["512 MiB", "--max-response-mb"]),
    ("endless", ("--max-response-mb", "64"), 2, ["64 MiB", "--max-response-mb"]),
    ("drip", (), 2, [f"{DEADLINE:g} s", "--deadline", "--timeout"]),
    ("drip_head", (), 2, [f"{DEADLINE:g} s", "--deadline", "--timeout"]),
    ("envelope", (), 1, ["not published"]),
    ("other_run", (), 1, ["not published"]),
]


@pytest.mark.parametrize(("mode", "extra", "code", "words"), CASES, ids=[c[0] for c in CASES])
def test_fetch_from_a_hostile_server_ends_bounded_and_saves_nothing(
    tmp_path: Path, pki: TestPki, mode: str, extra: tuple[str, ...], code: int, words: list[str]
) -> None:
    out = tmp_path / "fetched"
    with HostileServer(mode, pki.server_cert, pki.server_key, pki.ca) as server:
        status, err, peak_kib = _fetch(server, pki, out, tmp_path / "stderr.txt", *extra)
    assert status == code, err[-3000:]
    assert "Traceback" not in err and "internal error" not in err, err[-3000:]
    assert 0 < peak_kib < GIB_KIB, f"peak RSS {peak_kib / 1024:.0f} MiB"
    for word in words:
        assert word in err, err[-3000:]
    saved = sorted(p.name for p in out.rglob("*")) if out.exists() else []
    assert saved == [], saved  # not even a temporary file
    assert any(str(RUN_ID) in r for r in server.requests), server.requests
