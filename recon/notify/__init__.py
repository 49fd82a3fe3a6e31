"""The weekly digest (SPEC §11): what a ``recon weekly`` run found, sent by email and/or to
a chat webhook.

Modules: :mod:`~recon.notify.digest` (the digest as data, built from a weekly run and the
issue register), :mod:`~recon.notify.render` (plain text, HTML, the webhook's JSON),
:mod:`~recon.notify.smtp` and :mod:`~recon.notify.webhook` (the senders),
:mod:`~recon.notify.workdays` (WA Business Days), :mod:`~recon.notify.send` (whether to
send, building from the store, delivering to every destination).

The settings come from the ``[notify]`` table of the config file (:mod:`recon.config`).
"""

from __future__ import annotations

from recon.notify.digest import Digest, DigestIssue, DigestWeek, build_digest, digest_issue
from recon.notify.send import deliver, notify_weekly, settings_for_weekly, weekly_digest

__all__ = [
    "Digest",
    "DigestIssue",
    "DigestWeek",
    "build_digest",
    "deliver",
    "digest_issue",
    "notify_weekly",
    "settings_for_weekly",
    "weekly_digest",
]
