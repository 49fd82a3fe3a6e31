"""The PaSS API as both sides see it (SPEC §7): its paths, headers and media types, the
timeline's entries and the JSON envelope. Every PaSS path is here.

:class:`~recon.pass_client.client.PassClient` calls these paths and the emulator
(:mod:`recon.emulator.server`) serves them, so a real schema replaces them in one place.
The JSON bodies are ``{"transactionId": "...", "data": <document>}``; :func:`document_of`
unwraps one.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict

from recon.models import aemo_names as aemo
from recon.models.statements import Designation

# --- The paths of SPEC §7, in one place (the emulator serves these same paths). ---------

TIMELINE_PATH = "/timeline"
SUMMARY_PATH = "/statements/{run_id}/summary"
DETAIL_PATH = "/statements/{run_id}/detail"
INVOICE_PATH = "/invoices/{run_id}"
INVOICE_PDF_PATH = "/invoices/{run_id}/pdf"

PARTICIPANT_HEADER = "x-initiatingParticipantId"
MARKET_HEADER = "x-market"
MARKET = "WEM"
JSON_TYPE = "application/json"
PDF_TYPE = "application/pdf"


# --- Timeline ------------------------------------------------------------------------------


class TimelineEntry(BaseModel):
    """One published run of the settlement timeline.

    Attributes:
        run_id: RunId.
        designation: INITIAL or ADJn.
        period: The Trading Week label, e.g. ``TW 01 Dec 2024``.
        period_from: First Trading Day of the Period.
        period_to: Last Trading Day of the Period (inclusive).
        published_at: When the run was published (naive AWST, as AEMO writes it).
        participant: ParticipantCode.
    """

    model_config = ConfigDict(frozen=True)

    run_id: int
    designation: Designation
    period: str
    period_from: date
    period_to: date
    published_at: datetime
    participant: str

    @classmethod
    def from_json(cls, item: dict[str, Any]) -> TimelineEntry:
        """Build an entry from the API's camelCase object."""
        return cls(
            run_id=item[aemo.H_RUN_ID],
            designation=item[aemo.H_DESIGNATION],
            period=item[aemo.H_PERIOD],
            period_from=item[aemo.H_PERIOD_FROM],
            period_to=item[aemo.H_PERIOD_TO],
            published_at=item[aemo.H_PUBLISHED_AT],
            participant=item[aemo.H_PARTICIPANT],
        )

    def to_json(self) -> dict[str, Any]:
        """The API's camelCase object (what the emulator serves)."""
        return {
            aemo.H_RUN_ID: self.run_id,
            aemo.H_DESIGNATION: self.designation.value,
            aemo.H_PERIOD: self.period,
            aemo.H_PERIOD_FROM: self.period_from.isoformat(),
            aemo.H_PERIOD_TO: self.period_to.isoformat(),
            aemo.H_PUBLISHED_AT: self.published_at.isoformat(),
            aemo.H_PARTICIPANT: self.participant,
        }

    @property
    def trading_days(self) -> list[date]:
        """Every Trading Day from PeriodFrom to PeriodTo, inclusive."""
        span = (self.period_to - self.period_from).days
        return [self.period_from + timedelta(days=i) for i in range(span + 1)]


def document_of(body: bytes) -> Any:
    """Parse a JSON body and return its document: ``data`` of an envelope, else the whole.

    Numbers are parsed as text (never through float); this is for looking, not reading.

    Raises:
        ValueError: The body is not JSON.
    """
    doc = json.loads(body, parse_float=str, parse_int=str)
    if isinstance(doc, dict) and aemo.F_WRAP_DATA in doc and set(doc) <= aemo.ENVELOPE_KEYS:
        return doc[aemo.F_WRAP_DATA]
    return doc
