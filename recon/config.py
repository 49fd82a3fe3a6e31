"""The config file: one TOML file holds recon's settings, one table per concern.

The file is the one named by ``--config``, else ``$RECON_CONFIG``, else ``config.toml`` in
the user's recon config folder (``~/.config/recon/config.toml`` on Linux) if it exists.
A file named by ``--config`` or ``$RECON_CONFIG`` must exist; the default one may not.

::

    [pass]                          # the PaSS API client (see recon.pass_client.config)
    url = "https://pass.example.com/wem-settlement/v1"
    participant = "SWANGEN"
    cert = "certs/swangen.crt"      # relative paths are read from the file's folder
    key = "certs/swangen.key"

    [disputes]
    nod_business_days = 10          # Business Days to lodge a Notice of Disagreement

    [notify]                        # the weekly digest (recon weekly --notify)
    smtp = "smtp://mail.example.com:587"   # STARTTLS when the server offers it
    smtp_user = "recon@example.com"        # the password comes from $RECON_SMTP_PASSWORD
    from = "recon@example.com"
    to = ["settlements@example.com"]
    webhook = "https://example.webhook.office.com/..."  # JSON POST {"text": ...}
    notify = true                   # send without --notify

Every table is optional. Without ``[pass]`` PaSS is not configured (``recon weekly`` does
not fetch); without ``[disputes]`` there are no due dates; without ``[notify]`` there is
no digest. A table or key recon does not know is an error naming it, never ignored: a
misspelt ``nod_busines_days`` would otherwise silently mean "no due dates".

Secrets never come from the file: the SMTP password is read from ``$RECON_SMTP_PASSWORD``
only (a ``smtp_password`` key is refused), and the PaSS key's passphrase from
``$RECON_PASS_KEY_PASSWORD``. No setting read here is ever logged with a secret in it.

This module sits at the bottom of the layers (it imports nothing of recon but its errors),
so the PaSS client, the store, the notifications and the CLI all read the file the same way.
"""

from __future__ import annotations

import ipaddress
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import platformdirs

from recon.errors import UsageError

ENV_CONFIG = "RECON_CONFIG"
ENV_SMTP_PASSWORD = "RECON_SMTP_PASSWORD"

PASS_KEYS = frozenset(
    {"url", "participant", "cert", "key", "ca", "timeout", "deadline", "max_response_mb"}
)
"""The keys of ``[pass]`` (:mod:`recon.pass_client.config` says what each means)."""
DISPUTES_KEYS = frozenset({"nod_business_days"})
NOTIFY_KEYS = frozenset({"smtp", "smtp_user", "from", "to", "webhook", "notify", "timeout", "ca"})
TABLES: dict[str, frozenset[str]] = {
    "pass": PASS_KEYS,
    "disputes": DISPUTES_KEYS,
    "notify": NOTIFY_KEYS,
}

DEFAULT_NOTIFY_TIMEOUT = 30.0
"""Seconds one delivery (an SMTP session, a webhook POST) may take in all."""
MAX_NOTIFY_TIMEOUT = 300.0
MAX_NOD_BUSINESS_DAYS = 365
SMTP_SCHEMES = ("smtp", "smtps")


@dataclass(frozen=True)
class SmtpServer:
    """Where the digest is mailed: ``smtp://host:port`` (STARTTLS when the server offers
    it) or ``smtps://host:port`` (TLS from the first byte).

    Attributes:
        scheme: ``smtp`` or ``smtps``.
        host: The server's host name or address.
        port: Its port.
    """

    scheme: str
    host: str
    port: int

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}"


