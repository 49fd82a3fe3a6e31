"""``recon weekly --notify`` end to end: a store built from the fixtures (and fetched from the
PaSS emulator), the digest delivered to a real SMTP server and webhook on 127.0.0.1, and
what a failed send does (exit 3, the run's outputs and record kept)."""

from __future__ import annotations

import json
import re
import shutil
import socket
from datetime import date
from email.message import EmailMessage
from pathlib import Path

import pytest
from paths import FIXTURES

from recon.cli.main import main
from recon.errors import EXIT_CANNOT_RUN, EXIT_FINDINGS, EXIT_NOT_NOTIFIED
from recon.store.db import Store
from recon.store.register import build_register

from .conftest import PASSWORD, USER, Pki, SmtpFactory, SmtpServer, WebhookFactory

WALK = FIXTURES / "history_adj"
HISTORY = FIXTURES / "history"
WALK_WEEK = date(2024, 12, 15)


def _config(
    folder: Path,
    *,
    smtp: SmtpServer | None = None,
    pki: Pki | None = None,
    webhook: str | None = None,
    user: bool = False,
    extra: str = "",
) -> Path:
    lines = ["[notify]"]
    if smtp is not None:
        lines += [
            f'smtp = "{smtp.url}"',
            'from = "recon@example.com"',
            'to = ["settlements@example.com"]',
        ]
        if user:
            lines.append(f'smtp_user = "{USER}"')
    if pki is not None:
        lines.append(f'ca = "{pki.ca_pem}"')
    if webhook is not None:
        lines.append(f'webhook = "{webhook}"')
    path = folder / "recon.toml"
    path.write_text("\n".join(lines) + "\n" + extra, encoding="utf-8")
    return path


def _weekly(tmp_path: Path, *extra: str) -> list[str]:
    return [
        "weekly",
        *extra,
        "--store",
        str(tmp_path / "s.duckdb"),
        "--out-root",
        str(tmp_path / "out"),
        "--download-dir",
        str(tmp_path / "pass"),
        "--no-progress",
        "--no-reports",
    ]


def _count(body: str, title: str) -> int:
    match = re.search(rf"^{re.escape(title)}: (\d+)", body, flags=re.M)
    assert match, f"{title!r} not in the digest:\n{body}"
    return int(match.group(1))


