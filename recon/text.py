"""Text from inputs made safe for where it is shown or used: one sanitiser, one path builder.

Text that recon did not write (a ParticipantCode, a file name, a server's error message)
can hold anything: an ANSI escape that clears the terminal (``ESC[2J``), a bidi override
(U+202E) that shows ``exe.txt`` as ``txt.exe``, a newline that forges a log line, ``../``
that climbs out of a folder. Everything that shows such text goes through
:func:`safe_text` (terminal, HTML, Excel), and everything that names a file or folder after
it goes through :func:`path_component`.

This module sits at the bottom of the layers (it imports nothing of recon but its errors),
so the sources, reports, store and CLI all use the same rules.
"""

from __future__ import annotations

import re
import unicodedata

from recon.errors import UnsafeNameError

__all__ = ["path_component", "printable", "safe_text"]

_BIDI_AND_INVISIBLE = (
    "\u061c"  # ARABIC LETTER MARK
    "\u200b-\u200f"  # zero width space/joiners, LRM, RLM
    "\u2028\u2029"  # line and paragraph separators
    "\u202a-\u202e"  # LRE, RLE, PDF, LRO, RLO
    "\u2060-\u2064"  # word joiner, invisible operators
    "\u2066-\u2069"  # LRI, RLI, FSI, PDI
    "\ufeff"  # zero width no-break space (BOM)
    "\ufff9-\ufffb"  # interlinear annotation
)
_UNSAFE = re.compile(f"[\x00-\x08\x0a-\x1f\x7f-\x9f{_BIDI_AND_INVISIBLE}]")
_UNSAFE_KEEP_LINES = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI_AND_INVISIBLE}]")
_ERROR_LINE_MAX = 2000


def _escape(ch: str) -> str:
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"U+{code:04X}"


def safe_text(text: object, *, keep_newlines: bool = False) -> str:
    """Input text with every control character and bidi/invisible formatting character
    shown escaped: ESC as ``\\x1b``, a newline as ``\\x0a``, U+202E as ``U+202E`` (a tab is
    kept: it moves the cursor, nothing more).

    The escaped form is plain ASCII, so it is safe on a terminal, in a log line, in HTML
    (after the usual HTML escaping) and in an Excel cell, and it still tells the reader
    exactly which character the input held.

    Args:
        text: Anything; ``str()`` of it is sanitised (None gives "").
        keep_newlines: Keep tab and newline as they are (multi-line text in HTML).
    """
    if text is None:
        return ""
    s = text if isinstance(text, str) else str(text)
    pattern = _UNSAFE_KEEP_LINES if keep_newlines else _UNSAFE
    return pattern.sub(lambda m: _escape(m.group()), s)


def printable(text: object, limit: int = _ERROR_LINE_MAX) -> str:
    """:func:`safe_text` for the one error line on a terminal: also cut when overlong."""
    out = safe_text(text)
    if len(out) > limit:
        out = out[:limit] + f"... ({len(out) - limit} more characters)"
    return out


_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"]
    + [f"{dev}{n}" for dev in ("COM", "LPT") for n in "0123456789¹²³"]
)
"""Device names Windows reserves in every folder, with or without an extension."""
_SEPARATORS = re.compile(r"[/\\:]")
_MAX_COMPONENT = 200


def path_component(value: object, what: str = "name") -> str:
    """A file or folder name built from data, refused unless it is safe as one component.

    Every place recon names a file or folder after input data (a ParticipantCode, a run,
    a Trading Day) builds the name here, so none can climb out of its folder (``..``,
    ``/``), hide (a leading ``.``), smuggle a control or bidi character into a directory
    listing, or be a name Windows reserves (``CON``, ``NUL.txt``).

    Args:
        value: The name (``str()`` of it).
        what: What the name is, for the error message (e.g. ``"participant code"``).

    Returns:
        ``value`` unchanged, as a string.

    Raises:
        UnsafeNameError: The name is empty, ``.``/``..`` or starts with a dot, holds a
            path separator (``/``, ``\\``, ``:``), a control, bidi or invisible character
            or a character that is not printable, is a reserved device name, ends with a
            space or dot, or is longer than 200 characters.
    """
    name = value if isinstance(value, str) else str(value)
    problem = None
    if not name:
        problem = "it is empty"
    elif name in (".", ".."):
        problem = "it is a relative folder reference"
    elif name.startswith("."):
        problem = "it starts with a dot"
    elif _SEPARATORS.search(name):
        problem = "it holds a path separator"
    elif _UNSAFE.search(name) or any(unicodedata.category(c).startswith("C") for c in name):
        problem = "it holds a control or invisible character"
    elif name.split(".", 1)[0].rstrip(" ").upper() in _RESERVED:
        problem = "it is a reserved device name"
    elif name[-1] in " .":
        problem = "it ends with a space or a dot"
    elif len(name) > _MAX_COMPONENT:
        problem = f"it is longer than {_MAX_COMPONENT} characters"
    if problem is not None:
        raise UnsafeNameError(f"the {what} {_quoted(name)} cannot name a file or folder: {problem}")
    return name


def _quoted(name: str) -> str:
    return "'" + printable(name, 120) + "'"
