"""Run headers (``RunHeader``) of one participant's Trading Week, built by hand."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from recon.models.statements import Designation, PaymentOrCharge, RunHeader

PAY, CHG = PaymentOrCharge.PAYMENT, PaymentOrCharge.CHARGE
WEEK_FROM = date(2024, 12, 1)
WEEK_TO = date(2024, 12, 7)
DAYS = [WEEK_FROM + timedelta(days=i) for i in range(7)]
"""The Trading Days of TW 01 Dec 2024."""
PERIOD = "TW 01 Dec 2024"


def header(
    designation: str = "INITIAL",
    run_id: int = 100,
    published: datetime | None = None,
    *,
    participant: str = "SWANGEN",
    period: str = PERIOD,
    period_from: date = WEEK_FROM,
) -> RunHeader:
    """A run header (by default SWANGEN's, of TW 01 Dec 2024).

    Args:
        designation: ``INITIAL``, ``ADJ1``, ...
        run_id: The RunId.
        published: When AEMO published the run; by default 19 Dec 2024 15:30 plus 30 days
            per adjustment, so later designations are published later.
        participant: The ParticipantCode.
        period: The Period as AEMO labels it.
        period_from: The week's first Trading Day (the week runs seven days from it).
    """
    order = Designation(designation).order
    return RunHeader(
        run_id=run_id,
        published_at=published or datetime(2024, 12, 19, 15, 30) + timedelta(days=30 * order),
        designation=Designation(designation),
        period=period,
        period_from=period_from,
        period_to=period_from + timedelta(days=6),
        participant=participant,
    )