@dataclass(frozen=True)
class NotifySettings:
    """The ``[notify]`` table, checked.

    Attributes:
        smtp: The mail server, or None for no email.
        smtp_user: The user to log in as (None: no login).
        sender: The ``From`` address (``from`` in the file).
        to: The recipients.
        webhook: The URL the digest is POSTed to as ``{"text": ...}``, or None.
        notify: Send the digest on every ``recon weekly`` (``notify = true``), not only
            with ``--notify``.
        timeout: Seconds one delivery may take in all.
        ca: A PEM CA bundle to verify the mail server and the webhook with, instead of
            the system's trust store.
        password: The SMTP password, from ``$RECON_SMTP_PASSWORD`` (never shown).
    """

    smtp: SmtpServer | None = None
    smtp_user: str | None = None
    sender: str | None = None
    to: tuple[str, ...] = ()
    webhook: str | None = None
    notify: bool = False
    timeout: float = DEFAULT_NOTIFY_TIMEOUT
    ca: Path | None = None
    password: str | None = field(default=None, repr=False)

    @property
    def has_destination(self) -> bool:
        """Whether the digest has somewhere to go (a mail server or a webhook)."""
        return self.smtp is not None or self.webhook is not None

    def destinations(self) -> list[str]:
        """The destinations in words, without secrets: ``smtp://host:587``, and the webhook
        as ``https://host/…`` (its path is often the hook's secret)."""
        out = []
        if self.smtp is not None:
            out.append(str(self.smtp))
        if self.webhook is not None:
            out.append(webhook_text(self.webhook))
        return out


@dataclass(frozen=True)
class Config:
    """The config file's settings.

    Attributes:
        path: The file read, or None when there was none (no default file).
        pass_table: The ``[pass]`` table as written (keys checked), or None without one:
            then PaSS is not configured by the file.
        nod_business_days: ``[disputes] nod_business_days``, or None.
        notify: The ``[notify]`` table, or None without one.
    """

    path: Path | None = None
    pass_table: Mapping[str, Any] | None = None
    nod_business_days: int | None = None
    notify: NotifySettings | None = None

    @property
    def folder(self) -> Path | None:
        """The folder relative paths in the file are read from."""
        return self.path.parent if self.path is not None else None


def default_config_path() -> Path:
    """Return the default config file: ``config.toml`` in the user's recon config dir."""
    return platformdirs.user_config_path("recon") / "config.toml"


def config_location(
    config_file: str | os.PathLike[str] | None = None, env: Mapping[str, str] | None = None
) -> tuple[Path, bool]:
    """Which file holds the settings, and whether it was named (so it must exist).

    Args:
        config_file: ``--config``, if given.
        env: The environment (default ``os.environ``).

    Returns:
        (the path, True when named by ``--config`` or ``$RECON_CONFIG``).
    """
    env = os.environ if env is None else env
    named = config_file or env.get(ENV_CONFIG)
    if named:
        return Path(named).expanduser(), True
    return default_config_path(), False


