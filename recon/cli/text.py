"""Input text made safe for the terminal, and never read as rich markup.

The sanitiser lives in :mod:`recon.text` (low in the layers, so the reports use it too);
:func:`printable` is it under its old name. :func:`text` and :func:`line` build rich
``Text``: a path such as ``x[/b]/s.duckdb`` is printed as it is, not parsed as markup.
"""

from __future__ import annotations

from rich.text import Text

from recon.text import printable, safe_text

__all__ = ["line", "printable", "safe_text", "text"]


def text(value: object, style: str = "") -> Text:
    """Input text as rich ``Text``: control and bidi characters escaped, no markup."""
    return Text(safe_text(value), style=style)


def line(*parts: object) -> Text:
    """One line of output from parts: a ``(value, style)`` pair is styled, anything else
    is input text (sanitised, never markup)."""
    out = Text()
    for part in parts:
        if isinstance(part, tuple):
            value, style = part
            out.append(safe_text(value), style=style)
        else:
            out.append(safe_text(part))
    return out
