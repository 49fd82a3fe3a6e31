"""Check results built by hand (for the history, register and events tests): one
participant's Trading Week with runs INITIAL (100), ADJ1 (200) and ADJ2 (300)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from recon.models.findings import Finding
from recon.models.results import CheckResult, RunCoverage, RunInfo

P = "SWANGEN"
WEEK = date(2024, 12, 15)
PERIOD = "TW 15 Dec 2024"
RUNS = {"INITIAL": 100, "ADJ1": 200, "ADJ2": 300}
PUBLISHED = {
    100: datetime(2025, 1, 2, 15, 30),
    200: datetime(2025, 3, 6),
    300: datetime(2025, 6, 5),
}
T0 = datetime(2025, 1, 3, tzinfo=UTC)


def make_cov(designation: str, **kw: object) -> RunCoverage:
    """The coverage of one run: a full week of every artefact unless ``kw`` says otherwise."""
    base: dict[str, object] = {
        "participant": P,
        "period": PERIOD,
        "run_id": RUNS[designation],
        "designation": designation,
        "summary": True,
        "detail_days": 7,
        "invoice_json": True,
        "previous_run": None if designation == "INITIAL" else True,
    }
    base.update(kw)
    return RunCoverage(**base)  # type: ignore[arg-type]


def make_info(designation: str, artefacts: list[str] | None = None) -> RunInfo:
    """The run of ``designation`` with the artefacts it was checked from."""
    run_id = RUNS[designation]
    return RunInfo(
        participant=P,
        period=PERIOD,
        run_id=run_id,
        designation=designation,
        published_at=PUBLISHED[run_id],
        artefacts=artefacts or ["summary_csv", "summary_json", "detail_zip", "invoice_json"],
    )


def make_finding(designation: str | None, check: str, variable: str, **kw: object) -> Finding:
    """A finding of ``check`` about ``variable`` (of the run ``designation``, if given)."""
    fields: dict[str, object] = {"participant": P, "period": PERIOD, "variable": variable}
    if designation:
        fields.update(run_id=RUNS[designation], designation=designation)
    fields.update(kw)
    return Finding.make(check, f"{variable} differs.", **fields)


def make_result(
    runs: list[str],
    findings: list[Finding],
    at: datetime,
    *,
    artefacts: dict[str, list[str]] | None = None,
    coverage: dict[str, RunCoverage] | None = None,
) -> CheckResult:
    """A check result of ``runs`` generated ``at``, with full coverage unless given."""
    artefacts = artefacts or {}
    coverage = coverage or {}
    return CheckResult(
        generated_at=at,
        runs=[make_info(d, artefacts.get(d)) for d in runs],
        coverage=[coverage.get(d) or make_cov(d) for d in runs],
        findings=findings,
    )


def save_result(result: CheckResult, folder: Path) -> Path:
    """``folder`` holding ``result`` as a saved check's result.json (what ``recon check
    --out`` leaves for ``recon report``); returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "result.json").write_text(result.model_dump_json(indent=1), encoding="utf-8")
    return folder
