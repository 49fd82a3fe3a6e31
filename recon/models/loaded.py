"""An artefact as loaded: its input record and its model (what the readers hand the checks)."""

from __future__ import annotations

from dataclasses import dataclass

from recon.models.invoices import Invoice
from recon.models.results import InputRecord
from recon.models.statements import DetailStatement, SummaryStatement

Model = SummaryStatement | DetailStatement | Invoice


@dataclass
class Loaded:
    """One artefact as loaded: its input record and its model."""

    record: InputRecord
    model: Model
