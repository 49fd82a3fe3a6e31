"""The kinds of file a check reads (SPEC §6 ``inputs[].kind``): AEMO's artefacts, each in
its form, and your own data (SPEC §9).

The values are what findings.json and result.json write for an input, and what the store
records for a file; they never change. How a kind reads to people ("Summary CSV") is
:mod:`recon.models.labels`; which reader reads it is :data:`recon.sources.loading.READERS`.
"""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    """What a file is: an artefact (``summary``, ``detail``, ``invoice``) in a form, or your
    own data (``own_*``)."""

    SUMMARY_CSV = "summary_csv"
    DETAIL_CSV = "detail_csv"
    DETAIL_ZIP = "detail_zip"
    SUMMARY_JSON = "summary_json"
    DETAIL_JSON = "detail_json"
    INVOICE_JSON = "invoice_json"
    INVOICE_PDF = "invoice_pdf"
    OWN_MAPPING = "own_mapping"
    """The ``--own`` mapping (TOML)."""
    OWN_NEM12 = "own_nem12"
    """A NEM12 file of your meter data."""
    OWN_CSV = "own_csv"
    """A CSV of your own series (SCADA, meters)."""

    @property
    def artefact(self) -> str:
        """``summary``, ``detail``, ``invoice`` or ``own``."""
        return self.value.split("_", 1)[0]

    @property
    def form(self) -> str:
        """``csv``, ``zip``, ``json`` or ``pdf`` (``mapping``, ``nem12``, ``csv`` for your
        own data)."""
        return self.value.split("_", 1)[1]

    @property
    def is_aemo(self) -> bool:
        """True for an artefact AEMO publishes (what detection finds), False for your own
        data."""
        return self.artefact != "own"


AEMO_KINDS: tuple[Kind, ...] = tuple(k for k in Kind if k.is_aemo)
"""The kinds detection finds among the files of a check, in a fixed order."""

SUMMARY_KINDS = frozenset({Kind.SUMMARY_CSV, Kind.SUMMARY_JSON})
DETAIL_KINDS = frozenset({Kind.DETAIL_CSV, Kind.DETAIL_ZIP, Kind.DETAIL_JSON})
DETAIL_CSV_KINDS = frozenset({Kind.DETAIL_CSV, Kind.DETAIL_ZIP})
"""A Detail in the CSV form: a CSV, or a ZIP of CSV files (one reader reads both)."""
INVOICE_KINDS = frozenset({Kind.INVOICE_JSON, Kind.INVOICE_PDF})
