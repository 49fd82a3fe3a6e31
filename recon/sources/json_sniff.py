"""Sniffing a JSON file: which PaSS document it is (Summary, Detail or Invoice) from the
top-level keys of a text prefix, read by a small scanner that stops at the first key it
cannot see, or from the document parsed whole when the prefix does not tell.

:func:`json_kind` is the one rule for the kind of a PaSS document (used by the detector and
the emulator).
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any

from recon.errors import InputError
from recon.models import aemo_names as aemo
from recon.models.kinds import Kind
from recon.sources.artefacts import NotAnArtefact, Unreadable, kind_words, run_info
from recon.sources.files import read_bytes
from recon.sources.json_exact import loads
from recon.sources.limits import Limits

log = logging.getLogger(__name__)


_JSON_KEYS = frozenset(
    (
        aemo.INV_NUMBER,
        aemo.INV_PAYMENT_SUMMARY,
        aemo.F_SETTLEMENT_DAY,
        aemo.F_VARIABLES,
        aemo.H_RUN_ID,
        aemo.H_PARTICIPANT,
        aemo.H_PERIOD,
        aemo.H_DESIGNATION,
        aemo.F_WRAP_ERRORS,
        aemo.F_WRAP_ID,
        aemo.F_WRAP_DATA,
    )
)
"""Top-level keys detection looks at."""

_WS = re.compile(r"[ \t\r\n]*")


def _skip_ws(text: str, i: int) -> int:
    """The index of the first character at or after ``i`` that is not JSON whitespace."""
    m = _WS.match(text, i)
    assert m is not None  # the pattern matches the empty string, so it always matches
    return m.end()


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_STRUCTURAL = re.compile(r'[\[\]{}"]')


class _Truncated(Exception):
    """The prefix ended before the object did."""


def _skip_container(text: str, i: int) -> int:
    """Return the index after the array or object starting at ``text[i]``."""
    depth = 0
    pos = i
    while True:
        m = _STRUCTURAL.search(text, pos)
        if m is None:
            raise _Truncated
        ch = m.group()
        if ch == '"':
            sm = _STRING.match(text, m.start())
            if sm is None:
                raise _Truncated
            pos = sm.end()
            continue
        depth += 1 if ch in "[{" else -1
        pos = m.end()
        if depth == 0:
            return pos


def _object_keys(text: str, i: int, out: dict[str, Any]) -> int:
    """Record the keys of the object at ``text[i]`` (scalars by value, containers as True);
    a ``data`` object is descended into (a PaSS wrapper). Returns the index after it."""
    decoder = json.JSONDecoder(parse_float=str, parse_int=str)
    if text[i : i + 1] != "{":
        raise NotAnArtefact("JSON that is not an object")
    i = _skip_ws(text, i + 1)
    if text[i : i + 1] == "}":
        return i + 1
    while True:
        if i >= len(text):
            raise _Truncated
        try:
            key, i = decoder.raw_decode(text, i)
        except ValueError:
            if len(text) - i < 2 or _STRING.match(text, i) is None:
                raise _Truncated from None
            raise NotAnArtefact("text that starts like JSON but does not read as JSON") from None
        i = _skip_ws(text, i)
        if text[i : i + 1] != ":":
            if i >= len(text):
                raise _Truncated
            raise NotAnArtefact("text that starts like JSON but does not read as JSON")
        i = _skip_ws(text, i + 1)
        ch = text[i : i + 1]
        if not ch:
            raise _Truncated
        if ch == "{" and key == aemo.F_WRAP_DATA:
            inner: dict[str, Any] = {}
            try:
                i = _object_keys(text, i, inner)
            finally:
                out[aemo.F_WRAP_DATA] = True
                out.update(
                    {k: v for k, v in inner.items() if k in _JSON_KEYS and k != aemo.F_WRAP_DATA}
                )
        elif ch in "[{":
            if key in _JSON_KEYS:  # recorded first: the prefix may end inside it
                out.setdefault(key, True)
            i = _skip_container(text, i)
        else:
            try:
                value, i = decoder.raw_decode(text, i)
            except ValueError:
                if len(text) - i < 64:
                    raise _Truncated from None
                raise NotAnArtefact(
                    "text that starts like JSON but does not read as JSON"
                ) from None
            if key in _JSON_KEYS:
                out.setdefault(key, value)
        i = _skip_ws(text, i)
        ch = text[i : i + 1]
        if ch == ",":
            i = _skip_ws(text, i + 1)
            continue
        if ch == "}":
            return i + 1
        if not ch:
            raise _Truncated
        raise NotAnArtefact("text that starts like JSON but does not read as JSON")


def _scan_keys(text: str) -> tuple[dict[str, Any], bool]:
    """Top-level keys of a JSON object in a text prefix, and whether the scan finished."""
    out: dict[str, Any] = {}
    try:
        _object_keys(text, 0, out)
    except _Truncated:
        return out, False
    except RecursionError:
        raise NotAnArtefact("JSON nested too deeply") from None
    return out, True


def _keys_of_document(path: Path, limits: Limits) -> dict[str, Any]:
    """Parse a whole JSON file and return the top-level keys of its document."""
    try:
        doc = loads(read_bytes(path, limits), path)
    except InputError as exc:
        raise NotAnArtefact(f"JSON that does not read ({exc.problem})") from None
    if not isinstance(doc, dict):
        raise NotAnArtefact("JSON that is not an object")
    out: dict[str, Any] = {}
    bodies = [doc]
    if isinstance(doc.get(aemo.F_WRAP_DATA), dict):
        bodies.append(doc[aemo.F_WRAP_DATA])
    for body in bodies:
        for k, v in body.items():
            if k in _JSON_KEYS:
                out.setdefault(k, True if isinstance(v, dict | list) else v)
    return out


def opens_json_object(head: bytes) -> bool:
    """Whether bytes open a JSON object: ``{`` past a BOM and JSON white space."""
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")


def json_kind(keys: dict[str, Any]) -> Kind | None:
    """The kind of a PaSS document from its top-level keys (a document, or the keys the
    scanner found): ``invoice_json``, ``detail_json``, ``summary_json`` or None."""
    if aemo.INV_NUMBER in keys or aemo.INV_PAYMENT_SUMMARY in keys:
        return Kind.INVOICE_JSON
    if aemo.F_SETTLEMENT_DAY in keys:
        return Kind.DETAIL_JSON
    if aemo.F_VARIABLES in keys and (aemo.H_RUN_ID in keys or aemo.H_PARTICIPANT in keys):
        return Kind.SUMMARY_JSON
    return None


def sniff_json(path: Path, text: str, whole: bool, limits: Limits) -> dict[str, Any]:
    try:
        keys, complete = _scan_keys(text)
    except NotAnArtefact:
        keys, complete = {}, False
    if not complete:
        kind = json_kind(keys)
        needs = (aemo.H_RUN_ID, aemo.H_PARTICIPANT, aemo.H_PERIOD, aemo.H_DESIGNATION)
        if whole or kind in (None, Kind.SUMMARY_JSON) or any(k not in keys for k in needs):
            # parse it whole: for the parser's message on a malformed file, or because a
            # key may come after the prefix (a Summary may yet show a settlement day)
            try:
                keys = _keys_of_document(path, limits)
            except NotAnArtefact as exc:
                if kind is None:
                    raise
                if whole:
                    # Its keys show a PaSS document that does not read (cut short,
                    # malformed): recognisable, and unusable (coverage.unread).
                    raise Unreadable(
                        f"{exc}: {kind_words(kind)} by its keys, cut short or malformed",
                        kind,
                        _run(keys),
                    ) from None
                # A large document its prefix shows to be a PaSS document, which does not
                # read whole (cut short, malformed further on, over the size cap): its
                # reader refuses it with the reason, rather than it being skipped unseen.
                log.info("%s: reading as %s from its prefix; it does not parse whole", path, kind)
    kind = json_kind(keys)
    if kind is None:
        if aemo.F_WRAP_ERRORS in keys and aemo.F_VARIABLES not in keys:
            raise NotAnArtefact("a PaSS error response, not a document")
        raise NotAnArtefact("JSON that is not a PaSS Summary, Detail or Invoice document")
    return {"kind": kind, **_run(keys)}


def _run(keys: dict[str, Any]) -> dict[str, Any]:
    """The run a document's top-level keys give (:func:`run_info`)."""
    return run_info(
        {
            "participant": keys.get(aemo.H_PARTICIPANT),
            "period": keys.get(aemo.H_PERIOD),
            "run_id": keys.get(aemo.H_RUN_ID),
            "designation": keys.get(aemo.H_DESIGNATION),
            "trading_day": keys.get(aemo.F_SETTLEMENT_DAY),
        }
    )
