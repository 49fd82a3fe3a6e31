"""Property: no issue is resolved unless its ground was re-checked without yielding it
(SPEC §8, issue 22 Deliver 6).

hypothesis generates register histories of one Trading Week: runs (INITIAL, then ADJ1, then
ADJ2) arriving one at a time, each with its own choice of forms and Trading Days (a Detail
ZIP of some days, a Detail JSON of some days, a Summary JSON or not) and of planted
discrepancies that appear and disappear from run to run: Summary vs Detail, CSV vs JSON
(Summary and Detail), your own data against the Detail (checked with ``--own``), and an
INITIAL invoice line. The artefacts are written by the
fixture generator (``fixtures/history_adj.py``'s partial arrivals, which do not import
recon); each arrival is ingested and the week checked from the store, and the register
built. The plan alone says, independently of recon, which run holds each planted
discrepancy's ground (its artefact kind, form and Trading Day) and which run yields it.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import fixture_scripts
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import recon
from recon.store import ingest, open_store
from recon.store.register import build_register

h = fixture_scripts.load("history_adj.py")

DAYS = h.PARTIAL_DAYS
JSON_DAYS = (DAYS[1], DAYS[3], DAYS[4])  # Detail JSON is large: three days to choose from
PARTICIPANT = h.PARTICIPANT
DESIGNATIONS = ("INITIAL", "ADJ1", "ADJ2")

# The planted discrepancies that may appear in a run: (kind, variable, scope, day).
DETAIL = [("summary_detail.value", v, PARTICIPANT, d) for v in ("OUTCOMP_P_D",) for d in JSON_DAYS]
SUMMARY_JSON = [("summary_mismatch", "SOFEE_P_D", None, d) for d in (DAYS[2], DAYS[5])]
DETAIL_JSON = [("detail_mismatch", "MSQ_F_I", "SWANGEN_WF1", d) for d in JSON_DAYS[:2]]
OWN_FACILITY = h.own_plants()[0][0]
OWN = [("own.value", "MSQ_F_I", OWN_FACILITY, d) for d in DAYS]
POOL = DETAIL + SUMMARY_JSON + DETAIL_JSON
SMALL_DETAIL = h.summary_variables() | {"MSQ_F_I"}
"""The Detail rows written: the Summary variables' (so that none is missing from the
Detail) and MSQ_F_I's; a small Detail keeps each example quick."""


@dataclass(frozen=True)
class Plan:
    """One run as it arrives: its forms and days and the plants it carries."""

    designation: str
    summary_json: bool
    zip_days: tuple[date, ...]
    json_days: tuple[date, ...]
    plants: frozenset[tuple[Any, ...]]
    own_fixed: tuple[date, ...] = ()
    invoice_line: bool = False

    def holds(self, plant: tuple[Any, ...]) -> bool:
        """Whether this run holds the plant's ground (independently of recon)."""
        kind, _, _, day = plant
        if kind in ("summary_detail.value", "own.value"):  # the CSV form if any, else JSON
            return day in (self.zip_days or self.json_days)
        if kind == "summary_mismatch":
            return self.summary_json
        return day in self.zip_days and day in self.json_days

    def yields(self, plant: tuple[Any, ...]) -> bool:
        if plant[0] == "own.value":  # your data differs every day unless this run fixes it
            return self.holds(plant) and plant[3] not in self.own_fixed
        return self.holds(plant) and plant in self.plants

    def arrival(self) -> Any:
        return h.Arrival(
            self.designation,
            detail_variables=SMALL_DETAIL,
            summary_json=self.summary_json,
            zip_days=self.zip_days,
            json_days=self.json_days,
            detail=tuple(
                h.DetailPlant(v, d, Decimal("100.00"))
                for k, v, _, d in self.plants
                if k == "summary_detail.value"
            ),
            summary_json_plants=tuple(
                h.SummaryJsonPlant(v, d, Decimal("12.34"))
                for k, v, _, d in self.plants
                if k == "summary_mismatch"
            ),
            detail_json_plants=tuple(
                h.DetailJsonPlant(v, s, d, 10, Decimal("1.5"))
                for k, v, s, d in self.plants
                if k == "detail_mismatch"
            ),
            own_fix=tuple((OWN_FACILITY, d, 20) for d in self.own_fixed),
            invoice_lines={"SOFEE_P_D": Decimal("1.00")} if self.invoice_line else {},
        )


