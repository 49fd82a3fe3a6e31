"""The PaSS API client (SPEC §7): mutual TLS, throttled, retried.

AEMO's WEM Settlement API sits outside its API gateway and authenticates with the
participant's Local Certificate (a TLS client certificate). :class:`PassClient` sends
``x-initiatingParticipantId`` and ``x-market: WEM`` with every call, keeps itself under
50 calls a minute and 200 in five minutes (:class:`Throttle`), waits as a 429's
``Retry-After`` says, retries 502/503/504, timeouts and dropped connections with capped
exponential backoff and jitter, never retries 400/401/403/404, and turns every failure
into a :class:`PassApiError` (a :class:`~recon.errors.FetchError`) naming the operation and
AEMO's error code and title.

Bodies are returned exactly as received (the caller stores them byte for byte). The JSON
ones are ``{"transactionId": "...", "data": <document>}``;
:func:`~recon.pass_client.protocol.document_of` unwraps one.

Certificates, keys and header values never appear in a log line or an error message.
"""

from __future__ import annotations

import json
import logging
import random
import ssl
import time
from collections.abc import Callable
from datetime import date
from typing import Any

import certifi
import httpx
from pydantic import ValidationError

from recon.__about__ import __version__
from recon.errors import UsageError
from recon.models import aemo_names as aemo
from recon.pass_client.api_errors import (
    PassApiError,
    error_fields,
    one_line,
    status_error,
    tls_refusal,
    transport_reason,
)
from recon.pass_client.config import ENV_KEY_PASSWORD, PassConfig
from recon.pass_client.deadline import Deadline, bound_network
from recon.pass_client.protocol import (
    DETAIL_PATH,
    INVOICE_PATH,
    INVOICE_PDF_PATH,
    JSON_TYPE,
    MARKET,
    MARKET_HEADER,
    PARTICIPANT_HEADER,
    PDF_TYPE,
    SUMMARY_PATH,
    TIMELINE_PATH,
    TimelineEntry,
    document_of,
)
from recon.pass_client.retry import (
    RETRYABLE_STATUS,
    TOO_MANY_REQUESTS,
    RetryPolicy,
    parse_retry_after,
)
from recon.pass_client.throttle import Throttle
from recon.text import safe_text

log = logging.getLogger(__name__)


# --- TLS -----------------------------------------------------------------------------------


def client_ssl_context(config: PassConfig) -> ssl.SSLContext:
    """Build the client's TLS context: verification always on, the client certificate loaded.

    Raises:
        UsageError: The CA bundle, certificate or key cannot be loaded.
    """
    try:
        if config.ca is not None:
            ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=str(config.ca))
        else:
            ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
            try:
                ctx.load_verify_locations(cafile=certifi.where())
            except (OSError, ssl.SSLError):  # pragma: no cover - system store only
                pass
    except (OSError, ssl.SSLError):
        raise UsageError(
            f"cannot load the CA bundle {config.ca}: not a readable PEM file of CA certificates"
        ) from None
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.check_hostname = True
    ctx.verify_mode = ssl.CERT_REQUIRED
    if config.cert is not None:
        password = config.key_password

        def _password() -> str:
            # Called by OpenSSL only for an encrypted key; never prompt on the terminal.
            return password or ""

        try:
            ctx.load_cert_chain(
                str(config.cert),
                str(config.key) if config.key is not None else None,
                password=_password,
            )
        except (OSError, ssl.SSLError):
            where = str(config.cert) + (f" and {config.key}" if config.key else "")
            raise UsageError(
                f"cannot load the client certificate and key from {where}: they must be a PEM "
                "certificate and its matching private key (for an encrypted key, set "
                f"{ENV_KEY_PASSWORD})"
            ) from None
    return ctx


# --- Client --------------------------------------------------------------------------------


