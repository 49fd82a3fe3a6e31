"""recon.serve.config: where ``recon serve`` may listen (SPEC §12) and the host names it
answers to."""

from __future__ import annotations

from pathlib import Path

import pytest

from recon.errors import UsageError
from recon.serve.config import ServeConfig, check_listen, is_loopback, is_wildcard


@pytest.mark.parametrize("name", ["recon.example.com:443", "https://x", "*.example.com", ""])
def test_an_allowed_host_is_a_bare_name(name: str, tmp_path: Path) -> None:
    config = ServeConfig(store=tmp_path, allowed_hosts=(name,))
    with pytest.raises(Exception, match="is not a host name"):
        check_listen(config)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("127.8.9.1", True), ("::1", True), ("[::1]", True),
     ("localhost", True), ("0.0.0.0", False), ("10.0.0.1", False), ("example.com", False)],
)  # fmt: skip
def test_loopback_addresses(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


@pytest.mark.parametrize(
    ("host", "wildcard"),
    [("0.0.0.0", True), ("::", True), ("[::]", True), ("127.0.0.1", False),
     ("192.0.2.10", False), ("recon.example.com", False), ("", False)],
)  # fmt: skip
def test_wildcard_addresses(host: str, wildcard: bool) -> None:
    assert is_wildcard(host) is wildcard


def test_the_host_names_answered_are_the_loopback_names_the_host_and_those_allowed(
    tmp_path: Path,
) -> None:
    config = ServeConfig(
        store=tmp_path, host="Recon.Example.COM", allowed_hosts=(" Proxy.Example.com ", " ")
    )
    assert config.hosts == {
        "127.0.0.1",
        "localhost",
        "::1",
        "recon.example.com",
        "proxy.example.com",
    }
    wildcard = ServeConfig(store=tmp_path, host="0.0.0.0", allowed_hosts=("[::1]",))
    assert "0.0.0.0" not in wildcard.hosts and "::1" in wildcard.hosts


def test_logins_follow_the_users_file(tmp_path: Path) -> None:
    assert not ServeConfig(store=tmp_path).logins
    assert ServeConfig(store=tmp_path, users_file=tmp_path / "users.toml").logins


@pytest.mark.parametrize(
    ("host", "users", "allowed"),
    [("127.0.0.1", False, ()), ("localhost", False, ()), ("::1", False, ()),
     ("192.0.2.10", True, ()), ("0.0.0.0", True, ("recon.example.com",)),
     ("::", True, ("[2001:db8::1]",))],
)  # fmt: skip
def test_places_spec_12_allows(
    host: str, users: bool, allowed: tuple[str, ...], tmp_path: Path
) -> None:
    users_file = tmp_path / "users.toml" if users else None
    check_listen(ServeConfig(store=tmp_path, host=host, users_file=users_file,
                             allowed_hosts=allowed))  # fmt: skip


def test_refusals_say_which_option_is_missing(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"--host 192\.0\.2\.10 listens beyond this machine"):
        check_listen(ServeConfig(store=tmp_path, host="192.0.2.10"))
    with pytest.raises(UsageError, match=r"--host 0\.0\.0\.0 listens on every address"):
        check_listen(ServeConfig(store=tmp_path, host="0.0.0.0", users_file=tmp_path / "u"))
    with pytest.raises(UsageError, match=r"'user@recon\.example\.com' is not a host name"):
        check_listen(ServeConfig(store=tmp_path, allowed_hosts=("user@recon.example.com",)))
