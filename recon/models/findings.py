"""Findings (SPEC §5): what every check yields, and the registry of check ids."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from enum import Enum, StrEnum
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator

from recon.models.decimals import to_cents
from recon.wem.calendar import parse_week_label


class AtStakeBasis(str, Enum):
    """What a finding's ``at_stake`` is (SPEC §10).

    ``cash``: the change in the invoice's Amount Due if the finding's root cause were
    corrected; a run's cash roots add up to the run's ``at_stake``. ``estimate``: what the
    Detail or your own data implies (``summary_detail.value``, ``own.value``), outside the
    run's sum.
    """

    CASH = "cash"
    ESTIMATE = "estimate"


class Severity(StrEnum):
    """How bad a finding is. Ordered: error > warning > info."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for error, 1 for warning, 2 for info (sort key: worst first)."""
        return {"error": 0, "warning": 1, "info": 2}[self.value]


class CheckId(StrEnum):
    """Every check id of SPEC §5: ``check`` of a finding, as findings.json writes it.

    The members are the only place a check id is spelled; everything else names a check by
    its member (``CheckId.INVOICE_LINE``), so that the type checker sees a misspelt one.
    """

    DATA_COLUMNS = "data.columns"
    DATA_VALUE = "data.value"
    DATA_ARRAY_LENGTH = "data.array_length"
    DATA_VARIABLE = "data.variable"
    DATA_SCOPE = "data.scope"
    DATA_TIMESTAMP = "data.timestamp"
    DATA_HEADER = "data.header"
    DATA_DUPLICATE = "data.duplicate"
    DATA_CLASSIFICATION = "data.classification"
    DATA_PERIOD = "data.period"
    INVOICE_LINE = "invoice.line"
    INVOICE_LINE_MISSING = "invoice.line_missing"
    INVOICE_TOTAL = "invoice.total"
    INVOICE_PDF_JSON = "invoice.pdf_json"
    ADJUSTMENT_PREVIOUS_MISSING = "adjustment.previous_missing"
    ADJUSTMENT_CHAIN = "adjustment.chain"
    ADJUSTMENT_MATERIAL = "adjustment.material"
    SUMMARY_DETAIL_VALUE = "summary_detail.value"
    SUMMARY_DETAIL_MISSING = "summary_detail.missing"
    SOURCE_MISMATCH = "source.mismatch"
    SOURCE_CONFLICT = "source.conflict"
    COVERAGE_STATEMENT_MISSING = "coverage.statement_missing"
    COVERAGE_INVOICE_MISSING = "coverage.invoice_missing"
    COVERAGE_UNREAD = "coverage.unread"
    OWN_VALUE = "own.value"
    OWN_MISSING = "own.missing"

    @property
    def severity(self) -> Severity:
        """The check's default severity."""
        return CHECKS[self][0]

    @property
    def description(self) -> str:
        """What the check finds, in a few words."""
        return CHECKS[self][1]


