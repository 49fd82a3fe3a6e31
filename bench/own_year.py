"""Benchmark: a year of 5-minute own data for 50 scopes tied out against a large Detail week.

Writes (under ``bench/data/own_year/``, reused when present):

* a Detail ZIP of one Trading Week (7 day CSVs): ``MSQ_F_I`` for 50 facilities and
  ``ChannelQty_CH_I`` for 50 channels (both Trading Interval, 48 values), plus filler
  Dispatch Interval rows to make the week large (``--filler`` rows per day, 288 values each);
* ``scada.csv``: a year (365 days) of 5-minute MWh rows for the 50 facilities
  (5.26M rows), whose sums equal the Detail's MSQ_F_I in the week;
* ``meters.csv``: a NEM12 file, a year of 5-minute kWh days for the 50 channels;
* ``own.toml`` mapping both.

Then it times ``recon.check([zip])`` with and without ``own=own.toml`` in fresh processes
and prints the figures (and checks the run is clean: every interval compared, none off).

    python bench/own_year.py                # ~2M-value filler
    python bench/own_year.py --filler 5000  # a larger week
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import time
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path

import polars as pl

HERE = Path(__file__).resolve().parent
OUT = HERE / "data" / "own_year"
SCOPES = 50
WEEK = date(2024, 12, 1)  # a Sunday
YEAR_START = date(2024, 6, 1)
DAYS_OF_DATA = 365
HEADER = (
    "RunId,PublishedAt,MarketService,Designation,Period,PeriodFrom,PeriodTo,"
    "ParticipantCode,Settlement Trading Day,Variable,Scope,Timestamp,Value"
)
RUN = "900001,2024-12-19T15:30:45,WEM,INITIAL,TW 01 Dec 2024,2024-12-01,2024-12-07,BENCHCO"


def five_minute_values(scope_names: list[str], scale: int) -> pl.DataFrame:
    """A year of 5-minute rows per scope: (scope, start, value text), deterministic.

    Values are integers of thousandths (``scale`` 3) or hundred-millionths (8), written as
    exact decimal text: no float anywhere.
    """
    starts = pl.datetime_range(
        datetime.combine(YEAR_START, datetime.min.time()),
        datetime.combine(YEAR_START + timedelta(days=DAYS_OF_DATA), datetime.min.time())
        - timedelta(minutes=5),
        interval="5m",
        eager=True,
    ).alias("start")
    frame = pl.DataFrame({"scope": scope_names}).join(pl.DataFrame(starts), how="cross")
    n = pl.int_range(0, pl.len(), dtype=pl.Int64)
    units = (n * 7919 + 104729) % 900000 + 1000  # 1000..900999
    return frame.with_columns(units.alias("units")).with_columns(
        (
            (pl.col("units") // 10**scale).cast(pl.String)
            + "."
            + (pl.col("units") % 10**scale).cast(pl.String).str.zfill(scale)
        ).alias("text")
    )


def week_sums(five: pl.DataFrame, scale: int) -> pl.DataFrame:
    """The 30-minute sums of the Trading Week's Trading Days, as Value arrays' text."""
    t0 = datetime.combine(WEEK, datetime.min.time()) + timedelta(hours=8)
    t1 = t0 + timedelta(days=7)
    week = five.filter((pl.col("start") >= t0) & (pl.col("start") < t1))
    slot = (pl.col("start") - pl.duration(hours=8)).dt.truncate("30m") + pl.duration(hours=8)
    sums = (
        week.group_by("scope", slot.alias("slot"))
        .agg(pl.col("units").sum())
        .with_columns(
            (pl.col("slot") - pl.duration(hours=8)).dt.date().alias("day"),
            (
                (pl.col("units") // 10**scale).cast(pl.String)
                + "."
                + (pl.col("units") % 10**scale).cast(pl.String).str.zfill(scale)
            ).alias("text"),
        )
        .sort("scope", "slot")
    )
    return sums.group_by("scope", "day", maintain_order=True).agg(pl.col("text"))


def generate(filler: int) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    facilities = [f"BENCH_F{i:02d}" for i in range(SCOPES)]
    nmis = [f"81{i:08d}" for i in range(SCOPES)]
    channels = [f"{n}-B1" for n in nmis]
    t = time.perf_counter()
    scada = five_minute_values(facilities, 8)
    scada.select(
        pl.col("scope").alias("facility"),
        pl.col("start").dt.strftime("%Y-%m-%dT%H:%M:%S").alias("interval_start"),
        pl.col("text").alias("mwh"),
    ).write_csv(OUT / "scada.csv")
    meters = five_minute_values(channels, 3)
    # NEM12: a 200 record per channel, a 300 record per day (288 values, period-ending).
    days = (
        meters.with_columns(pl.col("start").dt.date().alias("day"))
        .group_by("scope", "day", maintain_order=True)
        .agg(pl.col("text").str.join(","))
    )
    with open(OUT / "meters.csv", "w", newline="") as f:
        f.write("100,NEM12,202501010000,BENCHMDP,BENCHCO\r\n")
        for (scope,), part in days.group_by("scope", maintain_order=True):
            nmi, suffix = str(scope).split("-")
            f.write(f"200,{nmi},{suffix},1,{suffix},N1,M1,kWh,5,\r\n")
            for day, text in part.select("day", "text").iter_rows():
                f.write(f"300,{day:%Y%m%d},{text},A,,,{day:%Y%m%d}235959,\r\n")
        f.write("900\r\n")
    msq, chq = week_sums(scada, 8), week_sums(meters, 3)
    filler_vals = ",".join(f"{k % 97}.{k % 89:02d}" for k in range(288))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for i in range(7):
            day = WEEK + timedelta(days=i)
            lines = [HEADER]
            for variable, sums in (("MSQ_F_I", msq), ("ChannelQty_CH_I", chq)):
                for scope, _day, texts in sums.filter(pl.col("day") == day).iter_rows():
                    lines.append(f'{RUN},{day},{variable},{scope},{day},"[{",".join(texts)}]"')
            for k in range(filler):
                lines.append(f'{RUN},{day},RTEDT_F_DI,FILL_{k:05d},{day},"[{filler_vals}]"')
            z.writestr(
                f"BENCHCO_900001_INITIAL_SettlementStatementDetail_{day:%Y%m%d}.csv",
                "\n".join(lines) + "\n",
            )
    (OUT / "detail.zip").write_bytes(buf.getvalue())
    (OUT / "own.toml").write_text(
        '[[series]]\nname = "SCADA"\nvariable = "MSQ_F_I"\nformat = "csv"\n'
        'path = "scada.csv"\nscope = "facility"\nvalue = "mwh"\nunit = "MWh"\n'
        'tolerance = "0.0005"\n\n'
        '[[series]]\nname = "revenue meters"\nvariable = "ChannelQty_CH_I"\nformat = "nem12"\n'
        'path = "meters.csv"\nunit = "kWh"\ntolerance = "0.001"\n'
    )
    (OUT / "filler.txt").write_text(str(filler))
    print(f"generated in {time.perf_counter() - t:.1f} s: {OUT}", file=sys.stderr)


CHILD = """
import json, sys, time, resource
t = time.perf_counter()
import recon
own = sys.argv[2] if len(sys.argv) > 2 else None
r = recon.check([sys.argv[1]], own=own)
wall = time.perf_counter() - t
print(json.dumps({
    "wall": wall,
    "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "errors": r.counts["error"],
    "warnings": r.counts["warning"],
    "compared": r.own.intervals_compared if r.own else None,
    "within": sum(s.within_tolerance for s in r.own.series) if r.own else None,
}))
"""


def measure(own: bool) -> dict:
    args = [sys.executable, "-c", CHILD, str(OUT / "detail.zip")]
    if own:
        args.append(str(OUT / "own.toml"))
    done = subprocess.run(args, capture_output=True, text=True, check=True, timeout=900)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--filler", type=int, default=1000, help="filler DI rows per day")
    ap.add_argument("--repeat", type=int, default=1)
    ns = ap.parse_args()
    marker = OUT / "filler.txt"
    if not marker.is_file() or marker.read_text() != str(ns.filler):
        generate(ns.filler)
    sizes = {p.name: p.stat().st_size // 1_000_000 for p in OUT.iterdir() if p.is_file()}
    values = 7 * (ns.filler * 288 + 2 * SCOPES * 48)
    print(f"Detail week: {values:,} values; files (MB): {sizes}")
    for _ in range(ns.repeat):
        base, with_own = measure(False), measure(True)
        print(
            f"check: {base['wall']:.2f} s ({base['rss_mb']:.0f} MB); with --own: "
            f"{with_own['wall']:.2f} s ({with_own['rss_mb']:.0f} MB); own tie-out "
            f"{with_own['wall'] - base['wall']:.2f} s; intervals compared "
            f"{with_own['compared']}, within tolerance {with_own['within']}, "
            f"errors {with_own['errors']}, warnings {with_own['warnings']}"
        )


if __name__ == "__main__":
    main()
