#!/usr/bin/env python3
"""Benchmark ``recon serve``'s pages on a large participant's year (issue 27).

The store is the one ``bench/audit_year.py`` builds (52 Trading Weeks x 4 runs, 208
recorded checks, 1,248 issues; ``--rows-per-day`` Detail rows per Trading Day). ``recon
serve`` runs in a fresh process; each page is asked for ``--repeat`` times, one request
at a time, and the time the server spent on it is read from its ``Server-Timing`` header
(``app;dur=``: from the request reaching the application to the answer starting, store
opened and closed, queries, page rendered): measured server-side, not by this client. The
first request of each page is shown apart: it works out the audit or the register the
later ones reuse while the store is unchanged (``recon/serve/access.py``). Beside each time
is the CPU time the server's process used meanwhile (``cpu;dur=``, all its threads; the
requests are sent one at a time, so it is the request's own): on a machine shared with
other work the wall time grows with the load, the CPU time does not.
Then ``--clients`` clients ask for every page at once for ``--seconds`` seconds, and the
server's peak memory (``VmHWM`` of its process) is read. Last, ``--changes`` dispute
actions (``POST /api/issues/{id}``, investigating and new in turn, recorded as
``$RECON_USER=bench``) are timed the same way, each followed by the issue's page, which
is then the first request after the store changed. The changes are appended to the bench
store's event log (events are never deleted), so the store carries them into later runs::

    python bench/serve_pages.py --rows-per-day 1000 --repeat 20

Stores go to ``bench/data/`` (git-ignored) and are reused when they exist.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
TARGET_MS = 300
TARGET_MB = 500


def _store(rows: int, weeks: int) -> Path:
    store = DATA / f"audit_year_{rows}rows_{weeks}w.duckdb"
    if not store.exists() or not store.with_suffix(".json").exists():
        DATA.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "audit_year.py"), "--build-only", str(store),
             "--rows-per-day", str(rows), "--weeks", str(weeks)],
            check=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )  # fmt: skip
    return store


def _get(port: int, path: str, body: dict[str, str] | None = None) -> tuple[int, float, int, float]:
    """(status, server milliseconds, bytes, server CPU milliseconds) of one request (a
    POST of ``body`` as JSON when given)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    try:
        if body is None:
            conn.request("GET", path)
        else:
            conn.request(
                "POST", path, json.dumps(body), headers={"Content-Type": "application/json"}
            )
        resp = conn.getresponse()
        body = resp.read()
        timing = resp.getheader("server-timing") or ""
    finally:
        conn.close()
    wall = re.search(r"app;dur=([0-9.]+)", timing)
    cpu = re.search(r"cpu;dur=([0-9.]+)", timing)
    return (
        resp.status,
        float(wall.group(1)) if wall else float("nan"),
        len(body),
        float(cpu.group(1)) if cpu else float("nan"),
    )