CHECKS: dict[CheckId, tuple[Severity, str]] = {
    CheckId.DATA_COLUMNS: (Severity.ERROR, "a CSV lacks a required column or has an unknown one"),
    CheckId.DATA_VALUE: (Severity.ERROR, "a value is not a Decimal(23,8) number"),
    CheckId.DATA_ARRAY_LENGTH: (
        Severity.ERROR,
        "a Value array's length does not fit its granularity",
    ),
    CheckId.DATA_VARIABLE: (Severity.ERROR, "a variable name does not decode"),
    CheckId.DATA_SCOPE: (Severity.ERROR, "a scope string does not fit its grammar"),
    CheckId.DATA_TIMESTAMP: (Severity.ERROR, "a Timestamp does not fit its granularity or Period"),
    CheckId.DATA_HEADER: (Severity.ERROR, "header fields differ between rows of one artefact"),
    CheckId.DATA_DUPLICATE: (Severity.ERROR, "the same row key twice in one run"),
    CheckId.DATA_CLASSIFICATION: (Severity.ERROR, "P Or C or GST flag inconsistent"),
    CheckId.DATA_PERIOD: (Severity.WARNING, "Period label, span or coverage is irregular"),
    CheckId.INVOICE_LINE: (Severity.ERROR, "an invoice line differs from the recomputed one"),
    CheckId.INVOICE_LINE_MISSING: (Severity.ERROR, "a line is missing from invoice or statement"),
    CheckId.INVOICE_TOTAL: (Severity.ERROR, "a section or Payment Summary figure differs"),
    CheckId.INVOICE_PDF_JSON: (Severity.ERROR, "the PDF and the JSON of one invoice differ"),
    CheckId.ADJUSTMENT_PREVIOUS_MISSING: (
        Severity.WARNING,
        "an ADJ run's previous run is not given",
    ),
    CheckId.ADJUSTMENT_CHAIN: (Severity.ERROR, "the run chain is out of order or does not add up"),
    CheckId.ADJUSTMENT_MATERIAL: (
        Severity.WARNING,
        "an ADJ line reaches the materiality threshold",
    ),
    CheckId.SUMMARY_DETAIL_VALUE: (Severity.ERROR, "a Summary value differs from the Detail"),
    CheckId.SUMMARY_DETAIL_MISSING: (
        Severity.WARNING,
        "a Summary variable is absent from the Detail",
    ),
    CheckId.SOURCE_MISMATCH: (Severity.ERROR, "the CSV and JSON forms of a run differ"),
    CheckId.SOURCE_CONFLICT: (
        Severity.ERROR,
        "two files claim the same artefact with different content; neither is used",
    ),
    CheckId.COVERAGE_STATEMENT_MISSING: (
        Severity.WARNING,
        "an Invoice with no Summary of its run: only its own arithmetic is checked",
    ),
    CheckId.COVERAGE_INVOICE_MISSING: (
        Severity.INFO,
        "a run with statements and no Invoice: no invoice was checked",
    ),
    CheckId.COVERAGE_UNREAD: (
        Severity.ERROR,
        "a recognisable settlement artefact that recon cannot use",
    ),
    CheckId.OWN_VALUE: (
        Severity.ERROR,
        "your own data and AEMO's Detail differ beyond tolerance in one interval",
    ),
    CheckId.OWN_MISSING: (
        Severity.WARNING,
        "an interval of a mapped variable that one side has and the other has not",
    ),
}
"""Every check id of SPEC §5 with its default severity and a short description."""


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


