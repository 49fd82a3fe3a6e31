"""Scenario tests: the fixtures written by ``fixtures/generate.py`` through ``recon check``.

* ``fixtures/sample_week`` is clean: exit 0 and no error finding.
* ``fixtures/planted_week`` holds planted discrepancies: with the threshold its
  ``expected_findings.json`` names, ``recon check`` exits 1 and makes exactly the error and
  warning findings listed there, nothing missed and nothing extra (info findings are free).
* Each week of ``fixtures/history`` is clean.

The generator does not import recon, so these lists are an independent account of what
recon must find. See ``fixtures/planted_week/EXPECTED_FINDINGS.md`` for why each is there.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pytest
from paths import FIXTURES

from recon.cli.main import main

SAMPLE_WEEK = FIXTURES / "sample_week"
PLANTED_WEEK = FIXTURES / "planted_week"
EXPECTED_FINDINGS = PLANTED_WEEK / "expected_findings.json"
HISTORY = FIXTURES / "history"
HISTORY_WEEKS = sorted(p for p in HISTORY.iterdir() if p.is_dir()) if HISTORY.is_dir() else []

MATCHED_FIELDS = ("check", "severity", "participant", "period", "run_id", "variable", "scope")
"""Fields a listed finding and recon's must share exactly (null matches null only)."""

CHECKED_FAMILIES = ("invoice.", "adjustment.", "summary_detail.", "source.mismatch")


def run_check(tmp: Path, *paths: Path, extra: tuple[str, ...] = ()) -> tuple[int, dict[str, Any]]:
    """Run ``recon check`` the way a user does and return (exit status, findings.json)."""
    code = main(
        [
            "check",
            *(str(p) for p in paths),
            "--out",
            str(tmp),
            "--no-reports",
            "--no-progress",
            *extra,
        ]
    )
    return code, json.loads((tmp / "findings.json").read_text())


def _number(text: Any) -> Decimal | None:
    if not isinstance(text, str):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _same_figure(want: str | None, got: str | None) -> bool:
    """A listed expected/actual figure against recon's: numerically when both are numbers."""
    if want is None:  # not fixed by the scenario
        return True
    a, b = _number(want), _number(got)
    if a is not None and b is not None:
        return a == b
    return want == got


def _same_timestamp(want: dict[str, Any], got: str | None) -> bool:
    """The listed Timestamp, or for a one-interval finding that interval's start."""
    if want["timestamp"] is None:
        return got is None
    return got in (want["timestamp"], want.get("interval_start"))


def _source_path(source: str | None) -> str:
    return "/" + "/".join(
        p for p in (source or "").replace("#", "/").replace(".", "/").split("/") if p
    )


def matches(want: dict[str, Any], got: dict[str, Any]) -> bool:
    """Whether recon's finding ``got`` is the listed finding ``want``."""
    if any(want[k] != got.get(k) for k in MATCHED_FIELDS):
        return False
    if not _same_timestamp(want, got.get("timestamp")):
        return False
    if not (
        _same_figure(want["expected"], got.get("expected"))
        and _same_figure(want["actual"], got.get("actual"))
    ):
        return False
    if want.get("figure"):  # an invoice figure: recon's source names it as a JSON path
        return _source_path(got.get("source")).endswith("/" + want["figure"].replace(".", "/"))
    return True


def _show(f: dict[str, Any]) -> str:
    fields = (
        "check",
        "severity",
        "participant",
        "period",
        "run_id",
        "variable",
        "scope",
        "timestamp",
        "expected",
        "actual",
    )
    text = ", ".join(f"{k}={f.get(k)}" for k in fields if f.get(k) is not None)
    extra = f.get("figure") or f.get("why") or f.get("message")
    return f"{f.get('id', '')} {text} ({extra})".strip()