def _days(pool: tuple[date, ...]) -> st.SearchStrategy[tuple[date, ...]]:
    return st.sets(st.sampled_from(pool)).map(lambda s: tuple(sorted(s)))


@st.composite
def histories(draw: st.DrawFn) -> list[Plan]:
    n = draw(st.integers(min_value=2, max_value=3))
    out = []
    for designation in DESIGNATIONS[:n]:
        out.append(
            Plan(
                designation,
                summary_json=draw(st.booleans()),
                zip_days=draw(_days(DAYS)),
                json_days=draw(_days(JSON_DAYS)),
                plants=frozenset(draw(st.sets(st.sampled_from(POOL)))),
                own_fixed=draw(_days(DAYS)),
                invoice_line=designation == "INITIAL" and draw(st.booleans()),
            )
        )
    return out


def _plant_of(issue: Any) -> tuple[Any, ...] | None:
    day = issue.timestamp[:10] if issue.timestamp else None
    for plant in POOL + OWN:
        kind, variable, scope, d = plant
        check = "source.mismatch" if kind.endswith("_mismatch") else kind
        if (issue.check, issue.variable, issue.scope, day) == (
            check,
            variable,
            scope,
            d.isoformat(),
        ):
            return plant
    return None


def _assert_register(plans: list[Plan], issues: list[Any], latest: Any) -> None:
    run_ids = {p.designation: h.run_id_of(p.designation) for p in plans}
    order = {run_ids[p.designation]: i for i, p in enumerate(plans)}
    by_run = {run_ids[p.designation]: p for p in plans}
    seen = set()
    for issue in issues:
        plant = _plant_of(issue)
        if plant is not None:
            seen.add(plant)
            holders = [p for p in plans if p.holds(plant)]
            assert holders, (issue.key, "raised without its ground held")
            if issue.status == "resolved":
                r = by_run[issue.resolved_by_run_id]
                # its ground was re-checked in a later run, which did not yield it
                assert r.holds(plant) and not r.yields(plant), (issue.key, plans)
                assert order[issue.resolved_by_run_id] > order[issue.last_run_id], issue.key
                assert not holders[-1].yields(plant), (issue.key, "the latest holder yields it")
            else:  # open: the latest run holding its ground still yields it
                assert holders[-1].yields(plant), (issue.key, issue.status, plans)
        if issue.status == "resolved":  # any issue: the latest check no longer yields it
            assert issue.resolved_by_run_id in order, issue.key
            for f in latest.findings:
                if f.severity.value == "info" or f.run_id is None:
                    continue
                if (f.check, f.variable, f.scope, f.figure) != (
                    issue.check,
                    issue.variable,
                    issue.scope,
                    issue.figure,
                ) or (f.timestamp or None) != (issue.timestamp or None):
                    continue
                assert not f.check.startswith("invoice."), issue.key  # never replaced
                assert order[f.run_id] < order[issue.resolved_by_run_id], issue.key
    for plant in POOL + OWN:  # every planted discrepancy that was ever yielded is an issue
        if any(p.yields(plant) for p in plans):
            assert plant in seen, plant
    line = [i for i in issues if i.check == "invoice.line" and i.variable == "SOFEE_P_D"]
    if plans[0].invoice_line:  # INITIAL's invoice stays what it was: never resolved
        assert [(i.status, i.last_run_id) for i in line] == [("open", run_ids["INITIAL"])]
    else:
        assert line == []


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(plans=histories())
def test_no_issue_is_resolved_unless_its_ground_was_rechecked(
    plans: list[Plan], tmp_path: Path
) -> None:
    with tempfile.TemporaryDirectory(dir=tmp_path) as tmp:
        root = Path(tmp)
        store = root / "s.duckdb"
        mapping = h.write_own(root / "own")
        for n, plan in enumerate(plans, start=1):
            folder = h.write_arrival(root / f"{n}_{plan.designation}", plan.arrival())
            with open_store(store) as s:
                ingest(s, [folder])
            latest = recon.check(store=store, week=h.PARTIAL_START, own=mapping)
            with open_store(store, read_only=True) as s:
                issues = build_register(s)
            _assert_register(plans[:n], issues, latest)
