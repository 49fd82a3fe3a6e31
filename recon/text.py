"""Text from inputs made safe for where it is shown or used: one sanitiser, one path builder.

Text that recon did not write (a ParticipantCode, a file name, a server's error message)
can hold anything: an ANSI escape that clears the terminal (``ESC[2J``), a bidi override
(U+202E) that shows ``exe.txt`` as ``txt.exe``, a newline that forges a log line, ``../``
that climbs out of a folder, a lone surrogate (``\\ud800`` in a JSON string, or a file name
whose bytes are not UTF-8) that no UTF-8 file can hold. Everything that shows such text goes
through :func:`safe_text` (terminal, log lines, HTML, Excel), everything that stores it as
data (findings.json, result.json, the store, a reader's source names) through
:func:`encodable` (:func:`encodable_data` for a document, :func:`encodable_model` for a
model), and everything that names a file or folder after it goes through
:func:`path_component`.

This module sits at the bottom of the layers (it imports nothing of recon but its errors),
so the sources, reports, store and CLI all use the same rules.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Protocol, Self, TypeVar

from recon.errors import UnsafeNameError

__all__ = [
    "encodable",
    "encodable_data",
    "encodable_model",
    "path_component",
    "printable",
    "safe_text",
]

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
_SURROGATES = "\ud800-\udfff"
"""Code points no UTF-8 file can hold: in a Python string they are always "lone" (a JSON
``\\ud800`` escape without its pair, or an undecodable byte of a file name)."""
_NONCHARACTERS = "\ufffe\uffff"
"""Not characters at all: XML (so xlsx and HTML) cannot hold them."""
_UNSAFE = re.compile(
    f"[\x00-\x08\x0a-\x1f\x7f-\x9f{_BIDI_AND_INVISIBLE}{_SURROGATES}{_NONCHARACTERS}]"
)
_UNSAFE_KEEP_LINES = re.compile(
    f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI_AND_INVISIBLE}{_SURROGATES}{_NONCHARACTERS}]"
)
_SURROGATE = re.compile(f"[{_SURROGATES}]")
_ERROR_LINE_MAX = 2000


class _Dumps(Protocol):
    """What :func:`encodable_model` needs of a pydantic model."""

    def model_dump(self) -> dict[str, Any]: ...

    @classmethod
    def model_validate(cls, obj: Any) -> Self: ...


_Model = TypeVar("_Model", bound=_Dumps)


def _escape(ch: str) -> str:
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    if 0xD800 <= code <= 0xDFFF:
        return f"\\u{code:04x}"
    return f"U+{code:04X}"


def safe_text(text: object, *, keep_newlines: bool = False) -> str:
    """Input text with every control character, bidi/invisible formatting character, lone
    surrogate and noncharacter shown escaped: ESC as ``\\x1b``, a newline as ``\\x0a``,
    U+202E as ``U+202E``, a lone surrogate as ``\\ud800``, U+FFFF as ``U+FFFF`` (a tab is
    kept: it moves the cursor, nothing more).

    The escaped form is plain ASCII, so the result is safe on a terminal, in a log line, in
    HTML (after the usual HTML escaping) and in an Excel cell (every character it holds is
    one XML 1.0 allows, and it encodes as UTF-8), and it still tells the reader exactly
    which character the input held.

    Args:
        text: Anything; ``str()`` of it is sanitised (None gives "").
        keep_newlines: Keep tab and newline as they are (multi-line text in HTML).
    """
    if text is None:
        return ""
    s = text if isinstance(text, str) else str(text)
    pattern = _UNSAFE_KEEP_LINES if keep_newlines else _UNSAFE
    return pattern.sub(lambda m: _escape(m.group()), s)


def encodable(text: str) -> str:
    """Text that UTF-8 can hold: each lone surrogate shown escaped (``\\ud800``), the rest
    kept exactly as it is.

    For text stored as data rather than shown (findings.json, result.json, the store, the
    source names a reader gives its rows): control characters stay (JSON escapes them), but
    a lone surrogate cannot be written at all. It is written as the same six characters
    :func:`safe_text` shows, so every output names it alike.
    """
    if not _SURROGATE.search(text):
        return text
    return _SURROGATE.sub(lambda m: _escape(m.group()), text)


def encodable_data(value: Any) -> Any:
    """A JSON-like document (dicts, lists, tuples, strings, other scalars) with every string,
    keys included, passed through :func:`encodable`; other values are returned as they are."""
    if isinstance(value, str):
        return encodable(value)
    if isinstance(value, dict):
        return {encodable_data(k): encodable_data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [encodable_data(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return {encodable_data(v) for v in value}
    return value


def encodable_model(model: _Model) -> _Model:
    """A pydantic model (a check's result, say) with every lone surrogate in its text shown
    escaped (:func:`encodable`): the same model when it holds none, else a copy.

    What a check found can then be written anywhere text is stored as UTF-8 (the store,
    findings.json) and reads the same in every output.
    """
    doc = model.model_dump()
    safe = encodable_data(doc)
    return model if safe == doc else type(model).model_validate(safe)


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
