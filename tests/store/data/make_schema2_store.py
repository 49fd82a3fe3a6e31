"""Write ``schema2.duckdb.gz``: a history store as recon wrote it at schema version 2.

Run it with a checkout of recon whose store is at schema version 2 (commit ``622c2f8``,
before the register recorded grounds and figures) first on ``PYTHONPATH``, from this
repository's root (whose ``fixtures/`` write the data)::

    git worktree add /tmp/recon-schema2 622c2f8
    PYTHONPATH=/tmp/recon-schema2 python tests/store/data/make_schema2_store.py

It ingests and checks, with that recon's command line, two weeks as their runs arrive:

* ``fixtures/history_adj`` (SWANGEN's TW 15 Dec 2024: INITIAL, ADJ1, ADJ2), checked from the
  store after each arrival;
* the partial week of ``fixtures/history_adj.py`` (TW 22 Dec 2024): INITIAL with every
  form, five invoice totals and an invoice line changed and a Detail JSON value that
  differs from the CSV, then an ADJ1 whose Detail holds two days in the ZIP and one in
  JSON, each checked with your own data (``--own``), which differs from AEMO's on one
  interval of every day and which ADJ1 corrects on its first day only.

The statement values are then deleted and the database copied whole (tables with their
constraints, indexes, the view and the sequence) into a fresh file, gzipped, so the
committed store is small; the checks, runs, files and invoices recorded stay as that recon
wrote them. ``tests/store/test_migration.py`` migrates it.
"""

from __future__ import annotations

import gzip
import shutil
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
OUT = Path(__file__).resolve().parent / "schema2.duckdb.gz"


def main() -> None:
    import duckdb

    import recon
    from recon.cli.main import main as recon_main
    from recon.store.db import SCHEMA_VERSION

    assert SCHEMA_VERSION == 2, f"recon {recon.__file__} is at schema {SCHEMA_VERSION}, not 2"
    sys.path.insert(0, str(ROOT / "fixtures"))
    import history_adj as h

    work = Path(tempfile.mkdtemp(prefix="schema2-"))
    store = work / "s.duckdb"
    walk = ROOT / "fixtures" / "history_adj" / "SWANGEN_2024-12-15"
    for folder in ("1_INITIAL", "2_ADJ1", "3_ADJ2"):
        assert recon_main(["ingest", str(walk / folder), "--store", str(store)]) == 0
        code = recon_main(
            [
                *("check", "--store", str(store), "--week", "2024-12-15", "--no-reports"),
                *("--out", str(work / f"walk-{folder}"), "--no-progress"),
            ]
        )
        assert code == 1, code
    days = h.PARTIAL_DAYS
    facility = h.own_plants()[0][0]
    arrivals = [
        h.Arrival(
            "INITIAL",
            summary_json=True,
            json_days=days,
            detail_json_plants=(
                h.DetailJsonPlant("MSQ_F_I", "SWANGEN_WF1", days[2], 10, Decimal("1.5")),
            ),
            invoice_lines={"SOFEE_P_D": Decimal("1.00")},
            invoice_totals={
                ("rcti", "total"): Decimal("1.00"),
                ("taxInvoice", "total"): Decimal("2.00"),
                ("paymentSummary", "totalPayable"): Decimal("3.00"),
                ("paymentSummary", "amountDue"): Decimal("4.00"),
                ("paymentSummary", "gst"): Decimal("5.00"),
            },
        ),
        h.Arrival(
            "ADJ1",
            zip_days=(days[0], days[2]),
            json_days=(days[0],),
            own_fix=((facility, days[0], 20),),
        ),
    ]
    mapping = h.write_own(work / "own")
    for n, arrival in enumerate(arrivals, start=1):
        folder = h.write_arrival(work / f"partial-{n}", arrival)
        assert recon_main(["ingest", str(folder), "--store", str(store)]) == 0
        code = recon_main(
            [
                *("check", "--store", str(store), "--week", "2024-12-22", "--own", str(mapping)),
                *("--out", str(work / f"partial-check-{n}"), "--no-progress", "--no-reports"),
            ]
        )
        assert code == 1, code
    con = duckdb.connect(str(store))
    con.execute("DELETE FROM detail_values")
    con.execute("DELETE FROM summary_values")
    con.close()
    fresh = work / "schema2.duckdb"
    con = duckdb.connect(str(fresh))
    con.execute(f"ATTACH '{store}' AS old (READ_ONLY)")
    con.execute("COPY FROM DATABASE old TO schema2")
    con.close()
    with fresh.open("rb") as src, gzip.GzipFile(OUT, "wb", compresslevel=9, mtime=0) as dst:
        shutil.copyfileobj(src, dst)
    shutil.rmtree(work)
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
