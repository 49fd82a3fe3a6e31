"""The PaSS API client: config, throttle, retries, errors and TLS, against the emulator.

Every network call goes to the emulator on 127.0.0.1 over real mutual TLS; waiting is done
on a fake clock, so the module runs in about a second.
"""

from __future__ import annotations

import random
import ssl
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest
from emulator_testing import FakeClock, TestPki, write_test_pki

from recon.emulator import Faults, PassEmulator
from recon.errors import EXIT_CANNOT_RUN, FetchError, UsageError
from recon.pass_client.api_errors import PassApiError
from recon.pass_client.client import PassClient
from recon.pass_client.config import PassConfig, resolve_config
from recon.pass_client.protocol import document_of
from recon.pass_client.retry import RetryPolicy

WEEK = date(2024, 12, 1)
RUN = 900101


# --- fixtures: pki, mini_week, clock and _no_proxy come from tests/support/emulator_fixtures


@pytest.fixture()
def emu(pki: TestPki, mini_week: Path) -> Iterator[PassEmulator]:
    """An emulator of this test's own, no faults, its request log empty.

    Not shared across the module: a request of an earlier test that was still finishing
    (a dropped connection, a slow answer) would land in the next test's log.
    """
    with PassEmulator(mini_week, pki.server_cert, pki.server_key, pki.ca, faults=Faults()) as e:
        yield e


def _config(emu: PassEmulator, pki: TestPki, **over: object) -> PassConfig:
    fields: dict[str, object] = {
        "base_url": emu.url,
        "participant": "SWANGEN",
        "cert": pki.client_cert,
        "key": pki.client_key,
        "ca": pki.ca,
        "timeout": 5.0,
    }
    fields.update(over)
    return PassConfig(**fields)  # type: ignore[arg-type]


@pytest.fixture()
def client(emu: PassEmulator, pki: TestPki, clock: FakeClock) -> Iterator[PassClient]:
    with PassClient(_config(emu, pki), clock=clock, sleep=clock.sleep, rng=random.Random(1)) as c:
        yield c


def _statuses(emu: PassEmulator) -> list[int]:
    return [r.status for r in emu.requests]


def test_encrypted_key_needs_its_password(tmp_path: Path, pki: TestPki) -> None:
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_private_key(pki.client_key.read_bytes(), password=None)
    locked = tmp_path / "locked.key"
    locked.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"open sesame"),
        )
    )
    with pytest.raises(UsageError, match="RECON_PASS_KEY_PASSWORD"):
        PassClient(PassConfig("https://127.0.0.1:1", "SWANGEN", pki.client_cert, locked))
    PassClient(
        PassConfig(
            "https://127.0.0.1:1", "SWANGEN", pki.client_cert, locked, key_password="open sesame"
        )
    ).close()
    env = {
        "RECON_PASS_KEY_PASSWORD": "open sesame",
        "RECON_PASS_URL": "https://h",
        "RECON_PARTICIPANT": "SWANGEN",
        "RECON_PASS_CERT": str(pki.client_cert),
        "RECON_PASS_KEY": str(locked),
    }
    empty = tmp_path / "empty.toml"
    empty.write_text("")
    assert resolve_config(env=env, config_file=empty).key_password == "open sesame"


def test_bad_certificate_file_is_a_usage_error(tmp_path: Path, pki: TestPki) -> None:
    junk = tmp_path / "junk.pem"
    junk.write_text("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n")
    with pytest.raises(UsageError) as err:
        PassClient(PassConfig("https://127.0.0.1:1", "SWANGEN", junk, pki.client_key, pki.ca))
    assert "cannot load the client certificate" in str(err.value)
    assert "not base64" not in str(err.value)


# --- throttle ------------------------------------------------------------------------------


def _max_in_window(times: list[float], seconds: float) -> int:
    return max(sum(1 for u in times if t - seconds < u <= t) for t in times)


def test_client_throttles_real_calls(
    emu: PassEmulator, client: PassClient, clock: FakeClock
) -> None:
    stamps: list[float] = []
    original = client.throttle.acquire

    def acquire() -> float:
        waited = original()
        stamps.append(clock())
        return waited

    client.throttle.acquire = acquire  # type: ignore[method-assign]
    for _ in range(110):
        client.timeline(WEEK)
    assert len(emu.requests) == 110
    assert _max_in_window(stamps, 60.0) <= 50
    assert sum(clock.sleeps) >= 2 * 60  # 110 calls cannot fit in under two minutes
    # (the five-minute limit is shown over 600 calls in the test above)


# --- retries -------------------------------------------------------------------------------


