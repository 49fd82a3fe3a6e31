"""recon.serve.issues: how the pages name runs and days, the register's filter read from a
query string and applied to the register's own issues (the walk-through store's), and a
change read from a form or a JSON body."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from recon.models.audit import Issue
from recon.serve.access import read
from recon.serve.config import ServeConfig
from recon.serve.issues import (
    CHANGE_FIELDS,
    WORKFLOWS,
    Change,
    ChangeError,
    FilterError,
    IssueFilter,
    day_text,
    due_text,
    last_shown_by,
    raised_by,
    resolved_by,
    run_text,
    web_words,
)

WEEK = date(2024, 12, 15)


@pytest.fixture(scope="module")
def register(walk_store: Path) -> list[Issue]:
    """SWANGEN's register after ADJ2: A, B and C resolved, D open."""
    return read(ServeConfig(store=walk_store), lambda snap: snap.register())


def _named(register: list[Issue], variable: str) -> Issue:
    return next(i for i in register if i.variable == variable)


def test_runs_and_days_as_the_pages_name_them(register: list[Issue]) -> None:
    assert run_text(54601, "ADJ1") == "ADJ1 54601"
    assert run_text(54601, None) == "54601"
    assert run_text(None, "ADJ1") == ""
    c = _named(register, "CRCHG_P_D")
    assert (raised_by(c), last_shown_by(c), resolved_by(c)) == (
        "INITIAL 51958",
        "ADJ1 54601",
        "ADJ2 57219",
    )
    d = _named(register, "REGFEE_P_D")
    assert resolved_by(d) == ""
    assert day_text(date(2025, 1, 6)) == "6 Jan 2025"
    assert day_text(None) == ""


def test_due_text_says_the_due_day_else_the_age(register: list[Issue]) -> None:
    d = _named(register, "REGFEE_P_D")
    assert due_text(replace(d, due=date(2025, 1, 16))) == "due 16 Jan 2025"
    assert due_text(replace(d, due=None, age_business_days=12)) == "12 WA Business Days old"
    assert due_text(replace(d, due=None, age_business_days=None)) == ""


def test_a_filter_from_an_empty_query_is_the_open_issues_in_register_order() -> None:
    assert IssueFilter.from_query({}) == IssueFilter()
    assert IssueFilter().query() == {}


def test_a_filter_read_from_a_query_and_written_back() -> None:
    query = {
        "participant": " swangen ",
        "week": "2024-12-15",
        "status": "all",
        "workflow": "disputed",
        "check": "summary_detail.value",
        "severity": "error",
        "sort": "at_stake",
        "page": "3",
        "other": "ignored",
    }
    filt = IssueFilter.from_query(query)
    assert filt == IssueFilter(
        "SWANGEN", WEEK, "all", "disputed", "summary_detail.value", "error", "at_stake", 3
    )
    assert filt.query() == {
        k: v.strip().upper() if k == "participant" else v for k, v in query.items() if k != "other"
    }
    assert filt.query(page=1, status="open") == {
        "participant": "SWANGEN",
        "week": "2024-12-15",
        "workflow": "disputed",
        "check": "summary_detail.value",
        "severity": "error",
        "sort": "at_stake",
    }
    assert IssueFilter.from_query({"page": "-4"}).page == 1


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"week": "15/12/2024"}, "week: give the Trading Week's first day as yyyy-mm-dd"),
        ({"status": "closed"}, "status: 'closed' is not one of open, resolved, all"),
        (
            {"workflow": "done"},
            "workflow: 'done' is not one of new, investigating, disputed, accepted",
        ),
        ({"severity": "fatal"}, "severity: 'fatal' is not one of error, warning, info"),
        ({"sort": "name"}, "sort: 'name' is not one of at_stake, due"),
        ({"page": "two"}, "page: give a page number"),
    ],
)
def test_a_filter_that_does_not_read_says_which_part(query: dict[str, str], message: str) -> None:
    with pytest.raises(FilterError) as e:
        IssueFilter.from_query(query)
    assert str(e.value) == message


def test_an_unknown_check_is_refused() -> None:
    with pytest.raises(FilterError, match=r"^check: 'no.such' is not one of "):
        IssueFilter.from_query({"check": "no.such"})


