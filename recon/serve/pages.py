"""Rendering the pages: jinja2 templates from ``templates/serve/`` (inside the wheel, beside
the reports' templates), autoescaped, every shown text passed through recon's one
sanitiser (:func:`recon.text.safe_text`) as the reports do, with the reports' filters for
money, figures and AWST times."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import lru_cache
from importlib.resources.abc import Traversable
from typing import Any
from urllib.parse import quote, urlencode

import jinja2
import markupsafe

from recon.__about__ import __version__
from recon.errors import OutputError
from recon.report import formatting
from recon.report.templates import templates_dir
from recon.serve.charts import artefact_text
from recon.text import safe_text
from recon.wem.calendar import week_label

FOLDER = "serve"


def shown(value: object) -> object:
    """Every ``{{ ... }}`` output: control and bidi characters shown escaped, before
    autoescape (as the reports do)."""
    if isinstance(value, markupsafe.Markup):
        return markupsafe.Markup(safe_text(value, keep_newlines=True))
    if isinstance(value, str):
        return safe_text(value, keep_newlines=True)
    return value


def utc_text(value: datetime | None) -> str:
    """A stored UTC time shown in AWST with the zone named (``2025-03-06 15:30 AWST``)."""
    if value is None:
        return ""
    return formatting.awst_text(value if value.tzinfo else value.replace(tzinfo=UTC))


def label(value: date | None) -> str:
    """A Trading Week as AEMO labels it (``TW 15 Dec 2024``)."""
    return week_label(value) if value else ""


def _loader(root: Traversable) -> jinja2.BaseLoader:
    def load(name: str) -> tuple[str, str, Callable[[], bool]] | None:
        if "/" in name or "\\" in name or name.startswith("."):
            return None
        item = root.joinpath(name)
        if not item.is_file():
            return None
        return item.read_text(encoding="utf-8"), str(item), lambda: True

    return jinja2.FunctionLoader(load)


@lru_cache(maxsize=2)
def _environment(root: Traversable) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=_loader(root),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=shown,
    )
    env.filters.update(
        {
            "money": formatting.money_text,
            "exact": formatting.exact_text,
            "figure": formatting.figure_text,
            "awst": formatting.awst_text,
            "utc": utc_text,
            "interval": formatting.interval_text,
            "week_label": label,
            "query": lambda params: urlencode(params),
            "urlpart": lambda value: quote(str(value), safe=""),
            "artefact": artefact_text,
            "short_source": formatting.short_source,
        }
    )
    env.tests["negative"] = formatting.is_negative
    env.globals["version"] = __version__
    return env


def environment() -> jinja2.Environment:
    """The pages' jinja2 environment (autoescape on; an undefined name is an error).

    Raises:
        OutputError: The templates are missing (a broken installation).
    """
    return _environment(templates_dir().joinpath(FOLDER))


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
