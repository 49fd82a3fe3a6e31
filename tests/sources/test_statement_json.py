"""recon.sources.statement_json: Summary and Detail JSON documents (SPEC §3.3) read into
statements: the run header checked field by field, a run's Detail days joined, and the
errors that name the JSON path.

The documents are the sample week's (written by ``fixtures/generate.py``), each test
changing one field; ``test_json_readers.py`` has the readers side by side and the JSON
equal to the CSV.
"""

from __future__ import annotations

import copy
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from paths import FIXTURES

from recon.errors import InputError
from recon.models.findings import CheckId
from recon.models.statements import Designation
from recon.sources import statement_json
from recon.sources.json_exact import loads

JSON = FIXTURES / "sample_week" / "json"
RUN = "SWANGEN_51230_INITIAL"
SUMMARY = JSON / f"{RUN}_SettlementStatementSummary.json"
DAYS = sorted(JSON.glob(f"{RUN}_SettlementStatementDetail_*.json"))
DAY1 = DAYS[0]


def _doc(path: Path) -> Any:
    return loads(path.read_bytes())


SUMMARY_DOC = _doc(SUMMARY)
DAY1_DOC = _doc(DAY1)


def _fresh(doc: Any) -> Any:
    return copy.deepcopy(doc)


# --------------------------------------------------------------------------- Summary


def test_the_sample_summary_reads_with_its_header_and_sources() -> None:
    st = statement_json.read_summary_json(SUMMARY)
    h = st.header
    assert (h.run_id, h.designation, h.participant, h.period) == (
        51230,
        Designation.INITIAL,
        "SWANGEN",
        "TW 01 Dec 2024",
    )
    assert h.published_at == datetime(2024, 12, 19, 15, 30, 45)
    assert (h.period_from, h.period_to) == (date(2024, 12, 1), date(2024, 12, 7))
    assert st.form == "json" and st.source == str(SUMMARY) and st.findings == []
    first = st.rows[0]
    assert (first.variable, first.timestamp, first.value) == (
        "RTMSA_P_D",
        date(2024, 12, 1),
        Decimal("399790.89331678"),
    )
    assert first.source == f"{SUMMARY}#/variables/0/tradingDays/0"
    assert len(st.rows) == sum(len(v["tradingDays"]) for v in SUMMARY_DOC["variables"])


def test_market_service_may_be_left_out() -> None:
    doc = _fresh(SUMMARY_DOC)
    del doc["marketService"]
    assert statement_json.parse_summary_document(doc, "s.json").header.market_service == "WEM"


@pytest.mark.parametrize(
    ("key", "value", "problem"),
    [
        ("runId", " ", "'runId' is empty, so the run cannot be named"),
        ("participantCode", "", "'participantCode' is empty, so the run cannot be named"),
        ("runId", "51230a", "'runId' must be a whole number such as 50000, found '51230a'"),
        (
            "publishedAt",
            "19/12/2024",
            "'publishedAt' must be a date and time like 2023-10-31T15:30:45, found '19/12/2024'",
        ),
        (
            "designation",
            "ADJ4",
            "'designation' must be one of INITIAL, ADJ1, ADJ2, ADJ3, found 'ADJ4'",
        ),
        ("periodFrom", "1 Dec", "'periodFrom' must be a date like 2023-10-01, found '1 Dec'"),
        ("periodTo", "2024-13-07", "'periodTo' must be a date like 2023-10-07, found '2024-13-07'"),
        ("period", None, "the required field 'period' is missing"),
    ],
)
def test_a_header_field_that_does_not_read_names_its_path(
    key: str, value: Any, problem: str
) -> None:
    for doc, parse in (
        (_fresh(SUMMARY_DOC), statement_json.parse_summary_document),
        (_fresh(DAY1_DOC), statement_json.parse_detail_document),
    ):
        doc[key] = value
        with pytest.raises(InputError) as e:
            parse({"transactionId": "t", "data": doc}, "w/x.json")
        assert (e.value.path, e.value.problem, e.value.json_path) == (
            "w/x.json",
            problem,
            f"/data/{key}",
        )


# ---------------------------------------------------------------------------- Detail


def test_a_runs_detail_days_join_into_one_statement() -> None:
    st = statement_json.read_detail_json_days(DAYS)
    assert st.days == [date(2024, 12, d) for d in range(1, 8)]
    assert st.sources == [str(p) for p in DAYS] and st.source == str(DAY1)
    assert st.form == "json" and st.findings == []
    assert st.header.run_id == 51230
    per_day = sum(len(v["tradingDays"]) for v in DAY1_DOC["variables"])
    one = statement_json.read_detail_json(DAY1)
    assert one.frame.height == per_day and one.days == [date(2024, 12, 1)]
    assert st.frame.height == sum(statement_json.read_detail_json(p).frame.height for p in DAYS)
    assert one.frame.row(0, named=True)["source_file"] == f"{DAY1}#/variables/0/tradingDays/0"


def test_a_day_with_no_variables_is_held_with_no_rows() -> None:
    doc = _fresh(DAY1_DOC)
    doc["variables"] = []
    st = statement_json.parse_detail_document(doc, "d.json")
    assert st.days == [date(2024, 12, 1)] and st.frame.height == 0
    assert st.header.run_id == 51230
    both = statement_json.parse_detail_documents([(doc, "a.json"), (_fresh(DAY1_DOC), "b.json")])
    assert both.sources == ["a.json", "b.json"]
    assert both.frame.height == len(statement_json.read_detail_json(DAY1).frame)


def test_a_settlement_day_that_is_no_date_is_not_held_and_each_row_is_reported() -> None:
    doc = _fresh(DAY1_DOC)
    doc["settlementTradingDay"] = "Sunday"
    st = statement_json.parse_detail_document(doc, "d.json")
    assert st.days == [] and st.frame.height == 0
    first = st.findings[0]
    assert (first.check, first.source, first.message) == (
        CheckId.DATA_TIMESTAMP,
        "d.json#/variables/0/tradingDays/0",  # the JSON path, not the validator's file:line
        "Settlement Trading Day 'Sunday' is not a date (yyyy-mm-dd); the row was not used.",
    )
    assert first.run_id == 51230


def test_no_document_is_a_clear_error() -> None:
    with pytest.raises(InputError) as e:
        statement_json.parse_detail_documents([])
    assert str(e.value) == "<no file>: no Detail JSON document was given"


def test_a_detail_value_must_be_an_array_of_numbers() -> None:
    doc = _fresh(DAY1_DOC)
    doc["variables"][2]["tradingDays"][0]["value"] = [loads("1"), {"x": 1}]
    with pytest.raises(InputError) as e:
        statement_json.parse_detail_document(doc, "d.json")
    assert e.value.problem == "a value must be a number, found an object"
    assert e.value.json_path == "/variables/2/tradingDays/0/value/1"
