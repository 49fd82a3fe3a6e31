"""``recon serve`` as a command: where it may listen (SPEC §12), what stops it starting
(exit 2, one line), and a real run stopped by SIGTERM."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from recon.cli.main import main

from .helpers import REPO


def _one_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert "Traceback" not in err[0]
    return err[0]


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.10", "recon.example.com"])
def test_a_host_beyond_this_machine_needs_a_users_file(
    host: str, walk_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", "--store", str(walk_store), "--host", host]) == 2
    assert "give --users FILE" in _one_line(capsys)


def test_a_wildcard_host_needs_the_names_it_answers_to(
    walk_store: Path, users_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["serve", "--store", str(walk_store), "--host", "0.0.0.0", "--users",
                 str(users_file)])  # fmt: skip
    assert code == 2
    assert "--allowed-host NAME" in _one_line(capsys)


def test_no_store_or_not_a_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--store", str(tmp_path / "none.duckdb")]) == 2
    assert "no store at" in _one_line(capsys)
    other = tmp_path / "notes.duckdb"
    other.write_text("not a database")
    assert main(["serve", "--store", str(other)]) == 2
    assert "not a recon store" in _one_line(capsys)


def test_a_users_file_that_does_not_read(
    walk_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "users"
    assert main(["serve", "--store", str(walk_store), "--users", str(missing)]) == 2
    assert "no users file at" in _one_line(capsys)
    missing.write_text("alice\n")
    assert main(["serve", "--store", str(walk_store), "--users", str(missing)]) == 2
    assert f"{missing}, line 1" in _one_line(capsys)
    missing.write_text("# nobody yet\n")
    assert main(["serve", "--store", str(walk_store), "--users", str(missing)]) == 2
    assert "has no user" in _one_line(capsys)


def test_a_port_in_use(walk_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        assert main(["serve", "--store", str(walk_store), "--port", str(port)]) == 2
    assert f"cannot listen on 127.0.0.1:{port}" in _one_line(capsys)


def test_every_option_is_explained(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--help"]) == 0
    out = capsys.readouterr().out
    for option in ("--store", "--host", "--port", "--users", "--read-only", "--allowed-host",
                   "--trusted-proxy", "--add-user"):  # fmt: skip
        assert option in out


def test_a_config_file_that_does_not_read(
    walk_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[disputes]\nnod_busines_days = 10\n")
    monkeypatch.setenv("RECON_CONFIG", str(config))
    assert main(["serve", "--store", str(walk_store)]) == 2
    assert str(config) in _one_line(capsys)


def test_it_serves_until_sigterm(walk_store: Path, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[disputes]\nnod_business_days = 10\n")
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "RECON_CONFIG": str(config)}
    env.pop("RECON_STORE", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "recon", "serve", "--store", str(walk_store), "--port", "0"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stderr is not None
        first = proc.stderr.readline()
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", first)
        assert found, first
        with urllib.request.urlopen(f"http://127.0.0.1:{found.group(1)}/", timeout=60) as page:
            assert page.status == 200 and b"TW 15 Dec 2024" in page.read()
        api = f"http://127.0.0.1:{found.group(1)}/api/issues"
        with urllib.request.urlopen(api, timeout=60) as answer:  # due dates from the config
            assert [i["due"] for i in json.load(answer)] == ["2025-01-16"]
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 143
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1] == "recon: terminated by SIGTERM"
    with socket.socket() as again:
        again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        again.bind(("127.0.0.1", int(found.group(1))))
