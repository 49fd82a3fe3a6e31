"""The PaSS API as both sides see it (:mod:`recon.pass_client.protocol`): the JSON envelope
and the timeline's entries, without a network.

That the client calls these paths and the emulator serves them is in ``test_client.py``
and ``tests/emulator/``.
"""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from pydantic import ValidationError

from recon.models.statements import Designation
from recon.pass_client.protocol import TimelineEntry, document_of

ENTRY = {
    "runId": 900101,
    "designation": "INITIAL",
    "period": "TW 01 Dec 2024",
    "periodFrom": "2024-12-01",
    "periodTo": "2024-12-07",
    "publishedAt": "2024-12-20T09:30:00",
    "participantCode": "SWANGEN",
}


def test_document_of_unwraps_the_envelope_and_reads_numbers_as_text() -> None:
    body = json.dumps({"transactionId": "tx-1", "data": {"runId": 7, "amount": 1.10}})
    assert document_of(body.encode()) == {"runId": "7", "amount": "1.1"}
    assert document_of(b'{"data": [1, 2.50]}') == ["1", "2.50"]


def test_document_of_keeps_a_document_that_is_not_an_envelope() -> None:
    other = {"data": 1, "runId": 7}  # a key beside data: not the envelope
    assert document_of(json.dumps(other).encode()) == {"data": "1", "runId": "7"}
    assert document_of(b'{"runId": 7}') == {"runId": "7"}
    assert document_of(b"[1]") == ["1"]


def test_document_of_refuses_what_is_not_json() -> None:
    with pytest.raises(ValueError):
        document_of(b"%PDF-1.7")


def test_a_timeline_entry_reads_and_writes_the_apis_object() -> None:
    entry = TimelineEntry.from_json(ENTRY)
    assert entry.run_id == 900101 and entry.designation is Designation.INITIAL
    assert entry.published_at == datetime(2024, 12, 20, 9, 30)
    assert entry.to_json() == ENTRY
    assert entry.trading_days == [date(2024, 12, d) for d in range(1, 8)]


def test_a_timeline_entry_refuses_a_missing_or_bad_field() -> None:
    with pytest.raises(KeyError):
        TimelineEntry.from_json({k: v for k, v in ENTRY.items() if k != "runId"})
    with pytest.raises(ValidationError):
        TimelineEntry.from_json({**ENTRY, "periodFrom": "not a date"})
