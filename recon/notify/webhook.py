"""The digest to a chat webhook: one JSON POST ``{"text": ...}`` (Teams, Slack and most
chat tools' incoming webhooks accept it).

``https://`` only, the certificate always verified (the system's trust store, or ``ca`` in
``[notify]``); ``http://`` only to this machine (a local relay, the tests). Each attempt is
bounded as a whole by ``timeout`` (connect, TLS, request, answer), however slowly the
server sends. A connection that could not be made, and an answer 429, 502, 503 or 504, are
tried again, at most :data:`ATTEMPTS` times in all, after a short wait; an attempt that
timed out after the request was sent is not (the server may have posted it already), and
neither is any other answer. A redirect is not followed. The hook's URL is shown as
``https://host/…`` only: its path is its secret.
"""

from __future__ import annotations

import logging
import math
import ssl
import time
from collections.abc import Callable, Mapping

import httpx

from recon.__about__ import __version__
from recon.config import NotifySettings, webhook_text
from recon.errors import NotifyError
from recon.pass_client.deadline import Deadline, bound_network
from recon.text import safe_text

log = logging.getLogger(__name__)

ATTEMPTS = 3
"""Attempts in all for a webhook that could not be reached or was briefly unavailable."""
BACKOFF = (0.5, 1.0)
"""Seconds to wait before the second and third attempt."""
MAX_RETRY_AFTER = 5.0
"""The longest ``Retry-After`` waited for; a longer one is cut to this."""
RETRY_STATUSES = frozenset({429, 502, 503, 504})
ANSWER_SHOWN = 200
"""Characters of an error answer's body shown in the message."""


def post_webhook(
    settings: NotifySettings,
    payload: Mapping[str, str],
    *,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """POST ``payload`` as JSON to ``settings.webhook``.

    Args:
        settings: The webhook's URL, ``timeout`` and ``ca``.
        payload: The JSON body (``{"text": ...}``).
        sleep: How to wait between attempts (tests pass their own).

    Raises:
        NotifyError: No 2xx answer: the server could not be reached, did not answer in
            time, or answered another status. The message shows the URL without its path.
    """
    url = settings.webhook
    if url is None:
        raise NotifyError("no webhook is set ([notify] webhook)")
    shown = webhook_text(url)
    deadline = Deadline()
    hide = _HideUrl(url)
    httpx_log = logging.getLogger("httpx")  # it logs each request's URL at INFO
    httpx_log.addFilter(hide)
    try:
        _post(settings, url, shown, payload, deadline, sleep)
    finally:
        httpx_log.removeFilter(hide)


class _HideUrl(logging.Filter):
    """Shows the hook's URL as ``https://host/…`` in httpx's own log lines."""

    def __init__(self, url: str) -> None:
        super().__init__()
        self.urls = {url, str(httpx.URL(url))}
        self.shown = webhook_text(url)

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(self.shown if str(a) in self.urls else a for a in record.args)
        if isinstance(record.msg, str):
            for url in self.urls:
                record.msg = record.msg.replace(url, self.shown)
        return True


def _post(
    settings: NotifySettings,
    url: str,
    shown: str,
    payload: Mapping[str, str],
    deadline: Deadline,
    sleep: Callable[[float], None],
) -> None:
    verify: ssl.SSLContext | bool = True
    if settings.ca is not None:
        verify = ssl.create_default_context(cafile=str(settings.ca))
    with httpx.Client(
        timeout=httpx.Timeout(settings.timeout),
        verify=verify,
        follow_redirects=False,
        headers={"User-Agent": f"recon/{__version__}"},
    ) as client:
        bound_network(client, deadline)
        for attempt in range(1, ATTEMPTS + 1):
            last = attempt == ATTEMPTS
            deadline.start(settings.timeout)
            try:
                with client.stream("POST", url, json=dict(payload)) as answer:
                    status = answer.status_code
                    said = "" if answer.is_success else _body(answer)
                    retry_after = answer.headers.get("retry-after")
            except (httpx.ConnectError, httpx.ConnectTimeout) as e:
                if last:
                    raise NotifyError(
                        f"webhook {shown}: could not connect ({_reason(e)}) after "
                        f"{ATTEMPTS} attempts"
                    ) from None
                log.info("webhook %s: could not connect; trying again", shown)
                sleep(BACKOFF[attempt - 1])
                continue
            except httpx.TimeoutException:
                raise NotifyError(
                    f"webhook {shown}: no answer within {settings.timeout:g} s "
                    "(timeout in [notify]); not sent again, as it may have arrived"
                ) from None
            except httpx.HTTPError as e:
                raise NotifyError(f"webhook {shown}: {_reason(e)}") from None
            finally:
                deadline.stop()
            if 200 <= status < 300:
                log.info("digest posted to webhook %s (HTTP %d)", shown, status)
                return
            if status in RETRY_STATUSES and not last:
                wait = _wait(retry_after, BACKOFF[attempt - 1])
                log.info("webhook %s answered %d; trying again in %g s", shown, status, wait)
                sleep(wait)
                continue
            tail = f" after {attempt} attempts" if attempt > 1 else ""
            raise NotifyError(f"webhook {shown}: HTTP {status}{': ' + said if said else ''}{tail}")
    raise NotifyError(f"webhook {shown}: not sent")  # pragma: no cover - the loop returns


def _body(answer: httpx.Response) -> str:
    """The start of an error answer, on one line (never more than a few KiB read)."""
    try:
        chunk = b""
        for part in answer.iter_raw():
            chunk += part
            if len(chunk) >= 4096:
                break
    except httpx.HTTPError:
        return ""
    text = safe_text(" ".join(chunk.decode("utf-8", "replace").split()))
    return text[:ANSWER_SHOWN] + ("…" if len(text) > ANSWER_SHOWN else "")


def _wait(retry_after: str | None, default: float) -> float:
    if retry_after:
        try:
            seconds = float(retry_after)
        except ValueError:  # an HTTP date: wait the default
            return default
        if math.isfinite(seconds):
            return min(max(seconds, 0.0), MAX_RETRY_AFTER)
    return default


def _reason(e: httpx.HTTPError) -> str:
    text = " ".join(str(e).split())
    return text or type(e).__name__
