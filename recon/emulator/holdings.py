"""What the emulator holds: the artefacts of a folder, by participant and run.

JSON documents are served as they are; Summary CSV and Detail CSV/ZIP (and an Invoice PDF
with no JSON beside it) are converted to JSON through :mod:`recon.sources.detect` and
:mod:`recon.emulator.encode`. The timeline is made from the headers of what is held.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from recon.emulator import encode
from recon.models import aemo_names as aemo
from recon.models.kinds import Kind
from recon.models.statements import Designation
from recon.pass_client.protocol import TimelineEntry
from recon.sources.json_sniff import json_kind, opens_json_object
from recon.wem.calendar import parse_week_label

log = logging.getLogger(__name__)

SUMMARY = "summary"
DETAIL = "detail"
INVOICE = "invoice"
INVOICE_PDF = "invoice_pdf"


# --- What is held --------------------------------------------------------------------------


@dataclass
class HeldDoc:
    """One thing the emulator can serve."""

    source: Path
    raw: bytes | None = None
    """The bytes to serve (a JSON document or envelope, or PDF), if already at hand."""
    make: Callable[[], bytes] | None = None
    """Builds the JSON document's bytes on first use (conversion from CSV or PDF)."""
    enveloped: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def body(self) -> bytes:
        with self._lock:
            if self.raw is None:
                assert self.make is not None
                self.raw = self.make()
            return self.raw


@dataclass
class HeldRun:
    participant: str
    run_id: int
    header: dict[str, Any] | None = None
    header_rank: int = 9
    summary: HeldDoc | None = None
    details: dict[date, HeldDoc] = field(default_factory=dict)
    invoice: HeldDoc | None = None
    pdf: HeldDoc | None = None

    def entry(self) -> TimelineEntry | None:
        if self.header is None:
            return None
        return TimelineEntry(run_id=self.run_id, participant=self.participant, **self.header)


def _peek_json(path: Path) -> tuple[bytes, dict[str, Any], bool] | None:
    """(bytes, document, enveloped) of a JSON object file, or None if it is not one."""
    try:
        raw = path.read_bytes().removeprefix(b"\xef\xbb\xbf")
        doc = json.loads(raw, parse_float=str)
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    if not isinstance(doc, dict):
        return None
    if isinstance(doc.get(aemo.F_WRAP_DATA), dict) and set(doc) <= aemo.ENVELOPE_KEYS:
        return raw, doc[aemo.F_WRAP_DATA], True
    return raw, doc, False


_SERVED_AS = {Kind.SUMMARY_JSON: SUMMARY, Kind.DETAIL_JSON: DETAIL, Kind.INVOICE_JSON: INVOICE}


def _json_kind(doc: dict[str, Any]) -> str | None:
    """What a JSON document is served as, by the detector's rule
    (:func:`recon.sources.json_sniff.json_kind`)."""
    kind = json_kind(doc)
    return None if kind is None else _SERVED_AS[kind]


def _header_from_json(doc: dict[str, Any], kind: str) -> dict[str, Any]:
    if kind == INVOICE:
        start = parse_week_label(str(doc[aemo.H_PERIOD]))
        return {
            "designation": Designation(doc[aemo.H_DESIGNATION]),
            "period": doc[aemo.H_PERIOD],
            "period_from": start,
            "period_to": start + timedelta(days=6),
            "published_at": datetime.fromisoformat(str(doc.get(aemo.INV_ISSUED_AT))),
        }
    return {
        "designation": Designation(doc[aemo.H_DESIGNATION]),
        "period": doc[aemo.H_PERIOD],
        "period_from": date.fromisoformat(str(doc[aemo.H_PERIOD_FROM])),
        "period_to": date.fromisoformat(str(doc[aemo.H_PERIOD_TO])),
        "published_at": datetime.fromisoformat(str(doc[aemo.H_PUBLISHED_AT])),
    }


