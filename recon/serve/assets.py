"""The files the pages load besides themselves, all from inside the wheel (no CDN):

* ``report.css``: the reports' own style sheet, taken from ``templates/report.html`` (its
  ``<style>`` element), so the pages look like the reports and follow them when they change;
* ``serve.css``: what the pages add (navigation, forms, filters);
* ``htmx.min.js``: htmx 2 (BSD Zero-Clause licence), vendored unchanged from its npm package
  ``htmx.org`` (``templates/serve/static/VENDORED.md`` says which version and its hash). It
  only enhances: every page works without it.

Only these names are served; anything else under ``/static/`` is a 404 (no path is ever
built from the request).
"""

from __future__ import annotations

import re
from functools import lru_cache

from recon.errors import OutputError
from recon.report.templates import templates_dir

STATIC_TYPES = {
    "serve.css": "text/css; charset=utf-8",
    "htmx.min.js": "text/javascript; charset=utf-8",
}
REPORT_CSS = "report.css"
_STYLE = re.compile(r"<style>(.*?)</style>", re.S)


@lru_cache(maxsize=1)
def report_css() -> bytes:
    """The style sheet of ``report.html``.

    Raises:
        OutputError: The template has no ``<style>`` element (a broken installation).
    """
    source = templates_dir().joinpath("report.html").read_text(encoding="utf-8")
    found = _STYLE.search(source)
    if found is None or "{{" in found.group(1) or "{%" in found.group(1):
        raise OutputError("templates/report.html has no plain <style> element to share")
    return found.group(1).strip().encode("utf-8") + b"\n"


@lru_cache(maxsize=8)
def static_file(name: str) -> tuple[bytes, str] | None:
    """(content, media type) of a static file, or None for a name that is not one.

    Raises:
        OutputError: A shipped file is missing (a broken installation).
    """
    if name == REPORT_CSS:
        return report_css(), "text/css; charset=utf-8"
    media = STATIC_TYPES.get(name)
    if media is None:
        return None
    item = templates_dir().joinpath("serve").joinpath("static").joinpath(name)
    if not item.is_file():
        raise OutputError(f"recon serve's static file {name} is missing; reinstall recon")
    return item.read_bytes(), media
