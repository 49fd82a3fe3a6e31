"""The four outputs of ``recon check`` are replaced as a set (issue 16 item 2).

A real ``recon check`` subprocess is interrupted (SIGINT, SIGTERM) at many moments while
it re-checks into a folder holding an earlier check; each time the folder must hold the
earlier set whole or the new set whole, never a mix, and no temporary file may be left.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from paths import FIXTURES

from recon.atomic import replace_set
from recon.errors import OutputError

from .helpers import (
    Run,
    RunCli,
    assert_signal_outcome,
    interrupting,
    recon_env,
    signalled_stderr,
    snapshot,
    swallowing_sigint,
    wait_for_recon_handlers,
)

SAMPLE = FIXTURES / "sample_week"
PLANTED = FIXTURES / "planted_week"
SET = ("findings.json", "result.json", "report.xlsx", "report.html", "disagreement.csv")


def _assert_whole_set(parent: Path, out: Path, old: dict[str, bytes]) -> str:
    """Assert ``out`` holds the earlier set or a complete new one, and nothing else is
    left in ``parent``; return ``"old"`` or ``"new"``."""
    assert sorted(os.listdir(parent)) == [out.name], os.listdir(parent)
    now = snapshot(out)
    assert sorted(now) == sorted(SET), sorted(now)
    same = [n for n in SET if now[n] == old[n]]
    if len(same) == len(SET):
        return "old"
    assert not same, f"mixed set: {same} old, the rest new"
    findings = json.loads(now["findings.json"])
    assert findings["counts"]["error"] > 0  # the planted week's check, not the sample's
    json.loads(now["result.json"])
    assert now["report.xlsx"][:2] == b"PK" and b"</html>" in now["report.html"]
    return "new"


@pytest.fixture(scope="module")
def earlier_set(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The sample week's check (clean): the set a re-check replaces."""
    out = tmp_path_factory.mktemp("earlier") / "out"
    from recon.cli.main import main

    assert main(["check", str(SAMPLE), "--out", str(out), "--no-progress"]) == 0
    return snapshot(out)


def _place(old: dict[str, bytes], out: Path) -> None:
    out.mkdir(parents=True)
    for name, data in old.items():
        (out / name).write_bytes(data)


def _check_cmd(out: Path) -> list[str]:
    return [sys.executable, "-m", "recon", "check", str(PLANTED), "--out", str(out),
            "--no-progress"]  # fmt: skip


