"""recon.pipeline.audit: an audit built from the store for a range, and its set written.

The week is ``fixtures/history_adj`` after INITIAL and ADJ1 (the generator's
``expected_register.json`` gives its runs and issues).
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from recon.errors import OutputError, StoreError, UsageError
from recon.pipeline import audit as audit_job

from .conftest import HISTORY_ADJ, WEEK

EXPECTED = json.loads((HISTORY_ADJ.parent / "expected_register.json").read_text("utf-8"))


def test_a_range_holding_the_week_audits_its_chain_and_issues(adj1_store: Path) -> None:
    audit = audit_job.build("2024-12-01", "2024-12-31", participant=" swangen ", store=adj1_store)
    assert (audit.start, audit.end, audit.participant) == (date(2024, 12, 1), date(2024, 12, 31),
                                                           "SWANGEN")  # fmt: skip
    assert [(w.participant, w.week) for w in audit.weeks] == [("SWANGEN", WEEK)]
    arrivals = EXPECTED["arrivals"][:2]
    runs = audit.weeks[0].runs
    assert [(r.run_id, r.designation) for r in runs] == [
        (a["run_id"], a["designation"]) for a in arrivals
    ]
    assert [r.amount_due for r in runs] == [Decimal(a["amount_due"]) for a in arrivals]
    assert audit.weeks[0].checked == 2
    assert len(audit.issues) == 4 and len(audit.checks) == 2
    assert audit.exit_code == 1  # B, C and D are open errors


def test_a_financial_year_is_the_year_ending_30_june(adj1_store: Path) -> None:
    audit = audit_job.build(fy="2024-25", store=adj1_store)
    assert (audit.start, audit.end) == (date(2024, 7, 1), date(2025, 6, 30))
    assert len(audit.weeks) == 1
    assert audit_job.build(fy=2025, store=adj1_store).end == date(2025, 6, 30)


def test_a_range_without_the_week_is_empty_and_clean(adj1_store: Path) -> None:
    audit = audit_job.build(date(2025, 1, 1), date(2025, 1, 31), store=adj1_store)
    assert audit.empty and audit.issues == [] and audit.exit_code == 0
    assert audit_job.build("2024-12-01", "2024-12-31", participant="OTHERGEN",
                           store=adj1_store).empty  # fmt: skip


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "give --from and --to (yyyy-mm-dd), or --fy (2024-25, or 2025)"),
        ({"start": "2024-12-01"}, "give --from and --to (yyyy-mm-dd), or --fy (2024-25, or 2025)"),
        ({"start": "2024-12-01", "end": "2024-12-31", "fy": "2025"},
         "give --fy, or --from and --to, not both"),
        ({"start": "1/12/2024", "end": "2024-12-31"},
         "--from '1/12/2024' is not a date: give yyyy-mm-dd"),
        ({"start": "2024-12-31", "end": "2024-12-01"},
         "--from 2024-12-31 is after --to 2024-12-01"),
        ({"fy": "2024-26"}, "--fy 2024-26: the second year must follow the first (e.g. 2024-25)"),
    ],
)  # fmt: skip
def test_a_range_it_cannot_read_is_a_usage_error(
    adj1_store: Path, kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(UsageError) as e:
        audit_job.build(store=adj1_store, **kwargs)
    assert str(e.value) == message


def test_no_store_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError):
        audit_job.build(fy=2025, store=tmp_path / "none.duckdb")
    assert list(tmp_path.iterdir()) == []


def test_write_replaces_the_set_and_keeps_other_files(adj1_store: Path, tmp_path: Path) -> None:
    audit = audit_job.build(fy=2025, store=adj1_store)
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    written = audit_job.write(audit, out)
    assert written == [out / "audit.xlsx", out / "audit.html", out / "audit.json"]
    doc = json.loads((out / "audit.json").read_text("utf-8"))
    assert [w["week"] for w in doc["weeks"]] == ["2024-12-15"]
    assert audit_job.write(audit, out, reports=False) == [out / "audit.json"]
    assert sorted(p.name for p in out.iterdir()) == ["audit.json", "notes.txt"]


def test_write_into_a_file_is_an_output_error(adj1_store: Path, tmp_path: Path) -> None:
    audit = audit_job.build(fy=2025, store=adj1_store)
    blocker = tmp_path / "out"
    blocker.write_text("x")
    with pytest.raises(OutputError, match="it is not a folder"):
        audit_job.write(audit, blocker)
    assert blocker.read_text() == "x"
