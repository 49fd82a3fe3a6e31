"""Sending the weekly digest: whether to, building it from the store, and delivering it to
every destination of ``[notify]``.

The order of a ``recon weekly --notify`` run: the settings are checked before any work
(:func:`settings_for_weekly`: no destination, or a login without its password, is a usage
error, exit 2); the run fetches, ingests, checks, writes and records; then
:func:`notify_weekly` builds the digest and sends it. A send that fails raises
:class:`~recon.errors.NotifyError` (exit 3) and changes nothing the run wrote or recorded.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from pathlib import Path

from recon.config import Config, NotifySettings
from recon.errors import EXIT_CANNOT_RUN, NotifyError, ReconError, UsageError
from recon.models.audit import Issue
from recon.models.weekly import WeeklyDone
from recon.notify.digest import Digest, build_digest
from recon.notify.render import render_html, render_text, webhook_payload
from recon.notify.smtp import build_message, send_mail
from recon.notify.webhook import post_webhook
from recon.store.db import Store, open_store, resolve_store_path
from recon.store.register import build_register

log = logging.getLogger(__name__)


def settings_for_weekly(config: Config, flag: bool | None) -> NotifySettings | None:
    """The ``[notify]`` settings when this run sends a digest, else None.

    Args:
        config: The config file's settings.
        flag: ``--notify`` (True), ``--no-notify`` (False), or neither (None: ``notify``
            in ``[notify]`` decides).

    Raises:
        UsageError: A digest is asked for but ``[notify]`` names no destination, or sets
            ``smtp_user`` without ``$RECON_SMTP_PASSWORD`` in the environment.
    """
    settings = config.notify
    wanted = flag if flag is not None else bool(settings is not None and settings.notify)
    if not wanted:
        return None
    where = f"the config file {config.path}" if config.path else "a config file (none found)"
    if settings is None or not settings.has_destination:
        raise UsageError(
            "--notify needs somewhere to send the digest: smtp (with from and to) or webhook "
            f"under [notify] in {where}"
        )
    if settings.smtp_user and settings.password is None:
        raise UsageError(
            "[notify] smtp_user is set but $RECON_SMTP_PASSWORD is not: the SMTP password "
            "comes from the environment only"
        )
    return settings


def _register(store: Store, start: date, end: date, nod_business_days: int | None) -> list[Issue]:
    return build_register(store, start=start, end=end, nod_business_days=nod_business_days)


def weekly_digest(
    store_path: Path | str | None,
    done: WeeklyDone,
    *,
    nod_business_days: int | None = None,
    now: datetime | None = None,
) -> Digest:
    """Build the digest of a finished weekly run from the store's issue register.

    Args:
        store_path: The store the run used (None: the default one).
        done: What the run did.
        nod_business_days: ``[disputes] nod_business_days`` (due dates), if set.
        now: When (default now).

    Raises:
        ReconError: The store cannot be read.
    """
    wanted = {(w.participant, w.week) for w in done.weeks}
    issues = []
    store_text = str(resolve_store_path(store_path))
    if wanted:
        with open_store(store_path, read_only=True, must_exist=True) as store:
            store_text = str(store.path)
            first = min(w for _, w in wanted)
            last = max(w for _, w in wanted)
            issues = [
                i
                for i in _register(store, first, last, nod_business_days)
                if (i.participant, i.week) in wanted
            ]
    return build_digest(
        done,
        issues,
        store=store_text,
        due_dates=nod_business_days is not None,
        now=now or datetime.now(UTC),
    )


def deliver(settings: NotifySettings, digest: Digest) -> list[str]:
    """Send the digest to every destination; return what failed (one line each).

    Every destination is tried, whatever happened to the others.
    """
    failures: list[str] = []
    if settings.smtp is not None:
        try:
            message = build_message(
                settings,
                digest.subject,
                render_text(digest),
                render_html(digest),
                when=digest.generated_at,
            )
            send_mail(settings, message)
        except ReconError as e:  # NotifyError, or the template missing (OutputError)
            failures.append(str(e))
    if settings.webhook is not None:
        try:
            post_webhook(settings, webhook_payload(digest))
        except NotifyError as e:
            failures.append(str(e))
    return failures


def notify_weekly(
    store_path: Path | str | None,
    done: WeeklyDone,
    settings: NotifySettings,
    *,
    nod_business_days: int | None = None,
) -> Digest:
    """Build the digest of a finished weekly run and send it.

    Returns:
        The digest sent.

    Raises:
        NotifyError: It could not be built, or a destination did not take it; the message
            (``digest not sent: ...``) names every failure, on one line. Its exit status
            is 3, or 2 when the run itself could not finish.
    """
    finished = done.exit_code != EXIT_CANNOT_RUN
    try:
        digest = weekly_digest(store_path, done, nod_business_days=nod_business_days)
    except ReconError as e:
        why = e if isinstance(e, NotifyError) else f"the digest could not be built: {e}"
        raise NotifyError(f"digest not sent: {why}", run_finished=finished) from None
    failures = deliver(settings, digest)
    if failures:
        raise NotifyError(f"digest not sent: {'; '.join(failures)}", run_finished=finished)
    return digest