def load_config(
    config_file: str | os.PathLike[str] | None = None, env: Mapping[str, str] | None = None
) -> Config:
    """Read and check the config file (every table, whoever asks).

    Args:
        config_file: ``--config``; when given (or ``$RECON_CONFIG`` is set) the file must
            exist. Otherwise the default file is read if it exists.
        env: The environment (default ``os.environ``): ``$RECON_CONFIG`` and
            ``$RECON_SMTP_PASSWORD``.

    Returns:
        The settings; an empty :class:`Config` when no file is named and the default one
        does not exist.

    Raises:
        UsageError: A named file that does not exist; a file that is not TOML; a table or
            key recon does not know; a value of the wrong kind; a secret in the file.
    """
    env = os.environ if env is None else env
    path, named = config_location(config_file, env)
    if not path.is_file():
        if named:
            raise UsageError(f"config file not found: {path}")
        return Config()
    try:
        with path.open("rb") as fh:
            doc = tomllib.load(fh)
    except OSError as exc:
        raise UsageError(f"cannot read config file {path}: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, RecursionError) as exc:
        raise UsageError(f"config file {path} is not valid TOML: {exc}") from None
    for name, table in doc.items():
        if name not in TABLES:
            raise UsageError(
                f"config file {path}: unknown {'table' if isinstance(table, dict) else 'key'} "
                f"{name!r} (known tables: {', '.join(f'[{t}]' for t in TABLES)})"
            )
        if not isinstance(table, dict):
            raise UsageError(f"config file {path}: [{name}] must be a table")
        if name == "notify" and "smtp_password" in table:
            raise UsageError(
                f"config file {path}: [notify] smtp_password is refused: a password is "
                f"never read from a file; set ${ENV_SMTP_PASSWORD} instead"
            )
        unknown = sorted(set(table) - TABLES[name])
        if unknown:
            raise UsageError(
                f"config file {path}: unknown key {unknown[0]!r} in [{name}] "
                f"(known: {', '.join(sorted(TABLES[name]))})"
            )
    return Config(
        path=path,
        pass_table=doc.get("pass"),
        nod_business_days=_nod_business_days(doc.get("disputes"), path),
        notify=(_notify_settings(doc["notify"], path, env) if "notify" in doc else None),
    )


def nod_business_days(
    config_file: str | os.PathLike[str] | None = None, env: Mapping[str, str] | None = None
) -> int | None:
    """``[disputes] nod_business_days``: the WA Business Days a participant has to lodge a
    Notice of Disagreement, as the team sets it (recon never guesses the Rules' number).

    Returns:
        The number, or None when the file, the table or the key is absent.

    Raises:
        UsageError: As :func:`load_config`.
    """
    return load_config(config_file, env).nod_business_days


def _nod_business_days(table: Mapping[str, Any] | None, path: Path) -> int | None:
    if not table or "nod_business_days" not in table:
        return None
    value = table["nod_business_days"]
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not 1 <= value <= MAX_NOD_BUSINESS_DAYS
    ):
        raise UsageError(
            f"config file {path}: [disputes] nod_business_days must be a whole number of "
            f"Business Days from 1 to {MAX_NOD_BUSINESS_DAYS}, got {value!r}"
        )
    return value


def _text(table: Mapping[str, Any], key: str, path: Path) -> str | None:
    value = table.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise UsageError(f"config file {path}: [notify] {key} must be a non-empty string")
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in value):
        raise UsageError(f"config file {path}: [notify] {key} holds a control character")
    return value.strip()


def _address(value: str, key: str, path: Path) -> str:
    """An email address (``a@example.com`` or ``Name <a@example.com>``), checked."""
    _name, addr = parseaddr(value)
    local, at, domain = addr.rpartition("@")
    if not at or not local or not domain or " " in addr or "," in value:
        raise UsageError(
            f"config file {path}: [notify] {key} {value!r} is not one email address "
            "(name@example.com)"
        )
    return value


def smtp_server(url: str, where: str = "[notify] smtp") -> SmtpServer:
    """Parse ``smtp://host:port`` or ``smtps://host:port``.

    Raises:
        UsageError: Another scheme, no host or port, a user or password in the URL, or a
            path.
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UsageError(
            f"{where}: {url!r} is not a URL like smtp://mail.example.com:587"
        ) from None
    if parts.scheme not in SMTP_SCHEMES or not parts.hostname:
        raise UsageError(
            f"{where} must be smtp://host:port (STARTTLS when offered) or smtps://host:port, "
            f"got {url!r}"
        )
    if parts.username is not None or parts.password is not None:
        raise UsageError(
            f"{where} must not carry a user or password: set smtp_user in the file and "
            f"${ENV_SMTP_PASSWORD} in the environment"
        )
    if port is None or port == 0:
        raise UsageError(f"{where} must name the port, e.g. smtp://{parts.hostname}:587")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise UsageError(f"{where} must be only smtp://host:port, got {url!r}")
    return SmtpServer(parts.scheme, parts.hostname, port)


def is_loopback(host: str) -> bool:
    """Whether a URL's host is this machine (``localhost``, ``127.0.0.0/8``, ``::1``)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def webhook_url(url: str, where: str = "[notify] webhook") -> str:
    """Check a webhook URL: ``https://`` anywhere, ``http://`` only to this machine.

    Plain HTTP is allowed to a loopback address alone (a local relay, the tests): the
    digest names amounts and issues, and a hook URL is itself a secret, so neither crosses
    a network unencrypted.

    Raises:
        UsageError: Another scheme, no host, a user or password in the URL, or http to
            another machine.
    """
    try:
        parts = urlsplit(url)
        _ = parts.port
    except ValueError:
        raise UsageError(f"{where}: {webhook_text(url)!r} is not a URL") from None
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise UsageError(f"{where} must be an https:// URL, got {webhook_text(url)!r}")
    if parts.username is not None or parts.password is not None:
        raise UsageError(f"{where} must not carry a user or password")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise UsageError(
            f"{where} must be https:// (plain http:// is only allowed to this machine, "
            f"127.0.0.1 or localhost), got {webhook_text(url)!r}"
        )
    return url