def _plain(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()  # type: ignore[union-attr]


def _open_issues(store: Path) -> int:
    with Store.open(store, read_only=True) as s:
        return sum(1 for i in build_register(s) if i.is_open)


def test_the_history_adj_walk_sends_one_digest_a_run_with_the_registers_counts(
    tmp_path: Path,
    smtp_server: SmtpFactory,
    webhook_server: WebhookFactory,
    pki: Pki,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """INITIAL -> ADJ1 -> ADJ2 arrive a week apart; each weekly run mails one digest (over
    STARTTLS, logged in) and posts it to the webhook, and its counts are the register's:
    the fixture generator's expected register, computed without recon."""
    monkeypatch.setenv("RECON_SMTP_PASSWORD", PASSWORD)
    server = smtp_server(starttls=True, auth=True)
    hook = webhook_server("ok")
    config = _config(tmp_path, smtp=server, pki=pki, webhook=hook.url, user=True)
    steps = json.loads((WALK / "expected_register.json").read_text(encoding="utf-8"))["steps"]
    before: dict[str, str] = {}
    for n, step in enumerate(steps, start=1):
        inbox = tmp_path / "inbox" / Path(step["folder"]).name
        shutil.copytree(WALK / step["folder"], inbox)
        capsys.readouterr()
        args = _weekly(tmp_path, str(inbox), "--no-fetch", "--notify", "--config", str(config))
        assert main(args) == EXIT_FINDINGS  # D is an error in every step
        err = capsys.readouterr().err
        assert "Digest sent to smtp://127.0.0.1:" in err and "http://127.0.0.1:" in err
        assert "SECRET-TOKEN" not in err and PASSWORD not in err
        assert len(server.received) == n and len(hook.bodies) == n  # one digest per run
        got = server.received[-1]
        assert got.tls and got.login == USER
        body = _plain(got.message)
        assert hook.bodies[-1]["text"].startswith(got.message["Subject"].strip())
        assert "SWANGEN, TW 15 Dec 2024" in body
        after = {i["planted"]: i["status"] for i in step["issues"]}
        raised = [k for k, s in after.items() if s == "open" and k not in before]
        resolved = [k for k, s in after.items() if s == "resolved" and before.get(k) != s]
        assert _count(body, "Raised by this run") == len(raised)
        assert _count(body, "Resolved by this run") == len(resolved)
        open_now = sum(1 for s in after.values() if s == "open")
        assert _open_issues(tmp_path / "s.duckdb") == open_now
        flat = " ".join(body.split())
        assert f"for the {open_now} open issue" in flat
        assert PASSWORD not in got.message.as_string()
        before = after
    # the last run: B and C resolved by ADJ2, D still open
    last = " ".join(_plain(server.received[-1].message).split())
    assert "resolved by ADJ2 57219" in last
    assert "Runs checked: INITIAL 51958, ADJ1 54601, ADJ2 57219" in last


def test_a_clean_history_says_so(
    tmp_path: Path, webhook_server: WebhookFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    """fixtures/history (two clean weeks) in a store; weekly checks both and says so."""
    store = tmp_path / "s.duckdb"
    assert main(["ingest", str(HISTORY), "--store", str(store), "--no-progress"]) == 0
    hook = webhook_server("ok")
    config = _config(tmp_path, webhook=hook.url)
    assert main(_weekly(tmp_path, "--no-fetch", "--notify", "--config", str(config))) == 0
    (body,) = hook.bodies
    text = body["text"]
    assert text.startswith("recon weekly: no discrepancies in 2 weeks checked\n")
    for label in ("SWANGEN, TW 24 Nov 2024", "SWANGEN, TW 08 Dec 2024"):
        assert label in text
    assert text.count("No discrepancies.") == 2
    assert _count(text, "Raised by this run") == 0
    assert "At stake: nothing, no issue open." in text
    assert "2 weeks checked: 0 issues raised, 0 resolved" in " ".join(text.split())
    # nothing new: the next run still tells the team it ran
    assert main(_weekly(tmp_path, "--no-fetch", "--notify", "--config", str(config))) == 0
    assert hook.bodies[-1]["text"].startswith("recon weekly: nothing new to check")


def _walk_inbox(tmp_path: Path) -> Path:
    inbox = tmp_path / "inbox"
    shutil.copytree(WALK / "SWANGEN_2024-12-15" / "1_INITIAL", inbox)
    return inbox


@pytest.mark.parametrize("mode", ["smtp_down", "webhook_500", "webhook_slow", "webhook_down"])
def test_a_failed_send_keeps_the_outputs_and_the_record_and_exits_3(
    tmp_path: Path,
    mode: str,
    webhook_server: WebhookFactory,
    capsys: pytest.CaptureFixture[str],
) -> None:
    if mode == "smtp_down":
        with socket.socket() as s:  # a port nothing listens on
            s.bind(("127.0.0.1", 0))
            down = SmtpServer("127.0.0.1", s.getsockname()[1])
        config = _config(tmp_path, smtp=down)
        needle = f"email via smtp://127.0.0.1:{down.port}: connection refused"
    else:
        kind = mode.split("_")[1]
        hook = webhook_server({"500": "fail", "slow": "slow", "down": "down"}[kind], delay=5.0)
        config = _config(tmp_path, webhook=hook.url, extra="")
        if kind == "slow":
            config.write_text(config.read_text() + "timeout = 0.5\n")
        needle = {
            "500": "HTTP 500",
            "slow": "no answer within 0.5 s",
            "down": "could not connect",
        }[kind]
    args = _weekly(tmp_path, str(_walk_inbox(tmp_path)), "--no-fetch", "--notify")
    capsys.readouterr()
    assert main([*args, "--config", str(config)]) == EXIT_NOT_NOTIFIED
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("recon:")]
    assert len(lines) == 1 and lines[0].startswith("recon: digest not sent: ")
    assert needle in lines[0] and "SECRET-TOKEN" not in err
    # the run's work is kept: its findings written, its check and the run recorded
    assert list((tmp_path / "out").glob("*/SWANGEN_2024-12-15/findings.json"))
    with Store.open(tmp_path / "s.duckdb", read_only=True) as s:
        assert s.scalar("SELECT count(*) FROM weekly_runs") == 1
        assert s.scalar("SELECT count(*) FROM checks") == 1


def test_notify_without_a_destination_is_refused_before_any_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    inbox = _walk_inbox(tmp_path)
    args = _weekly(tmp_path, str(inbox), "--no-fetch", "--notify")
    empty = tmp_path / "empty.toml"
    empty.write_text("[disputes]\nnod_business_days = 10\n")
    for config in (None, empty):
        extra = ["--config", str(config)] if config else []
        capsys.readouterr()
        assert main([*args, *extra]) == EXIT_CANNOT_RUN
        (line,) = capsys.readouterr().err.strip().splitlines()
        assert line.startswith("recon: --notify needs somewhere to send the digest")
    # smtp_user without the password in the environment: refused before any work too
    user = tmp_path / "user.toml"
    user.write_text(
        '[notify]\nsmtp = "smtp://127.0.0.1:25"\nsmtp_user = "u"\nfrom = "a@b.c"\nto = ["d@e.f"]\n'
    )
    assert main([*args, "--config", str(user)]) == EXIT_CANNOT_RUN
    assert "$RECON_SMTP_PASSWORD is not" in capsys.readouterr().err
    # an unknown key anywhere in the file stops weekly, with or without --notify
    typo = tmp_path / "typo.toml"
    typo.write_text("[disputes]\nnod_busines_days = 10\n")
    no_notify = [a for a in args if a != "--notify"]
    assert main([*no_notify, "--config", str(typo)]) == EXIT_CANNOT_RUN
    assert "unknown key 'nod_busines_days' in [disputes]" in capsys.readouterr().err
    assert not (tmp_path / "s.duckdb").exists() and not (tmp_path / "out").exists()


def test_notify_true_in_the_config_and_no_notify(
    tmp_path: Path, webhook_server: WebhookFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    hook = webhook_server("ok")
    config = _config(tmp_path, webhook=hook.url, extra="")
    config.write_text(config.read_text() + "notify = true\n")
    monkeypatch.setenv("RECON_CONFIG", str(config))
    inbox = _walk_inbox(tmp_path)
    assert main(_weekly(tmp_path, str(inbox), "--no-fetch", "--no-notify")) == EXIT_FINDINGS
    assert hook.bodies == []
    assert main(_weekly(tmp_path, "--no-fetch", "--week", "2024-12-15")) == EXIT_FINDINGS
    assert len(hook.bodies) == 1


def test_without_pass_the_fetch_is_skipped_and_a_failed_run_is_still_reported(
    tmp_path: Path,
    webhook_server: WebhookFactory,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A config file with [notify] and no [pass]: PaSS is not configured, weekly does not
    fetch (it used to fail: "missing the PaSS base URL"). With a [pass] that cannot work,
    the run fails (exit 2, not recorded) and the digest says why."""
    hook = webhook_server("ok")
    config = _config(tmp_path, webhook=hook.url)
    inbox = _walk_inbox(tmp_path)
    caplog.set_level("INFO")
    assert main(_weekly(tmp_path, str(inbox), "--notify", "--config", str(config))) == 1
    assert "PaSS is not configured" in caplog.text and "fetching skipped" in caplog.text
    assert len(hook.bodies) == 1
    broken = _config(
        tmp_path,
        webhook=hook.url,
        extra='[pass]\nurl = "https://127.0.0.1:9"\nparticipant = "SWANGEN"\n'
        'cert = "missing.pem"\n',
    )
    args = _weekly(tmp_path, "--week", "2024-12-15", "--notify", "--config", str(broken))
    assert main(args) == EXIT_CANNOT_RUN
    text = hook.bodies[-1]["text"]
    assert text.startswith("recon weekly: could not finish (1 problem)")
    assert "the run did not finish: its weeks are checked again next time" in text
    assert "client certificate file not found" in " ".join(text.split())


def test_weekly_against_the_pass_emulator_delivers_the_registers_counts(
    tmp_path: Path,
    smtp_server: SmtpFactory,
    pki: Pki,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """PaSS configured in the same file as [notify]: weekly fetches the week from the
    emulator over mutual TLS, checks it, and mails one digest whose counts are the
    register's."""
    from emulator_testing import write_test_pki

    from recon.emulator import PassEmulator

    pass_pki = write_test_pki(tmp_path / "pass-pki")
    served = tmp_path / "served"
    served.mkdir()
    initial = WALK / "SWANGEN_2024-12-15" / "1_INITIAL"
    for name in (
        "csv/SWANGEN_51958_INITIAL_SettlementStatementSummary.csv",
        "csv/SWANGEN_51958_INITIAL_SettlementStatementDetail.zip",
        "json/SWANGEN_51958_INITIAL_Invoice.json",
    ):
        shutil.copy(initial / name, served / Path(name).name)
    server = smtp_server(starttls=True)
    with PassEmulator(served, pass_pki.server_cert, pass_pki.server_key, pass_pki.ca) as emu:
        config = _config(
            tmp_path,
            smtp=server,
            pki=pki,
            extra=(
                f'[pass]\nurl = "{emu.url}"\nparticipant = "SWANGEN"\n'
                f'cert = "{pass_pki.client_cert}"\nkey = "{pass_pki.client_key}"\n'
                f'ca = "{pass_pki.ca}"\n'
            ),
        )
        args = _weekly(tmp_path, "--week", "2024-12-15", "--notify", "--config", str(config))
        assert main(args) == EXIT_FINDINGS
    err = capsys.readouterr().err
    assert "1 run(s) fetched" in err and "Digest sent to" in err
    (got,) = server.received
    body = _plain(got.message)
    with Store.open(tmp_path / "s.duckdb", read_only=True) as s:
        register = build_register(s, start=WALK_WEEK, end=WALK_WEEK)
        assert s.rows("SELECT DISTINCT kind FROM files ORDER BY kind") == [
            ("detail_json",),
            ("invoice_json",),
            ("summary_json",),
        ]
    assert register and all(i.is_open for i in register)
    assert _count(body, "Raised by this run") == len(register)
    assert _count(body, "Resolved by this run") == 0
    assert f"for the {len(register)} open issues" in " ".join(body.split())
    for issue in register:
        assert issue.variable in body
