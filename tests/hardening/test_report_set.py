"""``recon report`` replaces report.xlsx and report.html as a pair (issue 16).

The folder of an earlier check holds the planted week's findings.json and result.json
beside an older pair of reports (the sample week's, so an old report and a new one always
differ). ``recon report`` rebuilds the pair from result.json; whatever happens (a full
disk, a writer that fails, SIGINT or SIGTERM at any moment), the folder then holds the
old pair whole or the new pair whole, never one of each, and no temporary file;
findings.json, result.json and any other file are left as they were.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from paths import FIXTURES

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
PAIR = ("disagreement.csv", "report.html", "report.xlsx")
SAVED = ("findings.json", "result.json")


def _check(paths: Path, out: Path) -> dict[str, bytes]:
    from recon.cli.main import main

    main(["check", str(paths), "--out", str(out), "--no-progress"])
    return snapshot(out)


@pytest.fixture(scope="module")
def checks(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """The planted week's check (whose result.json the reports are rebuilt from) and the
    sample week's (whose reports stand for the earlier pair)."""
    base = tmp_path_factory.mktemp("checks")
    planted = _check(PLANTED, base / "planted")
    sample = _check(SAMPLE, base / "sample")
    assert sorted(planted) == sorted(SAVED + PAIR) == sorted(sample)
    assert all(planted[n] != sample[n] for n in PAIR)
    return planted, sample


@pytest.fixture
def folder(tmp_path: Path, checks: tuple[dict[str, bytes], dict[str, bytes]]) -> Path:
    """``tmp_path/p/findings``: the planted check's findings.json and result.json, the
    sample check's reports, and a file of the user's."""
    return _place(tmp_path / "p" / "findings", checks)


def _place(out: Path, checks: tuple[dict[str, bytes], dict[str, bytes]]) -> Path:
    planted, sample = checks
    out.mkdir(parents=True)
    for name in SAVED:
        (out / name).write_bytes(planted[name])
    for name in PAIR:
        (out / name).write_bytes(sample[name])
    (out / "notes.txt").write_text("mine")
    return out


def _inodes(folder: Path) -> dict[str, int]:
    return {name: (folder / name).stat().st_ino for name in (*SAVED, "notes.txt")}


def _pair_state(out: Path, old: dict[str, bytes], others: tuple[str, ...] = ()) -> str:
    """Assert ``out`` holds the earlier pair or a complete new one (and ``others``), with
    nothing else in it or beside it; return ``"old"`` or ``"new"``."""
    assert sorted(os.listdir(out.parent)) == [out.name], os.listdir(out.parent)
    assert sorted(os.listdir(out)) == sorted(PAIR + others), os.listdir(out)
    now = {name: (out / name).read_bytes() for name in PAIR}
    same = [name for name in PAIR if now[name] == old[name]]
    if len(same) == len(PAIR):
        return "old"
    assert not same, f"mixed pair: {same} old, the other new"
    assert now["report.html"].rstrip().endswith(b"</html>")
    book = openpyxl.load_workbook(out / "report.xlsx", read_only=True)
    try:
        assert book.sheetnames
    finally:
        book.close()
    return "new"


def _assert_saved_untouched(
    folder: Path, inodes: dict[str, int], planted: dict[str, bytes]
) -> None:
    assert _inodes(folder) == inodes  # not even replaced by a copy
    assert {n: (folder / n).read_bytes() for n in SAVED} == {n: planted[n] for n in SAVED}
    assert (folder / "notes.txt").read_text() == "mine"


# ------------------------------------------------------------------ in process


def test_report_replaces_the_pair_in_the_findings_folder_and_keeps_the_rest(
    folder: Path, checks: tuple[dict[str, bytes], dict[str, bytes]], recon_cli: RunCli
) -> None:
    planted, sample = checks
    inodes = _inodes(folder)
    run = recon_cli("report", folder)
    assert run.code == 1, run.err  # the planted week has error findings
    run.assert_no_traceback()
    assert _pair_state(folder, sample, (*SAVED, "notes.txt")) == "new"
    _assert_saved_untouched(folder, inodes, planted)


