"""recon.store.grounds: the tokens a recorded check writes for each run it covered, and the
ground each kind of finding needs before a later check can resolve it (SPEC §8).

How the register uses them over whole run histories is in ``tests/test_audit_grounds.py``
and ``tests/store/test_register.py``; here the functions are called directly.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recon.models.findings import CheckId
from recon.store.grounds import (
    Ground,
    RunGrounds,
    detail_token,
    ground_of,
    own_days,
    own_token,
    proven_detail_days,
    run_tokens,
    source_form,
    week_days,
)

WEEK = date(2024, 12, 1)
DAYS = [date(2024, 12, d) for d in range(1, 8)]


def _run(
    run_id: int = 51230,
    designation: str = "INITIAL",
    *,
    published_at: datetime | None = datetime(2024, 12, 19, 15, 30),
    kinds: frozenset[str] = frozenset(),
    summary: bool = False,
    invoice_json: bool = False,
    invoice_pdf: bool = False,
    previous_run: bool | None = None,
    detail_forms: dict[str, list[date]] | None = None,
    detail_days: int = 0,
    period_days: int = 7,
) -> RunGrounds:
    return RunGrounds(
        run_id=run_id,
        designation=designation,
        published_at=published_at,
        kinds=kinds,
        summary=summary,
        invoice_json=invoice_json,
        invoice_pdf=invoice_pdf,
        previous_run=previous_run,
        detail_forms=detail_forms,
        detail_days=detail_days,
        period_days=period_days,
    )


# ------------------------------------------------------------------------------ tokens


def test_tokens_name_the_day_and_the_form() -> None:
    assert detail_token(date(2024, 12, 17)) == "detail:2024-12-17"
    assert detail_token(date(2024, 12, 17), "json") == "detail:json:2024-12-17"
    assert own_token("CHANQTY_CH_I", date(2024, 12, 17)) == "own:CHANQTY_CH_I:2024-12-17"


def test_week_days_are_the_period_and_never_empty() -> None:
    assert week_days(WEEK) == DAYS
    assert week_days(WEEK, 3) == DAYS[:3]
    assert week_days(WEEK, 0) == [WEEK]
    assert week_days(date(2024, 12, 29)) == [
        date(2024, 12, 29),
        date(2024, 12, 30),
        date(2024, 12, 31),
        date(2025, 1, 1),
        date(2025, 1, 2),
        date(2025, 1, 3),
        date(2025, 1, 4),
    ]


def test_a_run_orders_by_published_at_then_run_id_and_unknown_times_last() -> None:
    early = _run(9, published_at=datetime(2024, 12, 19, 9, 0))
    late = _run(1, published_at=datetime(2024, 12, 20, 9, 0))
    tie = _run(2, published_at=datetime(2024, 12, 20, 9, 0))
    unknown = _run(0, published_at=None)
    assert sorted([unknown, tie, late, early], key=lambda r: r.order) == [
        early,
        late,
        tie,
        unknown,
    ]


# ------------------------------------------------------------------ proven Detail days


def test_recorded_days_by_form_are_proven_and_csv_is_primary() -> None:
    run = _run(detail_forms={"csv": DAYS[:2], "json": DAYS[1:4]})
    assert proven_detail_days(run, WEEK) == {
        "csv": set(DAYS[:2]),
        "json": set(DAYS[1:4]),
        "primary": set(DAYS[:2]),
    }


def test_json_only_days_are_primary_when_no_csv_is_held() -> None:
    run = _run(detail_forms={"json": DAYS[5:]})
    assert proven_detail_days(run, WEEK)["primary"] == set(DAYS[5:])


def test_a_zip_counts_as_the_csv_form() -> None:
    run = _run(detail_forms={"zip": DAYS[:1]})
    assert proven_detail_days(run, WEEK) == {
        "csv": {DAYS[0]},
        "json": set(),
        "primary": {DAYS[0]},
    }


def test_an_old_record_of_a_whole_week_in_one_form_holds_every_day() -> None:
    run = _run(kinds=frozenset({"summary_csv", "detail_zip"}), detail_days=7)
    assert proven_detail_days(run, WEEK) == {
        "csv": set(DAYS),
        "json": set(),
        "primary": set(DAYS),
    }
    run = _run(kinds=frozenset({"detail_json"}), detail_days=7)
    assert proven_detail_days(run, WEEK)["json"] == set(DAYS)


@pytest.mark.parametrize(
    ("kinds", "detail_days"),
    [
        (frozenset({"detail_csv"}), 6),  # some days, not named: none for certain
        (frozenset({"detail_csv", "detail_json"}), 7),  # two forms: neither day by day
        (frozenset({"detail_csv"}), 0),
        (frozenset({"summary_csv"}), 7),  # no Detail kind at all
    ],
)
def test_an_old_record_proves_no_day_it_cannot_show(
    kinds: frozenset[str], detail_days: int
) -> None:
    run = _run(kinds=kinds, detail_days=detail_days)
    assert proven_detail_days(run, WEEK) == {"csv": set(), "json": set(), "primary": set()}


# --------------------------------------------------------------------------- own days


def test_own_data_of_each_day_is_compared_with_the_latest_run_holding_it() -> None:
    initial = _run(100, published_at=datetime(2024, 12, 19), detail_forms={"csv": DAYS})
    adj = _run(200, "ADJ1", published_at=datetime(2025, 2, 13), detail_forms={"json": DAYS[:2]})
    got = own_days([adj, initial], WEEK, {100: ["MSQ_F_I"], 200: ["MSQ_F_I"]})
    assert got == {
        100: {("MSQ_F_I", d) for d in DAYS[2:]},
        200: {("MSQ_F_I", d) for d in DAYS[:2]},
    }


def test_own_data_not_compared_with_the_latest_run_gives_it_nothing() -> None:
    initial = _run(100, published_at=datetime(2024, 12, 19), detail_forms={"csv": DAYS})
    adj = _run(200, "ADJ1", published_at=datetime(2025, 2, 13), detail_forms={"csv": DAYS})
    # Only the INITIAL run was compared, but ADJ1 holds every day later: neither is given it.
    assert own_days([initial, adj], WEEK, {100: ["MSQ_F_I"]}) == {100: set(), 200: set()}


# ------------------------------------------------------------------------- run tokens


def test_run_tokens_of_a_full_initial_run() -> None:
    run = _run(
        kinds=frozenset({"summary_csv", "summary_json", "detail_zip", "invoice_json"}),
        summary=True,
        invoice_json=True,
        detail_forms={"csv": DAYS[:2]},
    )
    assert run_tokens(run, WEEK, own=[("MSQ_F_I", DAYS[0])]) == [
        "detail:2024-12-01",
        "detail:2024-12-02",
        "detail:csv:2024-12-01",
        "detail:csv:2024-12-02",
        "invoice",
        "invoice:json",
        "own:MSQ_F_I:2024-12-01",
        "summary",
        "summary:csv",
        "summary:json",
    ]


def test_run_tokens_of_an_adj_run_with_its_pdf_and_previous_run() -> None:
    run = _run(
        designation="adj2",
        kinds=frozenset({"invoice_pdf"}),
        invoice_pdf=True,
        previous_run=True,
    )
    assert run_tokens(run, WEEK) == ["adj", "invoice", "invoice:pdf", "previous"]
    assert run_tokens(_run(designation="ADJ1", previous_run=False), WEEK) == ["adj"]
    assert run_tokens(_run(), WEEK) == []


def test_a_summary_kind_without_a_summary_used_gives_no_summary_token() -> None:
    assert run_tokens(_run(kinds=frozenset({"summary_csv"}), summary=False), WEEK) == []


# ------------------------------------------------------------------------- source form


@pytest.mark.parametrize(
    ("source", "form"),
    [
        ("w/s.json#/variables/0/tradingDays/1", "json"),
        ("w/inv.pdf#Section/Energy", "pdf"),
        ("w/S_SettlementStatementSummary.csv:12", "csv"),
        ("w/d.zip!d_2024-12-01.csv:3", "csv"),
        ("W/D.ZIP", "csv"),
        ("w/d.zip/inner.csv", "csv"),
        ("w/s.json", "json"),
        ("w/inv.pdf", "pdf"),
        ("w/notes.txt", None),
        ("", None),
        (None, None),
    ],
)
def test_source_form(source: str | None, form: str | None) -> None:
    assert source_form(source) == form


# ----------------------------------------------------------------------- finding grounds


def _ground(check: str, run_id: int | None = 51230, **kw: Any) -> Ground:
    return ground_of(check, week=WEEK, run_id=run_id, **kw)


def test_a_finding_naming_no_run_is_runless_and_bound() -> None:
    g = ground_of(CheckId.COVERAGE_UNREAD, week=WEEK, run_id=None)
    assert g == Ground(frozenset(), bound=True, runless=True)
    assert g.covered_by(set())


def test_invoice_findings_are_bound_to_their_form() -> None:
    assert _ground(CheckId.INVOICE_PDF_JSON) == Ground(
        frozenset({"invoice:json", "invoice:pdf"}), bound=True
    )
    assert _ground(CheckId.INVOICE_LINE, source="i.json#/data/0/lineItems/3") == Ground(
        frozenset({"summary", "invoice:json"}), bound=True
    )
    assert _ground(CheckId.INVOICE_TOTAL, source="i.pdf#Totals") == Ground(
        frozenset({"summary", "invoice:pdf"}), bound=True
    )
    assert _ground(CheckId.INVOICE_LINE_MISSING) == Ground(
        frozenset({"summary", "invoice"}), bound=True
    )
    assert _ground(CheckId.COVERAGE_STATEMENT_MISSING) == Ground(frozenset({"invoice"}), bound=True)


def test_source_mismatch_of_a_detail_row_needs_both_forms_of_its_day() -> None:
    g = _ground(
        CheckId.SOURCE_MISMATCH,
        variable="MSQ_F_I",
        scope="SWAN_1",
        interval_start="2024-12-03T08:00:00+08:00",
    )
    assert g == Ground(frozenset({"detail:csv:2024-12-03", "detail:json:2024-12-03"}), bound=False)
    # no day named: both forms of every day
    every = _ground(CheckId.SOURCE_MISMATCH, variable="MSQ_F_I", scope="SWAN_1")
    assert len(every.needs) == 14
    summary = _ground(CheckId.SOURCE_MISMATCH, variable="RTMSA_P_D")
    assert summary == Ground(frozenset({"summary:csv", "summary:json"}), bound=False)


def test_an_interval_before_8am_awst_belongs_to_the_day_before() -> None:
    g = _ground(
        CheckId.SUMMARY_DETAIL_VALUE,
        variable="MSQ_F_I",
        interval_start="2024-12-03T07:55:00+08:00",
    )
    assert g.needs == {"summary", "detail:2024-12-02"}
    # a UTC time is read in AWST: 23:30 UTC on the 2nd is 07:30 AWST on the 3rd
    g = _ground(
        CheckId.SUMMARY_DETAIL_VALUE,
        variable="MSQ_F_I",
        interval_start="2024-12-02T23:30:00+00:00",
    )
    assert g.needs == {"summary", "detail:2024-12-02"}


def test_a_daily_timestamp_names_the_day_but_a_weekly_variable_does_not() -> None:
    daily = _ground(
        CheckId.SUMMARY_DETAIL_VALUE, variable="RTMSA_P_D", timestamp="2024-12-05T00:00:00"
    )
    assert daily.needs == {"summary", "detail:2024-12-05"}
    weekly = _ground(CheckId.SUMMARY_DETAIL_VALUE, variable="MFRATE_G_FY", timestamp="2024-07-01")
    assert weekly.needs == {"summary", *(f"detail:2024-12-0{d}" for d in range(1, 8))}
    bad = _ground(CheckId.SUMMARY_DETAIL_VALUE, variable="RTMSA_P_D", timestamp="not a day")
    assert len(bad.needs) == 8


def test_summary_detail_missing_needs_every_day_even_when_one_is_named() -> None:
    g = _ground(
        CheckId.SUMMARY_DETAIL_MISSING, variable="RTMSA_P_D", timestamp="2024-12-05T00:00:00"
    )
    assert g == Ground(frozenset({"summary", *(detail_token(d) for d in DAYS)}), bound=False)


def test_own_findings_need_the_own_token_of_their_day() -> None:
    g = _ground(CheckId.OWN_VALUE, variable="MSQ_F_I", timestamp="2024-12-02")
    assert g == Ground(frozenset({"own:MSQ_F_I:2024-12-02"}), bound=False)
    nothing = _ground(CheckId.OWN_MISSING)
    assert nothing == Ground(frozenset({"own:?"}), bound=False)
    assert not nothing.covered_by({"own:MSQ_F_I:2024-12-02", "summary"})


def test_adjustment_findings() -> None:
    assert _ground(CheckId.ADJUSTMENT_PREVIOUS_MISSING) == Ground(frozenset({"adj"}), bound=False)
    assert _ground(CheckId.ADJUSTMENT_CHAIN) == Ground(
        frozenset({"adj", "previous", "invoice"}), bound=False
    )
    assert _ground(CheckId.ADJUSTMENT_MATERIAL) == Ground(
        frozenset({"adj", "previous", "summary"}), bound=False
    )


def test_data_findings_by_what_they_are_about() -> None:
    on_invoice = _ground(
        CheckId.DATA_CLASSIFICATION, variable="RTMSA_P_D", source="i.json#/data/0/lineItems/2"
    )
    assert on_invoice == Ground(frozenset({"summary", "invoice:json"}), bound=True)
    detail_row = _ground(
        CheckId.DATA_VALUE,
        variable="MSQ_F_I",
        scope="SWAN_1",
        timestamp="2024-12-04",
        source="d.json#/variables/3/tradingDays/0",
    )
    assert detail_row == Ground(frozenset({"detail:json:2024-12-04"}), bound=False)
    detail_row_any_form = _ground(
        CheckId.DATA_VALUE, variable="MSQ_F_I", scope="SWAN_1", timestamp="2024-12-04"
    )
    assert detail_row_any_form.needs == {"detail:2024-12-04"}
    summary_row = _ground(CheckId.DATA_VALUE, variable="RTMSA_P_D", source="s.csv:9")
    assert summary_row == Ground(frozenset({"summary:csv"}), bound=False)
    assert _ground(CheckId.DATA_VALUE, variable="RTMSA_P_D").needs == {"summary"}
    header = _ground(CheckId.DATA_HEADER, source="s.csv:2")
    assert header == Ground(frozenset(), bound=True)
    assert _ground(CheckId.SOURCE_CONFLICT) == Ground(frozenset(), bound=True)


def test_covered_by_needs_every_token() -> None:
    g = Ground(frozenset({"summary", "detail:2024-12-02"}), bound=False)
    assert g.covered_by({"summary", "detail:2024-12-02", "invoice"})
    assert not g.covered_by({"summary", "detail:csv:2024-12-02"})


# ------------------------------------------------------------------------- property

_SOURCES = st.sampled_from(
    [
        None,
        "s.csv:3",
        "d.zip!d.csv:9",
        "s.json#/variables/0",
        "i.json#/data/0/lineItems/1",
        "i.pdf#Totals",
        "notes.txt",
    ]
)


@given(
    check=st.sampled_from(list(CheckId)),
    variable=st.sampled_from([None, "RTMSA_P_D", "MSQ_F_I", "MFRATE_G_FY"]),
    scope=st.sampled_from([None, "SWAN_1"]),
    day=st.one_of(st.none(), st.integers(0, 6)),
    source=_SOURCES,
)
@settings(max_examples=300, deadline=None)
def test_a_run_that_used_everything_shows_any_finding_of_its_week(
    check: CheckId, variable: str | None, scope: str | None, day: int | None, source: str | None
) -> None:
    timestamp = None if day is None else DAYS[day].isoformat()
    g = ground_of(
        check,
        week=WEEK,
        run_id=53874,
        variable=variable,
        scope=scope,
        timestamp=timestamp,
        source=source,
    )
    everything = _run(
        53874,
        "ADJ1",
        kinds=frozenset({"summary_csv", "summary_json", "detail_zip", "detail_json"}),
        summary=True,
        invoice_json=True,
        invoice_pdf=True,
        previous_run=True,
        detail_forms={"csv": DAYS, "json": DAYS},
    )
    own = [(v, d) for v in ("RTMSA_P_D", "MSQ_F_I", "MFRATE_G_FY") for d in DAYS]
    tokens = set(run_tokens(everything, WEEK, own=own))
    assert g.covered_by(tokens) or g.needs == {"own:?"}
