"""recon.models.findings: a finding's fields as findings.json writes them (exact decimal
strings, cents at stake, ISO interval times), the checks' default severities, refusals of
what is no finding, and the order of SPEC §6 (a Trading Week in date order)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from pydantic import ValidationError

from recon.models.findings import CHECKS, AtStakeBasis, CheckId, Finding, Severity
from recon.models.statements import Designation
from recon.wem.calendar import AWST


def _f(period: str, run_id: int = 1, position: int | None = None) -> Finding:
    return Finding.make(
        "invoice.line", "x", participant="P", period=period, run_id=run_id, position=position
    )


def test_weeks_sort_by_their_first_day_not_their_label() -> None:
    weeks = ["TW 08 Dec 2024", "TW 24 Nov 2024", "TW 01 Dec 2024", "TW 05 Jan 2025"]
    got = [f.period for f in sorted((_f(w) for w in weeks), key=Finding.sort_key)]
    assert got == ["TW 24 Nov 2024", "TW 01 Dec 2024", "TW 08 Dec 2024", "TW 05 Jan 2025"]


def test_a_label_that_does_not_parse_sorts_first_and_does_not_fail() -> None:
    got = [f.period for f in sorted([_f("TW 01 Dec 2024"), _f("week one")], key=Finding.sort_key)]
    assert got == ["week one", "TW 01 Dec 2024"]


def test_positions_of_one_variable_sort_by_number() -> None:
    got = [
        f.position
        for f in sorted(
            (_f("TW 01 Dec 2024", position=p) for p in (23, 3, 101)), key=Finding.sort_key
        )
    ]
    assert got == [3, 23, 101]


# ------------------------------------------------------------------ fields as written


def test_figures_are_exact_decimal_strings() -> None:
    f = Finding.make(
        CheckId.INVOICE_LINE,
        "differs",
        expected=Decimal("1E+3"),
        actual=Decimal("1000.10000000"),
        difference=Decimal("-0.00000001"),
        timestamp=Decimal("20241201"),
    )
    assert (f.expected, f.actual, f.difference) == ("1000", "1000.10000000", "-0.00000001")
    assert f.timestamp == "20241201"
    assert Finding.make(CheckId.INVOICE_LINE, "x", expected=12).expected == "12"
    assert Finding.make(CheckId.INVOICE_LINE, "x", expected=None).expected is None


def test_interval_times_are_iso_with_their_offset() -> None:
    start = datetime(2024, 12, 1, 8, 0, tzinfo=AWST)
    f = Finding.make(
        CheckId.OWN_VALUE, "x", interval_start=start, interval_end="2024-12-01T08:05:00+08:00"
    )
    assert f.interval_start == "2024-12-01T08:00:00+08:00"
    assert f.interval_end == "2024-12-01T08:05:00+08:00"


@pytest.mark.parametrize(
    ("value", "cents"),
    [
        (Decimal("12.345"), "12.35"),
        (Decimal("-12.345"), "-12.35"),  # half away from zero
        ("0.004", "0.00"),
        (Decimal("-0.004"), "0.00"),  # never "-0.00"
        (" 7 ", "7.00"),
        (3, "3.00"),
    ],
)
def test_at_stake_is_held_to_the_cent(value: object, cents: str) -> None:
    f = Finding.make(CheckId.INVOICE_LINE, "x", at_stake=value, at_stake_basis=AtStakeBasis.CASH)
    assert f.at_stake == cents
    assert f.at_stake_basis is AtStakeBasis.CASH


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (1.5, "must be a decimal amount"),  # a float never touches money
        (True, "must be a decimal amount"),
        ([1], "must be a decimal amount"),
        ("twelve", "must be a decimal amount"),
        ("NaN", "must be a finite amount"),
        (Decimal("Infinity"), "must be a finite amount"),
    ],
)
def test_at_stake_that_is_no_amount_is_refused(value: object, words: str) -> None:
    with pytest.raises(ValidationError, match=words):
        Finding.make(CheckId.INVOICE_LINE, "x", at_stake=value)


def test_an_unknown_check_id_is_refused() -> None:
    fields: dict[str, Any] = {"severity": "error", "message": "x"}
    with pytest.raises(ValidationError, match=r"unknown check id 'invoice\.lines'"):
        Finding(check="invoice.lines", **fields)
    assert Finding(check="invoice.line", **fields).check is CheckId.INVOICE_LINE


def test_a_finding_is_frozen() -> None:
    f = Finding.make(CheckId.DATA_VALUE, "x")
    with pytest.raises(ValidationError):
        f.message = "y"  # type: ignore[misc]


# -------------------------------------------------------------------------- make


def test_make_takes_the_run_from_a_header_and_the_checks_severity() -> None:
    header = SimpleNamespace(
        participant="SWANGEN", period="TW 01 Dec 2024", run_id=51230, designation=Designation.ADJ1
    )
    f = Finding.make(CheckId.ADJUSTMENT_MATERIAL, "material", header=header, variable="V")
    assert (f.participant, f.period, f.run_id, f.designation) == (
        "SWANGEN",
        "TW 01 Dec 2024",
        51230,
        "ADJ1",
    )
    assert f.severity is Severity.WARNING and f.variable == "V"
    plain = SimpleNamespace(participant="P", period="TW", run_id=1, designation="INITIAL")
    assert Finding.make(CheckId.DATA_VALUE, "x", header=plain).designation == "INITIAL"


def test_make_lets_fields_and_severity_override() -> None:
    header = SimpleNamespace(participant="P", period="TW", run_id=1, designation="INITIAL")
    f = Finding.make(CheckId.COVERAGE_UNREAD, "x", header=header, severity=Severity.INFO, run_id=2)
    assert (f.severity, f.run_id) == (Severity.INFO, 2)


# ---------------------------------------------------------------- checks, severities


def test_every_check_has_its_severity_and_a_description() -> None:
    assert set(CHECKS) == set(CheckId)
    assert CheckId.DATA_PERIOD.severity is Severity.WARNING
    assert CheckId.COVERAGE_INVOICE_MISSING.severity is Severity.INFO
    assert CheckId.SOURCE_CONFLICT.severity is Severity.ERROR
    assert CheckId.INVOICE_PDF_JSON.description == "the PDF and the JSON of one invoice differ"
    assert all(c.description and c.description == c.description.strip() for c in CheckId)


def test_severities_rank_worst_first() -> None:
    assert sorted(Severity, key=lambda s: -s.rank) == [
        Severity.INFO,
        Severity.WARNING,
        Severity.ERROR,
    ]
    assert [s.rank for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)] == [0, 1, 2]


def test_sort_key_orders_participant_run_check_variable_scope_and_time() -> None:
    def f(**kw: object) -> Finding:
        base: dict[str, object] = {"participant": "P", "period": "TW 01 Dec 2024", "run_id": 1}
        return Finding.make(CheckId(kw.pop("check", "invoice.line")), "x", **(base | kw))

    ordered = [
        f(participant="A"),
        f(run_id=None),
        f(check="data.value"),
        f(variable="A"),
        f(variable="A", scope="s"),
        f(variable="A", scope="s", timestamp="2024-12-01"),
        f(variable="A", scope="s", timestamp="2024-12-02"),
        f(variable="B"),
        f(run_id=2),
    ]
    assert sorted(reversed(ordered), key=Finding.sort_key) == ordered