class PassClient:
    """A client of AEMO's WEM Settlement (PaSS) API.

    Args:
        config: Where and who (see :func:`recon.pass_client.config.resolve_config`).
        throttle: The rate limiter (default: SPEC §7's limits on ``clock``/``sleep``).
        retry: The retry policy.
        clock: Monotonic seconds, for the default throttle.
        sleep: How to wait, for the throttle and between retries (tests pass a fake).
        rng: Random source of the backoff jitter.
        transport: An httpx transport to use instead of the network (tests only).

    Use as a context manager, or call :meth:`close`.
    """

    def __init__(
        self,
        config: PassConfig,
        *,
        throttle: Throttle | None = None,
        retry: RetryPolicy | None = None,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], None] | None = None,
        rng: random.Random | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.config = config
        self._sleep = sleep or time.sleep
        self.throttle = throttle or Throttle(clock=clock or time.monotonic, sleep=self._sleep)
        self.retry = retry or RetryPolicy()
        self._rng = rng or random.Random()
        self.calls = 0
        """Requests sent (every attempt counts)."""
        self._http = httpx.Client(
            base_url=config.base_url,
            verify=client_ssl_context(config),
            timeout=httpx.Timeout(config.timeout),
            headers={
                PARTICIPANT_HEADER: config.participant,
                MARKET_HEADER: MARKET,
                "User-Agent": f"recon/{__version__}",
            },
            follow_redirects=False,
            transport=transport,
        )
        self._deadline = Deadline()
        if not bound_network(self._http, self._deadline) and transport is None:
            log.debug("PaSS client: deadline checked between body chunks only")

    def __enter__(self) -> PassClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    @property
    def participant(self) -> str:
        """The participant this client calls as."""
        return self.config.participant

    # -- operations --

    def timeline(self, week: date) -> list[TimelineEntry]:
        """The runs published for a Trading Week, oldest first.

        Args:
            week: The Trading Week's first day (a Sunday).

        Raises:
            PassApiError: The call failed or the answer is not a timeline.
        """
        operation = f"timeline of the Trading Week starting {week.isoformat()}"
        body = self._get(
            operation,
            TIMELINE_PATH,
            JSON_TYPE,
            params={aemo.Q_PARTICIPANT: self.participant, aemo.Q_TRADING_WEEK: week.isoformat()},
        )
        try:
            doc = json.loads(body)
            items = doc.get(aemo.F_WRAP_DATA) if isinstance(doc, dict) else doc
            if not isinstance(items, list):
                raise ValueError("no 'data' list")
            entries = [TimelineEntry.from_json(item) for item in items]
        except (ValueError, KeyError, TypeError, AttributeError, ValidationError) as exc:
            problem = (
                one_line(exc, 200)
                if not isinstance(exc, ValidationError)
                else (f"{exc.error_count()} invalid field(s)")
            )
            raise PassApiError(operation, f"the answer is not a timeline ({problem})") from None
        return sorted(entries, key=lambda e: (e.published_at, e.run_id))

    def summary(self, run_id: int) -> bytes:
        """The Summary JSON of a run, as received."""
        return self._get(
            f"summary of run {run_id}",
            SUMMARY_PATH.format(run_id=int(run_id)),
            JSON_TYPE,
            expect="summary",
            run_id=int(run_id),
        )

    def detail(self, run_id: int, trading_day: date) -> bytes:
        """The Detail JSON of one Settlement Trading Day of a run, as received."""
        return self._get(
            f"detail of run {run_id} for {trading_day.isoformat()}",
            DETAIL_PATH.format(run_id=int(run_id)),
            JSON_TYPE,
            params={aemo.Q_TRADING_DAY: trading_day.isoformat()},
            expect="detail",
            run_id=int(run_id),
        )

    def invoice(self, run_id: int) -> bytes:
        """The Invoice JSON of a run, as received."""
        return self._get(
            f"invoice of run {run_id}",
            INVOICE_PATH.format(run_id=int(run_id)),
            JSON_TYPE,
            expect="invoice",
            run_id=int(run_id),
        )

    def invoice_pdf(self, run_id: int) -> bytes:
        """The Invoice PDF of a run, as received."""
        return self._get(
            f"invoice PDF of run {run_id}", INVOICE_PDF_PATH.format(run_id=int(run_id)), PDF_TYPE
        )

    # -- the one place requests are made --

    def _get(
        self,
        operation: str,
        path: str,
        accept: str,
        params: dict[str, str] | None = None,
        expect: str | None = None,
        run_id: int | None = None,
    ) -> bytes:
        policy = self.retry
        last = "no attempt made"
        for attempt in range(1, policy.max_attempts + 1):
            self.throttle.acquire()
            self.calls += 1
            wait: float
            self._deadline.start(self.config.deadline)
            try:
                with self._http.stream(
                    "GET", path, params=params, headers={"Accept": accept}
                ) as response:
                    status = response.status_code
                    if 200 <= status < 300:
                        body = self._read_body(operation, response, self.config.max_response_bytes)
                    else:
                        body = self._read_body(operation, response, ERROR_BODY_CAP, cut=True)
            except httpx.TransportError as exc:
                if self._deadline.passed():
                    raise self._deadline_error(operation) from None
                refusal = tls_refusal(exc)
                if refusal:
                    raise PassApiError(operation, refusal) from None
                last = transport_reason(exc)
                wait = policy.backoff(attempt, self._rng)
            else:
                log.debug("PaSS %s -> HTTP %d (%d bytes)", operation, status, len(body))
                if 200 <= status < 300:
                    return self._checked(operation, body, accept, expect, run_id)
                if status == TOO_MANY_REQUESTS or status in RETRYABLE_STATUS:
                    asked = parse_retry_after(response.headers.get("Retry-After"))
                    if asked is not None and asked > policy.max_retry_after:
                        raise PassApiError(
                            operation,
                            f"HTTP {status}: the server asked to wait {asked:.0f} s, "
                            f"longer than recon waits ({policy.max_retry_after:.0f} s); "
                            "try again later",
                            status=status,
                        )
                    last = f"HTTP {status} {response.reason_phrase}".strip()
                    if asked is not None:
                        wait = asked
                    elif status == TOO_MANY_REQUESTS:
                        wait = max(policy.backoff(attempt, self._rng), 1.0)
                    else:
                        wait = policy.backoff(attempt, self._rng)
                else:
                    raise status_error(operation, response, body)
            finally:
                self._deadline.stop()
            if attempt == policy.max_attempts:
                break
            log.warning(
                "PaSS %s: %s; retrying in %.1f s (attempt %d of %d)",
                operation,
                last,
                wait,
                attempt + 1,
                policy.max_attempts,
            )
            self._sleep(wait)
        raise PassApiError(operation, f"{last}; gave up after {policy.max_attempts} attempts")

    def _deadline_error(self, operation: str) -> PassApiError:
        return PassApiError(
            operation,
            f"no complete answer within {self.config.deadline:g} s, the deadline per request "
            f"(--deadline; the per-read timeout is {self.config.timeout:g} s, --timeout); "
            "nothing saved",
        )

    def _read_body(
        self, operation: str, response: httpx.Response, cap: int, *, cut: bool = False
    ) -> bytes:
        """The body, decompressed, read chunk by chunk: at most ``cap`` bytes, and only
        until the request's deadline.

        Raises:
            PassApiError: The body exceeds ``cap`` (unless ``cut``: then it is cut
                there, for an error answer) or the deadline passed.
        """
        declared = response.headers.get("Content-Length", "")
        if (
            not cut
            and declared.isdigit()
            and int(declared) > cap
            and not response.headers.get("Content-Encoding")
        ):
            raise self._too_large(operation, cap, response.status_code)
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            if self._deadline.passed():
                raise self._deadline_error(operation)
            size += len(chunk)
            if size > cap:
                if cut:
                    chunks.append(chunk[: len(chunk) - (size - cap)])
                    break
                raise self._too_large(operation, cap, response.status_code)
            chunks.append(chunk)
        return b"".join(chunks)

    @staticmethod
    def _too_large(operation: str, cap: int, status: int) -> PassApiError:
        return PassApiError(
            operation,
            f"the answer is larger than {cap / MIB:g} MiB once decompressed, the cap per "
            "response (--max-response-mb); nothing saved",
            status=status,
        )

    @staticmethod
    def _checked(
        operation: str, body: bytes, accept: str, expect: str | None, run_id: int | None
    ) -> bytes:
        """The body of a 200, refused unless it is the document asked for."""
        if accept == PDF_TYPE:
            if not body.lstrip()[:5] == b"%PDF-":
                raise PassApiError(
                    operation, "HTTP 200 but the answer is not a PDF", status=200, unusable=True
                )
            return body
        try:
            raw = json.loads(body, parse_float=str, parse_int=str)
        except ValueError:
            raise PassApiError(
                operation, "HTTP 200 but the answer is not JSON", status=200, unusable=True
            ) from None
        if isinstance(raw, dict) and aemo.F_WRAP_ERRORS in raw and aemo.F_WRAP_DATA not in raw:
            code, title, detail, tid, extra = error_fields(raw)
            what = " ".join(x for x in (code, title) if x) or "an error"
            if detail:
                what += f": {detail}"
            if extra:
                what += f" (and {extra} more)"
            if tid:
                what += f" [transactionId {tid}]"
            raise PassApiError(
                operation,
                f"HTTP 200 but the answer is an error, not the document: {what}",
                status=200,
                code=code,
                title=title,
                detail=detail,
                transaction_id=tid,
                unusable=True,
            )
        if expect is not None:
            problem = _not_the_document(document_of(body), expect, run_id)
            if problem:
                raise PassApiError(operation, f"HTTP 200 but {problem}", status=200, unusable=True)
        return body


