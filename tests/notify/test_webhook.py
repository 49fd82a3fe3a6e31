"""recon.notify.webhook against a real HTTP server on 127.0.0.1: one that accepts, one
that is down, one too slow, one that answers 500, one briefly unavailable, and HTTPS."""

from __future__ import annotations

import logging

import pytest

from recon.config import NotifySettings
from recon.errors import EXIT_NOT_NOTIFIED, NotifyError
from recon.notify.webhook import ATTEMPTS, BACKOFF, post_webhook

from .conftest import Pki, WebhookFactory

PAYLOAD = {"text": "recon weekly: discrepancies in 1 of 1 week\n\nAt stake: $12.50"}


def _settings(url: str, timeout: float = 5.0, ca: object = None) -> NotifySettings:
    return NotifySettings(webhook=url, timeout=timeout, ca=ca)  # type: ignore[arg-type]


def test_posts_the_text_as_json(
    webhook_server: WebhookFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    hook = webhook_server("ok")
    post_webhook(_settings(hook.url), PAYLOAD)
    assert hook.bodies == [PAYLOAD] and hook.requests == 1
    assert "SECRET-TOKEN" not in caplog.text  # the hook's path is its secret


def test_a_500_fails_once_with_the_answer_shown_safely(webhook_server: WebhookFactory) -> None:
    hook = webhook_server("fail")
    slept: list[float] = []
    with pytest.raises(NotifyError) as err:
        post_webhook(_settings(hook.url), PAYLOAD, sleep=slept.append)
    text = str(err.value)
    assert text.startswith(f"webhook http://127.0.0.1:{hook.url.split(':')[2].split('/')[0]}/…:")
    assert "HTTP 500: Internal\\x1b[2J error" in text  # the ESC shown, not obeyed
    assert "\x1b" not in text and "SECRET-TOKEN" not in text
    assert hook.requests == 1 and slept == []  # a 500 is not tried again
    assert err.value.exit_code == EXIT_NOT_NOTIFIED


def test_a_server_that_is_down_is_tried_a_bounded_number_of_times(
    webhook_server: WebhookFactory,
) -> None:
    hook = webhook_server("down")
    slept: list[float] = []
    with pytest.raises(NotifyError) as err:
        post_webhook(_settings(hook.url), PAYLOAD, sleep=slept.append)
    assert "could not connect" in str(err.value)
    assert f"after {ATTEMPTS} attempts" in str(err.value)
    assert slept == list(BACKOFF)
    assert "SECRET-TOKEN" not in str(err.value)


def test_a_slow_server_times_out_and_is_not_posted_twice(webhook_server: WebhookFactory) -> None:
    hook = webhook_server("slow", delay=5.0)
    slept: list[float] = []
    with pytest.raises(NotifyError) as err:
        post_webhook(_settings(hook.url, timeout=0.5), PAYLOAD, sleep=slept.append)
    assert "no answer within 0.5 s" in str(err.value) and "not sent again" in str(err.value)
    assert hook.requests == 1 and slept == []


def test_a_brief_503_is_tried_again(webhook_server: WebhookFactory) -> None:
    hook = webhook_server("flaky")
    slept: list[float] = []
    post_webhook(_settings(hook.url), PAYLOAD, sleep=slept.append)
    assert hook.requests == 2 and hook.bodies == [PAYLOAD]
    assert slept == [0.0]  # Retry-After: 0


def test_https_verifies_the_certificate(webhook_server: WebhookFactory, pki: Pki) -> None:
    hook = webhook_server("ok", tls=True)
    post_webhook(_settings(hook.url, ca=pki.ca_pem), PAYLOAD)
    assert hook.bodies == [PAYLOAD]
    with pytest.raises(NotifyError, match=r"CERTIFICATE_VERIFY_FAILED|certificate"):
        post_webhook(_settings(hook.url), PAYLOAD)  # the test CA is not the system's
    assert len(hook.bodies) == 1
