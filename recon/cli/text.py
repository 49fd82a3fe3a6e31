"""Input text made safe for the terminal."""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")
_ERROR_LINE_MAX = 2000


def printable(text: str) -> str:
    """Text from inputs made safe for the one error line on a terminal.

    Control characters (an ANSI escape in a ZIP member name, say) are shown as ``\\x1b``
    rather than sent to the terminal, and an overlong message is cut.
    """
    out = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    if len(out) > _ERROR_LINE_MAX:
        out = out[:_ERROR_LINE_MAX] + f"... ({len(out) - _ERROR_LINE_MAX} more characters)"
    return out