def _peak_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    found = re.search(r"VmHWM:\s+(\d+) kB", status)
    return int(found.group(1)) / 1024 if found else float("nan")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--rows-per-day", type=int, default=1000)
    ap.add_argument("--weeks", type=int, default=52)
    ap.add_argument("--repeat", type=int, default=20, help="requests per page")
    ap.add_argument("--clients", type=int, default=4, help="clients at once, afterwards")
    ap.add_argument("--seconds", type=float, default=20, help="how long they ask")
    ap.add_argument("--changes", type=int, default=10, help="dispute actions, at the end")
    ap.add_argument("--json", type=Path, help="write the results here too")
    args = ap.parse_args()
    store = _store(args.rows_per_day, args.weeks)
    meta = json.loads(store.with_suffix(".json").read_text())
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RECON_USER": "bench"}
    env.pop("RECON_CONFIG", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "recon", "serve", "--store", str(store), "--port", "0"],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()
        port = int(re.search(r":(\d+)/", line).group(1))  # type: ignore[union-attr]
        _get(port, "/static/serve.css")  # the first request: nothing of the store
        who, week, issue = _an_issue(store)
        pages = [
            ("Weeks (dashboard, 52 weeks)", "/"),
            ("  JSON twin", "/api/weeks"),
            ("a week", f"/weeks/{who}/{week}"),
            ("  JSON twin", f"/api/weeks/{who}/{week}"),
            ("Issues (open, page 1)", "/issues"),
            ("Issues (all 1,248, page 1)", "/issues?status=all"),
            ("Issues (all, by money at stake)", "/issues?status=all&sort=at_stake"),
            ("Issues (open errors of one check)",
             "/issues?status=open&severity=error&check=summary_detail.value"),
            ("  JSON twin (all 1,248)", "/api/issues?status=all"),
            ("an issue (with its values chart)", f"/issues/{issue}"),
            ("  JSON twin", f"/api/issues/{issue}"),
            ("Audit (a Financial Year)", "/audit?fy=2024-25"),
            ("  JSON twin (audit.json)", "/api/audit?fy=2024-25"),
        ]  # fmt: skip
        rows = []
        for name, path in pages:
            times, cpus, size, statuses = [], [], 0, set()
            for _ in range(args.repeat + 1):
                status, ms, size, cpu = _get(port, path)
                statuses.add(status)
                times.append(ms)
                cpus.append(cpu)
            assert statuses == {200}, (path, statuses)
            rows.append(
                {
                    "page": name,
                    "path": path,
                    "first_ms": round(times[0], 1),
                    "first_cpu_ms": round(cpus[0], 1),
                    "median_ms": round(statistics.median(times[1:]), 1),
                    "median_cpu_ms": round(statistics.median(cpus[1:]), 1),
                    "max_ms": round(max(times[1:]), 1),
                    "kb": round(size / 1024, 1),
                }
            )
        sequential_peak = _peak_mb(proc.pid)
        stop = threading.Event()
        loaded: list[float] = []

        def client(offset: int) -> None:
            i = offset
            while not stop.is_set():
                status, ms, _, _ = _get(port, pages[i % len(pages)][1])
                assert status == 200
                loaded.append(ms)
                i += 1

        threads = [threading.Thread(target=client, args=(k,)) for k in range(args.clients)]
        for t in threads:
            t.start()
        time.sleep(args.seconds)
        stop.set()
        for t in threads:
            t.join()
        peak = _peak_mb(proc.pid)
        changes: list[tuple[float, float]] = []
        after: list[tuple[float, float]] = []
        for k in range(args.changes):
            change = {"workflow": "investigating" if k % 2 == 0 else "new"}
            status, ms, _, cpu = _get(port, f"/api/issues/{issue}", change)
            assert status == 200, status
            changes.append((ms, cpu))
            status, ms, _, cpu = _get(port, f"/issues/{issue}")
            assert status == 200, status
            after.append((ms, cpu))
        for name, path, timed in (
            ("a change (POST, investigating or new)", f"/api/issues/{issue}", changes),
            ("an issue, just after a change", f"/issues/{issue}", after),
        ):
            if timed:
                rows.append(
                    {
                        "page": name,
                        "path": path,
                        "first_ms": round(timed[0][0], 1),
                        "first_cpu_ms": round(timed[0][1], 1),
                        "median_ms": round(statistics.median(t[0] for t in timed), 1),
                        "median_cpu_ms": round(statistics.median(t[1] for t in timed), 1),
                        "max_ms": round(max(t[0] for t in timed), 1),
                        "kb": 0.0,
                    }
                )
        peak = max(peak, _peak_mb(proc.pid))
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    load = os.getloadavg()[0]
    print(
        f"store: {meta['weeks']} weeks, {meta['runs']} runs, {meta['checks']} checks, "
        f"{meta['detail_values']:,} Detail values, {meta['store_bytes'] / 1e6:,.0f} MB; "
        f"load average {load:.2f}, {os.cpu_count()} cores"
    )
    print("| page | path | first: ms (CPU ms) | then median: ms (CPU ms) | then max ms | KiB |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['page']} | `{r['path']}` | {r['first_ms']} ({r['first_cpu_ms']}) | "
            f"{r['median_ms']} ({r['median_cpu_ms']}) | {r['max_ms']} | {r['kb']} |"
        )
    worst = max(r["median_ms"] for r in rows)
    first = max(r["first_ms"] for r in rows)
    cpu_worst = max(max(r["first_cpu_ms"], r["median_cpu_ms"]) for r in rows)
    print(
        f"\nslowest median {worst} ms, slowest first request {first} ms, most CPU {cpu_worst} ms "
        f"(target < {TARGET_MS} ms); peak RSS after the sequential "
        f"requests {sequential_peak:.0f} MB, after {args.clients} clients for {args.seconds:g} s "
        f"({len(loaded)} requests, median {statistics.median(loaded):.1f} ms, max "
        f"{max(loaded):.1f} ms) {peak:.0f} MB (target < {TARGET_MB} MB)"
    )
    if args.json:
        args.json.write_text(
            json.dumps({"meta": meta, "pages": rows, "peak_mb": peak, "load": load}, indent=2)
        )


def _an_issue(store: Path) -> tuple[str, str, str]:
    """(participant, week, id) of the first issue key recorded, read from the store
    directly (the id by recon's own rule), so that no page is asked for before it is
    measured."""
    import duckdb

    sys.path.insert(0, str(ROOT))
    from recon.store.history import issue_id

    con = duckdb.connect(str(store), read_only=True)
    try:
        who, week, key = con.execute(
            "SELECT participant, week, issue_key FROM check_findings ORDER BY week, issue_key "
            "LIMIT 1"
        ).fetchall()[0]
    finally:
        con.close()
    return who, week.isoformat(), issue_id(key)


if __name__ == "__main__":
    main()
