"""Root causes and cash at stake on the fixture weeks, against what the generator planted.

``fixtures/planted_week/expected_roots.json`` and ``fixtures/money_scenarios.py`` work the
roots and their at-stake amounts out from the plants, without recon's code; recon must
find the same. Over every scenario week, a run's cash roots add up to the run's at_stake.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import fixture_scripts
import pytest
from paths import FIXTURES

import recon
from recon.models.findings import AtStakeBasis, Finding, Severity
from recon.models.results import CheckResult

PLANTED = FIXTURES / "planted_week"


money_scenarios = fixture_scripts.load("money_scenarios.py")
scenarios = fixture_scripts.load("scenarios.py")


def _number(text: Any) -> Decimal | None:
    try:
        return Decimal(text) if isinstance(text, str) else None
    except ArithmeticError:
        return None


def _matches(want: dict[str, Any], got: Finding) -> bool:
    """Whether recon's finding is a listed one (expected_findings.json's ``compare``)."""
    for k in ("check", "participant", "period", "run_id", "variable", "scope"):
        if want[k] != getattr(got, k):
            return False
    if want["severity"] != got.severity.value:
        return False
    if want["timestamp"] is None and got.timestamp is not None:
        return False
    if want["timestamp"] is not None and got.timestamp not in (
        want["timestamp"],
        want.get("interval_start"),
    ):
        return False
    for k in ("expected", "actual"):
        w, g = want[k], getattr(got, k)
        if w is not None and (_number(w), w) != (_number(g), w) and _number(w) != _number(g):
            return False
    if want.get("figure"):
        path = (got.source or "").rsplit("#", 1)[-1].strip("/").replace("/", ".")
        return path == want["figure"]
    return True


def _cash_roots(result: CheckResult, participant: str, period: str, run_id: int) -> list[Finding]:
    return [
        f
        for f in result.findings
        if (f.participant, f.period, f.run_id) == (participant, period, run_id)
        and f.cause is None
        and f.at_stake_basis is AtStakeBasis.CASH
    ]


def assert_roots_add_up(result: CheckResult) -> None:
    """Every run's cash roots add up exactly to its at_stake; causes name real roots."""
    ids = {f.id for f in result.findings}
    assert len(ids) == len(result.findings)
    for f in result.findings:
        assert f.cause is None or f.cause in ids
        assert (f.cause is None) == (f.consequences is not None)
        if f.at_stake is not None:
            assert f.cause is None and f.at_stake_basis is not None
    for run in result.coverage:
        roots = _cash_roots(result, run.participant, run.period, run.run_id)
        if run.at_stake is None:
            assert roots == [], run
            continue
        total = sum((Decimal(f.at_stake or "0") for f in roots), Decimal(0))
        assert total == run.at_stake, (run, [(f.check, f.at_stake) for f in roots])


# ---------------------------------------------------------------- the planted week


@pytest.fixture(scope="module")
def planted() -> CheckResult:
    return recon.check(PLANTED, materiality=Decimal(5000))


def test_planted_roots_are_the_generators(planted: CheckResult) -> None:
    listed = json.loads((PLANTED / "expected_findings.json").read_text())["findings"]
    expected = json.loads((PLANTED / "expected_roots.json").read_text())
    serious = [f for f in planted.findings if f.severity is not Severity.INFO]
    # Each listed finding is one of recon's (two listed twins take two of recon's).
    of: dict[str, Finding] = {}
    for want in listed:
        got = next(f for f in serious if _matches(want, f) and all(f is not g for g in of.values()))
        of[want["id"]] = got
    assert len(of) == len(serious)
    for root in expected["roots"]:
        group = [of[root["root"]], *(of[i] for i in root["consequences"])]
        heads = [f for f in group if f.cause is None]
        assert len(heads) == 1, (root["plant"], [f.cause for f in group])
        (head,) = heads
        assert _matches(root, head), root["plant"]
        assert all(f.cause == head.id for f in group if f is not head), root["plant"]
        assert head.at_stake == root["at_stake"], root["plant"]
        basis = head.at_stake_basis.value if head.at_stake_basis else None
        assert basis == root["at_stake_basis"], root["plant"]
        serious_consequences = [f for f in serious if f.cause == head.id]
        assert len(serious_consequences) == len(root["consequences"]), root["plant"]
    assert planted.error_root_count() == expected["error_roots"]
    stakes = {(r.participant, r.period, r.run_id): r.at_stake for r in planted.coverage}
    for run in expected["runs"]:
        got = stakes[(run["participant"], run["period"], run["run_id"])]
        want = run["at_stake"]
        assert (None if got is None else f"{got:.2f}") == want, run
    assert_roots_add_up(planted)


def test_planted_verdict_names_causes_and_cash(planted: CheckResult) -> None:
    head = planted.verdict_lines()[0]
    expected = json.loads((PLANTED / "expected_roots.json").read_text())
    errors = planted.counts["error"]
    assert head.startswith(
        f"Discrepancies found: {errors} errors in {expected['error_roots']} root causes; "
        "$0.00 at stake"
    ), head


# ---------------------------------------------------------------- cash that moves


def test_cash_scenario_roots_and_at_stake(tmp_path: Path) -> None:
    expected = money_scenarios.scenario_cash(tmp_path / "cash")
    result = recon.check(tmp_path / "cash")
    stakes = {r.run_id: r.at_stake for r in result.coverage}
    assert stakes == expected["runs"]
    roots = [f for f in result.findings if f.cause is None and f.severity is Severity.ERROR]
    got = sorted((f.run_id, f.check, f.variable, Decimal(f.at_stake or "nan")) for f in roots)
    want = sorted(
        (r["run_id"], r["check"], r["variable"], r["at_stake"]) for r in expected["roots"]
    )
    assert got == want
    assert result.error_root_count() == len(expected["roots"])
    assert_roots_add_up(result)
    total = expected["total"]
    assert total > 0
    head = result.verdict_lines()[0]
    assert f"in {len(want)} root causes; ${total:,.2f} at stake: AEMO owes you" in head


# ---------------------------------------------------------------- every scenario week


def _weeks(tmp: Path) -> list[tuple[str, list[Path]]]:
    weeks: list[tuple[str, list[Path]]] = [
        ("sample", [FIXTURES / "sample_week"]),
        ("history", [FIXTURES / "history"]),
        ("history_adj", [FIXTURES / "history_adj"]),
    ]
    for form in ("pairs", "net", "wrong"):
        out = tmp / f"reclassified-{form}"
        weeks.append((out.name, scenarios.scenario_reclassified(out, form)))
    for name in ("conflicting_invoices", "invoice_alone", "identical_copies"):
        out = tmp / name
        weeks.append((name, getattr(scenarios, f"scenario_{name}")(out)))
    return weeks


def test_every_scenario_weeks_roots_add_up(tmp_path: Path) -> None:
    for name, paths in _weeks(tmp_path):
        result = recon.check(paths)
        assert_roots_add_up(result)
        roots = result.error_root_count()
        assert roots is not None and roots <= result.counts["error"], name