def test_429_then_success_respects_retry_after(
    emu: PassEmulator, client: PassClient, clock: FakeClock
) -> None:
    emu.set_faults(Faults(status_429=2, retry_after=7))
    body = client.summary(RUN)
    assert document_of(body)["runId"] == str(RUN)
    assert _statuses(emu) == [429, 429, 200]
    assert clock.sleeps == [7.0, 7.0]


def test_retry_after_longer_than_allowed_fails_at_once(
    emu: PassEmulator, pki: TestPki, clock: FakeClock
) -> None:
    emu.set_faults(Faults(status_429=1, retry_after=3600))
    with (
        PassClient(_config(emu, pki), clock=clock, sleep=clock.sleep) as c,
        pytest.raises(PassApiError) as err,
    ):
        c.summary(RUN)
    assert "asked to wait 3600 s" in str(err.value)
    assert _statuses(emu) == [429] and clock.sleeps == []


def test_503_twice_then_success_backs_off(
    emu: PassEmulator, client: PassClient, clock: FakeClock
) -> None:
    emu.set_faults(Faults(status_503=2))
    assert client.invoice(RUN)
    assert _statuses(emu) == [503, 503, 200]
    assert len(clock.sleeps) == 2
    policy = RetryPolicy()
    assert policy.backoff_base / 2 <= clock.sleeps[0] <= policy.backoff_base
    assert policy.backoff_base <= clock.sleeps[1] <= 2 * policy.backoff_base


def test_503_forever_gives_up_after_max_attempts(
    emu: PassEmulator, pki: TestPki, clock: FakeClock
) -> None:
    emu.set_faults(Faults(status_503=100))
    retry = RetryPolicy(max_attempts=4, backoff_base=1, backoff_cap=2)
    with (
        PassClient(_config(emu, pki), clock=clock, sleep=clock.sleep, retry=retry) as c,
        pytest.raises(FetchError) as err,
    ):
        c.invoice(RUN)
    assert _statuses(emu) == [503] * 4
    assert "gave up after 4 attempts" in str(err.value)
    assert all(s <= 2 for s in clock.sleeps)  # capped


def test_404_is_not_retried_and_names_aemo_error(
    emu: PassEmulator, client: PassClient, clock: FakeClock
) -> None:
    with pytest.raises(PassApiError) as err:
        client.summary(123456)
    e = err.value
    assert isinstance(e, FetchError) and e.exit_code == EXIT_CANNOT_RUN
    assert (e.status, e.code, e.title) == (404, "NOT_FOUND", "Not Found")
    assert "summary of run 123456" in str(e) and "NOT_FOUND Not Found" in str(e)
    assert _statuses(emu) == [404] and clock.sleeps == []


def test_400_401_403_are_not_retried(
    emu: PassEmulator, pki: TestPki, client: PassClient, clock: FakeClock
) -> None:
    with pytest.raises(PassApiError) as err:
        client.timeline(date(2024, 12, 2))  # a Monday
    assert err.value.status == 400 and "BAD_REQUEST" in str(err.value)
    with (
        PassClient(
            _config(emu, pki, participant="OTHERCO"), clock=clock, sleep=clock.sleep
        ) as other,
        pytest.raises(PassApiError) as err,
    ):
        other.summary(RUN)
    assert err.value.status == 403 and "FORBIDDEN" in str(err.value)
    assert "OTHERCO" not in str(err.value)  # a header value never appears
    assert _statuses(emu) == [400, 403] and clock.sleeps == []
    # 401: the identity header left out (httpx directly, with the good certificate).
    ctx = ssl.create_default_context(cafile=str(pki.ca))
    ctx.load_cert_chain(str(pki.client_cert), str(pki.client_key))
    with httpx.Client(verify=ctx) as raw:
        r = raw.get(f"{emu.url}/statements/{RUN}/summary", headers={"x-market": "WEM"})
    assert r.status_code == 401
    assert r.json()["errors"][0]["code"] == "UNAUTHORIZED"


def test_timeout_is_retried(emu: PassEmulator, pki: TestPki, clock: FakeClock) -> None:
    emu.set_faults(Faults(slow=0.6, slow_count=1))
    with PassClient(_config(emu, pki, timeout=0.2), clock=clock, sleep=clock.sleep) as c:
        assert c.invoice_pdf(RUN).startswith(b"%PDF-")
    assert len(clock.sleeps) == 1
    assert [r.status for r in emu.requests][-1] == 200


def test_dropped_connection_is_retried(
    emu: PassEmulator, client: PassClient, mini_week: Path
) -> None:
    emu.set_faults(Faults(drop=1, path="/pdf$"))
    assert client.invoice_pdf(RUN) == (mini_week / f"invoice_{RUN}.pdf").read_bytes()
    assert [r.fault for r in emu.requests] == ["drop", None]


