"""Keeping the machine's own recon settings out of a test: no user store, config file,
PaSS settings or user name from the environment, and the XDG folders (where recon keeps
its default store and config file) inside the test's own temporary folder."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest

RECON_VARIABLES = (
    "RECON_PASS_URL",
    "RECON_CONFIG",
    "RECON_STORE",
    "RECON_STORE_WAIT",
    "RECON_USER",
)
"""Environment variables recon reads that a test must set itself if it wants them."""

PROXY_VARIABLES = (
    "HTTPS_PROXY",
    "HTTP_PROXY",
    "ALL_PROXY",
    "https_proxy",
    "http_proxy",
    "all_proxy",
)
"""Proxy settings, removed for every test (the emulator fixtures' ``_no_proxy``): every
request a test makes stays on 127.0.0.1."""


def isolate(monkeypatch: pytest.MonkeyPatch, folder: Path, also: Iterable[str] = ()) -> None:
    """Remove recon's variables (and ``also``) from the environment and point
    ``XDG_DATA_HOME`` and ``XDG_CONFIG_HOME`` into ``folder``, for the test's duration."""
    for name in (*RECON_VARIABLES, *also):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(folder / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder / "xdg-config"))
