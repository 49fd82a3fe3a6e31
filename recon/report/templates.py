"""Where recon's jinja2 templates live, and the environment that renders them.

The templates are kept in the repository's top-level ``templates/`` folder, and the wheel
carries them inside the package as ``recon/templates/`` (``pyproject.toml`` maps the one to
the other). They are found with :mod:`importlib.resources` in the installed package first;
an editable install, or a source tree on ``PYTHONPATH``, has no ``recon/templates/`` and
uses the ``templates/`` folder beside the package.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import cast

import jinja2
import markupsafe

from recon.errors import OutputError
from recon.report import formatting
from recon.text import safe_text

PROBE = "report.html"
"""A template every usable templates folder holds."""


def candidates() -> tuple[Traversable, ...]:
    """The places recon looks for its templates, in order.

    1. ``recon/templates`` inside the installed package (a wheel or ``pip install .``);
    2. ``templates/`` beside the ``recon`` package (an editable install or a source tree).
    """
    packaged = resources.files("recon").joinpath("templates")
    beside = Path(__file__).resolve().parents[2] / "templates"
    return (packaged, beside)


def templates_dir() -> Traversable:
    """Return the templates folder.

    Raises:
        OutputError: If no candidate holds recon's templates (a broken installation).
    """
    found = candidates()
    for place in found:
        if place.joinpath(PROBE).is_file():
            return place
    raise OutputError(
        "recon's templates folder is missing (looked in "
        + " and ".join(str(p) for p in found)
        + "); reinstall recon"
    )


def _loader(root: Traversable) -> jinja2.BaseLoader:
    """A jinja2 loader reading templates from ``root`` (any Traversable, zip included)."""

    def load(name: str) -> tuple[str, str, Callable[[], bool]] | None:
        if "/" in name or "\\" in name or name.startswith("."):
            return None
        item = root.joinpath(name)
        if not item.is_file():
            return None
        return item.read_text(encoding="utf-8"), str(item), lambda: True

    return jinja2.FunctionLoader(load)


def _shown(value: object) -> object:
    """Every ``{{ ... }}`` output: control and bidi characters shown escaped
    (:func:`recon.text.safe_text`), before autoescape."""
    if isinstance(value, markupsafe.Markup):  # already HTML (escaped or recon's own)
        return markupsafe.Markup(safe_text(value, keep_newlines=True))
    if isinstance(value, str):
        return safe_text(value, keep_newlines=True)
    return value


def make_environment(root: Traversable) -> jinja2.Environment:
    """A new jinja2 environment reading the templates of the folder ``root`` (no
    sub-folders): autoescape on, undefined names are errors, every output through
    :func:`recon.text.safe_text`, and the filters and test of :func:`environment`."""
    env = jinja2.Environment(
        loader=_loader(root),
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


@lru_cache(maxsize=4)
def _environment(root: Traversable) -> jinja2.Environment:
    return make_environment(root)


def environment() -> jinja2.Environment:
    """Return the jinja2 environment: autoescape on, undefined names are errors.

    Filters ``money``, ``exact``, ``figure``, ``awst`` and ``interval`` and the test
    ``negative`` come from :mod:`recon.report.formatting`.

    Raises:
        OutputError: If the templates folder is missing.
    """
    # The folder is a Path (or an importlib.resources path), hashable as the cache's key;
    # the Traversable protocol does not say so.
    return _environment(cast(Hashable, templates_dir()))


def get_template(name: str) -> jinja2.Template:
    """Load one template by file name (e.g. ``report.html``).

    Raises:
        OutputError: If the folder or the template is missing.
    """
    try:
        return environment().get_template(name)
    except jinja2.TemplateNotFound:
        raise OutputError(f"template {name!r} is missing from {templates_dir()}") from None