def test_select_by_status_participant_week_and_check(register: list[Issue]) -> None:
    names = lambda items: sorted(i.variable for i in items)  # noqa: E731
    assert names(IssueFilter().select(register)) == ["REGFEE_P_D"]
    assert names(IssueFilter(status="resolved").select(register)) == [
        "CRCHG_P_D",
        "OUTCOMP_P_D",
        "SOFEE_P_D",
    ]
    assert len(IssueFilter(status="all", participant="SWANGEN", week=WEEK).select(register)) == 4
    assert IssueFilter(status="all", participant="PLANTCO").select(register) == []
    assert IssueFilter(status="all", week=date(2024, 12, 8)).select(register) == []
    assert names(IssueFilter(status="all", check="source.mismatch").select(register)) == [
        "SOFEE_P_D"
    ]
    assert names(IssueFilter(status="all", workflow="new").select(register)) == names(register)
    assert IssueFilter(status="all", workflow="disputed").select(register) == []
    assert IssueFilter(status="all", severity="info").select(register) == []


def test_sorting_by_money_at_stake_largest_either_sign_first(register: list[Issue]) -> None:
    a, b, c, d = (
        replace(_named(register, v), at_stake=amount)
        for v, amount in (
            ("OUTCOMP_P_D", Decimal("-100")),
            ("SOFEE_P_D", None),
            ("CRCHG_P_D", Decimal("5")),
            ("REGFEE_P_D", Decimal("-0.01")),
        )
    )
    got = IssueFilter(status="all", sort="at_stake").select([d, b, c, a])
    assert got == [a, c, d, b]


def test_sorting_by_due_date_soonest_first(register: list[Issue]) -> None:
    a, b, c = (
        replace(_named(register, v), due=due)
        for v, due in (
            ("OUTCOMP_P_D", date(2025, 2, 1)),
            ("SOFEE_P_D", None),
            ("CRCHG_P_D", date(2025, 1, 20)),
        )
    )
    assert IssueFilter(status="all", sort="due").select([b, a, c]) == [c, a, b]
    assert IssueFilter(status="all").select([b, a, c]) == [b, a, c]  # register order


def test_a_change_from_a_form_keeps_text_as_typed() -> None:
    form = {"workflow": "disputed", "ref": " NOD-7 ", "lodged": "2025-01-06", "csrf": "x"}
    assert Change.from_form(form) == Change("disputed", " NOD-7 ", "2025-01-06", "")
    assert Change.from_form({"workflow": ["a", "b"]}) == Change("")


def test_a_change_from_json() -> None:
    doc = {"workflow": "accepted", "note": "AEMO was right", "ref": None}
    assert Change.from_json(doc) == Change("accepted", "", "", "AEMO was right")


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ([], 'send a JSON object: {"workflow": ..., "ref": ..., "lodged": ..., "note": ...}'),
        (
            "disputed",
            'send a JSON object: {"workflow": ..., "ref": ..., "lodged": ..., "note": ...}',
        ),
        (
            {"workflow": "new", "by": "mallory", "at": "x"},
            "'at', 'by': not a field of a change (give workflow, ref, lodged, note)",
        ),
        ({"workflow": "new", "note": 3}, "note: give text (or null)"),
        ({"workflow": ["new"]}, "workflow: give text (or null)"),
        ({"note": "x"}, "workflow: give one of new, investigating, disputed, accepted"),
        ({"workflow": ""}, "workflow: give one of new, investigating, disputed, accepted"),
    ],
)
def test_a_json_change_that_does_not_read_says_why(doc: object, message: str) -> None:
    with pytest.raises(ChangeError) as e:
        Change.from_json(doc)
    assert str(e.value) == message


def test_the_vocabularies() -> None:
    assert WORKFLOWS == ("new", "investigating", "disputed", "accepted")
    assert CHANGE_FIELDS == ("workflow", "ref", "lodged", "note")


@pytest.mark.parametrize(
    ("message", "said"),
    [
        ("give --note saying why", "give note saying why"),
        ("--set disputed needs --ref and --lodged", "workflow disputed needs ref and lodged"),
        ("--by is required", "by is required"),
        ("--settle and --notes stay", "--settle and --notes stay"),
    ],
)
def test_refusals_in_the_words_of_the_form(message: str, said: str) -> None:
    assert web_words(message) == said
