"""The fast Detail path is exact: no float, no silent rounding, no lenient parsing.

A small week (~36k values) from ``bench/generate_big.py`` in its adversarial style holds
values a float path gets wrong: half-cent amounts (``12.345``), 15-digit integers with 8
decimals (``987654321098765.12345678``) and many 0.1-like values (``0.1``,
``0.70000001``); and, on two days, values that are not Decimal(23,8) literals (a 9th
decimal, ``1e-05``, ``+1``, ``[]``, ``1.5E3``) which polars' cast would round or accept.

The reference is computed here from the CSV text with Python's :mod:`decimal` and the
standard :mod:`csv` module, independently of recon. Checked for recon's reader
(``read_detail``) and recon's long table (``decode``): every kept value equals its text,
weekly sums per (Variable, Scope) equal the reference to the last of 8 decimals, and each
planted value is a ``data.value`` finding whose row is left out, never a changed number.

No timing is asserted; the module runs in a few seconds.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections import defaultdict
from decimal import Decimal, localcontext
from pathlib import Path
from types import ModuleType
from typing import Any

import fixture_scripts
import polars as pl
import pyarrow as pa
import pytest

PLAIN = re.compile(r"^-?[0-9]{1,15}(?:\.[0-9]{1,8})?$")
"""A Decimal(23,8) literal, written here independently of recon's pattern."""
EIGHT = Decimal("0.00000001")


@pytest.fixture(scope="module")
def gen() -> ModuleType:
    return fixture_scripts.load_bench("generate_big.py")