def webhook_text(url: str) -> str:
    """A webhook URL as recon shows it: scheme and host only (``https://host/…``), since
    the path of a Teams or Slack incoming webhook is its secret."""
    try:
        parts = urlsplit(url)
        netloc = parts.hostname or ""
        if ":" in netloc:
            netloc = f"[{netloc}]"
        if parts.port:
            netloc += f":{parts.port}"
    except ValueError:
        return "(a webhook URL)"
    rest = "/…" if parts.path not in ("", "/") or parts.query else ""
    return f"{parts.scheme}://{netloc}{rest}"


def _notify_settings(
    table: Mapping[str, Any], path: Path, env: Mapping[str, str]
) -> NotifySettings:
    where = f"config file {path}: [notify]"
    smtp_text = _text(table, "smtp", path)
    smtp = smtp_server(smtp_text, f"{where} smtp") if smtp_text else None
    user = _text(table, "smtp_user", path)
    sender = _text(table, "from", path)
    raw_to = table.get("to")
    if raw_to is None:
        to: tuple[str, ...] = ()
    elif isinstance(raw_to, str):
        to = (raw_to,)
    elif isinstance(raw_to, list) and all(isinstance(a, str) for a in raw_to):
        to = tuple(raw_to)
    else:
        raise UsageError(f"{where} to must be a list of email addresses")
    to = tuple(_address(_text({"to": a}, "to", path) or "", "to", path) for a in to)
    if sender is not None:
        _address(sender, "from", path)
    if smtp is not None and (sender is None or not to):
        raise UsageError(f"{where} smtp needs 'from' and 'to' (a list of addresses)")
    if smtp is None and (user or sender or to):
        given = ", ".join(k for k in ("smtp_user", "from", "to") if table.get(k))
        raise UsageError(f'{where} {given} given but no smtp = "smtp://host:port"')
    hook_text = _text(table, "webhook", path)
    hook = webhook_url(hook_text, f"{where} webhook") if hook_text else None
    notify = table.get("notify", False)
    if not isinstance(notify, bool):
        raise UsageError(f"{where} notify must be true or false, got {notify!r}")
    if notify and smtp is None and hook is None:
        raise UsageError(f"{where} notify = true needs smtp or webhook to send to")
    timeout = table.get("timeout", DEFAULT_NOTIFY_TIMEOUT)
    if (
        isinstance(timeout, bool)
        or not isinstance(timeout, int | float)
        or not 0 < timeout <= MAX_NOTIFY_TIMEOUT
    ):
        raise UsageError(
            f"{where} timeout must be a number of seconds above 0 and at most "
            f"{MAX_NOTIFY_TIMEOUT:g}, got {timeout!r}"
        )
    ca_text = _text(table, "ca", path)
    ca = None
    if ca_text:
        ca = Path(ca_text).expanduser()
        if not ca.is_absolute():
            ca = path.parent / ca
        if not ca.is_file():
            raise UsageError(f"{where} ca file not found: {ca}")
    return NotifySettings(
        smtp=smtp,
        smtp_user=user,
        sender=sender,
        to=to,
        webhook=hook,
        notify=notify,
        timeout=float(timeout),
        ca=ca,
        password=env.get(ENV_SMTP_PASSWORD) or None,
    )