ERROR_BODY_CAP = 1 * 1024 * 1024
"""The most of an error answer's body read (for AEMO's error code and title)."""
MIB = 1024 * 1024

_KIND_KEYS = {
    "summary": (aemo.F_VARIABLES,),
    "detail": (aemo.F_SETTLEMENT_DAY,),
    "invoice": (aemo.INV_NUMBER, aemo.INV_PAYMENT_SUMMARY),
}


_A_KIND = {"summary": "a summary", "detail": "a detail", "invoice": "an invoice"}


def _not_the_document(doc: Any, expect: str, run_id: int | None) -> str | None:
    """Why ``doc`` is not the ``expect`` document of ``run_id``, or None when it is."""
    if not isinstance(doc, dict):
        return f"the answer is not {_A_KIND[expect]} document (not a JSON object)"
    if not any(k in doc for k in _KIND_KEYS[expect]):
        keys = " or ".join(_KIND_KEYS[expect])
        return f"the answer is not {_A_KIND[expect]} document (no {keys})"
    others = [k for k, keys in _KIND_KEYS.items() if k != expect and any(x in doc for x in keys)]
    if expect == "summary" and others:
        return f"the answer is {_A_KIND[others[0]]} document, not the summary asked for"
    got = doc.get(aemo.H_RUN_ID)
    if run_id is not None and got is not None and str(got).strip() != str(run_id):
        return f"the answer is run {safe_text(str(got))[:40]}'s, not run {run_id}'s"
    return None
