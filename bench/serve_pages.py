#!/usr/bin/env python3
"""Benchmark ``recon serve``'s pages on a large participant's year (issue 27).

The store is the one ``bench/audit_year.py`` builds (52 Trading Weeks x 4 runs, 208
recorded checks, 1,248 issues; ``--rows-per-day`` Detail rows per Trading Day). ``recon
serve`` runs in a fresh process; each page is asked for ``--repeat`` times, one request
at a time, and the time the server spent on it is read from its ``Server-Timing`` header
(``app;dur=``: from the request reaching the application to the answer starting, store
opened and closed, queries, page rendered): measured server-side, not by this client.
Then ``--clients`` clients ask for every page at once for ``--seconds`` seconds, and the
server's peak memory (``VmHWM`` of its process) is read at the end::

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


def _get(port: int, path: str) -> tuple[int, float, int]:
    """(status, server milliseconds, bytes) of one request."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        body = resp.read()
        timing = resp.getheader("server-timing") or ""
    finally:
        conn.close()
    found = re.search(r"dur=([0-9.]+)", timing)
    return resp.status, float(found.group(1)) if found else float("nan"), len(body)


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
    ap.add_argument("--json", type=Path, help="write the results here too")
    args = ap.parse_args()
    store = _store(args.rows_per_day, args.weeks)
    meta = json.loads(store.with_suffix(".json").read_text())
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
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
        _get(port, "/")  # first request: imports and templates
        issues = json.loads(_conn_body(port, "/api/issues?status=all"))
        issue = issues[0]["id"]
        week = issues[0]["week"]
        who = issues[0]["participant"]
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
            ("Audit (a Financial Year)", "/audit?fy=2024"),
            ("  JSON twin (audit.json)", "/api/audit?fy=2024"),
        ]  # fmt: skip
        rows = []
        for name, path in pages:
            times, size, statuses = [], 0, set()
            for _ in range(args.repeat):
                status, ms, size = _get(port, path)
                statuses.add(status)
                times.append(ms)
            assert statuses == {200}, (path, statuses)
            rows.append(
                {
                    "page": name,
                    "path": path,
                    "median_ms": round(statistics.median(times), 1),
                    "max_ms": round(max(times), 1),
                    "kb": round(size / 1024, 1),
                }
            )
        sequential_peak = _peak_mb(proc.pid)
        stop = threading.Event()
        loaded: list[float] = []

        def client(offset: int) -> None:
            i = offset
            while not stop.is_set():
                status, ms, _ = _get(port, pages[i % len(pages)][1])
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
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    load = os.getloadavg()[0]
    print(
        f"store: {meta['weeks']} weeks, {meta['runs']} runs, {meta['checks']} checks, "
        f"{meta['detail_values']:,} Detail values, {meta['store_bytes'] / 1e6:,.0f} MB; "
        f"load average {load:.2f}, {os.cpu_count()} cores"
    )
    print("| page | path | median ms | max ms | KiB |")
    print("|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['page']} | `{r['path']}` | {r['median_ms']} | {r['max_ms']} | {r['kb']} |")
    worst = max(r["median_ms"] for r in rows)
    print(
        f"\nslowest median {worst} ms (target < {TARGET_MS} ms); peak RSS after the sequential "
        f"requests {sequential_peak:.0f} MB, after {args.clients} clients for {args.seconds:g} s "
        f"({len(loaded)} requests, median {statistics.median(loaded):.1f} ms, max "
        f"{max(loaded):.1f} ms) {peak:.0f} MB (target < {TARGET_MB} MB)"
    )
    if args.json:
        args.json.write_text(
            json.dumps({"meta": meta, "pages": rows, "peak_mb": peak, "load": load}, indent=2)
        )


def _conn_body(port: int, path: str) -> bytes:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    try:
        conn.request("GET", path)
        return conn.getresponse().read()
    finally:
        conn.close()


if __name__ == "__main__":
    main()