def _header_from_model(header: Any) -> dict[str, Any]:
    return {
        "designation": Designation(getattr(header.designation, "value", header.designation)),
        "period": header.period,
        "period_from": header.period_from,
        "period_to": header.period_to,
        "published_at": header.published_at,
    }


class Holdings:
    """The runs held, by (participant, run_id)."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.runs: dict[tuple[str, int], HeldRun] = {}
        self.skipped: list[tuple[Path, str]] = []
        self._scan()

    def run(self, participant: str, run_id: int) -> HeldRun:
        key = (participant, int(run_id))
        if key not in self.runs:
            self.runs[key] = HeldRun(participant, int(run_id))
        return self.runs[key]

    @property
    def participants(self) -> set[str]:
        return {p for p, _ in self.runs}

    def _set_header(self, run: HeldRun, header: dict[str, Any], rank: int) -> None:
        # Prefer a Summary's header (rank 0), then a Detail's (1), then an invoice's (2).
        if rank < run.header_rank:
            run.header, run.header_rank = header, rank

    def _place(self, run: HeldRun, kind: str, doc: HeldDoc, day: date | None = None) -> None:
        slot: HeldDoc | None
        if kind == DETAIL:
            assert day is not None
            slot = run.details.get(day)
        else:
            slot = getattr(run, {SUMMARY: "summary", INVOICE: "invoice", INVOICE_PDF: "pdf"}[kind])
        if slot is not None:
            if slot.raw is not None and doc.raw is None:
                return  # a file served as-is beats a conversion
            if not (slot.raw is None and doc.raw is not None):
                log.warning(
                    "emulator: %s of run %d held twice (%s, %s); serving %s",
                    kind,
                    run.run_id,
                    slot.source.name,
                    doc.source.name,
                    doc.source.name,
                )
        if kind == DETAIL:
            assert day is not None  # as asserted above
            run.details[day] = doc
        else:
            setattr(run, {SUMMARY: "summary", INVOICE: "invoice", INVOICE_PDF: "pdf"}[kind], doc)

    def _scan(self) -> None:
        files = sorted(
            p
            for p in self.data_dir.rglob("*")
            if p.is_file()
            and not any(part.startswith(".") for part in p.relative_to(self.data_dir).parts)
        )
        others: list[Path] = []
        for path in files:
            head = b""
            try:
                with path.open("rb") as fh:
                    head = fh.read(64)
            except OSError as exc:
                self.skipped.append((path, f"unreadable: {exc.strerror}"))
                continue
            if opens_json_object(head):
                self._add_json(path)
            else:
                others.append(path)
        if others:
            self._add_by_detection(others)

    def _add_json(self, path: Path) -> None:
        peeked = _peek_json(path)
        if peeked is None:
            self.skipped.append((path, "not a JSON object"))
            return
        raw, doc, enveloped = peeked
        kind = _json_kind(doc)
        if kind is None:
            self.skipped.append((path, "not a Summary, Detail or Invoice document"))
            return
        try:
            run = self.run(str(doc[aemo.H_PARTICIPANT]), int(doc[aemo.H_RUN_ID]))
            day = (
                date.fromisoformat(str(doc[aemo.F_SETTLEMENT_DAY])[:10]) if kind == DETAIL else None
            )
        except (KeyError, ValueError, TypeError) as exc:
            keys = f"{aemo.H_PARTICIPANT}, {aemo.H_RUN_ID} or {aemo.F_SETTLEMENT_DAY}"
            self.skipped.append((path, f"{keys} unreadable: {exc}"))
            return
        try:
            header = _header_from_json(doc, kind)
        except (KeyError, ValueError, TypeError) as exc:
            # Still served; only the timeline needs the header (another file may give it).
            log.warning("emulator: %s: header unreadable for the timeline: %s", path.name, exc)
        else:
            self._set_header(run, header, {SUMMARY: 0, DETAIL: 1, INVOICE: 2}[kind])
        self._place(run, kind, HeldDoc(path, raw=raw, enveloped=enveloped), day)

    def _add_by_detection(self, paths: list[Path]) -> None:
        # start-up: recon.sources.detect and .loading cost 37 ms to import (python -X
        # importtime, 2026-12-05); only the emulator's CSV and PDF conversion needs them, not
        # `recon fetch`, which imports this module too
        from recon.sources.detect import detect
        from recon.sources.loading import load_artefact

        detection = detect(paths)
        undetected_pdfs = []
        for skipped in detection.skipped:
            if skipped.path.lower().endswith(".pdf"):
                undetected_pdfs.append(Path(skipped.path))
            else:
                self.skipped.append((Path(skipped.path), skipped.reason))
        for art in detection.artefacts:
            try:
                self._add_artefact(art, load_artefact, encode)
            except Exception as exc:  # a broken file must not stop the emulator
                log.warning("emulator: cannot serve %s: %s", art.path, exc)
                self.skipped.append((Path(art.path), f"cannot serve: {exc}"))
        self._add_pdfs_by_name(undetected_pdfs)

    def _add_artefact(self, art: Any, read: Callable[[Any], Any], encode: Any) -> None:
        kind = art.kind
        path = Path(art.path)
        if kind == Kind.INVOICE_PDF:
            run = self.run(art.participant, art.run_id)
            self._place(run, INVOICE_PDF, HeldDoc(path, raw=path.read_bytes()))
            if encode is not None:

                def make_invoice(art: Any = art) -> bytes:
                    return encode.dumps(encode.invoice_to_document(read(art)))

                self._place(run, INVOICE, HeldDoc(path, make=make_invoice))
            return
        if kind not in (Kind.SUMMARY_CSV, Kind.DETAIL_CSV, Kind.DETAIL_ZIP):
            return  # JSON kinds were served as-is already
        if encode is None:
            self.skipped.append((path, "no CSV-to-JSON conversion available"))
            return
        held = self.runs.get((art.participant, art.run_id))
        if held is not None and self._json_covers(held, kind):
            log.debug("emulator: %s not converted: its JSON is held", path.name)
            return
        model = read(art)
        header = model.header
        run = self.run(header.participant, header.run_id)
        if kind == Kind.SUMMARY_CSV:
            self._set_header(run, _header_from_model(header), 0)
            body = encode.dumps(encode.summary_to_document(model))
            self._place(run, SUMMARY, HeldDoc(path, make=lambda: body))
            return
        self._set_header(run, _header_from_model(header), 1)
        for day in model.days:

            def make_day(model: Any = model, day: date = day) -> bytes:
                return encode.dumps(encode.detail_day_to_document(model, day))

            self._place(run, DETAIL, HeldDoc(path, make=make_day), day)

    @staticmethod
    def _json_covers(run: HeldRun, kind: Kind) -> bool:
        """True when JSON files already give what a CSV of this kind would."""
        if kind == Kind.SUMMARY_CSV:
            return run.summary is not None and run.summary.raw is not None
        entry = run.entry()
        if entry is None:
            return False
        return all(
            day in run.details and run.details[day].raw is not None for day in entry.trading_days
        )

    def _add_pdfs_by_name(self, paths: list[Path]) -> None:
        """Without ``recon.sources.detect``: a PDF whose name holds a held run id."""
        for path in paths:
            if path.suffix.lower() != ".pdf":
                self.skipped.append((path, "not served without recon.sources.detect"))
                continue
            numbers = {int(n) for n in re.findall(r"\d{3,}", path.stem)}
            matches = [run for (_, rid), run in self.runs.items() if rid in numbers]
            if len(matches) != 1:
                self.skipped.append((path, "cannot tell which run the PDF is"))
                continue
            self._place(matches[0], INVOICE_PDF, HeldDoc(path, raw=path.read_bytes()))
