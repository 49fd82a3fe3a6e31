"""Which artefact a file's *name* says it is **[reading]**: the fallback that keeps a
damaged download from being skipped unseen (SPEC §5 ``coverage.unread``).

recon detects artefacts by content (SPEC §6); the name is used only when the content
cannot say: a Detail JSON cut short before its keys, an Invoice PDF that does not open, a
Summary saved as an HTML error page. Such a file is *recognisably* AEMO's when its name
carries AEMO's word for the artefact (``..._SettlementStatementSummary.csv``,
``..._SettlementStatementDetail_2024-12-01.json``, ``..._Invoice.pdf``) or ``recon
fetch``'s (``51230_detail_2024-12-01_<sha12>.json``), and an extension that is one of the
artefact's forms. The words live in :mod:`recon.models.aemo_names`.

The run the name gives (participant, RunId, designation, Trading Day) is used only to say
which run is not fully checked; it never groups an artefact that reads.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from recon.models import aemo_names as aemo
from recon.models.kinds import Kind

_FORMS: dict[str, dict[str, Kind]] = {
    "summary": {".csv": Kind.SUMMARY_CSV, ".json": Kind.SUMMARY_JSON},
    "detail": {".csv": Kind.DETAIL_CSV, ".zip": Kind.DETAIL_ZIP, ".json": Kind.DETAIL_JSON},
    "invoice": {".json": Kind.INVOICE_JSON, ".pdf": Kind.INVOICE_PDF},
}
"""Kind word -> extension -> artefact kind."""

_AEMO_WORD = re.compile(
    rf"(?<![A-Za-z])(?:(?P<summary>{aemo.FILE_WORD_SUMMARY})|(?P<detail>{aemo.FILE_WORD_DETAIL})"
    rf"|(?P<invoice>{aemo.FILE_WORD_INVOICE}))(?![a-z])",
    re.IGNORECASE,
)
_FETCHED = re.compile(
    rf"^(?P<run>[0-9]+)_(?P<word>{'|'.join(aemo.FILE_WORDS_FETCHED)})(?:_|$)", re.IGNORECASE
)
_DESIGNATION = re.compile(r"^(?:INITIAL|ADJ[1-9])$", re.IGNORECASE)
_RUN_ID = re.compile(r"^[0-9]{3,12}$")
_DAY = re.compile(r"^(?P<y>[0-9]{4})-?(?P<m>[0-9]{2})-?(?P<d>[0-9]{2})$")
_PARTICIPANT = re.compile(r"^[A-Z0-9]+$")


def kind_from_name(path: str | Path) -> tuple[Kind, dict[str, Any]] | None:
    """The artefact kind a file's name gives, and the run it names.

    Args:
        path: The file.

    Returns:
        (kind, ``{"participant", "run_id", "designation", "trading_day"}`` where the name
        gives them), or None when the name is not one of an artefact's. Hidden files
        (``.DS_Store``, a Mac's ``._`` copies) are never artefacts by name.
    """
    p = Path(path)
    name = p.name
    if name.startswith((".", "~$")):
        return None
    stem, ext = p.stem, p.suffix.lower()
    fetched = _FETCHED.match(stem)
    word: str | None = None
    if fetched is not None:
        word = fetched.group("word").lower()
    elif (m := _AEMO_WORD.search(stem)) is not None:
        word = next(k for k in ("summary", "detail", "invoice") if m.group(k))
    if word is None:
        return None
    kind = _FORMS[word].get(ext)
    if kind is None:
        return None
    return kind, _run_from_tokens(stem.split("_"))


def _run_from_tokens(tokens: list[str]) -> dict[str, Any]:
    """``PARTICIPANT_RUNID_DESIGNATION_...`` or ``RUNID_word_[day_]sha``: what they give."""
    info: dict[str, Any] = {}
    run_at = next((i for i, t in enumerate(tokens) if _RUN_ID.match(t)), None)
    if run_at is not None:
        info["run_id"] = int(tokens[run_at])
        before = tokens[:run_at]
        if before and all(_PARTICIPANT.match(t) for t in before):
            info["participant"] = "_".join(before)
    for t in tokens:
        if _DESIGNATION.match(t):
            info["designation"] = t.upper()
            break
    for t in tokens:
        if (d := _DAY.match(t)) is not None and "-" in t:
            info["trading_day"] = f"{d.group('y')}-{d.group('m')}-{d.group('d')}"
            break
    return info
