"""recon.serve.state: what the server holds between requests, made from its settings."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from recon.errors import UsageError
from recon.serve.config import ServeConfig
from recon.serve.state import ServeState

from .helpers import PASSWORD, USER


def test_without_a_users_file_nobody_logs_in(tmp_path: Path) -> None:
    state = ServeState.from_config(ServeConfig(store=tmp_path / "s.duckdb"))
    assert state.users is None
    assert state.sleep is asyncio.sleep


def test_the_users_file_is_read(tmp_path: Path, users_file: Path) -> None:
    state = ServeState.from_config(ServeConfig(store=tmp_path / "s.duckdb", users_file=users_file))
    assert state.users is not None and state.users.path == users_file
    assert state.users.verify(USER, PASSWORD)
    assert not state.users.verify(USER, "wrong")


def test_a_users_file_that_does_not_read_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"missing\.txt"):
        ServeState.from_config(
            ServeConfig(store=tmp_path / "s.duckdb", users_file=tmp_path / "missing.txt")
        )


def test_each_server_has_its_own_sessions_and_throttle(tmp_path: Path) -> None:
    config = ServeConfig(store=tmp_path / "s.duckdb")
    one, two = ServeState.from_config(config), ServeState.from_config(config)
    token, _ = one.sessions.create("alice")
    assert one.sessions.get(token) is not None
    assert two.sessions.get(token) is None
    assert one.throttle is not two.throttle and one.credentials is not two.credentials
    assert one.reports is not two.reports
