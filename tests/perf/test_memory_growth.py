"""Memory does not grow with the week: a Detail is checked a batch of lines at a time.

Two weeks from ``bench/generate_big.py`` (a third of the rows 288-value DI arrays), one
eight times the other (1M and 8M values, 10 and 80 MB of CSV; a member of 1.4 and 11 MB).
Each is checked in a fresh interpreter that reports its peak resident memory (``VmHWM``)
above what it held once recon was imported, with batches of 1 MB of text (8 MB by
default), so that the larger week's members span several batches as a large week's do.
Holding the week (as recon did before it streamed) makes that grow like the week (8M over
1M: 3.3x here); reading a member whole, like the largest member (2.1x); a batch at a time,
like the fixed cost of reading a batch and of the rows kept across the week (1.35x). The
test asserts growth below 1.75x, and that ``recon check --store`` on the larger week held
in a store needs no more than the smaller. No timing is asserted.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import fixture_scripts
import pytest

SMALL, LARGE = 1_000_000, 8_000_000
GROWTH = 1.75
"""Peak memory above the imports may grow at most this much from SMALL to LARGE."""

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/status").exists(), reason="reads VmHWM from /proc"
)

CHILD = r"""
import json, sys
def kb(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field):
                return int(line.split()[1])
import polars, pyarrow, recon.api  # the imports every check pays, measured apart
if sys.argv[1] == "store":
    import duckdb, recon.store
import recon.sources.detail_csv
recon.sources.detail_csv.CHUNK_BYTES = 1 << 20  # members of both weeks span batches
base = kb("VmRSS")
if sys.argv[1] == "check":
    result = recon.api.check([sys.argv[2]])
else:
    result = recon.api.check(store=sys.argv[2], record=False)
print(json.dumps({"base_kb": base, "peak_kb": kb("VmHWM"), "errors": result.counts["error"]}))
"""


@pytest.fixture(scope="module")
def weeks(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    gen = fixture_scripts.load_bench("generate_big.py")
    mix = gen.with_di_share((0.4, 0.25, 0.35), 0.34)
    out = {}
    for values in (SMALL, LARGE):
        spec = gen.WeekSpec(rows_per_day=gen.rows_for_values(values, mix), mix=mix, seed=25)
        folder = tmp_path_factory.mktemp(f"week_{values}")
        gen.generate(spec, folder)
        out[values] = folder
    return out


def _grown_mb(what: str, target: Path) -> float:
    """Peak resident memory above the post-import baseline, in MB, of one check."""
    env = dict(os.environ)
    # Freed memory goes back to the system at once (polars' and pyarrow's jemalloc), so
    # the peak is what was held, not what an allocator kept for later.
    conf = "dirty_decay_ms:0,muzzy_decay_ms:0"
    env.update(_RJEM_MALLOC_CONF=conf, JE_ARROW_MALLOC_CONF=conf)
    run = subprocess.run(
        [sys.executable, "-c", CHILD, what, str(target)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    got = json.loads(run.stdout.strip().splitlines()[-1])
    assert got["errors"] == 0  # the generated weeks are clean
    return (got["peak_kb"] - got["base_kb"]) / 1024


def test_check_memory_grows_sublinearly_with_the_week(weeks: dict[int, Path]) -> None:
    small = _grown_mb("check", weeks[SMALL])
    large = _grown_mb("check", weeks[LARGE])
    ratio = large / small
    assert ratio < GROWTH, (
        f"peak memory above the imports grew {ratio:.2f}x ({small:.0f} -> {large:.0f} MB) "
        f"for {LARGE // SMALL}x the values"
    )


def test_check_from_the_store_holds_no_week(
    weeks: dict[int, Path], tmp_path_factory: pytest.TempPathFactory
) -> None:
    from recon.store import ingest, open_store

    grown = {}
    for values, folder in weeks.items():
        store = tmp_path_factory.mktemp(f"store_{values}") / "recon.duckdb"
        with open_store(store) as st:
            ingest(st, [folder])
        grown[values] = _grown_mb("store", store)
    # Only the *_P_D rows are read from the store; each day only when a check needs it.
    assert grown[LARGE] < grown[SMALL] * 1.5 + 20, grown
