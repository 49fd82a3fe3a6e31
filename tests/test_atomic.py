"""recon.atomic: single files written atomically, output sets replaced as one."""

from __future__ import annotations

import os
import signal
import stat
import time
from pathlib import Path

import pytest

from recon import atomic
from recon.atomic import (
    atomic_path,
    atomic_write_bytes,
    atomic_writer,
    replace_set,
    signals_deferred,
)
from recon.errors import SIGNALS_RECEIVED, Interrupted, OutputError


def test_atomic_writer_exception_inside_block(tmp_path: Path) -> None:
    target = tmp_path / "x.bin"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_writer(target) as fh:
        fh.write(b"new, half")
        raise RuntimeError("stop")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["x.bin"]


def test_atomic_write_bytes_sets_the_mode_asked_for(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "er" / "secret.key"
    atomic_write_bytes(target, b"k", mode=0o600)
    assert target.read_bytes() == b"k"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(p.name for p in target.parent.iterdir()) == ["secret.key"]


def test_atomic_path_hands_out_a_hidden_temporary_file_beside_the_target(tmp_path: Path) -> None:
    target = tmp_path / "book.xlsx"
    with atomic_path(target) as tmp:
        assert tmp.parent == tmp_path
        assert tmp.name.startswith(".book.xlsx.") and tmp.name.endswith(".tmp")
        assert not target.exists()
        tmp.write_bytes(b"PK")
    assert target.read_bytes() == b"PK"
    assert not tmp.exists()


def test_atomic_path_under_a_file_names_the_target(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    target = tmp_path / "f" / "out.json"
    with pytest.raises(OutputError, match=r"^cannot write .*out\.json: ") as e, atomic_path(target):
        pass
    assert str(target) in str(e.value)


def test_replace_set_creates_a_missing_folder_with_the_set(tmp_path: Path) -> None:
    out = tmp_path / "new" / "out"
    with replace_set(out, ["a.json", "b.csv"]) as staging:
        assert staging.parent == out.parent
        assert staging.name.startswith(".out" + atomic.STAGING_TAG)
        (staging / "a.json").write_text("1")
        (staging / "b.csv").write_text("2")
    assert sorted(p.name for p in out.iterdir()) == ["a.json", "b.csv"]
    assert sorted(p.name for p in out.parent.iterdir()) == ["out"]


def test_replace_set_onto_a_file_is_refused_and_the_file_kept(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.write_text("not a folder")
    with (
        pytest.raises(OutputError, match=r"^cannot write into .*out: it is not a folder$"),
        replace_set(out, ["a.json"]),
    ):
        pytest.fail("the block must not run")
    assert out.read_text() == "not a folder"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_replace_set_swaps_the_whole_set_and_drops_members_the_new_set_lacks(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.json").write_text("old a")
    (out / "b.csv").write_text("old b")
    with replace_set(out, ["a.json", "b.csv"]) as staging:
        (staging / "a.json").write_text("new a")
    assert {p.name: p.read_text() for p in out.iterdir()} == {"a.json": "new a"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # nothing staged is left


def test_a_signal_something_swallowed_keeps_the_earlier_set(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.json").write_text("old")
    SIGNALS_RECEIVED.append(signal.SIGTERM)
    try:
        with pytest.raises(Interrupted) as e, replace_set(out, ["a.json"]) as staging:
            (staging / "a.json").write_text("new")
    finally:
        SIGNALS_RECEIVED.clear()
    assert e.value.exit_code == 143
    assert (out / "a.json").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_the_current_folder_is_filled_member_by_member_not_swapped_away(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    (out / "sub").mkdir(parents=True)
    (out / "a.json").write_text("old")
    inode = out.stat().st_ino
    monkeypatch.chdir(out / "sub")
    with replace_set(out, ["a.json"]) as staging:
        (staging / "a.json").write_text("new")
    assert out.stat().st_ino == inode  # the user's shell is still in a folder that exists
    assert (out / "a.json").read_text() == "new"
    assert sorted(p.name for p in out.iterdir()) == ["a.json", "sub"]


def test_folders_an_earlier_killed_run_left_are_removed_and_a_fresh_staging_kept(
    tmp_path: Path,
) -> None:
    retired = tmp_path / f".out{atomic.RETIRED_TAG}abc"
    stale = tmp_path / f".out{atomic.STAGING_TAG}old"
    fresh = tmp_path / f".out{atomic.STAGING_TAG}new"
    other = tmp_path / f".other{atomic.RETIRED_TAG}abc"
    for folder in (retired, stale, fresh, other):
        (folder / "set").mkdir(parents=True)
    hours_ago = time.time() - 2 * 3600
    os.utime(stale, (hours_ago, hours_ago))
    with replace_set(tmp_path / "out", ["a.json"]) as staging:
        (staging / "a.json").write_text("1")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["out", fresh.name, other.name])


def test_signals_deferred_blocks_sigint_and_sigterm_only_inside_the_block() -> None:
    before = signal.pthread_sigmask(signal.SIG_BLOCK, [])
    with signals_deferred():
        held = signal.pthread_sigmask(signal.SIG_BLOCK, [])
        assert {signal.SIGINT, signal.SIGTERM} <= held
    assert signal.pthread_sigmask(signal.SIG_BLOCK, []) == before
