"""What turns a failed PaSS call into a :class:`PassApiError`
(:mod:`recon.pass_client.api_errors`), without a network.

The same errors from real answers and real TLS handshakes, against the emulator, are in
``test_client.py``.
"""

from __future__ import annotations

import json
import ssl

import httpx
import pytest

from recon.errors import FetchError
from recon.pass_client.api_errors import (
    PassApiError,
    error_fields,
    one_line,
    status_error,
    tls_refusal,
    transport_reason,
)


def _envelope(*errors: dict[str, str], tid: str = "tx-1") -> dict[str, object]:
    return {"transactionId": tid, "errors": list(errors)}


def test_pass_api_error_is_a_fetch_error_naming_the_operation() -> None:
    err = PassApiError("summary of run 7", "HTTP 404", status=404, code="E1", unusable=True)
    assert isinstance(err, FetchError)
    assert str(err) == "PaSS summary of run 7 failed: HTTP 404"
    assert (err.operation, err.status, err.code, err.unusable) == (
        "summary of run 7",
        404,
        "E1",
        True,
    )
    assert err.title is None and err.detail is None and err.transaction_id is None


def test_one_line_flattens_and_escapes_server_text() -> None:
    assert one_line(None) is None
    assert one_line("  a\x1b[2Jb\r\nc  ") == "a [2Jb c"
    assert one_line("exe\u202etxt") == "exeU+202Etxt"
    assert one_line("x" * 20, 5) == "xxxxx..."
    assert one_line(404) == "404"


def test_error_fields_read_the_first_of_aemos_errors() -> None:
    doc = _envelope(
        {"code": "NOT_FOUND", "title": "Not found", "detail": "no run\n7"},
        {"code": "OTHER", "title": "Other"},
        {"code": "THIRD", "title": "Third"},
    )
    assert error_fields(doc) == ("NOT_FOUND", "Not found", "no run 7", "tx-1", 2)
    assert error_fields({"transactionId": "tx-2"}) == (None, None, None, "tx-2", 0)
    assert error_fields(["not", "an", "envelope"]) == (None, None, None, None, 0)
    assert error_fields({"errors": ["not an object"]}) == (None, None, None, None, 0)


def test_status_error_names_aemos_code_title_detail_and_transaction() -> None:
    body = json.dumps(
        _envelope(
            {"code": "RUN_UNKNOWN", "title": "Unknown run", "detail": "run 7 is not published"},
            {"code": "X", "title": "Y"},
        )
    ).encode()
    err = status_error("summary of run 7", httpx.Response(404), body)
    assert str(err) == (
        "PaSS summary of run 7 failed: HTTP 404 RUN_UNKNOWN Unknown run: run 7 is not "
        "published (and 1 more error) [transactionId tx-1]"
    )
    assert (err.status, err.code, err.title, err.detail, err.transaction_id) == (
        404,
        "RUN_UNKNOWN",
        "Unknown run",
        "run 7 is not published",
        "tx-1",
    )


def test_status_error_without_an_envelope_gives_the_hint_of_the_status() -> None:
    err = status_error("timeline", httpx.Response(401), b"<html>denied</html>")
    assert str(err).startswith("PaSS timeline failed: HTTP 401 Unauthorized (the server did not")
    assert "--participant" in str(err) and err.code is None
    err = status_error("timeline", httpx.Response(418), b"")
    assert str(err) == "PaSS timeline failed: HTTP 418 I'm a teapot"


def _ssl_error(cls: type[ssl.SSLError], reason: str) -> ssl.SSLError:
    err = cls(1, reason)
    err.reason = reason  # set by OpenSSL on a real one
    return err


def _wrapped(err: BaseException) -> httpx.ConnectError:
    """``err`` as httpx raises it: the cause of a transport error."""
    try:
        raise httpx.ConnectError("handshake failed") from err
    except httpx.ConnectError as exc:
        return exc


def test_tls_refusal_tells_what_to_fix() -> None:
    unverified = ssl.SSLCertVerificationError(1, "certificate verify failed")
    unverified.verify_message = "self-signed certificate"
    unverified.reason = "CERTIFICATE_VERIFY_FAILED"
    said = tls_refusal(_wrapped(unverified))
    assert said is not None and "self-signed certificate" in said and "--ca" in said
    said = tls_refusal(_wrapped(_ssl_error(ssl.SSLError, "TLSV13_ALERT_CERTIFICATE_REQUIRED")))
    assert said is not None and "refused the TLS client certificate" in said
    assert "tlsv13 alert certificate required" in said and "--cert/--key" in said
    said = tls_refusal(_wrapped(_ssl_error(ssl.SSLError, "WRONG_VERSION_NUMBER")))
    assert said == "the server did not answer with TLS; check that the URL is the PaSS API's"
    said = tls_refusal(_wrapped(_ssl_error(ssl.SSLError, "NO_SHARED_CIPHER")))
    assert said == "TLS failed (no shared cipher)"


@pytest.mark.parametrize(
    "exc",
    [
        _ssl_error(ssl.SSLEOFError, "UNEXPECTED_EOF_WHILE_READING"),
        _ssl_error(ssl.SSLZeroReturnError, "ZERO_RETURN"),
        ConnectionResetError(104, "reset"),
    ],
    ids=["eof", "zero-return", "not-tls"],
)
def test_a_dropped_connection_is_no_tls_refusal(exc: BaseException) -> None:
    assert tls_refusal(_wrapped(exc)) is None


@pytest.mark.parametrize(
    ("exc", "reason"),
    [
        (httpx.ReadTimeout("slow"), "timed out (ReadTimeout)"),
        (httpx.ConnectError("refused"), "could not connect"),
        (
            httpx.RemoteProtocolError("closed"),
            "the connection dropped before the response was complete",
        ),
        (httpx.ReadError("reset"), "the connection dropped before the response was complete"),
        (httpx.ProxyError("proxy"), "ProxyError"),
    ],
)
def test_transport_reason(exc: httpx.TransportError, reason: str) -> None:
    assert transport_reason(exc) == reason
