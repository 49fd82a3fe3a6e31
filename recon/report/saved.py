"""A check's ``findings.json`` and ``result.json``, written streamed.

The bytes are those of ``json.dumps(result.findings_document(), indent=2,
ensure_ascii=False)`` and ``json.dumps(result.model_dump(mode="json"), indent=1,
ensure_ascii=False)``, written one finding at a time: a check of a million findings never
holds its whole document as one string. Every text is kept as it is, except a lone
surrogate (which UTF-8 cannot hold): it is written as the six characters ``\\ud800``
(:func:`recon.text.encodable_data`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from recon.atomic import atomic_writer
from recon.models.results import CheckResult
from recon.text import encodable_data

_BATCH = 1000
"""Findings serialised per write."""


def findings_json_chunks(result: CheckResult) -> Iterator[str]:
    """The text of ``findings.json`` (SPEC §6), in pieces."""
    head = encodable_data({**result.findings_document_head(), "findings": []})
    text = json.dumps(head, indent=2, ensure_ascii=False)
    if not result.findings:
        yield text + "\n"
        return
    tail = "[]\n}"
    assert text.endswith(tail)
    yield text[: -len(tail)] + "[\n"
    for i in range(0, len(result.findings), _BATCH):
        part = result.findings[i : i + _BATCH]
        yield ("" if i == 0 else ",\n") + ",\n".join(
            _indent(_dumps(f.model_dump(mode="json"), 2), 4) for f in part
        )
    yield "\n  ]\n}\n"


def result_json_chunks(result: CheckResult) -> Iterator[str]:
    """The text of ``result.json``, in pieces (:func:`recon.report.load_result` reads it)."""
    text = _dumps(result.model_copy(update={"findings": []}).model_dump(mode="json"), 1)
    if not result.findings:
        yield text
        return
    mark = '\n "findings": [],\n'  # a top-level member: nested ones are indented further
    at = text.index(mark)
    yield text[:at] + '\n "findings": [\n'
    for i in range(0, len(result.findings), _BATCH):
        part = result.findings[i : i + _BATCH]
        yield ("" if i == 0 else ",\n") + ",\n".join(
            _indent(_dumps(f.model_dump(mode="json"), 1), 2) for f in part
        )
    yield "\n ],\n" + text[at + len(mark) :]


def _dumps(doc: object, indent: int) -> str:
    return json.dumps(encodable_data(doc), indent=indent, ensure_ascii=False)


def _indent(text: str, spaces: int) -> str:
    pad = " " * spaces
    return pad + text.replace("\n", "\n" + pad)


def write_chunks(path: Path, chunks: Iterator[str]) -> None:
    """Write text pieces to ``path`` atomically (UTF-8)."""
    with atomic_writer(path, "wb") as fh:
        for chunk in chunks:
            fh.write(chunk.encode("utf-8"))