class Finding(BaseModel):
    """One finding (SPEC §5). Decimal figures are held as exact decimal strings.

    Attributes:
        check: The check (SPEC §5), written as its id (``invoice.line``).
        severity: error, warning or info.
        participant: ParticipantCode.
        period: Trading Week label.
        run_id: RunId.
        designation: INITIAL or ADJn.
        variable: The variable concerned.
        scope: The raw Scope string concerned.
        timestamp: Trading Day, interval start (ISO 8601, AWST) or other Timestamp.
        expected: recon's figure (or what was expected), as a decimal string.
        actual: AEMO's figure (or what was found).
        difference: actual - expected, where both are numbers.
        message: One sentence a settlements analyst understands.
        source: ``file:line`` or ``file#/json/path``.
        position: 1-based position in a Value array (Trading or Dispatch Interval number),
            for a finding about one position; else None.
        interval_start: That interval's start, ISO 8601 with ``+08:00`` (SPEC §1, §5).
        interval_end: That interval's end, ISO 8601 with ``+08:00``.
        figure: The invoice figure a finding about a total is about (``RCTI Total``,
            ``Payment Summary Amount Due``), so that two totals that differ are two issues
            (SPEC §8); None for any other finding.
        id: Unique and stable within a check: derived from the finding's content (the same
            inputs give the same id), never from the order findings were made in.
        cause: For a consequence, the ``id`` of its root cause (a total that differs by
            exactly a wrong line's amount, a run chain that fails by exactly an earlier
            run's line error); None for a root.
        consequences: For a root, how many findings name it as their ``cause``; None for
            a consequence.
        at_stake: For a root about an invoice figure, how much the invoice's Amount Due
            would change, from the participant's side (positive: the participant is
            owed), if the root were corrected, as a decimal string with 2 places ("0.00"
            when the correction changes nothing); an estimate for ``summary_detail.value``
            and ``own.value``; None where recon cannot say (SPEC §10).
        at_stake_basis: ``cash`` or ``estimate`` where ``at_stake`` is given.
    """

    model_config = ConfigDict(frozen=True)

    check: CheckId
    severity: Severity
    participant: str | None = None
    period: str | None = None
    run_id: int | None = None
    designation: str | None = None
    variable: str | None = None
    scope: str | None = None
    timestamp: str | None = None
    expected: str | None = None
    actual: str | None = None
    difference: str | None = None
    message: str
    source: str | None = None
    position: int | None = None
    interval_start: str | None = None
    interval_end: str | None = None
    figure: str | None = None
    id: str | None = None
    cause: str | None = None
    consequences: int | None = None
    at_stake: str | None = None
    at_stake_basis: AtStakeBasis | None = None

    @field_validator("at_stake", mode="before")
    @classmethod
    def _as_cents(cls, v: Any) -> str | None:
        if v is None:
            return None
        if isinstance(v, (float, bool)) or not isinstance(v, (Decimal, int, str)):
            raise ValueError(f"at_stake must be a decimal amount, got {v!r}")
        try:
            d = v if isinstance(v, Decimal) else Decimal(str(v).strip())
        except InvalidOperation:
            raise ValueError(f"at_stake must be a decimal amount, got {v!r}") from None
        if not d.is_finite():
            raise ValueError(f"at_stake must be a finite amount, got {v!r}")
        return format(to_cents(d) + 0, "f")  # to the cent, never "-0.00"

    @field_validator("expected", "actual", "difference", "timestamp", mode="before")
    @classmethod
    def _as_text(cls, v: Any) -> str | None:
        return _text(v)

    @field_validator("interval_start", "interval_end", mode="before")
    @classmethod
    def _as_iso(cls, v: Any) -> str | None:
        return v.isoformat() if isinstance(v, datetime) else _text(v)

    @field_validator("check", mode="before")
    @classmethod
    def _known(cls, v: object) -> object:
        if isinstance(v, str) and v not in CHECKS:
            raise ValueError(f"unknown check id {v!r}")
        return v

    @classmethod
    def make(
        cls,
        check: CheckId,
        message: str,
        *,
        header: Any = None,
        severity: Severity | None = None,
        **fields: Any,
    ) -> Finding:
        """Build a finding with the check's default severity and a run header's fields.

        Args:
            check: The check.
            message: One sentence for an analyst.
            header: A ``RunHeader`` (or anything with ``participant``, ``period``,
                ``run_id``, ``designation``) to fill those fields from.
            severity: Overrides the check's default severity (e.g. ``info``).
            **fields: Any other Finding field.
        """
        base: dict[str, Any] = {}
        if header is not None:
            designation = header.designation
            base = {
                "participant": header.participant,
                "period": header.period,
                "run_id": header.run_id,
                "designation": getattr(designation, "value", designation),
            }
        base.update(fields)
        return cls(
            check=check, severity=severity or CheckId(check).severity, message=message, **base
        )

    def sort_key(self) -> tuple[str, str, str, int, str, str, str, str, int]:
        """The order of SPEC §6: participant, period, run_id, check, variable, scope,
        timestamp; a Trading Week sorts by its first day (then its label), and findings
        about one interval by their position."""
        return (
            self.participant or "",
            _week_sort(self.period),
            self.period or "",
            self.run_id or 0,
            self.check,
            self.variable or "",
            self.scope or "",
            self.timestamp or "",
            self.position or 0,
        )


@lru_cache(maxsize=1024)
def _week_sort(period: str | None) -> str:
    """A Trading Week label's first day as ``yyyy-mm-dd`` (for sorting), else ``""``."""
    if not period:
        return ""
    try:
        return parse_week_label(period).isoformat()
    except ValueError:
        return ""
