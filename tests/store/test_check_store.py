"""A check from the store (``recon check --store``, :mod:`recon.pipeline.check`): runs
from history give the same result as the files themselves."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import recon
from recon.errors import StoreError, UsageError
from recon.models.results import CheckResult
from recon.reconcile.engine import run_checks
from recon.sources.loading import load
from recon.store import ingest, load_weeks, open_store


def check_from_store(store: Path, paths: Any = (), **asked: Any) -> CheckResult:
    """``recon check --store STORE [PATHS]``, not recorded."""
    return recon.check(paths, store=store, record=False, **asked)


def _same_result(a: CheckResult, b: CheckResult) -> None:
    """Everything but the time stamp is equal: findings, inputs, runs, lines, adjustments."""
    assert a.findings == b.findings
    assert a.model_dump(mode="json", exclude={"generated_at"}) == b.model_dump(
        mode="json", exclude={"generated_at"}
    )


def test_adj2_finds_its_adj1_in_history(tmp_path: Path, sample_files: Any) -> None:
    """Only the ADJ2 files at hand: the previous run (ADJ1) and INITIAL come from the store."""
    store = tmp_path / "s.duckdb"
    with open_store(store) as s:
        ingest(s, sample_files("51230", "53874"))
    adj2 = sample_files("56492")

    alone = recon.check(adj2)
    # (coverage.invoice_missing, info: these files hold no invoice)
    assert [f.check for f in alone.findings if not f.check.startswith("coverage.")] == [
        "adjustment.previous_missing"
    ]

    from_store = check_from_store(store, paths=adj2)
    assert not [f for f in from_store.findings if f.check == "adjustment.previous_missing"]
    assert {r.run_id: r.previous_run_id for r in from_store.runs} == {
        51230: None,
        53874: 51230,
        56492: 53874,
    }

    all_files = recon.check(sample_files("51230", "53874", "56492"))
    _same_result(all_files, from_store)
    assert any(a.run_id == 56492 for a in from_store.adjustments)


def _planted_copy(sample: Path, tmp_path: Path) -> Path:
    """The sample week's CSV forms, its Summary and Invoice JSON and one Detail JSON day,
    with two ADJ1 Summary CSV values planted: one that is not a Decimal(23,8) (a
    ``data.value`` finding made while reading, which the store keeps) and one changed, so
    the check finds errors (CSV vs JSON, invoice lines and totals)."""
    root = tmp_path / "week"
    shutil.copytree(sample / "csv", root / "csv")
    (root / "json").mkdir()
    for f in (sample / "json").iterdir():
        if "Detail" not in f.name or f.name.endswith(
            "ADJ1_SettlementStatementDetail_2024-12-01.json"
        ):
            shutil.copy2(f, root / "json" / f.name)
    f = root / "csv" / "SWANGEN_53874_ADJ1_SettlementStatementSummary.csv"
    lines = f.read_bytes().split(b"\n")
    for i, planted in ((4, b"12.345678901"), (5, b"1000.5")):
        head, _, _value = lines[i].rstrip(b"\r").rpartition(b",")
        lines[i] = head + b"," + planted + b"\r"
    f.write_bytes(b"\n".join(lines))
    return root


def test_check_from_store_equals_check_on_files(tmp_path: Path, sample: Path) -> None:
    week = _planted_copy(sample, tmp_path)
    store = tmp_path / "s.duckdb"
    with open_store(store) as s:
        ingest(s, [week])
    given, findings, skipped = load([week])
    on_files = run_checks(given, findings=findings, skipped=skipped)
    assert {f.check for f in on_files.findings} >= {
        "data.value",
        "source.mismatch",
        "invoice.line",
        "invoice.total",
    }
    from_store = check_from_store(store, week="2024-12-01")
    _same_result(on_files, from_store)

    # every model is rebuilt exactly as its reader made it
    with open_store(store, read_only=True) as s:
        held = load_weeks(s, [("SWANGEN", date(2024, 12, 1))]).loaded
    assert [g.record for g in given] == [h.record for h in held]
    for g, h in zip(given, held, strict=True):
        if hasattr(g.model, "frame"):
            assert g.model.frame.schema == h.model.frame.schema
            assert g.model.frame.equals(h.model.frame)
            assert g.model.model_dump_json(exclude={"frame"}) == h.model.model_dump_json(
                exclude={"frame"}
            )
        else:
            assert g.model.model_dump_json() == h.model.model_dump_json()


def test_paths_held_in_the_store_are_taken_once(week_store: Path, sample_files: Any) -> None:
    files = sample_files("56492", forms=("csv",))
    result = check_from_store(week_store, paths=files)
    shas = [i.sha256 for i in result.inputs]
    assert len(shas) == len(set(shas)) == 36


def test_filters_and_errors(week_store: Path, tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="holds no run"):
        check_from_store(week_store, week="2024-12-08")
    with pytest.raises(StoreError, match="holds no run"):
        check_from_store(week_store, participant="NOBODY")
    with pytest.raises(UsageError, match="Monday"):
        check_from_store(week_store, week="2024-12-02")
    with pytest.raises(StoreError, match="no store"):
        check_from_store(tmp_path / "missing.duckdb")


def test_unusable_file_reported_as_on_files(tmp_path: Path, sample: Path) -> None:
    """A CSV with wrong columns: data.columns from the store as from the files."""
    root = tmp_path / "week"
    root.mkdir()
    src = sample / "csv" / "SWANGEN_51230_INITIAL_SettlementStatementSummary.csv"
    (root / src.name).write_bytes(src.read_bytes().replace(b"P Or C", b"PorC", 1))
    shutil.copy2(sample / "json" / "SWANGEN_51230_INITIAL_Invoice.json", root)
    store = tmp_path / "s.duckdb"
    with open_store(store) as s:
        ingest(s, [root])
    on_files = recon.check([root])
    from_store = check_from_store(store)
    assert [f.check for f in on_files.findings] == [f.check for f in from_store.findings]
    assert "data.columns" in [f.check for f in from_store.findings]
    _same_result(on_files, from_store)


def test_invoice_line_finding_kept_through_the_store(tmp_path: Path, sample: Path) -> None:
    """An Invoice JSON line that does not read: stored with its data.value finding, found
    again by a check from the store, and re-ingesting the file changes nothing."""
    root = tmp_path / "week"
    root.mkdir()
    shutil.copy2(sample / "csv" / "SWANGEN_51230_INITIAL_SettlementStatementSummary.csv", root)
    src = sample / "json" / "SWANGEN_51230_INITIAL_Invoice.json"
    (root / src.name).write_text(
        src.read_text(encoding="utf-8").replace('"amount": "2154320.45"', '"amount": "n/a"', 1),
        encoding="utf-8",
    )
    store = tmp_path / "s.duckdb"
    with open_store(store) as s:
        assert ingest(s, [root]).counts["ingested"] == 2
        assert ingest(s, [root]).counts["unchanged"] == 2
    on_files = recon.check([root])
    from_store = check_from_store(store)
    assert ("data.value", "RTMSA_P_D") in [(f.check, f.variable) for f in on_files.findings]
    _same_result(on_files, from_store)