def test_report_into_another_folder_replaces_only_the_pair_there(
    tmp_path: Path,
    folder: Path,
    checks: tuple[dict[str, bytes], dict[str, bytes]],
    recon_cli: RunCli,
) -> None:
    _, sample = checks
    before = snapshot(folder)
    other = tmp_path / "q" / "reports"
    other.mkdir(parents=True)
    for name in PAIR:  # a folder of reports only: swapped whole
        (other / name).write_bytes(sample[name])
    run = recon_cli("report", folder, "--out", other)
    assert run.code == 1, run.err
    assert _pair_state(other, sample) == "new"
    assert snapshot(folder) == before
    fresh = tmp_path / "r" / "new"
    assert recon_cli("report", folder, "--out", fresh).code == 1
    assert _pair_state(fresh, sample) == "new"


def test_report_of_the_current_folder(
    folder: Path,
    checks: tuple[dict[str, bytes], dict[str, bytes]],
    recon_cli: RunCli,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``recon report .``: "." has no name of its own to stage beside."""
    planted, sample = checks
    inodes = _inodes(folder)
    monkeypatch.chdir(folder)
    run = recon_cli("report", ".")
    assert run.code == 1, run.err
    assert _pair_state(folder, sample, (*SAVED, "notes.txt")) == "new"
    _assert_saved_untouched(folder, inodes, planted)


def _failing_report_keeps_the_pair(
    folder: Path,
    checks: tuple[dict[str, bytes], dict[str, bytes]],
    recon_cli: RunCli,
    monkeypatch: pytest.MonkeyPatch,
    writer: Callable[[object, Path], Path],
    message: str,
) -> Run:
    """``recon report`` with ``writer`` in place of the HTML writer: assert it exits 2 with
    one ``recon:`` line, ``message`` on stderr, the earlier pair and the other files left
    as they were; return the run."""
    import recon.report.html as html

    planted, sample = checks
    inodes = _inodes(folder)
    monkeypatch.setattr(html, "write_html", writer)
    run = recon_cli("report", folder)
    assert run.code == 2, run.err
    assert len(run.error_lines) == 1 and message in run.err, run.err
    assert _pair_state(folder, sample, (*SAVED, "notes.txt")) == "old"
    _assert_saved_untouched(folder, inodes, planted)
    return run


def test_a_full_disk_leaves_the_earlier_pair(
    folder: Path,
    checks: tuple[dict[str, bytes], dict[str, bytes]],
    recon_cli: RunCli,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def full(_result: object, path: Path) -> Path:  # the workbook is written by then
        assert (Path(path).parent / "report.xlsx").is_file()
        raise OutputError(f"cannot write {path}: {os.strerror(errno.ENOSPC)}")

    run = _failing_report_keeps_the_pair(
        folder, checks, recon_cli, monkeypatch, full, "No space left on device"
    )
    run.assert_no_traceback()


def test_a_failing_writer_leaves_the_earlier_pair(
    folder: Path,
    checks: tuple[dict[str, bytes], dict[str, bytes]],
    recon_cli: RunCli,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import recon.report.html as html

    real = html.write_html

    def broken(result: object, path: Path) -> Path:  # half a page, then a bug
        real(result, path)
        raise RuntimeError("template blew up")

    _failing_report_keeps_the_pair(
        folder, checks, recon_cli, monkeypatch, broken, "template blew up"
    )


def test_an_unwritable_out_folder_is_one_line(
    tmp_path: Path, folder: Path, recon_cli: RunCli
) -> None:
    (tmp_path / "file").write_text("not a folder")
    run = recon_cli("report", folder, "--out", tmp_path / "file" / "out")
    assert run.code == 2, run.err
    assert len(run.error_lines) == 1, run.err
    run.assert_no_traceback()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_while_writing_exits_with_one_line_and_keeps_the_pair(
    folder: Path,
    checks: tuple[dict[str, bytes], dict[str, bytes]],
    recon_cli: RunCli,
    monkeypatch: pytest.MonkeyPatch,
    sig: signal.Signals,
) -> None:
    import recon.report.html as html

    planted, sample = checks
    inodes = _inodes(folder)

    monkeypatch.setattr(html, "write_html", interrupting(sig))
    run = recon_cli("report", folder)
    if sig == signal.SIGINT:
        assert (run.code, run.error_lines) == (130, ["recon: interrupted"]), run.err
    else:
        assert (run.code, run.error_lines) == (143, ["recon: terminated by SIGTERM"]), run.err
    run.assert_no_traceback()
    assert _pair_state(folder, sample, (*SAVED, "notes.txt")) == "old"
    _assert_saved_untouched(folder, inodes, planted)


def test_a_signal_a_library_swallows_still_keeps_the_pair(
    folder: Path,
    checks: tuple[dict[str, bytes], dict[str, bytes]],
    recon_cli: RunCli,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import recon.report.html as html

    _, sample = checks
    monkeypatch.setattr(html, "write_html", swallowing_sigint(html.write_html))
    run = recon_cli("report", folder)
    assert (run.code, run.error_lines) == (130, ["recon: interrupted"]), run.err
    assert _pair_state(folder, sample, (*SAVED, "notes.txt")) == "old"


# ------------------------------------------------------------------ a real process


def _report_cmd(findings: Path, out: Path | None) -> list[str]:
    cmd = [sys.executable, "-m", "recon", "report", str(findings)]
    return cmd + (["--out", str(out)] if out is not None else [])


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_signals_at_many_moments_never_leave_a_mixed_pair(
    tmp_path: Path, checks: tuple[dict[str, bytes], dict[str, bytes]]
) -> None:
    planted, sample = checks
    # One run without a signal: the new pair is whole, and how long a run takes (only to
    # spread the signals over it; nothing here asserts a duration).
    findings = _place(tmp_path / "full" / "findings", checks)
    proc = subprocess.Popen(
        _report_cmd(findings, None), env=recon_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    wait_for_recon_handlers(proc)
    start = time.monotonic()
    _, stderr = proc.communicate(timeout=300)
    took = time.monotonic() - start
    assert proc.returncode == 1, stderr[-2000:]
    assert _pair_state(findings, sample, (*SAVED, "notes.txt")) == "new"

    # ("run", f): f of a run's length after recon's handlers are in place; ("staging", s):
    # s seconds after the staging folder appeared (the reports being written).
    moments = [("run", f) for f in (0.0, 0.2, 0.5, 0.8, 0.9, 0.95, 0.97, 0.99, 1.0, 1.2, 1.5)]
    moments += [("staging", d) for d in (0.0, 0.01, 0.03, 0.08, 0.15, 0.3)]
    outcomes = []
    for i, (when, amount) in enumerate(moments):
        sig = signal.SIGINT if i % 2 else signal.SIGTERM
        findings = _place(tmp_path / f"run{i}" / "findings", checks)
        inodes = _inodes(findings)
        if i % 3 == 2:  # into a folder of reports only (swapped whole)
            out: Path = tmp_path / f"run{i}" / "q" / "reports"
            out.mkdir(parents=True)
            for name in PAIR:
                (out / name).write_bytes(sample[name])
            others: tuple[str, ...] = ()
        else:  # into the findings folder itself (report by report, the rest kept)
            out, others = findings, (*SAVED, "notes.txt")
        proc = subprocess.Popen(
            _report_cmd(findings, None if out == findings else out),
            env=recon_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        wait_for_recon_handlers(proc)
        if when == "run":
            time.sleep(took * amount)
        else:
            while proc.poll() is None and not any(out.parent.glob(f".{out.name}.tmp-*")):
                time.sleep(0.001)
            time.sleep(amount)
        proc.send_signal(sig)
        err = signalled_stderr(proc)
        state = _pair_state(out, sample, others)
        _assert_saved_untouched(findings, inodes, planted)
        # killed only after main() put the default action back: done
        assert_signal_outcome(proc.returncode, sig, err, state, silent_old=False)
        outcomes.append((when, amount, sig.name, proc.returncode, state))
    print(outcomes)
    assert any(o[3] in (130, 143) for o in outcomes), outcomes
