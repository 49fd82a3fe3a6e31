"""Fixtures for tests against the PaSS emulator over real TLS on 127.0.0.1.

Certificates are made fresh per test session with trustme; nothing secret is committed.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from emulator_testing import FakeClock, TestPki, write_mini_week, write_test_pki
from isolation import PROXY_VARIABLES
from paths import FIXTURES

from recon.emulator import Faults, PassEmulator
from recon.pass_client.client import PassClient
from recon.pass_client.config import PassConfig
from recon.pass_client.retry import RetryPolicy

SAMPLE_WEEK = FIXTURES / "sample_week"


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> TestPki:
    """A CA, the emulator's certificate, a trusted and an untrusted client certificate."""
    return write_test_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="session")
def mini_week(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small synthetic week: two runs of SWANGEN, JSON and PDF."""
    return write_mini_week(tmp_path_factory.mktemp("mini_week"))


@pytest.fixture()
def emulator(pki: TestPki, mini_week: Path) -> Iterator[PassEmulator]:
    """The emulator serving the mini week, no faults."""
    with PassEmulator(mini_week, pki.server_cert, pki.server_key, pki.ca, faults=Faults()) as emu:
        yield emu


@pytest.fixture()
def env(emulator: PassEmulator, pki: TestPki, tmp_path: Path) -> dict[str, str]:
    """``recon fetch``'s settings through the environment (the emulator, the trusted client
    certificate, SWANGEN), and an empty config file (not the user's)."""
    empty = tmp_path / "empty.toml"
    empty.write_text("")
    return {
        "RECON_PASS_URL": emulator.url,
        "RECON_PASS_CERT": str(pki.client_cert),
        "RECON_PASS_KEY": str(pki.client_key),
        "RECON_PASS_CA": str(pki.ca),
        "RECON_PARTICIPANT": "SWANGEN",
        "RECON_CONFIG": str(empty),
    }


@pytest.fixture()
def clock() -> FakeClock:
    """A fake clock whose sleep only moves it."""
    return FakeClock()


ClientFactory = Callable[..., PassClient]


@pytest.fixture()
def make_client(pki: TestPki, clock: FakeClock) -> Iterator[ClientFactory]:
    """Build PaSS clients on the fake clock; all are closed after the test."""
    made: list[PassClient] = []

    def make(
        emu: PassEmulator,
        *,
        participant: str = "SWANGEN",
        cert: Path | str | None = "good",
        key: Path | str | None = "good",
        timeout: float = 5.0,
        retry: RetryPolicy | None = None,
        **kwargs: Any,
    ) -> PassClient:
        cert_path = pki.client_cert if cert == "good" else cert
        key_path = pki.client_key if key == "good" else key
        config = PassConfig(
            base_url=emu.url,
            participant=participant,
            cert=cert_path,
            key=key_path,  # type: ignore[arg-type]
            ca=pki.ca,
            timeout=timeout,
        )
        client = PassClient(
            config, clock=clock, sleep=clock.sleep, rng=random.Random(7), retry=retry, **kwargs
        )
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep every request on 127.0.0.1 even where a proxy is configured."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
