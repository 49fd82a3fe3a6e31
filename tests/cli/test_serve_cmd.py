"""recon.cli.serve_cmd: ``recon serve`` as a command: where it may listen (SPEC §12), what
stops it starting (exit 2, one line), ``--add-user``, and a real run stopped by SIGTERM.

The password asked on a terminal is in tests/serve/test_users.py.
"""

from __future__ import annotations

import io
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
from paths import REPO

from recon.cli.main import main
from recon.cli.serve_cmd import serve as serve_command
from recon.serve.users import read_users

SECRET = "correct horse battery"


def _recon(
    args: list[str], stdin: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    capsys.readouterr()
    code = main(args)
    return code, capsys.readouterr().err


def test_add_user_adds_then_changes_a_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    users = tmp_path / "users.txt"
    args = ["serve", "--add-user", "ann.lee@wa", "--users", str(users)]
    code, err = _recon(args, SECRET + "\r\n", monkeypatch, capsys)
    assert (code, err.strip()) == (0, f"recon serve: added ann.lee@wa in {users}")
    assert read_users(users)["ann.lee@wa"].matches(SECRET)
    assert SECRET not in users.read_text()  # only its salted hash
    code, err = _recon(args, "another long one\n", monkeypatch, capsys)
    assert (code, err.strip()) == (0, f"recon serve: changed the password of ann.lee@wa in {users}")
    assert read_users(users)["ann.lee@wa"].matches("another long one")
    assert not read_users(users)["ann.lee@wa"].matches(SECRET)


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["--add-user", "ann"], SECRET,
         "recon: --add-user needs --users FILE: the file to add the user to"),
        (["--add-user", "ann lee", "--users", "{users}"], SECRET,
         "recon: the user name 'ann lee' is not 1 to 64 letters, digits or . _ @ -"),
        (["--add-user", "ann", "--users", "{users}"], "\n", "recon: no password given"),
        (["--add-user", "ann", "--users", "{users}"], "", "recon: no password given"),
    ],
)  # fmt: skip
def test_add_user_refusals_are_one_line_and_write_nothing(
    args: list[str], stdin: str, message: str, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    users = tmp_path / "users.txt"
    argv = ["serve", *(a.format(users=users) for a in args)]
    code, err = _recon(argv, stdin, monkeypatch, capsys)
    assert (code, err.strip()) == (2, message)
    assert not users.exists()


def test_a_port_out_of_range_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = _recon(["serve", "--store", str(tmp_path / "s.duckdb"), "--port", "65536"], "",
                       monkeypatch, capsys)  # fmt: skip
    assert code == 2
    assert "Invalid value for '--port': 65536 is not in the range 0<=x<=65535." in err


def test_an_empty_users_file_is_refused_with_how_to_add_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    users = tmp_path / "users.txt"
    users.write_text("")
    code, err = _recon(["serve", "--store", str(tmp_path / "s.duckdb"), "--users", str(users)],
                       "", monkeypatch, capsys)  # fmt: skip
    assert code == 2
    assert err.strip() == (
        f"recon: the users file {users} has no user: add one with `recon serve --add-user "
        f"NAME --users {users}`"
    )
    assert not (tmp_path / "s.duckdb").exists()


def test_defaults_listen_on_this_machine_only() -> None:
    params = {p.name: p for p in serve_command.params}
    assert params["host"].default == "127.0.0.1"
    assert params["port"].default == 8765


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