def test_headers_sent(emu: PassEmulator, pki: TestPki) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"transactionId": "t", "data": []})

    cfg = _config(emu, pki)
    with PassClient(cfg, transport=httpx.MockTransport(handler)) as c:
        assert c.timeline(WEEK) == []
    req = seen[0]
    assert req.headers["x-initiatingParticipantId"] == "SWANGEN"
    assert req.headers["x-market"] == "WEM"
    assert req.url.params["tradingWeek"] == "2024-12-01"
    assert req.url.params["participantCode"] == "SWANGEN"


def test_error_body_without_aemo_shape(emu: PassEmulator, pki: TestPki) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(418, text="<html>teapot</html>")

    with (
        PassClient(_config(emu, pki), transport=httpx.MockTransport(handler)) as c,
        pytest.raises(PassApiError) as err,
    ):
        c.invoice(RUN)
    assert "HTTP 418" in str(err.value) and "<html>" not in str(err.value)


def test_non_pdf_and_non_json_answers_are_errors(emu: PassEmulator, pki: TestPki) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/timeline":
            return httpx.Response(200, json={"transactionId": "t", "data": [{"runId": 1}]})
        return httpx.Response(200, content=b"garbage")

    with PassClient(_config(emu, pki), transport=httpx.MockTransport(handler)) as c:
        with pytest.raises(PassApiError, match="not a PDF"):
            c.invoice_pdf(RUN)
        with pytest.raises(PassApiError, match="not JSON"):
            c.summary(RUN)
        with pytest.raises(PassApiError, match="not a timeline"):
            c.timeline(WEEK)


# --- TLS -----------------------------------------------------------------------------------


def _pem_fragments(*paths: Path) -> list[str]:
    out = []
    for p in paths:
        lines = [ln for ln in p.read_text().splitlines() if ln and not ln.startswith("-----")]
        out.extend(lines[:2])
    return out


def _refusals_noted(emu: PassEmulator, n: int = 1) -> list[str]:
    """The emulator's refused handshakes once it has noted ``n`` (its thread may note a
    refusal just after the client has given up; waiting keeps it out of the next test)."""
    deadline = time.monotonic() + 10
    while len(emu.refused_handshakes) < n and time.monotonic() < deadline:
        time.sleep(0.01)
    return list(emu.refused_handshakes)


@pytest.mark.parametrize("which", ["none", "wrong"])
def test_client_certificate_missing_or_wrong_is_refused(
    which: str, emu: PassEmulator, pki: TestPki, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    cert, key = (None, None) if which == "none" else (pki.wrong_cert, pki.wrong_key)
    caplog.set_level("DEBUG")
    with (
        PassClient(_config(emu, pki, cert=cert, key=key), clock=clock, sleep=clock.sleep) as c,
        pytest.raises(PassApiError) as err,
    ):
        c.summary(RUN)
    text = str(err.value)
    assert "refused the TLS client certificate" in text
    assert clock.sleeps == []  # not retried
    assert emu.requests == []  # no request got through
    assert len(_refusals_noted(emu)) == 1
    for fragment in _pem_fragments(pki.client_key, pki.wrong_key, pki.wrong_cert):
        assert fragment not in text and fragment not in caplog.text


def test_untrusted_server_is_refused(
    emu: PassEmulator, pki: TestPki, tmp_path: Path, clock: FakeClock
) -> None:
    other_ca = write_test_pki(tmp_path / "other").ca
    with (
        PassClient(_config(emu, pki, ca=other_ca), clock=clock, sleep=clock.sleep) as c,
        pytest.raises(PassApiError) as err,
    ):
        c.summary(RUN)
    assert "server's TLS certificate could not be verified" in str(err.value)
    assert clock.sleeps == []
    assert len(_refusals_noted(emu)) == 1  # the emulator saw the client give up


def test_combined_cert_and_key_file(emu: PassEmulator, pki: TestPki, clock: FakeClock) -> None:
    with PassClient(
        _config(emu, pki, cert=pki.client_combined, key=None), clock=clock, sleep=clock.sleep
    ) as c:
        entries = c.timeline(WEEK)
    assert [e.run_id for e in entries] == [900101, 900202]
    assert [e.designation.value for e in entries] == ["INITIAL", "ADJ1"]
    assert entries[0].trading_days[0] == WEEK and len(entries[0].trading_days) == 7


def test_connection_refused_gives_up_cleanly(pki: TestPki, clock: FakeClock) -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cfg = PassConfig(
        f"https://127.0.0.1:{port}", "SWANGEN", pki.client_cert, pki.client_key, pki.ca, timeout=1
    )
    with (
        PassClient(cfg, clock=clock, sleep=clock.sleep, retry=RetryPolicy(max_attempts=3)) as c,
        pytest.raises(FetchError) as err,
    ):
        c.summary(RUN)
    assert "could not connect" in str(err.value) and len(clock.sleeps) == 2
