"""Where the PaSS API client's settings come from (SPEC §7).

Each setting is taken from the first place that gives it, in this order:

1. a command-line option (``--url``, ``--cert``, ``--key``, ``--ca``, ``--participant``,
   ``--timeout``, ``--deadline``, ``--max-response-mb``);
2. an environment variable (``RECON_PASS_URL``, ``RECON_PASS_CERT``, ``RECON_PASS_KEY``,
   ``RECON_PASS_CA``, ``RECON_PARTICIPANT``, ``RECON_PASS_TIMEOUT``,
   ``RECON_PASS_DEADLINE``, ``RECON_PASS_MAX_RESPONSE_MB``);
3. the ``[pass]`` table of the config file (read by :mod:`recon.config`, which checks
   every table of it): the one given with ``--config`` (or ``RECON_CONFIG``), else
   ``config.toml`` in the user's config directory (``~/.config/recon/config.toml`` on
   Linux), if it exists.

A config file looks like::

    [pass]
    url = "https://pass.example.com/wem-settlement/v1"
    participant = "SWANGEN"
    cert = "certs/swangen.crt"      # relative paths are read from the file's folder
    key = "certs/swangen.key"
    ca = "certs/pass-ca.pem"        # optional: trust this CA instead of the system's
    timeout = 30                    # seconds between bytes, optional
    deadline = 600                  # seconds per request in all, optional
    max_response_mb = 512           # largest answer once decompressed, optional

There is no default host: AEMO gives each participant its URL. Only ``https`` URLs are
accepted and TLS verification is always on. The certificate and key are never read here,
only located; their contents never appear in logs or messages. A passphrase for an
encrypted key is read from ``RECON_PASS_KEY_PASSWORD`` only, never from a file or option.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from recon.config import (
    ENV_CONFIG,
    PASS_KEYS,
    config_location,
    default_config_path,
    load_config,
)
from recon.errors import UsageError

__all__ = [
    "ENV_CONFIG",
    "PASS_KEYS",
    "PassConfig",
    "default_config_path",
    "resolve_config",
]

ENV_URL = "RECON_PASS_URL"
ENV_CERT = "RECON_PASS_CERT"
ENV_KEY = "RECON_PASS_KEY"
ENV_CA = "RECON_PASS_CA"
ENV_PARTICIPANT = "RECON_PARTICIPANT"
ENV_TIMEOUT = "RECON_PASS_TIMEOUT"
ENV_KEY_PASSWORD = "RECON_PASS_KEY_PASSWORD"

DEFAULT_TIMEOUT = 30.0
DEFAULT_DEADLINE = 600.0
"""Seconds one request may take in all (connect, TLS, headers, body), however steadily the
server sends: a real Detail day arrives in well under a minute."""
DEFAULT_MAX_RESPONSE_MB = 512
"""The largest answer recon accepts, in MiB once decompressed: many times a real Detail
day (tens of MiB), far below what would exhaust memory."""
ENV_DEADLINE = "RECON_PASS_DEADLINE"
ENV_MAX_RESPONSE_MB = "RECON_PASS_MAX_RESPONSE_MB"
CONFIG_TABLE = "pass"


@dataclass(frozen=True)
class PassConfig:
    """Resolved settings of the PaSS API client.

    Attributes:
        base_url: The API's base URL, ``https://...``, without a trailing slash.
        participant: The participant code sent as ``x-initiatingParticipantId``.
        cert: PEM file of the TLS client certificate (the Local Certificate). It may also
            hold the key. None only for tests that show a server refusing a client
            without one; :func:`resolve_config` always requires it.
        key: PEM file of the client key, if not in ``cert``.
        ca: PEM CA bundle to verify the server with, instead of the system's trust store.
        timeout: Seconds to wait to connect, and between bytes when reading.
        deadline: Seconds one request may take in all, however steadily bytes arrive.
        max_response_bytes: The largest body accepted, once decompressed.
        key_password: Passphrase of an encrypted key (from ``RECON_PASS_KEY_PASSWORD``).
    """

    base_url: str
    participant: str
    cert: Path | None
    key: Path | None = None
    ca: Path | None = None
    timeout: float = DEFAULT_TIMEOUT
    key_password: str | None = None
    deadline: float = DEFAULT_DEADLINE
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_MB * 1024 * 1024

    def __repr__(self) -> str:
        # Never show the key passphrase.
        return (
            f"PassConfig(base_url={self.base_url!r}, participant={self.participant!r}, "
            f"cert={self.cert!s}, key={self.key!s}, ca={self.ca!s}, "
            f"timeout={self.timeout}, deadline={self.deadline}, "
            f"max_response_bytes={self.max_response_bytes})"
        )


def _pick(
    name: str, option: Any, env: Mapping[str, str], env_name: str, table: Mapping[str, Any]
) -> tuple[Any, str]:
    """Return (value, where it came from) for the first source that sets it."""
    if option not in (None, ""):
        return option, "option"
    if env.get(env_name):
        return env[env_name], "env"
    if table.get(name) not in (None, ""):
        return table[name], "config"
    return None, ""


def _path(
    value: Any, origin: str, config_dir: Path | None, what: str, option: str, env_name: str
) -> Path:
    if not isinstance(value, (str, os.PathLike)):
        raise UsageError(f"{what} must be a file path (config key or {option} / {env_name})")
    path = Path(value).expanduser()
    if origin == "config" and config_dir is not None and not path.is_absolute():
        path = config_dir / path
    if not path.is_file():
        source = _origin_text(origin, option, env_name)
        raise UsageError(f"{what} file not found: {path} (from {source})")
    return path


def _origin_text(origin: str, option: str, env_name: str) -> str:
    return {"option": option, "env": env_name}.get(origin, "the config file")


def resolve_config(
    *,
    url: str | None = None,
    participant: str | None = None,
    cert: str | os.PathLike[str] | None = None,
    key: str | os.PathLike[str] | None = None,
    ca: str | os.PathLike[str] | None = None,
    timeout: float | None = None,
    config_file: str | os.PathLike[str] | None = None,
    deadline: float | None = None,
    max_response_mb: int | None = None,
    env: Mapping[str, str] | None = None,
) -> PassConfig:
    """Resolve the client's settings from options, environment and config file.

    Args:
        url: ``--url``.
        participant: ``--participant``.
        cert: ``--cert``.
        key: ``--key``.
        ca: ``--ca``.
        timeout: ``--timeout`` in seconds.
        deadline: ``--deadline`` in seconds.
        max_response_mb: ``--max-response-mb``.
        config_file: ``--config``; when given (or ``RECON_CONFIG`` is set) the file
            must exist. Otherwise the default config file is read if it exists.
        env: The environment (default ``os.environ``); tests pass their own.

    Returns:
        The settings, with every file checked to exist.

    Raises:
        UsageError: A required setting is missing, a file does not exist, the URL is
            not https, the timeout is not a positive number, or the config file is bad.
    """
    env = os.environ if env is None else env
    settings = load_config(config_file, env)  # every table checked, not only [pass]
    table: Mapping[str, Any] = settings.pass_table or {}
    config_dir = settings.folder
    config_path = settings.path or config_location(config_file, env)[0]

    url_v, _ = _pick("url", url, env, ENV_URL, table)
    part_v, _ = _pick("participant", participant, env, ENV_PARTICIPANT, table)
    cert_v, cert_o = _pick("cert", cert, env, ENV_CERT, table)
    key_v, key_o = _pick("key", key, env, ENV_KEY, table)
    ca_v, ca_o = _pick("ca", ca, env, ENV_CA, table)
    timeout_v, _ = _pick("timeout", timeout, env, ENV_TIMEOUT, table)
    deadline_v, _ = _pick("deadline", deadline, env, ENV_DEADLINE, table)
    cap_v, _ = _pick("max_response_mb", max_response_mb, env, ENV_MAX_RESPONSE_MB, table)

    missing = [
        f"{what} ({opt}, {env_name} or '{name}' in [{CONFIG_TABLE}] of {config_path})"
        for what, value, opt, env_name, name in (
            ("the PaSS base URL", url_v, "--url", ENV_URL, "url"),
            ("the participant code", part_v, "--participant", ENV_PARTICIPANT, "participant"),
            ("the client certificate", cert_v, "--cert", ENV_CERT, "cert"),
        )
        if value in (None, "")
    ]
    if missing:
        raise UsageError("missing " + "; ".join(missing))

    base_url = str(url_v).strip().rstrip("/")
    parts = urlsplit(base_url)
    if parts.scheme != "https" or not parts.hostname:
        raise UsageError(f"the PaSS URL must be an https:// URL with a host, got {base_url!r}")
    if parts.username or parts.password:
        raise UsageError("the PaSS URL must not carry a user name or password")

    participant_code = str(part_v).strip().upper()
    if not re.fullmatch(r"[A-Z0-9_]+", participant_code):
        raise UsageError(f"participant code {participant_code!r} is not of the form [A-Z0-9_]+")

    try:
        timeout_f = float(timeout_v) if timeout_v not in (None, "") else DEFAULT_TIMEOUT
    except (TypeError, ValueError):
        raise UsageError(f"timeout must be a number of seconds, got {timeout_v!r}") from None
    if not timeout_f > 0:
        raise UsageError(f"timeout must be a positive number of seconds, got {timeout_v!r}")
    try:
        deadline_f = float(deadline_v) if deadline_v not in (None, "") else DEFAULT_DEADLINE
    except (TypeError, ValueError):
        raise UsageError(f"deadline must be a number of seconds, got {deadline_v!r}") from None
    if not 0 < deadline_f < 1e9:
        raise UsageError(f"deadline must be a positive number of seconds, got {deadline_v!r}")
    try:
        cap_i = int(cap_v) if cap_v not in (None, "") else DEFAULT_MAX_RESPONSE_MB
    except (TypeError, ValueError):
        raise UsageError(f"max_response_mb must be a whole number of MiB, got {cap_v!r}") from None
    if not 0 < cap_i <= 1024 * 1024:
        raise UsageError(f"max_response_mb must be 1 to 1048576 MiB, got {cap_v!r}")

    return PassConfig(
        base_url=base_url,
        participant=participant_code,
        cert=_path(cert_v, cert_o, config_dir, "client certificate", "--cert", ENV_CERT),
        key=(
            _path(key_v, key_o, config_dir, "client key", "--key", ENV_KEY)
            if key_v not in (None, "")
            else None
        ),
        ca=(
            _path(ca_v, ca_o, config_dir, "CA bundle", "--ca", ENV_CA)
            if ca_v not in (None, "")
            else None
        ),
        timeout=timeout_f,
        key_password=env.get(ENV_KEY_PASSWORD) or None,
        deadline=deadline_f,
        max_response_bytes=cap_i * 1024 * 1024,
    )
