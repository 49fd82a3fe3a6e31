"""The emulator's holdings: which document each held file is served as.

The emulator classifies JSON files with :func:`recon.sources.json_sniff.json_kind`, the
detector's rule; these tests pin that every fixture file is served as what ``detect``
says it is, under the run its header names, and that documents the detector refuses are
skipped, not served.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from paths import REPO

from recon.emulator.holdings import DETAIL, INVOICE, SUMMARY, Holdings
from recon.sources.detect import NotAnArtefact, sniff

WEEKS = [REPO / "fixtures" / "sample_week", REPO / "fixtures" / "planted_week"]

_KIND = {"summary_json": SUMMARY, "detail_json": DETAIL, "invoice_json": INVOICE}


def _served_json(holdings: Holdings) -> dict[Path, tuple[str, str, int, date | None]]:
    """Each JSON file held as-is: (kind, participant, run_id, day)."""
    out: dict[Path, tuple[str, str, int, date | None]] = {}
    for (participant, run_id), run in holdings.runs.items():
        for kind, doc, day in [
            (SUMMARY, run.summary, None),
            (INVOICE, run.invoice, None),
            *[(DETAIL, d, day) for day, d in run.details.items()],
        ]:
            if doc is not None and doc.raw is not None and doc.source.suffix == ".json":
                out[doc.source] = (kind, participant, run_id, day)
    return out


@pytest.mark.parametrize("week", WEEKS, ids=lambda p: p.name)
def test_every_fixture_json_is_served_as_detect_reads_it(week: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(week, data)
    holdings = Holdings(data)
    served = _served_json(holdings)
    json_files = sorted(p for p in data.rglob("*.json") if "own" not in p.parts)
    assert json_files, "the fixture week holds JSON documents"
    for path in json_files:
        try:
            art = sniff(path)
        except NotAnArtefact:
            assert path not in served
            continue
        kind, participant, run_id, day = served[path]
        assert kind == _KIND[art.kind], path.name
        assert (participant, run_id) == (art.participant, art.run_id), path.name
        if kind == DETAIL:
            assert day == date.fromisoformat(str(art.trading_day)), path.name
        # Served as held: the very bytes of the file.
        held = holdings.runs[(participant, run_id)]
        doc = held.details[day] if kind == DETAIL else getattr(held, kind_slot(kind))
        assert hashlib.sha256(doc.raw).digest() == hashlib.sha256(path.read_bytes()).digest()


def kind_slot(kind: str) -> str:
    """The HeldRun attribute holding a document of this kind."""
    return {SUMMARY: "summary", INVOICE: "invoice"}[kind]


def _invoice(**extra: object) -> dict[str, object]:
    return {
        "participantCode": "SWANGEN",
        "runId": 51230,
        "designation": "INITIAL",
        "period": "2024-12-01",
        **extra,
    }


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        ({"invoiceNumber": "INV-1", **_invoice()}, INVOICE),
        # detect's rule: a payment summary alone makes an invoice (it was skipped before)
        ({"paymentSummary": {}, **_invoice()}, INVOICE),
        ({"settlementTradingDay": "2024-12-02", **_invoice()}, DETAIL),
        ({"variables": [], **_invoice()}, SUMMARY),
        ({"transactionId": "t-1", "data": {"variables": [], **_invoice()}}, SUMMARY),
        ({"something": "else", **_invoice()}, None),
    ],
)
def test_json_documents_are_held_by_their_keys(
    doc: dict[str, object], expected: str | None, tmp_path: Path
) -> None:
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    holdings = Holdings(tmp_path)
    served = _served_json(holdings)
    if expected is None:
        assert path not in served
        assert [p for p, _ in holdings.skipped] == [path]
    else:
        assert served[path][:3] == (expected, "SWANGEN", 51230)


def test_a_json_array_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "list.json"
    path.write_text("[1, 2]", encoding="utf-8")
    holdings = Holdings(tmp_path)
    assert holdings.runs == {}
    assert [p for p, _ in holdings.skipped] == [path]