def test_interrupting_a_real_check_at_many_moments_never_leaves_a_mixed_set(
    tmp_path: Path, earlier_set: dict[str, bytes]
) -> None:
    # One uninterrupted run: the new set is whole, and how long a run takes (only to
    # spread the signals over it; nothing here asserts a duration).
    parent = tmp_path / "full"
    _place(earlier_set, parent / "out")
    proc = subprocess.Popen(
        _check_cmd(parent / "out"), env=recon_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    wait_for_recon_handlers(proc)
    start = time.monotonic()
    _, stderr = proc.communicate(timeout=300)
    took = time.monotonic() - start
    assert proc.returncode == 1, stderr[-2000:]
    assert _assert_whole_set(parent, parent / "out", earlier_set) == "new"

    # ("start", 0): at once, while the interpreter starts (SIGTERM only: a SIGINT there is
    # Python's to report); ("run", f): f of a run's length after recon started;
    # ("staging", s): s seconds after the new set's staging folder appeared (mid-write).
    moments = [("start", 0.0)]
    moments += [("run", f) for f in (0.05, 0.3, 0.6, 0.8, 0.9, 1.0, 1.25, 1.5, 2.0)]
    moments += [("staging", d) for d in (0.0, 0.01, 0.03, 0.08, 0.15, 0.3, 0.6)]
    outcomes = []
    for i, (when, amount) in enumerate(moments):
        sig = signal.SIGINT if i % 2 == 1 else signal.SIGTERM
        parent = tmp_path / f"run{i}"
        out = parent / "out"
        _place(earlier_set, out)
        proc = subprocess.Popen(
            _check_cmd(out), env=recon_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        if when == "run":
            wait_for_recon_handlers(proc)
            time.sleep(took * amount)
        elif when == "staging":
            wait_for_recon_handlers(proc)
            while proc.poll() is None and not any(parent.glob(".out.tmp-*")):
                time.sleep(0.002)
            time.sleep(amount)
        proc.send_signal(sig)
        err = signalled_stderr(proc)
        state = _assert_whole_set(parent, out, earlier_set)
        # killed before recon's handlers were in place, nothing written yet: the earlier set
        assert_signal_outcome(proc.returncode, sig, err, state, silent_old=True)
        outcomes.append((when, amount, sig.name, proc.returncode, state))
    print(outcomes)
    assert any(o[3] in (130, 143) for o in outcomes), outcomes


def _interrupted_check(out: Path, earlier_set: dict[str, bytes], recon_cli: RunCli) -> Run:
    """Check the planted week into ``out``, first holding ``earlier_set``, with a SIGINT
    planted on the way: assert exit 130, the one line ``recon: interrupted`` and the
    earlier set left whole; return the run."""
    _place(earlier_set, out)
    run = recon_cli("check", PLANTED, "--out", out, "--no-progress")
    assert run.code == 130, run.err
    assert run.error_lines == ["recon: interrupted"], run.err
    assert _assert_whole_set(out.parent, out, earlier_set) == "old"
    return run


def test_ctrl_c_in_process_exits_130_with_one_line(
    tmp_path: Path,
    earlier_set: dict[str, bytes],
    recon_cli: RunCli,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """KeyboardInterrupt while the JSON is written (pydantic wraps it): one line, exit 130."""
    from recon.models.results import CheckResult

    real, interrupt = CheckResult.model_dump, interrupting()

    def dump(self: CheckResult, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("mode") == "json":  # result.json and findings.json, not the check
            return interrupt()
        return real(self, *args, **kwargs)

    monkeypatch.setattr(CheckResult, "model_dump", dump)
    run = _interrupted_check(tmp_path / "p" / "out", earlier_set, recon_cli)
    run.assert_no_traceback()


def test_full_disk_leaves_the_earlier_set(
    tmp_path: Path,
    earlier_set: dict[str, bytes],
    recon_cli: RunCli,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import recon.pipeline.outputs as outputs

    out = tmp_path / "p" / "out"
    _place(earlier_set, out)
    real = outputs.write_chunks

    def full(path: Path, chunks: Iterator[str]) -> None:
        if Path(path).name == "findings.json":  # the last file: the reports are written
            raise OutputError(f"cannot write {path}: {os.strerror(errno.ENOSPC)}")
        real(path, chunks)

    monkeypatch.setattr(outputs, "write_chunks", full)
    run = recon_cli("check", PLANTED, "--out", out, "--no-progress")
    assert run.code == 2 and "No space left on device" in run.err, run.err
    assert _assert_whole_set(out.parent, out, earlier_set) == "old"


def test_a_read_only_earlier_file_in_a_writable_folder_is_replaced(
    tmp_path: Path, earlier_set: dict[str, bytes], recon_cli: RunCli
) -> None:
    out = tmp_path / "out"
    _place(earlier_set, out)
    (out / "report.html").chmod(0o444)
    run = recon_cli("check", PLANTED, "--out", out, "--no-progress")
    assert run.code == 1, run.err
    assert _assert_whole_set(tmp_path, out, earlier_set) == "new"
    assert (out / "report.html").stat().st_mode & 0o777 == 0o444  # its mode carries over


def test_atomic_path_keeps_the_temporary_file_writable_until_it_is_renamed(
    tmp_path: Path,
) -> None:
    """The 0444 of the file replaced was put on the temporary file before the writer
    opened it, so a non-root writer got "Permission denied" (root ignores modes, so the
    mode itself is checked here)."""
    from recon.atomic import atomic_path

    target = tmp_path / "report.html"
    target.write_text("old")
    target.chmod(0o444)
    with atomic_path(target) as tmp:
        assert tmp.stat().st_mode & stat.S_IWUSR, oct(tmp.stat().st_mode)
        tmp.write_text("new")
    assert target.read_text() == "new"
    assert target.stat().st_mode & 0o777 == 0o444


def test_folder_with_other_files_keeps_them_and_gets_the_whole_new_set(
    tmp_path: Path, earlier_set: dict[str, bytes], recon_cli: RunCli
) -> None:
    out = tmp_path / "out"
    _place(earlier_set, out)
    (out / "notes.txt").write_text("mine")
    run = recon_cli("check", PLANTED, "--out", out, "--no-progress")
    assert run.code == 1, run.err
    assert (out / "notes.txt").read_text() == "mine"
    (out / "notes.txt").unlink()
    assert _assert_whole_set(tmp_path, out, earlier_set) == "new"


def test_no_reports_removes_the_earlier_reports(
    tmp_path: Path, earlier_set: dict[str, bytes], recon_cli: RunCli
) -> None:
    out = tmp_path / "out"
    _place(earlier_set, out)
    run = recon_cli("check", PLANTED, "--out", out, "--no-progress", "--no-reports")
    assert run.code == 1, run.err
    assert sorted(os.listdir(out)) == ["findings.json", "result.json"]


def test_replace_set_failure_leaves_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "a").write_text("old a")
    (out / "b").write_text("old b")
    with pytest.raises(RuntimeError), replace_set(out, ["a", "b"]) as stage:
        (stage / "a").write_text("new a")
        raise RuntimeError("midway")
    assert sorted(os.listdir(tmp_path)) == ["out"]
    assert (out / "a").read_text() == "old a"
    with replace_set(out, ["a", "b"]) as stage:
        (stage / "a").write_text("new a")
        (stage / "b").write_text("new b")
    assert sorted(os.listdir(tmp_path)) == ["out"]
    assert [(out / n).read_text() for n in "ab"] == ["new a", "new b"]
    shutil.rmtree(out)
    with replace_set(out, ["a"]) as stage:
        (stage / "a").write_text("first")
    assert (out / "a").read_text() == "first" and sorted(os.listdir(tmp_path)) == ["out"]


def test_an_interrupt_a_library_wraps_is_still_an_interrupt(
    tmp_path: Path,
    earlier_set: dict[str, bytes],
    recon_cli: RunCli,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """pydantic's serializer turns the KeyboardInterrupt raised inside it into a
    PydanticSerializationError: still exit 130 with one line, not "internal error"."""
    from recon.models.results import CheckResult

    real = CheckResult.model_dump

    def wrapped(self: CheckResult, *args: Any, **kw: Any) -> Any:
        if kw.get("mode") != "json":  # only as result.json and findings.json are written
            return real(self, *args, **kw)
        try:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(1)
        except BaseException as e:  # what a library that catches everything does
            raise RuntimeError(f"Error calling function: {type(e).__name__}") from None
        raise AssertionError("the signal should have interrupted")

    monkeypatch.setattr(CheckResult, "model_dump", wrapped)
    run = _interrupted_check(tmp_path / "p" / "out", earlier_set, recon_cli)
    run.assert_no_traceback()


def test_an_interrupt_a_library_swallows_still_keeps_the_earlier_set(
    tmp_path: Path,
    earlier_set: dict[str, bytes],
    recon_cli: RunCli,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Some libraries catch everything (a bare ``except:`` around an optional import): the
    signal is still noted, the new set is not swapped in, and the exit is 130."""
    import recon.pipeline.outputs as outputs

    monkeypatch.setattr(outputs, "write_reports", swallowing_sigint(outputs.write_reports))
    _interrupted_check(tmp_path / "p" / "out", earlier_set, recon_cli)


def test_an_interrupted_command_leaves_no_signal_behind_for_the_next_call(
    tmp_path: Path,
    earlier_set: dict[str, bytes],
    recon_cli: RunCli,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The signal record belongs to the command it interrupted: the next call in the same
    process (the Python API in a notebook, another command) writes its outputs."""
    import recon.pipeline.outputs as outputs
    from recon.errors import SIGNALS_RECEIVED

    out = tmp_path / "p" / "out"
    _place(earlier_set, out)
    real = outputs.write_reports
    monkeypatch.setattr(outputs, "write_reports", swallowing_sigint(real))
    assert recon_cli("check", PLANTED, "--out", out, "--no-progress").code == 130
    monkeypatch.setattr(outputs, "write_reports", real)
    assert SIGNALS_RECEIVED == []
    other = tmp_path / "api"
    other.mkdir()
    with replace_set(other, ["a"]) as stage:
        (stage / "a").write_text("written")
    assert (other / "a").read_text() == "written"
    run = recon_cli("check", PLANTED, "--out", out, "--no-progress")
    assert run.code == 1, run.err
    assert _assert_whole_set(out.parent, out, earlier_set) == "new"


@pytest.mark.parametrize("fail_at", [1, 2, 3])
def test_a_rename_failing_midway_puts_the_earlier_members_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fail_at: int
) -> None:
    """With other files in the folder the members are renamed in one by one: a rename that
    fails after others succeeded returns the earlier members (and removes a new member
    that had no earlier counterpart), so no mix is left."""
    import recon.atomic as atomic

    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("the analyst's")
    (out / "a").write_text("old a")
    (out / "b").write_text("old b")
    real = os.replace
    calls = []

    def flaky(src: object, dst: object) -> None:
        calls.append(dst)
        if len(calls) == fail_at:
            raise OSError(5, "Input/output error")
        real(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(atomic.os, "replace", flaky)
    with pytest.raises(OutputError), replace_set(out, ["a", "b", "c"]) as stage:
        for name in ("a", "b", "c"):
            (stage / name).write_text(f"new {name}")
    monkeypatch.setattr(atomic.os, "replace", real)
    assert sorted(os.listdir(out)) == ["a", "b", "notes.txt"]
    assert [(out / n).read_text() for n in ("a", "b", "notes.txt")] == [
        "old a",
        "old b",
        "the analyst's",
    ]
    assert sorted(os.listdir(tmp_path)) == ["out"]


def test_out_dot_keeps_the_current_folder_and_stages_beside_it(
    tmp_path: Path, recon_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--out .`` from inside the folder: the set is written into the folder the shell is
    in (never swapped away, which would leave the shell in a removed folder), and the
    staging folder is made beside it, not inside."""
    here = tmp_path / "week"
    here.mkdir()
    monkeypatch.chdir(here)
    inode = here.stat().st_ino
    assert recon_cli("check", SAMPLE, "--out", ".", "--no-progress").code == 0
    assert here.stat().st_ino == inode and Path.cwd().stat().st_ino == inode
    assert sorted(os.listdir(here)) == sorted(SET)
    run = recon_cli("check", PLANTED, "--out", ".", "--no-progress")
    assert run.code == 1, run.err
    assert here.stat().st_ino == inode
    assert sorted(os.listdir(here)) == sorted(SET)
    assert json.loads((here / "findings.json").read_text())["counts"]["error"] > 0
    assert sorted(os.listdir(tmp_path)) == ["week"]
