"""recon.config: one config file, three tables, every key checked, no secret read from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from recon.config import (
    Config,
    NotifySettings,
    SmtpServer,
    load_config,
    nod_business_days,
    webhook_text,
)
from recon.errors import EXIT_CANNOT_RUN, UsageError
from recon.pass_client.config import resolve_config
from recon.pipeline.weekly import pass_configured

FULL = """
[pass]
url = "https://pass.example.com/wem-settlement/v1"
participant = "SWANGEN"
cert = "client.pem"

[disputes]
nod_business_days = 10

[notify]
smtp = "smtp://mail.example.com:587"
smtp_user = "recon@example.com"
from = "Recon <recon@example.com>"
to = ["settlements@example.com", "lead@example.com"]
webhook = "https://example.webhook.office.com/webhookb2/SECRET/IncomingWebhook/TOKEN"
notify = true
timeout = 12.5
ca = "ca.pem"
"""


def _write(folder: Path, text: str, name: str = "config.toml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_one_file_holds_pass_disputes_and_notify(tmp_path: Path) -> None:
    (tmp_path / "ca.pem").write_text("-")
    (tmp_path / "client.pem").write_text("-")
    path = _write(tmp_path, FULL)
    config = load_config(path, env={"RECON_SMTP_PASSWORD": "hunter2-secret"})
    assert config.path == path and config.folder == tmp_path
    assert config.pass_table is not None and config.pass_table["participant"] == "SWANGEN"
    assert config.nod_business_days == 10
    n = config.notify
    assert n is not None
    assert n.smtp == SmtpServer("smtp", "mail.example.com", 587)
    assert str(n.smtp) == "smtp://mail.example.com:587"
    assert n.smtp_user == "recon@example.com" and n.sender == "Recon <recon@example.com>"
    assert n.to == ("settlements@example.com", "lead@example.com")
    assert n.notify is True and n.timeout == 12.5
    assert n.ca == tmp_path / "ca.pem"  # relative to the file's folder
    assert n.password == "hunter2-secret"
    assert "hunter2-secret" not in repr(n) and "hunter2-secret" not in repr(config)
    # the webhook's path is its secret: never shown
    assert n.destinations() == [
        "smtp://mail.example.com:587",
        "https://example.webhook.office.com/…",
    ]
    # the PaSS client reads its table from the same file
    pass_config = resolve_config(config_file=path, env={})
    assert pass_config.participant == "SWANGEN" and pass_config.cert == tmp_path / "client.pem"
    assert nod_business_days(path, env={}) == 10


def test_no_file_and_missing_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert load_config(env={}) == Config()  # the default file may be absent
    assert not pass_configured({})
    assert nod_business_days(env={"RECON_CONFIG": str(_write(tmp_path, "[pass]\n"))}) is None
    with pytest.raises(UsageError, match="config file not found"):
        load_config(tmp_path / "nope.toml", env={})
    with pytest.raises(UsageError, match="config file not found"):
        load_config(env={"RECON_CONFIG": str(tmp_path / "nope.toml")})


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("[pass\n", "not valid TOML"),
        ("[notfy]\nsmtp = 'smtp://h:25'\n", "unknown table 'notfy'"),
        ("url = 'https://h'\n", "unknown key 'url'"),
        ("[disputes]\nnod_busines_days = 10\n", "unknown key 'nod_busines_days' in [disputes]"),
        ("[notify]\nwebhok = 'https://h/x'\n", "unknown key 'webhok' in [notify]"),
        ("[pass]\nusername = 'x'\n", "unknown key 'username' in [pass]"),
        ("notify = 3\n", "[notify] must be a table"),
        ("[disputes]\nnod_business_days = 0\n", "nod_business_days must be a whole number"),
        ("[disputes]\nnod_business_days = '10'\n", "nod_business_days must be a whole number"),
        ("[disputes]\nnod_business_days = true\n", "nod_business_days must be a whole number"),
        ("[disputes]\nnod_business_days = 10.5\n", "nod_business_days must be a whole number"),
        ("[notify]\nsmtp = 'http://h:25'\nfrom='a@b.c'\nto=['d@e.f']\n", "smtp://host:port"),
        ("[notify]\nsmtp = 'smtp://h'\nfrom='a@b.c'\nto=['d@e.f']\n", "must name the port"),
        (
            "[notify]\nsmtp = 'smtp://u:pw@h:25'\nfrom='a@b.c'\nto=['d@e.f']\n",
            "RECON_SMTP_PASSWORD",
        ),
        ("[notify]\nsmtp = 'smtp://h:25/x'\nfrom='a@b.c'\nto=['d@e.f']\n", "only smtp://host:port"),
        ("[notify]\nsmtp = 'smtp://h:25'\nto=['d@e.f']\n", "needs 'from' and 'to'"),
        ("[notify]\nsmtp = 'smtp://h:25'\nfrom='a@b.c'\n", "needs 'from' and 'to'"),
        ("[notify]\nsmtp = 'smtp://h:25'\nfrom='a@b.c'\nto=['nobody']\n", "not one email"),
        ("[notify]\nsmtp = 'smtp://h:25'\nfrom='a@b.c'\nto=[1]\n", "list of email addresses"),
        ("[notify]\nsmtp = 'smtp://h:25'\nfrom='a@b.c, d@e.f'\nto=['d@e.f']\n", "not one email"),
        ("[notify]\nfrom='a@b.c'\nto=['d@e.f']\n", "no smtp"),
        ("[notify]\nwebhook = 'http://hooks.example.com/x'\n", "must be https://"),
        ("[notify]\nwebhook = 'ftp://hooks.example.com/x'\n", "must be an https:// URL"),
        ("[notify]\nwebhook = 'https://u:p@hooks.example.com/x'\n", "user or password"),
        ("[notify]\nnotify = true\n", "needs smtp or webhook"),
        ("[notify]\nwebhook = 'https://h/x'\nnotify = 'yes'\n", "true or false"),
        ("[notify]\nwebhook = 'https://h/x'\ntimeout = 0\n", "timeout must be"),
        ("[notify]\nwebhook = 'https://h/x'\ntimeout = 9999\n", "timeout must be"),
        ("[notify]\nwebhook = 'https://h/x'\nca = 'missing.pem'\n", "ca file not found"),
        ("[notify]\nwebhook = 'https://h/x'\nsmtp_user = \"a\\nb\"\n", "control character"),
        ("[notify]\nwebhook = ''\n", "non-empty string"),
        ("[pass]\n[notify]\n[disputes]\nnod_business_days = 400\n", "from 1 to 365"),
        ("disputes = ['x']\n", "[disputes] must be a table"),
    ],
)
def test_bad_config_is_one_clear_line(tmp_path: Path, text: str, needle: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(UsageError) as err:
        load_config(path, env={})
    message = str(err.value)
    assert needle in message
    assert str(path) in message
    assert "\n" not in message and err.value.exit_code == EXIT_CANNOT_RUN


def test_a_password_in_the_file_is_refused_and_never_repeated(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        '[notify]\nsmtp = "smtp://h:25"\nsmtp_user = "u"\nsmtp_password = "hunter2-secret"\n',
    )
    with pytest.raises(UsageError) as err:
        load_config(path, env={})
    message = str(err.value)
    assert "smtp_password is refused" in message and "$RECON_SMTP_PASSWORD" in message
    assert "hunter2-secret" not in message and "\n" not in message
    # every reader of the file refuses it, the PaSS client's too
    with pytest.raises(UsageError, match="smtp_password"):
        resolve_config(config_file=path, env={})


def test_webhook_schemes_and_how_it_is_shown(tmp_path: Path) -> None:
    for url in (
        "https://hooks.slack.com/services/T0/B0/XYZ",
        "http://127.0.0.1:8080/hook",
        "http://localhost/hook",
        "http://[::1]:9/hook",
    ):
        config = load_config(_write(tmp_path, f'[notify]\nwebhook = "{url}"\n'), env={})
        assert config.notify is not None and config.notify.webhook == url
        assert config.notify.notify is False
    assert webhook_text("https://hooks.slack.com/services/T0/B0/XYZ") == "https://hooks.slack.com/…"
    assert webhook_text("http://127.0.0.1:8080/hook?k=SECRET") == "http://127.0.0.1:8080/…"
    assert webhook_text("https://h.example") == "https://h.example"


def test_smtps_and_a_single_recipient(tmp_path: Path) -> None:
    path = _write(
        tmp_path, '[notify]\nsmtp = "smtps://m.example:465"\nfrom = "a@b.c"\nto = "d@e.f"\n'
    )
    n = load_config(path, env={}).notify
    assert n == NotifySettings(
        smtp=SmtpServer("smtps", "m.example", 465), sender="a@b.c", to=("d@e.f",)
    )


def test_pass_is_configured_only_by_a_pass_table_or_the_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    only_notify = _write(tmp_path, '[notify]\nwebhook = "https://h/x"\n', "notify.toml")
    with_pass = _write(tmp_path, '[pass]\nurl = "https://h"\n', "pass.toml")
    assert pass_configured({"RECON_PASS_URL": "https://127.0.0.1:8443"})
    assert not pass_configured({"RECON_CONFIG": str(only_notify)})
    assert pass_configured({"RECON_CONFIG": str(with_pass)})
    assert pass_configured({}, config_file=with_pass)
    with pytest.raises(UsageError, match="config file not found"):
        pass_configured({"RECON_CONFIG": str(tmp_path / "missing.toml")})
