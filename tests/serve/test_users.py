"""The users file: salted scrypt hashes with their parameters, never the password; lines
that do not read are named; ``recon serve --add-user`` asks twice on a terminal and reads
one line otherwise."""

from __future__ import annotations

import base64
import os
import pty
import select
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from recon.cli.main import main
from recon.errors import UsageError
from recon.serve import users as users_module
from recon.serve.users import DUMMY, Users, add_user, hash_password, parse_hash, read_users

from .helpers import REPO

SECRET = "tr0ub4dor & 3 horses"


def test_a_line_holds_the_parameters_a_salt_and_the_hash_never_the_password(tmp_path: Path) -> None:
    path = tmp_path / "users"
    assert add_user(path, "bob", SECRET) is False
    text = path.read_text()
    assert SECRET not in text and SECRET.encode().hex() not in text
    name, _, rest = text.strip().partition(":")
    assert name == "bob"
    scheme, n, r, p, salt, digest = rest.split("$")
    assert (scheme, n, r, p) == ("scrypt", "32768", "8", "1")
    assert len(base64.b64decode(salt)) == 16 and len(base64.b64decode(digest)) == 32
    assert parse_hash(rest).matches(SECRET) and not parse_hash(rest).matches(SECRET + " ")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    add_user(path, "carol", SECRET)  # the same password, another salt
    lines = path.read_text().splitlines()
    assert lines[0].split("$")[4] != lines[1].split("$")[4]
    assert lines[0].split("$")[5] != lines[1].split("$")[5]


def test_adding_a_user_again_changes_the_password(tmp_path: Path) -> None:
    path = tmp_path / "users"
    add_user(path, "bob", SECRET)
    add_user(path, "carol", SECRET)
    assert add_user(path, "bob", "another long secret") is True
    found = read_users(path)
    assert sorted(found) == ["bob", "carol"]
    assert found["bob"].matches("another long secret") and not found["bob"].matches(SECRET)


def test_verify_costs_the_same_for_an_unknown_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "users"
    add_user(path, "bob", SECRET)
    users = Users(path)
    checked: list[object] = []
    real = users_module.PasswordHash.matches

    def spy(self: users_module.PasswordHash, password: str) -> bool:
        checked.append(self)
        return real(self, password)

    monkeypatch.setattr(users_module.PasswordHash, "matches", spy)
    assert users.verify("bob", SECRET)
    assert not users.verify("bob", "wrong")
    assert not users.verify("mallory", SECRET)  # a scrypt is still run, against DUMMY
    assert len(checked) == 3 and checked[2] is DUMMY


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("bob", "expected name:scrypt"),
        ("bob:sha1$abc", "expected scrypt"),
        ("bob:scrypt$32768$8$1$!!$!!", "do not read"),
        ("bob:scrypt$1048577$8$1$AAAAAAAAAAA=$AAAAAAAAAAAAAAAAAAAAAA==", "out of range"),
        ("bob:scrypt$1000$8$1$AAAAAAAAAAA=$AAAAAAAAAAAAAAAAAAAAAA==", "out of range"),
        ("b o b:scrypt$32768$8$1$AAAAAAAAAAA=$AAAAAAAAAAAAAAAAAAAAAA==", "expected name"),
    ],
)
def test_a_line_that_does_not_read_is_named(tmp_path: Path, line: str, problem: str) -> None:
    path = tmp_path / "users"
    good = f"alice:{hash_password(SECRET).line_text()}"
    path.write_text(f"# the team\n{good}\n\n{line}\n")
    with pytest.raises(UsageError, match=rf"{path}, line 4: .*{problem}"):
        read_users(path)


def test_a_name_twice_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "users"
    line = f"alice:{hash_password(SECRET).line_text()}"
    path.write_text(f"{line}\n{line}\n")
    with pytest.raises(UsageError, match="line 2: the user alice is there twice"):
        read_users(path)


def test_the_server_reads_the_file_again_when_it_changes(tmp_path: Path) -> None:
    path = tmp_path / "users"
    add_user(path, "bob", SECRET)
    users = Users(path)
    assert not users.verify("carol", SECRET)
    time.sleep(0.01)
    add_user(path, "carol", SECRET)
    assert users.verify("carol", SECRET)
    path.write_text("this line does not read\n")  # a half-edited file locks nobody out
    assert users.verify("carol", SECRET)


@pytest.mark.parametrize("name", ["", "a:b", "a b", "x" * 65, "bob\n", "é"])
def test_bad_names_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(UsageError, match="user name"):
        add_user(tmp_path / "users", name, SECRET)


def test_add_user_reads_one_line_from_standard_input(tmp_path: Path) -> None:
    path = tmp_path / "users"
    proc = subprocess.run(
        [sys.executable, "-m", "recon", "serve", "--add-user", "dave", "--users", str(path)],
        input=SECRET + "\n",
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "added dave" in proc.stderr
    assert read_users(path)["dave"].matches(SECRET)


def test_add_user_refuses_a_short_password_and_needs_the_users_file(tmp_path: Path) -> None:
    path = tmp_path / "users"
    proc = subprocess.run(
        [sys.executable, "-m", "recon", "serve", "--add-user", "dave", "--users", str(path)],
        input="short\n",
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == ["recon: the password is shorter than 10 characters"]
    assert not path.exists()
    assert main(["serve", "--add-user", "dave"]) == 2


def _read_until(fd: int, wanted: bytes, deadline: float) -> bytes:
    seen = b""
    while wanted not in seen:
        assert time.monotonic() < deadline, seen
        ready, _, _ = select.select([fd], [], [], 1)
        if ready:
            try:
                chunk = os.read(fd, 1024)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    return seen


def test_add_user_asks_twice_on_a_terminal(tmp_path: Path) -> None:
    path = tmp_path / "users"
    pid, fd = pty.fork()
    if pid == 0:  # the child: recon on the terminal
        os.chdir(REPO)
        os.execv(
            sys.executable,
            [sys.executable, "-m", "recon", "serve", "--add-user", "erin", "--users", str(path)],
        )
    deadline = time.monotonic() + 120
    try:
        _read_until(fd, b"Password:", deadline)
        os.write(fd, SECRET.encode() + b"\n")
        _read_until(fd, b"Repeat", deadline)
        os.write(fd, SECRET.encode() + b"\n")
        out = _read_until(fd, b"added erin", deadline)
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    assert SECRET.encode() not in out  # not echoed
    assert os.waitstatus_to_exitcode(status) == 0
    assert read_users(path)["erin"].matches(SECRET)
