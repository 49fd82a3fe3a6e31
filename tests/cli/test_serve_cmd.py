"""recon.cli.serve_cmd: ``recon serve --add-user`` and the refusals made before listening.

Where the server may listen, a store that is not there, a users file that does not read and
a real run stopped by SIGTERM are in tests/serve/test_cli.py; the password asked on a
terminal in tests/serve/test_users.py.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import click
import pytest

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
    for param in serve_command.params:
        if isinstance(param, click.Option):
            assert param.help, param.opts
