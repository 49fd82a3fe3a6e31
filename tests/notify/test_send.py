"""recon.notify.send: whether a weekly run sends a digest, the digest built from the store's
issue register, and its delivery to every destination of ``[notify]`` (a real SMTP server
and a real webhook server on 127.0.0.1, from this folder's conftest)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from paths import FIXTURES

from recon.cli.main import main
from recon.config import Config, NotifySettings, SmtpServer
from recon.errors import EXIT_CANNOT_RUN, EXIT_FINDINGS, NotifyError, ReconError, UsageError
from recon.models.weekly import WeekDone, WeeklyDone, WeekPlan
from recon.notify.send import deliver, notify_weekly, settings_for_weekly, weekly_digest

from .conftest import SmtpFactory, WebhookFactory

HISTORY = FIXTURES / "history_adj"
WEEK = date(2024, 12, 15)
STARTED = datetime(2025, 1, 1)  # naive UTC, before the store was written
NOW = datetime(2025, 1, 6, 1, 0, tzinfo=UTC)


def _settings(**over: Any) -> NotifySettings:
    return replace(NotifySettings(sender="recon@example.com", to=("team@example.com",)), **over)


def _smtp(url: str) -> SmtpServer:
    scheme, _, rest = url.partition("://")
    host, _, port = rest.rpartition(":")
    return SmtpServer(scheme, host, int(port))


def _done(*weeks: tuple[str, date], exit_code: int = EXIT_FINDINGS) -> WeeklyDone:
    return WeeklyDone(
        started_at_utc=STARTED,
        today=date(2025, 1, 6),
        out_root=Path("reports"),
        plan=WeekPlan(list(weeks), None, "test"),
        weeks=[WeekDone(p, w, None, None) for p, w in weeks],
        problems=[] if exit_code != EXIT_CANNOT_RUN else ["the fetch failed"],
        exit_code=exit_code,
        recorded=exit_code != EXIT_CANNOT_RUN,
    )


# settings_for_weekly


def test_no_notify_table_and_no_flag_sends_nothing() -> None:
    assert settings_for_weekly(Config(), None) is None


def test_notify_true_in_the_table_sends_unless_no_notify() -> None:
    settings = _settings(webhook="https://hooks.example/x", notify=True)
    config = Config(notify=settings)
    assert settings_for_weekly(config, None) is settings
    assert settings_for_weekly(config, False) is None
    assert settings_for_weekly(config, True) is settings


def test_a_table_with_notify_false_sends_only_with_the_flag() -> None:
    settings = _settings(webhook="https://hooks.example/x")
    assert settings_for_weekly(Config(notify=settings), None) is None
    assert settings_for_weekly(Config(notify=settings), True) is settings


def test_notify_without_a_config_file_names_that_none_was_found() -> None:
    with pytest.raises(UsageError) as e:
        settings_for_weekly(Config(), True)
    assert str(e.value) == (
        "--notify needs somewhere to send the digest: smtp (with from and to) or webhook "
        "under [notify] in a config file (none found)"
    )


def test_notify_without_a_destination_names_the_config_file(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    with pytest.raises(UsageError) as e:
        settings_for_weekly(Config(path=path, notify=_settings()), True)
    assert str(e.value).endswith(f"under [notify] in the config file {path}")


def test_a_login_without_its_password_is_refused() -> None:
    settings = _settings(smtp=SmtpServer("smtp", "127.0.0.1", 25), smtp_user="recon")
    with pytest.raises(UsageError, match=r"smtp_user is set but \$RECON_SMTP_PASSWORD is not"):
        settings_for_weekly(Config(notify=settings), True)
    with_password = _settings(
        smtp=SmtpServer("smtp", "127.0.0.1", 25), smtp_user="recon", password="pw"
    )
    assert settings_for_weekly(Config(notify=with_password), True) is with_password


# weekly_digest and notify_weekly over a real store


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """SWANGEN's TW 15 Dec 2024 after its INITIAL run, ingested and checked from the store."""
    path = tmp_path_factory.mktemp("send") / "store.duckdb"
    with pytest.MonkeyPatch.context() as mp:
        for name in ("RECON_PASS_URL", "RECON_CONFIG", "RECON_STORE"):
            mp.delenv(name, raising=False)
        run = HISTORY / "SWANGEN_2024-12-15" / "1_INITIAL"
        assert main(["ingest", str(run), "--store", str(path), "--no-progress"]) == 0
        out = path.parent / "check"
        args = ["check", "--store", str(path), "--week", "2024-12-15", "--out", str(out)]
        assert main([*args, "--no-progress"]) == 1
    return path


def _expected_keys_after_initial() -> set[str]:
    doc = json.loads((HISTORY / "expected_register.json").read_text(encoding="utf-8"))
    (step,) = [s for s in doc["steps"] if s["after"] == "INITIAL"]
    return {i["key"] for i in step["issues"] if i["status"] == "open"}


def test_the_digest_holds_the_registers_issues_of_the_weeks_run(store: Path) -> None:
    digest = weekly_digest(store, _done(("SWANGEN", WEEK)), now=NOW)
    assert digest.store == str(store)
    assert digest.generated_at == NOW
    (week,) = digest.weeks
    assert (week.participant, week.week, week.checked) == ("SWANGEN", WEEK, False)
    expected = _expected_keys_after_initial()
    assert len(expected) == 4
    assert {i.key for i in week.raised} == expected  # all first seen after STARTED
    assert week.open_issues == 4
    assert week.resolved == []
    assert not digest.due_dates


