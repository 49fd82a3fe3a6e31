"""Rendering the pages: jinja2 templates from ``templates/serve/`` (inside the wheel, beside
the reports' templates), in an environment made as the reports' is
(:func:`recon.report.templates.make_environment`: autoescape on, every shown text through
recon's one sanitiser, the reports' filters for money, figures and AWST times), with the
filters the pages add."""

from __future__ import annotations

from collections.abc import Hashable
from datetime import UTC, date, datetime
from functools import lru_cache
from importlib.resources.abc import Traversable
from typing import Any, cast
from urllib.parse import quote, urlencode

import jinja2

from recon.__about__ import __version__
from recon.errors import OutputError
from recon.report import formatting
from recon.report.templates import make_environment, templates_dir
from recon.serve.charts import artefact_text
from recon.serve.issues import day_text, due_text, last_shown_by, raised_by, resolved_by
from recon.wem.calendar import week_label

FOLDER = "serve"


def utc_text(value: datetime | None) -> str:
    """A stored UTC time shown in AWST with the zone named (``2025-03-06 15:30 AWST``)."""
    if value is None:
        return ""
    return formatting.awst_text(value if value.tzinfo else value.replace(tzinfo=UTC))


def label(value: date | None) -> str:
    """A Trading Week as AEMO labels it (``TW 15 Dec 2024``)."""
    return week_label(value) if value else ""


@lru_cache(maxsize=2)
def _environment(root: Traversable) -> jinja2.Environment:
    env = make_environment(root)
    env.filters.update(
        {
            "utc": utc_text,
            "week_label": label,
            "query": lambda params: urlencode(params),
            "urlpart": lambda value: quote(str(value), safe=""),
            "artefact": artefact_text,
            "short_source": formatting.short_source,
            "raised_by": raised_by,
            "last_shown_by": last_shown_by,
            "resolved_by": resolved_by,
            "due_text": due_text,
            "day": day_text,
        }
    )
    env.globals["version"] = __version__
    return env


def environment() -> jinja2.Environment:
    """The pages' jinja2 environment.

    Raises:
        OutputError: The templates are missing (a broken installation).
    """
    # The folder is a Path (or an importlib.resources path), hashable as the cache's key;
    # the Traversable protocol does not say so.
    return _environment(cast(Hashable, templates_dir().joinpath(FOLDER)))


PAGES = (
    "weeks.html",
    "week.html",
    "issues.html",
    "_issues_table.html",
    "issue.html",
    "audit_page.html",
    "login.html",
    "error.html",
)
"""The templates rendered as pages (compiled when the server starts)."""


def compile_pages() -> None:
    """Compile every page's template now, so that no visitor waits for it.

    Raises:
        OutputError: A template is missing (a broken installation).
    """
    for name in PAGES:
        try:
            environment().get_template(name)
        except jinja2.TemplateNotFound:
            raise OutputError(
                f"recon serve's template {name!r} is missing; reinstall recon"
            ) from None


def render(name: str, context: dict[str, Any]) -> str:
    """Render one page.

    Raises:
        OutputError: The template is missing.
    """
    try:
        template = environment().get_template(name)
    except jinja2.TemplateNotFound:
        raise OutputError(f"recon serve's template {name!r} is missing; reinstall recon") from None
    return template.render(**context)
