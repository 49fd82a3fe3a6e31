"""recon.serve.config: where ``recon serve`` may listen (SPEC §12) and the host names it
answers to."""

from __future__ import annotations

from pathlib import Path

import pytest

from recon.serve.config import ServeConfig, check_listen, is_loopback


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