@pytest.fixture(scope="module")
def week(gen: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> Any:
    spec = gen.WeekSpec(
        rows_per_day=48, mix=(0.4, 0.25, 0.35), seed=8, style="adversarial", bad=True
    )
    return gen.generate(spec, tmp_path_factory.mktemp("week"))


class Reference:
    """The week as its CSV text says, read with csv and decimal only."""

    def __init__(self, detail: Path) -> None:
        self.values: dict[tuple[str, int], list[Decimal]] = {}
        self.keys: dict[tuple[str, int], tuple[str, str]] = {}
        self.bad: dict[tuple[str, int], str] = {}
        with zipfile.ZipFile(detail) as zf:
            for info in zf.infolist():
                text = zf.read(info).decode("utf-8")
                rows = csv.reader(io.StringIO(text))
                head = next(rows)
                v, s, val = head.index("Variable"), head.index("Scope"), head.index("Value")
                member = f"{detail}!{info.filename}"
                for line, row in enumerate(rows, start=2):
                    parts = [p.strip() for p in row[val].strip()[1:-1].split(",")]
                    if not all(PLAIN.match(p) for p in parts):
                        self.bad[(member, line)] = row[val]
                        continue
                    self.values[(member, line)] = [Decimal(p) for p in parts]
                    self.keys[(member, line)] = (row[v], row[s])

    def sums(self) -> dict[tuple[str, str], Decimal]:
        out: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
        with localcontext() as ctx:
            ctx.prec = 60
            for where, values in self.values.items():
                out[self.keys[where]] += sum(values, Decimal(0))
        return dict(out)

    def float_sums(self) -> dict[tuple[str, str], float]:
        out: dict[tuple[str, str], float] = defaultdict(float)
        for where, values in self.values.items():
            for v in values:
                out[self.keys[where]] += float(v)
        return dict(out)


@pytest.fixture(scope="module")
def ref(week: Any) -> Reference:
    return Reference(week.detail)


def _exact(value: Decimal) -> str:
    return str(value.quantize(EIGHT))


def test_the_week_would_trip_a_float_path(week: Any, ref: Reference) -> None:
    """The data has teeth: summing as floats changes some weekly sums at 8 decimals."""
    exact, floats = ref.sums(), ref.float_sums()
    wrong = [k for k in exact if Decimal(repr(floats[k])).quantize(EIGHT) != exact[k]]
    assert len(wrong) > len(exact) // 4
    assert len(ref.bad) == 12  # 6 planted tokens on each of 2 days
    assert 25_000 < sum(map(len, ref.values.values())) < 50_000


def _frame_sums(frame: pl.DataFrame) -> dict[tuple[str, str], Decimal]:
    sums = (
        frame.select("variable", "scope", pl.col("values").alias("value"))
        .explode("value")
        .group_by("variable", "scope")
        .agg(pl.col("value").sum())
    )
    return {(v, s): x for v, s, x in sums.iter_rows()}


def _check_statement(stmt: Any, ref: Reference) -> None:
    frame = stmt.frame
    assert frame.schema["values"] == pl.List(pl.Decimal(23, 8))
    got = {
        (f, ln): vals
        for f, ln, vals in frame.select("source_file", "source_line", "values").iter_rows()
    }
    # every row with a planted value is left out; every other row is kept, value for value
    assert set(got) == set(ref.values)
    assert not set(got) & set(ref.bad)
    changed = [w for w, vals in got.items() if vals != ref.values[w]]
    assert changed == []
    # weekly sums per (Variable, Scope), to the last of 8 decimals
    sums, want = _frame_sums(frame), ref.sums()
    assert set(sums) == set(want)
    assert {k: _exact(v) for k, v in sums.items()} == {k: _exact(v) for k, v in want.items()}
    # each planted value is a data.value finding naming its row
    value_findings = {f.source: f for f in stmt.findings if f.check == "data.value"}
    assert set(value_findings) == {f"{m}:{ln}" for m, ln in ref.bad}
    for (m, ln), text in ref.bad.items():
        f = value_findings[f"{m}:{ln}"]
        assert f.severity.value == "error"
        # the finding quotes what it found: the planted token where an element does not
        # read, the array's text where the array itself is wrong (``[]``)
        inner = text.strip()[1:-1]
        planted = [
            e.strip() for e in inner.split(",") if inner.strip() and not PLAIN.match(e.strip())
        ]
        assert f.actual == (planted[0] if planted else text[:60]), (f.actual, text[:60])
    assert [f for f in stmt.findings if f.check != "data.value"] == []


def test_recon_reader_is_exact(week: Any, ref: Reference) -> None:
    from recon.sources.detail_csv import read_detail

    _check_statement(read_detail(week.detail), ref)


def test_recon_long_table_is_exact(week: Any, ref: Reference) -> None:
    from recon.api import decode

    table = decode(week.detail)
    assert table.schema.field("value").type == pa.decimal128(23, 8)
    df = pl.from_arrow(table)
    assert isinstance(df, pl.DataFrame)
    assert df.height == sum(map(len, ref.values.values()))
    sums = df.group_by("variable", "scope").agg(pl.col("value").sum())
    got = {(v, s): _exact(x) for v, s, x in sums.iter_rows()}
    assert got == {k: _exact(v) for k, v in ref.sums().items()}


def test_ingest_stores_every_value_exactly(week: Any, ref: Reference, tmp_path: Path) -> None:
    """What ``recon ingest`` stores (validated and cast in one pass on the reader threads)
    is the text's every value, and no row with a planted value."""
    from recon.store.db import Store
    from recon.store.ingest import ingest

    with Store.open(tmp_path / "store.duckdb") as store:
        ingest(store, [week.detail])
        assert store.scalar("SELECT typeof(value) FROM detail_values LIMIT 1") == (
            "DECIMAL(23,8)[]"
        )
        rows = store.rows("SELECT source_file, source_line, value FROM detail_values")
    got = {(f, ln): vals for f, ln, vals in rows}
    assert len(got) == len(rows)
    assert set(got) == set(ref.values)
    assert [w for w, vals in got.items() if vals != ref.values[w]] == []


def test_check_reports_each_planted_value(week: Any, ref: Reference) -> None:
    """Through the whole check: the planted values are the only findings."""
    import recon

    result = recon.check([week.detail, week.summary])
    found = [f for f in result.findings if not f.check.startswith("coverage.")]  # no invoice
    assert sorted(f.source for f in found) == sorted(f"{m}:{ln}" for m, ln in ref.bad)
    assert {f.check for f in found} == {"data.value"}