def compare(
    listed: list[dict[str, Any]], found: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Pair listed findings with recon's; return (listed but not found, found but not listed).

    Only recon's error and warning findings take part; info findings are ignored.
    """
    pool = [f for f in found if f["severity"] in ("error", "warning")]
    missed = []
    # the most specific listed findings first, so a loose one cannot take another's match
    order = sorted(
        listed, key=lambda w: -sum(w.get(k) is not None for k in ("expected", "actual", "figure"))
    )
    for want in order:
        hit = next((i for i, got in enumerate(pool) if matches(want, got)), None)
        if hit is None:
            missed.append(want)
        else:
            pool.pop(hit)
    return missed, pool


# --------------------------------------------------------------------------- sample week


@pytest.fixture(scope="module")
def sample_result(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, dict[str, Any]]:
    return run_check(tmp_path_factory.mktemp("sample"), SAMPLE_WEEK)


def test_sample_week_is_clean(sample_result: tuple[int, dict[str, Any]]) -> None:
    code, doc = sample_result
    errors = [_show(f) for f in doc["findings"] if f["severity"] == "error"]
    assert errors == []
    assert code == 0
    assert doc["counts"]["error"] == 0


# --------------------------------------------------------------------------- planted week


@pytest.fixture(scope="module")
def planted_spec() -> dict[str, Any]:
    return json.loads(EXPECTED_FINDINGS.read_text())


@pytest.fixture(scope="module")
def planted_result(
    tmp_path_factory: pytest.TempPathFactory, planted_spec: dict[str, Any]
) -> tuple[int, dict[str, Any]]:
    return run_check(
        tmp_path_factory.mktemp("planted"),
        PLANTED_WEEK,
        extra=("--materiality", planted_spec["materiality"]),
    )


def test_planted_week_scenario_covers_every_check(planted_spec: dict[str, Any]) -> None:
    """The scenario plants at least one of every invoice, adjustment, tie-out check."""
    from recon.models.findings import CHECKS

    wanted = {c for c in CHECKS if c.startswith(CHECKED_FAMILIES)}
    listed = {f["check"] for f in planted_spec["findings"]}
    assert wanted <= listed, sorted(wanted - listed)
    for f in planted_spec["findings"]:
        assert f["severity"] == CHECKS[f["check"]][0].value, f["id"]


def test_planted_week_exit_status(
    planted_result: tuple[int, dict[str, Any]], planted_spec: dict[str, Any]
) -> None:
    code, _ = planted_result
    assert code == planted_spec["exit_status"] == 1


def test_planted_week_findings_are_exactly_the_listed_ones(
    planted_result: tuple[int, dict[str, Any]], planted_spec: dict[str, Any]
) -> None:
    _, doc = planted_result
    missed, extra = compare(planted_spec["findings"], doc["findings"])
    report = (
        ["listed but not found:"]
        + [f"  {_show(f)}" for f in missed]
        + ["found but not listed:"]
        + [f"  {_show(f)}" for f in extra]
    )
    assert not missed and not extra, "\n".join(report)


def test_planted_week_counts(
    planted_result: tuple[int, dict[str, Any]], planted_spec: dict[str, Any]
) -> None:
    _, doc = planted_result
    assert doc["counts"]["error"] == planted_spec["counts"]["error"]
    assert doc["counts"]["warning"] == planted_spec["counts"]["warning"]


def test_planted_week_material_needs_the_threshold(
    tmp_path: Path, planted_spec: dict[str, Any]
) -> None:
    """Without --materiality the adjustment.material warnings, and only they, go."""
    _, doc = run_check(tmp_path, PLANTED_WEEK)
    listed = [f for f in planted_spec["findings"] if f["check"] != "adjustment.material"]
    missed, extra = compare(listed, doc["findings"])
    assert not missed and not extra, [_show(f) for f in missed + extra]


# --------------------------------------------------------------------------- compare()


def test_compare_tells_missing_from_extra() -> None:
    listed = [
        {
            "id": "F01",
            "check": "invoice.total",
            "severity": "error",
            "participant": "P",
            "period": "TW 01 Dec 2024",
            "run_id": 1,
            "variable": None,
            "scope": None,
            "timestamp": None,
            "expected": "10.00",
            "actual": "12.00",
            "figure": "rcti.amount",
        }
    ]
    good = {**listed[0], "expected": "10", "actual": "12.0", "source": "x.json#/rcti/amount"}
    assert compare(listed, [good]) == ([], [])
    wrong_figure = {**good, "source": "x.json#/rcti/total"}
    assert compare(listed, [wrong_figure]) == (listed, [wrong_figure])
    info = {**good, "severity": "info", "check": "invoice.line"}
    assert compare(listed, [good, info]) == ([], [])


# --------------------------------------------------------------------------- history


def test_history_holds_two_weeks_beside_the_sample_week() -> None:
    doc = json.loads((HISTORY / "expected.json").read_text())
    periods = [w["period"] for w in doc["weeks"]]
    assert periods == ["TW 24 Nov 2024", "TW 01 Dec 2024", "TW 08 Dec 2024"]
    assert [p.name for p in HISTORY_WEEKS] == ["SWANGEN_2024-11-24", "SWANGEN_2024-12-08"]
    for w in doc["weeks"]:
        assert [r["designation"] for r in w["runs"]][:2] == ["INITIAL", "ADJ1"]


@pytest.mark.parametrize("week", HISTORY_WEEKS, ids=[p.name for p in HISTORY_WEEKS])
def test_history_week_is_clean(tmp_path: Path, week: Path) -> None:
    code, doc = run_check(tmp_path, week)
    bad = [_show(f) for f in doc["findings"] if f["severity"] in ("error", "warning")]
    assert bad == []
    assert code == 0
    kinds = {i["kind"] for i in doc["inputs"]}
    assert kinds == {"summary_csv", "detail_zip", "invoice_json"}


def test_invoice_line_that_does_not_read_is_reported_and_the_rest_checked(tmp_path: Path) -> None:
    """SPEC: a row-level problem is a finding and the rest of the file is still checked.
    One INITIAL invoice line with an amount that is not a number: the line is left out with
    a data.value finding; what follows from its absence is reported (recon's recomputed
    line has no invoice line; the invoice's own RCTI and Payment Summary totals exceed the
    sum of the lines it could read; the INITIAL + ADJ chain of that line no longer adds
    up); every other line and total still checks clean."""
    week = tmp_path / "week"
    week.mkdir()
    for src in sorted((SAMPLE_WEEK / "csv").iterdir()):
        (week / src.name).write_bytes(src.read_bytes())
    for src in sorted((SAMPLE_WEEK / "json").glob("*_Invoice.json")):
        text = src.read_text(encoding="utf-8")
        if "_51230_INITIAL_" in src.name:
            assert text.count('"amount": "2154320.45"') == 1
            text = text.replace('"amount": "2154320.45"', '"amount": "2,154,320.45.1"')
        (week / src.name).write_text(text, encoding="utf-8")
    code, doc = run_check(tmp_path / "out", week)
    assert code == 1
    got = sorted(
        (f["check"], f["run_id"], f["variable"]) for f in doc["findings"] if f["severity"] != "info"
    )
    assert got == [
        ("adjustment.chain", 56492, "RTMSA_P_D"),  # amount and GST
        ("adjustment.chain", 56492, "RTMSA_P_D"),
        ("data.value", 51230, "RTMSA_P_D"),
        ("invoice.line_missing", 51230, "RTMSA_P_D"),
        ("invoice.total", 51230, None),  # RCTI amount, RCTI GST, GST-applicable
        ("invoice.total", 51230, None),
        ("invoice.total", 51230, None),
    ]
    bad = next(f for f in doc["findings"] if f["check"] == "data.value")
    # the file wraps the document in {"transactionId", "data"}: the pointer says so
    assert bad["source"].endswith(
        "SWANGEN_51230_INITIAL_Invoice.json#/data/data/0/lineItems/0/amount"
    )
