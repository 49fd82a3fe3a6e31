"""The PaSS client's one exception, :class:`PassApiError`, and what turns a failure into it.

An HTTP status with AEMO's error envelope (:func:`status_error`), a TLS failure that
retrying cannot fix (:func:`tls_refusal`), a transport failure that it can
(:func:`transport_reason`). Server text is cut to one safe line (:func:`one_line`);
certificates, keys and header values never appear in a message.
"""

from __future__ import annotations

import json
import re
import ssl
from typing import Any

import httpx

from recon.errors import FetchError
from recon.models import aemo_names as aemo
from recon.text import safe_text


class PassApiError(FetchError):
    """A PaSS API call that failed for good.

    Attributes:
        operation: What was asked, e.g. ``summary of run 51230``.
        status: The HTTP status, or None when no response came.
        code: AEMO's error code, where the response gave one.
        title: AEMO's error title, where given.
        detail: AEMO's error detail, where given.
        transaction_id: AEMO's transactionId, where given.
        unusable: The answer was a 200 that is not the document asked for.
    """

    def __init__(
        self,
        operation: str,
        problem: str,
        *,
        status: int | None = None,
        code: str | None = None,
        title: str | None = None,
        detail: str | None = None,
        transaction_id: str | None = None,
        unusable: bool = False,
    ) -> None:
        self.unusable = unusable
        """True when the server answered 200 with something other than the document
        asked for (an error envelope, another kind, another run): treated like a 404."""
        self.operation = operation
        self.status = status
        self.code = code
        self.title = title
        self.detail = detail
        self.transaction_id = transaction_id
        super().__init__(f"PaSS {operation} failed: {problem}")


_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


def one_line(text: Any, limit: int = 300) -> str | None:
    """Server text made safe for one line of output (control and bidi characters shown
    escaped, as :func:`recon.text.safe_text` shows them)."""
    if text is None:
        return None
    out = safe_text(_CONTROL.sub(" ", str(text)).strip())
    return out[:limit] + ("..." if len(out) > limit else "")


_HINTS = {
    400: "the request was refused as malformed",
    401: "the server did not accept the caller's identity; check the participant code "
    "(--participant / RECON_PARTICIPANT) and the client certificate",
    403: "the participant is not allowed this data; check the participant code and that "
    "the certificate is the participant's",
    404: "no such data is published",
}


def error_fields(doc: Any) -> tuple[str | None, str | None, str | None, str | None, int]:
    """AEMO's error envelope ``{"transactionId", "errors": [{code, title, detail}]}``:
    (code, title, detail, transactionId, how many more errors)."""
    code = title = detail = tid = None
    extra = 0
    if isinstance(doc, dict):
        tid = one_line(doc.get(aemo.F_WRAP_ID), 80)
        errors = doc.get(aemo.F_WRAP_ERRORS)
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            code = one_line(errors[0].get("code"), 60)
            title = one_line(errors[0].get("title"), 120)
            detail = one_line(errors[0].get("detail"))
            extra = len(errors) - 1
    return code, title, detail, tid, extra


def status_error(operation: str, response: httpx.Response, body: bytes) -> PassApiError:
    """The error of a non-2xx answer: its status, AEMO's code, title and detail where
    the body is AEMO's error envelope, else a hint of what the status means."""
    try:
        doc = json.loads(body)
    except ValueError:
        doc = None
    code, title, detail, tid, extra = error_fields(doc)
    status = response.status_code
    parts = [f"HTTP {status}"]
    if code:
        parts.append(code)
    parts.append(title or response.reason_phrase or "error")
    problem = " ".join(parts)
    if detail:
        problem += f": {detail}"
    if extra:
        problem += f" (and {extra} more error{'s' if extra > 1 else ''})"
    if status in _HINTS and not detail:
        problem += f" ({_HINTS[status]})"
    if tid:
        problem += f" [transactionId {tid}]"
    return PassApiError(
        operation, problem, status=status, code=code, title=title, detail=detail, transaction_id=tid
    )


_REFUSED_CLIENT_CERT = (
    "CERTIFICATE_REQUIRED",
    "BAD_CERTIFICATE",
    "UNKNOWN_CA",
    "CERTIFICATE_UNKNOWN",
    "CERTIFICATE_EXPIRED",
    "CERTIFICATE_REVOKED",
    "UNSUPPORTED_CERTIFICATE",
    "ACCESS_DENIED",
    "DECRYPT_ERROR",
    "HANDSHAKE_FAILURE",
)


def _ssl_error_in(exc: BaseException) -> ssl.SSLError | None:
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        if isinstance(cur, ssl.SSLError):
            return cur
        cur = cur.__cause__ or cur.__context__
    return None


def tls_refusal(exc: BaseException) -> str | None:
    """Describe a TLS failure that retrying cannot fix, or None."""
    err = _ssl_error_in(exc)
    if err is None:
        return None
    if isinstance(err, ssl.SSLCertVerificationError):
        return (
            "the server's TLS certificate could not be verified "
            f"({one_line(err.verify_message, 120)}); give the server's CA with --ca "
            "or RECON_PASS_CA if it is not in the system's trust store"
        )
    reason = (err.reason or "").upper()
    if any(r in reason for r in _REFUSED_CLIENT_CERT):
        return (
            "the server refused the TLS client certificate "
            f"({reason.lower().replace('_', ' ')}); check --cert/--key "
            "(RECON_PASS_CERT/RECON_PASS_KEY): the Local Certificate AEMO issued to "
            "the participant is needed"
        )
    if isinstance(err, (ssl.SSLEOFError, ssl.SSLZeroReturnError)):
        return None  # a dropped connection: retryable
    if "WRONG_VERSION_NUMBER" in reason or "RECORD_LAYER" in reason:
        return "the server did not answer with TLS; check that the URL is the PaSS API's"
    return f"TLS failed ({reason.lower().replace('_', ' ') or 'unknown reason'})"


def transport_reason(exc: httpx.TransportError) -> str:
    """Why a request got no complete answer (a failure that retrying may fix)."""
    if isinstance(exc, httpx.TimeoutException):
        return f"timed out ({type(exc).__name__})"
    if isinstance(exc, httpx.ConnectError):
        return "could not connect"
    if isinstance(exc, (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)):
        return "the connection dropped before the response was complete"
    return type(exc).__name__