def test_issues_of_weeks_the_run_did_not_check_are_left_out(store: Path) -> None:
    other = date(2024, 12, 8)
    digest = weekly_digest(store, _done(("SWANGEN", other), ("OTHERGEN", WEEK)), now=NOW)
    assert [(w.participant, w.week) for w in digest.weeks] == [
        ("SWANGEN", other),
        ("OTHERGEN", WEEK),
    ]
    assert [w.open_issues for w in digest.weeks] == [0, 0]
    assert digest.total("raised") == 0


def test_due_dates_come_with_nod_business_days(store: Path) -> None:
    digest = weekly_digest(store, _done(("SWANGEN", WEEK)), nod_business_days=20, now=NOW)
    assert digest.due_dates
    assert all(i.due is not None for i in digest.weeks[0].raised)


def test_a_run_with_no_weeks_needs_no_store(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.duckdb"
    digest = weekly_digest(missing, _done(), now=NOW)
    assert digest.weeks == []
    assert digest.store == str(missing)
    assert not missing.exists()
    assert digest.subject == "recon weekly: nothing new to check"


def test_a_missing_store_is_a_recon_error_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.duckdb"
    with pytest.raises(ReconError, match=r"nowhere\.duckdb"):
        weekly_digest(missing, _done(("SWANGEN", WEEK)), now=NOW)
    assert not missing.exists()


def test_notify_weekly_sends_the_digest_by_mail_and_webhook(
    store: Path, smtp_server: SmtpFactory, webhook_server: WebhookFactory
) -> None:
    mail, hook = smtp_server(), webhook_server("ok")
    settings = _settings(smtp=_smtp(mail.url), webhook=hook.url, timeout=10.0)
    digest = notify_weekly(store, _done(("SWANGEN", WEEK)), settings)
    (got,) = mail.received
    assert got.rcpt_tos == ["team@example.com"]
    # A subject this long is folded after "Subject:" by Python's email package; its
    # parser keeps the folding space.
    assert got.message["Subject"].lstrip() == digest.subject
    assert digest.subject.startswith("recon weekly: ")
    assert "4 raised, 0 resolved" in digest.subject
    (body,) = hook.bodies
    assert set(body) >= {"text"}
    assert digest.subject in body["text"]


def test_notify_weekly_that_cannot_build_the_digest_sends_nothing(
    tmp_path: Path, webhook_server: WebhookFactory
) -> None:
    hook = webhook_server("ok")
    settings = _settings(webhook=hook.url)
    with pytest.raises(NotifyError) as e:
        notify_weekly(tmp_path / "nowhere.duckdb", _done(("SWANGEN", WEEK)), settings)
    assert str(e.value).startswith("digest not sent: the digest could not be built: ")
    assert "nowhere.duckdb" in str(e.value)
    assert e.value.exit_code == 3
    assert hook.requests == 0


def test_every_destination_is_tried_and_every_failure_named(
    smtp_server: SmtpFactory, webhook_server: WebhookFactory
) -> None:
    mail, hook = smtp_server(), webhook_server("fail")
    settings = _settings(
        smtp=_smtp(mail.url), to=("nobody@refused.example",), webhook=hook.url, timeout=5.0
    )
    with pytest.raises(NotifyError) as e:
        notify_weekly(None, _done(), settings)
    message = str(e.value)
    assert message.startswith("digest not sent: ")
    assert "\n" not in message
    parts = message.removeprefix("digest not sent: ").split("; ")
    assert len(parts) == 2, message
    assert "nobody@refused.example" in parts[0]
    assert "500" in parts[1]
    assert mail.received == []
    assert hook.requests == 1


def test_a_failed_send_after_a_run_that_could_not_finish_keeps_exit_2(
    webhook_server: WebhookFactory,
) -> None:
    hook = webhook_server("fail")
    with pytest.raises(NotifyError) as e:
        notify_weekly(None, _done(exit_code=EXIT_CANNOT_RUN), _settings(webhook=hook.url))
    assert e.value.exit_code == EXIT_CANNOT_RUN


# deliver


def test_deliver_to_a_webhook_alone_posts_once_and_fails_nothing(
    webhook_server: WebhookFactory,
) -> None:
    hook = webhook_server("ok")
    digest = weekly_digest(None, _done(), now=NOW)
    assert deliver(_settings(webhook=hook.url), digest) == []
    (body,) = hook.bodies
    assert "nothing new to check" in body["text"]


def test_deliver_goes_on_to_the_webhook_when_the_mail_server_is_down(
    webhook_server: WebhookFactory,
) -> None:
    down, hook = webhook_server("down"), webhook_server("ok")
    port = int(down.url.split(":")[2].split("/")[0])
    settings = _settings(smtp=SmtpServer("smtp", "127.0.0.1", port), webhook=hook.url, timeout=5.0)
    failures = deliver(settings, weekly_digest(None, _done(), now=NOW))
    (failure,) = failures
    assert f"127.0.0.1:{port}" in failure
    assert len(hook.bodies) == 1


def test_deliver_to_nowhere_sends_nothing() -> None:
    assert deliver(_settings(), weekly_digest(None, _done(), now=NOW)) == []
