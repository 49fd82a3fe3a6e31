"""What detection reports about a file: the artefact kinds, an :class:`Artefact` and
the paths skipped or unread, and the run read from a file's header (SPEC §6).

Shared by the sniffers (:mod:`recon.sources.csv_sniff`, :mod:`recon.sources.json_sniff`)
and the detector (:mod:`recon.sources.detect`).
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from recon.models.kinds import AEMO_KINDS, Kind
from recon.models.results import InputRecord
from recon.sources.json_exact import escape_surrogates

KINDS: tuple[Kind, ...] = AEMO_KINDS
"""The kinds of artefact detection finds."""


def kind_words(kind: str | None) -> str:
    """An artefact kind in words, with its article: ``a Summary JSON``, ``an Invoice PDF``
    (``a settlement artefact`` for an unknown kind)."""
    if kind is None or kind not in KINDS:
        return "a settlement artefact"
    k = Kind(kind)
    words = f"{k.artefact.title()} {k.form.upper()}"
    return f"{'an' if words[0] in 'AEIOU' else 'a'} {words}"


PREFIX_BYTES = 64 * 1024
"""How much of a file detection reads to sniff it (JSON keys must appear in it, or the
document is parsed whole)."""


class Artefact(BaseModel):
    """One input file recognised as a settlement artefact.

    Attributes:
        path: The file.
        kind: One of :data:`KINDS`.
        sha256: Hex SHA-256 of the file's bytes.
        participant: ParticipantCode, as the file's header (or first row) gives it.
        period: The Trading Week label.
        run_id: RunId.
        designation: INITIAL or ADJn.
        trading_day: The Settlement Trading Day (Detail JSON and CSV), ``yyyy-mm-dd``.
    """

    model_config = ConfigDict(frozen=True)

    path: str
    kind: Kind
    sha256: str
    participant: str | None = None
    period: str | None = None
    run_id: int | None = None
    designation: str | None = None
    trading_day: str | None = None
    ignored: tuple[str, ...] = ()
    """ZIP members that are not CSV files (``member: why``), ignored and listed."""

    @property
    def run_key(self) -> tuple[str | None, str | None, int | None]:
        """(participant, period, run_id): how artefacts group into runs."""
        return (self.participant, self.period, self.run_id)

    def record(self) -> InputRecord:
        """The ``inputs`` entry of ``findings.json`` (SPEC §6)."""
        return InputRecord(
            path=self.path,
            sha256=self.sha256,
            kind=self.kind,
            participant=self.participant,
            period=self.period,
            run_id=self.run_id,
            designation=self.designation,
        )


class Skipped(BaseModel):
    """A path that is not used, with the reason."""

    model_config = ConfigDict(frozen=True)

    path: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        """``{"path": ..., "reason": ...}`` (``CheckResult.skipped``)."""
        return {"path": self.path, "reason": self.reason}


class Unread(BaseModel):
    """A file that is recognisably a settlement artefact but cannot be used
    (``coverage.unread``): another separator, encoding or letter case, a damaged ZIP.

    Attributes:
        path: The file.
        reason: Why it cannot be used.
        kind: The kind it appears to be.
        participant, period, run_id, designation: The run, where its first row says.
    """

    model_config = ConfigDict(frozen=True)

    path: str
    reason: str
    kind: Kind | None = None
    participant: str | None = None
    period: str | None = None
    run_id: int | None = None
    designation: str | None = None


class Detection(BaseModel):
    """What :func:`detect` found.

    Attributes:
        artefacts: Recognised files, sorted by path.
        skipped: Paths not used (and ZIP members ignored, as ``zip!member``), sorted.
        unread: Recognisable artefacts that cannot be used (also in ``skipped``).
    """

    artefacts: list[Artefact] = Field(default_factory=list)
    skipped: list[Skipped] = Field(default_factory=list)
    unread: list[Unread] = Field(default_factory=list)

    def of_kind(self, *kinds: Kind) -> list[Artefact]:
        """The artefacts of the given kinds, in path order."""
        return [a for a in self.artefacts if a.kind in kinds]


class NotAnArtefact(Exception):
    """Raised by a sniffer: the file is not a settlement artefact (message: why)."""


class Unreadable(NotAnArtefact):
    """Raised by a sniffer: the file is recognisably an artefact but cannot be used.

    Attributes:
        kind: The kind it appears to be.
        info: Its run (participant, period, run_id, designation), where known.
    """

    def __init__(
        self, reason: str, kind: Kind | None = None, info: dict[str, Any] | None = None
    ) -> None:
        super().__init__(reason)
        self.kind = kind
        self.info = info or {}


def _int_or_none(value: Any) -> int | None:
    text = str(value).strip() if value is not None else ""
    return int(text) if text.isdigit() else None


def _day(value: Any) -> str | None:
    if not value:
        return None
    m = re.match(r"^\s*(\d{4}-\d{2}-\d{2})", str(value))
    return m.group(1) if m else None


def _text_or_none(value: Any) -> str | None:
    """A header field as text (a lone surrogate shown escaped, as JSON text is read),
    None when absent or blank."""
    if value is None:
        return None
    return escape_surrogates(str(value)).strip() or None


def run_info(values: dict[str, Any]) -> dict[str, Any]:
    """The run a file's header (or first row, or keys) gives: participant, period,
    run_id, designation, trading_day."""
    return {
        "participant": _text_or_none(values.get("participant")),
        "period": _text_or_none(values.get("period")),
        "run_id": _int_or_none(values.get("run_id")),
        "designation": _text_or_none(values.get("designation")),
        "trading_day": _day(values.get("trading_day")),
    }
