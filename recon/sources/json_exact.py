"""PaSS API JSON (SPEC §3.3): exact decoding and the shared reading helpers.

A document is decoded with every number kept as its exact text (never a float). ``NaN`` and
``Infinity`` literals, malformed JSON, a wrong shape (an object where an array belongs, ...)
or a missing required field raise :class:`~recon.errors.InputError` naming the file and the
JSON path. The Summary/Detail readers (:mod:`recon.sources.statement_json`) and the Invoice
reader (:mod:`recon.sources.invoice_json`) build on it. AEMO's JSON field names live in
:mod:`recon.models.aemo_names`; a real schema replaces the names there only.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from recon.errors import InputError
from recon.models.aemo_names import (
    F_WRAP_DATA,
    F_WRAP_ERRORS,
    F_WRAP_ID,
)
from recon.sources.files import read_bytes
from recon.sources.limits import DEFAULT_LIMITS, Limits

log = logging.getLogger(__name__)

_MIDNIGHT = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:T00:00:00(?:\.0+)?)?$")
_UNSAFE_IN_ARRAY = re.compile(r"[,\[\]]")
_STAND_IN = {",": "\ue000", "[": "\ue001", "]": "\ue002"}
"""Characters of a Value element that the array syntax would split on, passed to the
array parser as private-use stand-ins (one bad element) and put back in its messages by
:func:`put_back`, so a message quotes ``399,790.89331678`` as it was."""
_PUT_BACK = str.maketrans({v: k for k, v in _STAND_IN.items()})


def put_back(message: str) -> str:
    """A message with the stand-ins of :data:`_STAND_IN` turned back into what the input
    held (raw, or as ``repr`` escapes them)."""
    for original, stand_in in _STAND_IN.items():
        message = message.replace(repr(stand_in)[1:-1], original)
    return message.translate(_PUT_BACK)


# --------------------------------------------------------------------------------------
# Decoding
# --------------------------------------------------------------------------------------


class _Num(str):
    """The exact text of a JSON number (kept apart from a JSON string)."""

    __slots__ = ()


class _Constant(str):
    """A ``NaN``, ``Infinity`` or ``-Infinity`` literal, which recon refuses."""

    __slots__ = ()


def _pointer(*parts: object) -> str:
    """Return a JSON Pointer (RFC 6901) for a path of keys and indexes."""
    out = []
    for p in parts:
        out.append(str(p).replace("~", "~0").replace("/", "~1"))
    return "/" + "/".join(out) if out else ""


def _find_constant(
    node: Any, path: tuple[object, ...] = ()
) -> tuple[tuple[object, ...], str] | None:
    if isinstance(node, _Constant):
        return path, str(node)
    if isinstance(node, dict):
        for k, v in node.items():
            if found := _find_constant(v, (*path, k)):
                return found
    elif isinstance(node, list):
        for i, v in enumerate(node):
            if isinstance(v, str) and not isinstance(v, _Constant):
                continue
            if found := _find_constant(v, (*path, i)):
                return found
    return None


_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def escape_surrogates(text: str) -> str:
    """Text with every lone surrogate shown as its JSON escape (``\\ud800``, six
    characters), the one rule for text read from JSON **[reading]**.

    JSON may escape half of a UTF-16 pair on its own (``"\\ud800"``), which decodes to a
    code point no UTF-8 writer accepts. recon keeps the text, with the escape as the file
    wrote it, so that it reaches every output (and is judged by the check it belongs to: a
    scope so written does not fit its grammar, a ``data.scope`` finding). A pair that
    makes one character is that character.
    """
    if not _SURROGATE.search(text):
        return text
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _escape_document(node: Any) -> Any:
    """A decoded document with :func:`escape_surrogates` applied to every string (keys
    and values; numbers, kept as text, hold no surrogate)."""
    if isinstance(node, dict):
        return {escape_surrogates(k): _escape_document(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_escape_document(v) for v in node]
    if type(node) is str:
        return escape_surrogates(node)
    return node


def loads(data: bytes | str, source: str | Path = "<document>") -> Any:
    """Decode JSON with every number kept as its exact text.

    Args:
        data: The JSON text or bytes (UTF-8, a BOM allowed).
        source: The file it came from, for error messages.

    Returns:
        The decoded document. Numbers are ``str`` subclasses holding their literal text;
        a lone surrogate in a string is kept as its escape (:func:`escape_surrogates`).

    Raises:
        InputError: If the bytes are not UTF-8, the JSON is malformed, or it holds a
            ``NaN`` or ``Infinity`` literal (with the JSON path of the first one).
    """
    if isinstance(data, bytes | bytearray):
        try:
            text = bytes(data).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(
                source, f"is not UTF-8 text ({exc.reason} at byte {exc.start})"
            ) from None
    else:
        text = data.removeprefix("\ufeff")
    seen: list[str] = []

    def constant(name: str) -> _Constant:
        seen.append(name)
        return _Constant(name)

    try:
        doc = json.loads(text, parse_float=_Num, parse_int=_Num, parse_constant=constant)
    except json.JSONDecodeError as exc:
        raise InputError(
            source, f"is not valid JSON: {exc.msg} (column {exc.colno})", line=exc.lineno
        ) from None
    except RecursionError:
        raise InputError(source, "is not valid JSON: nested too deeply") from None
    if _SURROGATE_ESCAPE.search(text):
        try:
            doc = _escape_document(doc)
        except RecursionError:
            raise InputError(source, "is not valid JSON: nested too deeply") from None
    if seen:
        found = _find_constant(doc)
        where = _pointer(*found[0]) if found else None
        raise InputError(
            source,
            f"holds the literal {seen[0]}, which is not a number (JSON has no NaN or Infinity)",
            json_path=where or "/",
        )
    return doc


def read_json(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> Any:
    """Read a JSON file and decode it with :func:`loads` (every number kept exact).

    Args:
        path: The file to read.
        limits: The size limits the file is read under.

    Raises:
        InputError: If the file cannot be read, is too large, or is not valid JSON.
    """
    return loads(read_bytes(path, limits), str(path))


def unwrap(doc: Any, source: str | Path = "<document>") -> dict[str, Any]:
    """Return the document inside a PaSS response, or the document itself.

    A PaSS response is ``{"transactionId": ..., "data": <document>}`` (SPEC §7); recon
    also accepts the bare document. An Invoice's own ``data`` array is not a wrapper.

    Args:
        doc: A decoded JSON value.
        source: The file or URL it came from, for error messages.

    Raises:
        InputError: If it is not an object, is a PaSS error response, or is a wrapper
            without an object in ``data``.
    """
    if not isinstance(doc, dict):
        raise InputError(source, f"expected a JSON object, found {kind_of(doc)}", json_path="/")
    if F_WRAP_ERRORS in doc and F_WRAP_DATA not in doc:
        errors = doc.get(F_WRAP_ERRORS)
        first = errors[0] if isinstance(errors, list) and errors else {}
        first = first if isinstance(first, dict) else {}
        detail = " ".join(str(first.get(k, "")) for k in ("code", "title", "detail")).strip()
        raise InputError(
            source,
            f"is a PaSS error response, not a document ({detail or 'no detail'})",
            json_path=_pointer(F_WRAP_ERRORS),
        )
    wrapped = F_WRAP_ID in doc or (set(doc) == {F_WRAP_DATA} and isinstance(doc[F_WRAP_DATA], dict))
    if not wrapped:
        return doc
    inner = doc.get(F_WRAP_DATA)
    if not isinstance(inner, dict):
        what = "nothing" if F_WRAP_DATA not in doc else kind_of(inner)
        raise InputError(
            source,
            f"is a PaSS response whose data holds {what}, not a document",
            json_path=_pointer(F_WRAP_DATA),
        )
    return inner


def unwrapped_pointer(doc: Any) -> tuple[str, ...]:
    """The path prefix of the document inside ``doc`` (``("data",)`` for a wrapper)."""
    if (
        isinstance(doc, dict)
        and (F_WRAP_ID in doc or set(doc) == {F_WRAP_DATA})
        and isinstance(doc.get(F_WRAP_DATA), dict)
    ):
        return (F_WRAP_DATA,)
    return ()


def kind_of(value: Any) -> str:
    """What a decoded JSON value is, for an error message (``"an array"``, ``"null"``...)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, _Num):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, float):
        return "a float (decode with recon.sources.json_exact.loads to keep numbers exact)"
    return type(value).__name__


