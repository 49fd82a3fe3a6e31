"""Where recon's jinja2 templates live, and the environment that renders them.

The templates sit in the top-level ``templates/`` folder of the repository (recon is
installed editable), two levels above this package.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import jinja2
import markupsafe

from recon.errors import OutputError
from recon.report import formatting
from recon.text import safe_text

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"
"""The ``templates/`` folder beside the ``recon`` package."""


def templates_dir() -> Path:
    """Return the templates folder.

    Raises:
        OutputError: If it is missing (recon not installed from its source tree).
    """
    if not TEMPLATES_DIR.is_dir():
        raise OutputError(
            f"recon's templates folder is missing: expected {TEMPLATES_DIR}; "
            "install recon from its source tree with 'pip install -e .'"
        )
    return TEMPLATES_DIR


def _shown(value: object) -> object:
    """Every ``{{ ... }}`` output: control and bidi characters shown escaped
    (:func:`recon.text.safe_text`), before autoescape."""
    if isinstance(value, markupsafe.Markup):  # already HTML (escaped or recon's own)
        return markupsafe.Markup(safe_text(value, keep_newlines=True))
    if isinstance(value, str):
        return safe_text(value, keep_newlines=True)
    return value


@lru_cache(maxsize=4)
def _environment(directory: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(directory),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_shown,
    )
    env.filters.update(
        {
            "money": formatting.money_text,
            "exact": formatting.exact_text,
            "figure": formatting.figure_text,
            "awst": formatting.awst_text,
            "interval": formatting.interval_text,
        }
    )
    env.tests["negative"] = formatting.is_negative
    return env


def environment() -> jinja2.Environment:
    """Return the jinja2 environment: autoescape on, undefined names are errors.

    Filters ``money``, ``exact``, ``figure``, ``awst`` and ``interval`` and the test
    ``negative`` come from :mod:`recon.report.formatting`.

    Raises:
        OutputError: If the templates folder is missing.
    """
    return _environment(templates_dir())


def get_template(name: str) -> jinja2.Template:
    """Load one template by file name (e.g. ``report.html``).

    Raises:
        OutputError: If the folder or the template is missing.
    """
    try:
        return environment().get_template(name)
    except jinja2.TemplateNotFound:
        raise OutputError(f"template {name!r} is missing from {templates_dir()}") from None
