#!/usr/bin/env python3
"""Benchmark ``recon audit`` over a large participant's year in the store (issue 18).

It builds a store holding one participant's Financial Year: 52 Trading Weeks, each with
an INITIAL and three ADJ runs, each run with a Summary (19 variables x 7 days), an Invoice
(JSON: lines and totals) and a Detail of ``--rows-per-day`` rows per Trading Day of
48-value arrays (Trading Interval granularity), plus the checks a weekly job would have
recorded: one after each run arrived (4 a week, 208 in all), each check covering every run
held so far, with ``--findings`` findings per run (some fixed by a later run, some not).
The store is written with SQL straight into the tables (the generator is not what is
measured), then ``recon audit --fy`` runs in a fresh process, timed by this process, its
peak RSS read from the child's ``rusage``.

Run it at two Detail sizes to see that the audit's time and memory do not grow with the
Detail held (it reads runs, invoice totals and recorded checks, never a Detail value)::

    python bench/audit_year.py --rows-per-day 100 --rows-per-day 1000 --repeat 3

Stores go to ``bench/data/`` (git-ignored) and are reused when they exist.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
sys.path.insert(0, str(ROOT))

PARTICIPANT = "BIGGEN"
FY = "2024-25"  # 1 July 2024 to 30 June 2025 (SPEC §8)
FIRST_WEEK = date(2024, 6, 30)  # the Sunday of the week holding 1 July 2024
DESIGNATIONS = ("INITIAL", "ADJ1", "ADJ2", "ADJ3")
SUMMARY_VARS = 19


def _weeks(n: int) -> list[date]:
    first = FIRST_WEEK + timedelta(weeks=1)  # the first week starting on or after 1 July
    return [first + timedelta(weeks=i) for i in range(n)]


def build(path: Path, rows_per_day: int, weeks: int, findings: int) -> dict[str, object]:
    """Write the year into a new store at ``path``; return what it holds."""
    from decimal import Decimal

    from recon.models.findings import Finding
    from recon.models.invoices import Invoice, PaymentSummary, SectionTotals
    from recon.models.results import CheckResult, InputRecord, RunCoverage, RunInfo
    from recon.store.db import Store
    from recon.store.history import record_check

    if path.exists():
        path.unlink()
    started = time.perf_counter()
    with Store.open(path) as store:
        con = store.con
        con.execute(
            "CREATE TEMP TABLE w AS SELECT range AS wi, DATE '2024-07-07' + "
            "INTERVAL (range * 7) DAY AS week FROM range(?)",
            [weeks],
        )
        con.execute(
            "CREATE TEMP TABLE r AS SELECT wi, week::DATE AS week, d AS di, "
            "['INITIAL','ADJ1','ADJ2','ADJ3'][d + 1] AS designation, "
            "60000 + wi * 10 + d AS run_id, "
            "(week + INTERVAL 12 DAY + INTERVAL (d * 63) DAY + INTERVAL 15 HOUR)::TIMESTAMP "
            "AS published_at, 'TW ' || strftime(week, '%d %b %Y') AS period "
            "FROM w, range(4) t(d)"
        )
        con.execute(
            "INSERT INTO runs SELECT ?, period, week, run_id, designation, published_at, "
            "'WEM', week, week + 6, now()::TIMESTAMP FROM r",
            [PARTICIPANT],
        )
        for kind, form in (("summary_csv", "csv"), ("detail_zip", "zip"), ("invoice_json", "json")):
            con.execute(
                "INSERT INTO files (sha256, path, abs_path, size, kind, form, status, "
                "participant, period, week, run_id, designation, input_record, "
                "ingested_at_utc) SELECT sha256(? || run_id), ? || run_id, ? || run_id, "
                "1000, ?, ?, 'stored', ?, period, week, run_id, designation, '{}', "
                "now()::TIMESTAMP FROM r",
                [kind, kind, kind, kind, form, PARTICIPANT],
            )
        con.execute(
            "INSERT INTO summary_values SELECT sha256('summary_csv' || run_id), ?, week, "
            "run_id, v * 7 + day, 'VAR' || v || '_P_D', week + day::INTEGER, "
            "CASE WHEN v < 12 THEN 'Payment' ELSE 'Charge' END, true, "
            "(1000 + v * 10 + day + di)::DECIMAL(23,8), -2, NULL "
            f"FROM r, range({SUMMARY_VARS}) a(v), range(7) b(day)",
            [PARTICIPANT],
        )
        con.execute(
            "INSERT INTO detail_values SELECT sha256('detail_zip' || run_id), ?, week, run_id, "
            "day * ? + k, week + day::INTEGER, 'VAR' || (k % 40) || '_F_I', 'FAC' || (k // 40), "
            "week + day::INTEGER, list_transform(range(48), "
            "lambda x: ((x * 37 + k * 11 + di) % 1000 / 8)::DECIMAL(23,8)), 'detail.zip', k + 2 "
            "FROM r, range(7) b(day), range(?) c(k)",
            [PARTICIPANT, rows_per_day, rows_per_day],
        )
        con.execute(
            "INSERT INTO invoices SELECT sha256('invoice_json' || run_id), ?, period, week, "
            "run_id, designation, 'json', 'WEM-INV-' || run_id, NULL, NULL, period, NULL, "
            "false, NULL FROM r",
            [PARTICIPANT],
        )
        con.execute(
            "INSERT INTO invoice_totals SELECT sha256('invoice_json' || run_id), ?, week, "
            "run_id, 'payment_summary', f, CASE WHEN di = 0 THEN -2500000 - wi * 1000 ELSE "
            "(di * 37 - 60) END::DECIMAL(23,8), -2 FROM r, "
            "(VALUES ('total_payable'), ('amount_due')) t(f)",
            [PARTICIPANT],
        )
        held = store.counts()
        # the checks a weekly job records: one after each run arrives
        when0 = datetime(2024, 7, 20, tzinfo=UTC)
        n_checks = 0
        for wi, week in enumerate(_weeks(weeks)):
            period = f"TW {week:%d %b %Y}"
            ids = [60000 + wi * 10 + d for d in range(4)]
            for arrived in range(1, 5):
                runs, cov, fnd = [], [], []
                for d in range(arrived):
                    desig = DESIGNATIONS[d]
                    total = Decimal(-2500000 - wi * 1000) if d == 0 else Decimal(d * 37 - 60)
                    inv = Invoice(
                        invoice_number=f"WEM-INV-{ids[d]}",
                        run_id=ids[d],
                        designation=desig,
                        period=period,
                        participant=PARTICIPANT,
                        line_items=[],
                        payment_summary=PaymentSummary(
                            gst_applicable_amount=total,
                            gst_not_applicable_amount=Decimal(0),
                            gst=Decimal(0),
                            total_payable=total,
                            prepayment_applied=Decimal(0),
                            amount_due=total,
                            prepayment_balance=Decimal(0),
                        ),
                        rcti=SectionTotals(amount=Decimal(0), gst=Decimal(0), total=Decimal(0)),
                        tax_invoice=SectionTotals(
                            amount=Decimal(0), gst=Decimal(0), total=Decimal(0)
                        ),
                    )
                    runs.append(
                        RunInfo(
                            participant=PARTICIPANT,
                            period=period,
                            run_id=ids[d],
                            designation=desig,
                            artefacts=["detail_zip", "invoice_json", "summary_csv"],
                            computed=inv,
                            invoiced=inv,
                        )
                    )
                    cov.append(
                        RunCoverage(
                            participant=PARTICIPANT,
                            period=period,
                            run_id=ids[d],
                            designation=desig,
                            summary=True,
                            detail_days=7,
                            invoice_json=True,
                            previous_run=None if d == 0 else True,
                        )
                    )
                    # finding k is in runs 0..(k % 4): some fixed by ADJ1, ADJ2, ADJ3, some open
                    for k in range(findings):
                        if d <= k % 4:
                            fnd.append(
                                Finding.make(
                                    "summary_detail.value",
                                    f"VAR{k}_P_D differs.",
                                    participant=PARTICIPANT,
                                    period=period,
                                    run_id=ids[d],
                                    designation=desig,
                                    variable=f"VAR{k % SUMMARY_VARS}_P_D",
                                    scope=PARTICIPANT,
                                    timestamp=(week + timedelta(days=k % 7)).isoformat(),
                                    position=k // (SUMMARY_VARS * 7) or None,
                                )
                            )
                inputs = [
                    InputRecord(
                        path=f"{kind}{i}",
                        sha256=f"{kind}{i}".ljust(64, "0")[:64],
                        kind=kind,
                        participant=PARTICIPANT,
                        period=period,
                        run_id=i,
                    )
                    for i in ids[:arrived]
                    for kind in ("summary_csv", "detail_zip", "invoice_json")
                ]
                result = CheckResult(
                    generated_at=when0 + timedelta(weeks=wi, days=63 * (arrived - 1)),
                    runs=runs,
                    coverage=cov,
                    findings=fnd,
                    inputs=inputs,
                )
                record_check(store, result, command="weekly")
                n_checks += 1
        detail_values = int(store.scalar("SELECT sum(len(value)) FROM detail_values"))
        counts = store.counts()
        con.execute("CHECKPOINT")  # fold the write-ahead log in: readers must not replay it
    return {
        "rows_per_day": rows_per_day,
        "weeks": weeks,
        "runs": held["runs"],
        "detail_rows": held["detail_values"],
        "detail_values": detail_values,
        "checks": n_checks,
        "check_findings": counts["check_findings"],
        "store_bytes": path.stat().st_size,
        "build_seconds": round(time.perf_counter() - started, 1),
    }


def run_audit(store: Path, reports: bool) -> dict[str, float]:
    """``recon audit --fy`` in a fresh process: wall seconds and peak RSS (MB)."""
    out = Path(tempfile.mkdtemp(prefix="audit-bench-"))
    cmd = [sys.executable, "-m", "recon", "audit", "--store", str(store), "--fy", str(FY)]
    cmd += ["--out", str(out)] + ([] if reports else ["--no-reports"])
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    err = proc.stderr.read().decode() if proc.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"recon audit failed ({code}): {err[-2000:]}")
    doc = json.loads((out / "audit.json").read_text())
    shutil.rmtree(out, ignore_errors=True)
    return {
        "wall_s": round(wall, 2),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "weeks": len(doc["weeks"]),
        "issues": len(doc["issues"]),
        "open": sum(1 for i in doc["issues"] if i["status"] == "open"),
        "checks": len(doc["checks"]),
        "exit": code,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--rows-per-day", type=int, action="append", help="Detail rows per day")
    ap.add_argument("--weeks", type=int, default=52)
    ap.add_argument("--findings", type=int, default=24, help="findings per run per check")
    ap.add_argument("--repeat", type=int, default=3, help="keep the fastest of N audits")
    ap.add_argument("--rebuild", action="store_true", help="rebuild stores that exist")
    ap.add_argument("--json", type=Path, help="write the results here too")
    ap.add_argument("--build-only", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.build_only:  # in its own process: see below
        meta = build(args.build_only, args.rows_per_day[0], args.weeks, args.findings)
        args.build_only.with_suffix(".json").write_text(json.dumps(meta, indent=2))
        return
    DATA.mkdir(parents=True, exist_ok=True)
    results = []
    for rows in args.rows_per_day or [100, 1000]:
        store = DATA / f"audit_year_{rows}rows_{args.weeks}w.duckdb"
        meta_path = store.with_suffix(".json")
        if args.rebuild or not store.exists() or not meta_path.exists():
            # Built in a child process: a child forked from a parent that holds the
            # store's buffers would count them in its peak RSS (ru_maxrss) before exec.
            subprocess.run(
                [sys.executable, __file__, "--build-only", str(store), "--rows-per-day",
                 str(rows), "--weeks", str(args.weeks), "--findings", str(args.findings)],
                check=True,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
            )  # fmt: skip
        meta = json.loads(meta_path.read_text())
        for reports in (False, True):
            runs = [run_audit(store, reports) for _ in range(args.repeat)]
            best = min(runs, key=lambda r: r["wall_s"])
            best["peak_rss_mb"] = max(r["peak_rss_mb"] for r in runs)
            results.append({**meta, "reports": reports, **best})
    load = os.getloadavg()[0]
    print(f"load average {load:.2f}, {os.cpu_count()} cores")
    print(
        "| Detail rows/day | Detail values | store MB | checks | issues (open) | outputs "
        "| wall s | CPU s | peak RSS MB |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(
            f"| {r['rows_per_day']} | {r['detail_values']:,} | {r['store_bytes'] / 1e6:,.0f} | "
            f"{r['checks']} | {r['issues']} ({r['open']}) | "
            f"{'json+xlsx+html' if r['reports'] else 'json'} | {r['wall_s']} | {r['cpu_s']} | "
            f"{r['peak_rss_mb']} |"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