class DocReader:
    """Reads fields of one document, raising InputError with the JSON path.

    Args:
        source: The file the document came from, for error messages.
        prefix: The JSON path of the document inside the file (see
            :func:`unwrapped_pointer`), put before every path a message names.
    """

    def __init__(self, source: str | Path, prefix: tuple[object, ...] = ()) -> None:
        self.source = str(source)
        self.prefix = prefix

    def path(self, *parts: object) -> str:
        """The JSON Pointer of ``parts`` inside the document."""
        return _pointer(*self.prefix, *parts)

    def fail(self, problem: str, *parts: object) -> InputError:
        """An InputError for ``problem`` at the JSON path ``parts`` (for the caller to raise)."""
        return InputError(self.source, problem, json_path=self.path(*parts))

    def get(
        self,
        obj: Mapping[str, Any],
        key: str,
        *parts: object,
        required: bool = True,
        default: Any = None,
    ) -> Any:
        """The field ``key`` of ``obj`` (at ``parts``); a missing or null field is an
        InputError when ``required``, else ``default``."""
        if key not in obj or obj[key] is None:
            if required:
                raise self.fail(f"the required field {key!r} is missing", *parts, key)
            return default
        return obj[key]

    def obj(
        self, obj: Mapping[str, Any], key: str, *parts: object, required: bool = True
    ) -> dict[str, Any] | None:
        """The object field ``key`` of ``obj`` (None when optional and missing)."""
        v = self.get(obj, key, *parts, required=required)
        if v is None:
            return None
        if not isinstance(v, dict):
            raise self.fail(f"{key!r} must be an object, found {kind_of(v)}", *parts, key)
        return v

    def arr(self, obj: Mapping[str, Any], key: str, *parts: object) -> list[Any]:
        """The required array field ``key`` of ``obj``."""
        v = self.get(obj, key, *parts)
        if not isinstance(v, list):
            raise self.fail(f"{key!r} must be an array, found {kind_of(v)}", *parts, key)
        return v

    def text(
        self,
        obj: Mapping[str, Any],
        key: str,
        *parts: object,
        required: bool = True,
        default: str | None = None,
    ) -> str | None:
        """A string or number leaf as its text."""
        v = self.get(obj, key, *parts, required=required, default=default)
        if v is None or (not required and v is default):
            return v
        text = number_text(v)
        if text is not None:
            return text
        raise self.fail(f"{key!r} must be a string or a number, found {kind_of(v)}", *parts, key)

    def item(self, value: Any, what: str, *parts: object) -> dict[str, Any]:
        """``value`` (an element of an array, named ``what``) if it is an object."""
        if not isinstance(value, dict):
            raise self.fail(f"{what} must be an object, found {kind_of(value)}", *parts)
        return value


def number_text(value: Any) -> str | None:
    """The text of a number or string leaf (exact), or None for anything else."""
    if isinstance(value, str):  # a JSON string, or a number as _Num
        return str(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def flag_text(value: Any) -> str:
    """``gstApplicable`` as the CSV's Y/N (anything else kept as text for the validator)."""
    if value is True:
        return "Y"
    if value is False:
        return "N"
    if isinstance(value, str):
        low = value.strip().lower()
        return {"true": "Y", "false": "N", "y": "Y", "n": "N"}.get(low, str(value))
    return number_text(value) or kind_of(value)


def trading_day_text(value: str) -> str:
    """``tradingDay`` ``2024-12-01T00:00:00`` as the CSV's ``2024-12-01`` (else unchanged)."""
    m = _MIDNIGHT.match(value.strip())
    return m.group(1) if m else value


def element_text(value: Any, d: DocReader, *at: object) -> str:
    """One Value element as text the array parser sees as one (possibly bad) element.

    Raises:
        InputError: For a float (the document was decoded losing exactness) or an array
            or object where a number belongs.
    """
    text = number_text(value)
    if text is not None:
        if _UNSAFE_IN_ARRAY.search(text):
            return _UNSAFE_IN_ARRAY.sub(lambda m: _STAND_IN[m.group()], text)
        return text
    if isinstance(value, float):
        raise d.fail(
            "holds a float: decode JSON with recon.sources.json_exact.loads so numbers stay exact",
            *at,
        )
    if isinstance(value, list | dict):
        raise d.fail(f"a value must be a number, found {kind_of(value)}", *at)
    return "null" if value is None else str(value).lower()  # true/false: a data.value finding


def array_text(values: list[Any], d: DocReader, *at: object) -> str:
    """A Value array as the CSV writes it: ``[1.5,2,-0.00000001]``."""
    if all(type(v) is _Num for v in values):
        return "[" + ",".join(values) + "]"
    return "[" + ",".join(element_text(v, d, *at, k) for k, v in enumerate(values)) + "]"
