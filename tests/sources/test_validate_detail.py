"""sources/validate_detail: a raw Detail frame validated (values, arrays, scopes,
timestamps), on a member of the sample week's Detail ZIP read as raw strings by polars
(no recon reader), with one field planted per test."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import polars as pl
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from paths import FIXTURES

from recon.errors import InputError
from recon.models.statements import with_values
from recon.sources.validate_detail import DetailValidator, ScopeCache, validate_detail

ZIP = FIXTURES / "sample_week" / "csv" / "SWANGEN_51230_INITIAL_SettlementStatementDetail.zip"


@pytest.fixture(scope="module")
def raw() -> pl.DataFrame:
    """The first member (1 Dec 2024) as raw strings with ``__file`` and ``__line``."""
    with zipfile.ZipFile(ZIP) as z:
        name = sorted(z.namelist())[0]
        data = z.read(name)
    frame = pl.read_csv(io.BytesIO(data), infer_schema=False)
    return frame.with_columns(
        pl.lit(name).alias("__file"), (pl.int_range(pl.len()) + 2).alias("__line")
    )


def _planted(raw: pl.DataFrame, line: int, col: str, value: str) -> pl.DataFrame:
    at = pl.col("__line") == line
    return raw.with_columns(pl.when(at).then(pl.lit(value)).otherwise(pl.col(col)).alias(col))


def test_the_member_validates_clean_with_exact_values(raw: pl.DataFrame) -> None:
    d = validate_detail(raw, "member.csv", "zip")
    assert d.findings == []
    assert d.frame.height == raw.height
    first = raw.row(0, named=True)
    row = d.frame.row(0, named=True)
    assert row["variable"] == first["Variable"] and row["source_line"] == 2
    assert row["values"] == [Decimal(x) for x in first["Value"].strip("[]").split(",")]
    assert d.header.run_id == 51230 and d.header.participant == "SWANGEN"


def test_uncast_keeps_the_validated_text(raw: pl.DataFrame) -> None:
    d = validate_detail(raw, "member.csv", "zip", cast=False)
    assert d.frame.get_column("value_text").to_list() == raw.get_column("Value").to_list()
    assert d.frame.get_column("n_values").to_list()[0] == raw.get_column("Value")[0].count(",") + 1


@pytest.mark.parametrize(
    ("line", "col", "value", "check", "kept"),
    [
        (5, "Value", "[1, x]", "data.value", False),
        (9, "Value", "[1,2]", "data.array_length", False),  # an FY variable holds 1 value
        (8, "Variable", "NOT_A_VAR", "data.variable", False),
        (6, "Timestamp", "2024-12-09", "data.period", True),
        (7, "Scope", "Nowhere", "data.scope", True),
    ],
)
def test_a_planted_problem_is_a_finding_naming_its_line(
    raw: pl.DataFrame, line: int, col: str, value: str, check: str, kept: bool
) -> None:
    d = validate_detail(_planted(raw, line, col, value), "member.csv", "zip")
    assert [f.check for f in d.findings] == [check]
    assert d.findings[0].source.endswith(f".csv:{line}")  # type: ignore[union-attr]
    assert d.frame.height == raw.height - (0 if kept else 1)
    assert (line in d.frame.get_column("source_line").to_list()) is kept


def test_a_frame_without_rows_is_refused(raw: pl.DataFrame) -> None:
    with pytest.raises(InputError, match="no Detail rows"):
        validate_detail(raw.head(0), "member.csv", "zip")


def test_scope_cache_remembers_good_scopes(raw: pl.DataFrame) -> None:
    cache = ScopeCache()
    validate_detail(raw, "member.csv", "zip", scopes=cache)
    pairs = raw.select(pl.col("Scope").alias("scope")).unique()
    assert cache.good.height > 0
    assert set(cache.good.get_column("scope")) >= set(pairs.get_column("scope"))
    known = cache.good.unique()
    assert cache.new(known).height == 0
    other = pl.DataFrame({"scope_code": ["F"], "scope": ["ELSEWHERE_X"]})
    assert cache.new(other).height == 1


def _hostile(raw: pl.DataFrame) -> pl.DataFrame:
    """The member with problems spread over it: more bad values than the finding cap,
    repeats of early rows at the end, header columns that differ on a few rows, scopes
    that do not parse, days and timestamps outside the Period."""
    n = raw.height
    line = pl.col("__line")
    out = raw.with_columns(
        pl.when(line % 3 != 1).then(pl.lit("[1, x]")).otherwise(pl.col("Value")).alias("Value"),
        pl.when(line.is_in([11, n // 2]))
        .then(pl.lit("99"))
        .otherwise(pl.col("RunId"))
        .alias("RunId"),
        pl.when(line == n - 5).then(None).otherwise(pl.col("Period")).alias("Period"),
        pl.when(line.is_in([7, n // 3 + 1, n - 2]))
        .then(pl.lit("Nowhere"))
        .otherwise(pl.col("Scope"))
        .alias("Scope"),
        pl.when(line.is_in([13, n // 2 + 2]))
        .then(pl.lit("2024-12-09"))
        .otherwise(pl.col("Timestamp"))
        .alias("Timestamp"),
        pl.when(line == n - 8)
        .then(pl.lit("2024-11-30"))
        .otherwise(pl.col("Settlement Trading Day"))
        .alias("Settlement Trading Day"),
    )
    repeats = out.filter(line.is_in([4, 7, 10, 13, 301])).with_columns(
        (pl.int_range(pl.len()) + n + 2).alias("__line")
    )
    return pl.concat([out, repeats])


@pytest.mark.parametrize("size", [1, 37, 500])
def test_validating_in_parts_finds_what_validating_whole_finds(
    raw: pl.DataFrame, size: int
) -> None:
    hostile = _hostile(raw)
    whole = validate_detail(hostile, "member.csv", "zip", cast=False)
    checks = {f.check for f in whole.findings}
    assert checks >= {"data.value", "data.header", "data.scope", "data.duplicate"}
    assert any("more rows have this problem" in f.message for f in whole.findings)

    check = DetailValidator("member.csv")
    frames = [check.rows(hostile.slice(i, size)) for i in range(0, hostile.height, size)]
    header, findings = check.finish()
    assert header == whole.header
    assert [f.model_dump() for f in findings] == [f.model_dump() for f in whole.findings]
    assert pl.concat(frames).equals(whole.frame)
    assert check.days == whole.days and check.sources == whole.sources


_DIGITS = st.text(alphabet="0123456789", min_size=1, max_size=14)


@st.composite
def _plain_decimal_text(draw: st.DrawFn) -> str:
    """Any plain Decimal(23,8) literal: either sign, 0, up to 15 integer digits with or
    without leading zeros, and no point or 1 to 8 decimals."""
    whole = draw(
        st.one_of(
            st.just("0"),
            st.builds(lambda a, b: a + b, st.sampled_from("123456789"), _DIGITS | st.just("")),
            st.builds(lambda b: "0" + b, _DIGITS),  # leading zeros
        )
    )
    places = draw(st.text(alphabet="0123456789", min_size=0, max_size=8))
    return draw(st.sampled_from(["", "-"])) + whole + (f".{places}" if places else "")


_EDGES = [
    "-0",
    "0",
    "-0.00000000",
    "0.00000001",
    "-0.00000001",
    "000000000000001",
    "-000000000000000.00000001",
    "9999999999.99999999",  # scaled by 10^8: 18 digits, within an int64
    "99999999999.99999999",  # 19 digits: beyond an int64
    "-999999999999999.99999999",
    "999999999999999",
    "123456789012345.12345678",
]


@settings(max_examples=150, deadline=None)
@example(texts=_EDGES)
@given(texts=st.lists(_plain_decimal_text(), min_size=1, max_size=40))
def test_the_cast_equals_decimal_for_every_plain_literal(
    raw: pl.DataFrame, texts: list[str]
) -> None:
    """Both casts (the validator's, for ingest, and the deferred one) give exactly
    ``Decimal(text)`` for every literal the value pattern accepts: no rounding, no float."""
    rows = raw.head(12)
    lengths = [v.count(",") + 1 for v in rows.get_column("Value").to_list()]
    arrays, k = [], 0
    for n in lengths:
        arrays.append([texts[(k + i) % len(texts)] for i in range(n)])
        k += n
    planted = rows.with_columns(pl.Series("Value", ["[" + ",".join(a) + "]" for a in arrays]))
    want = [[Decimal(t) for t in a] for a in arrays]

    check = DetailValidator("member.csv", cast=True)
    cast = check.rows(planted)
    assert check.finish()[1] == []
    deferred = with_values(validate_detail(planted, "member.csv", "zip", cast=False).frame)
    for frame in (cast, deferred):
        got = frame.get_column("values").to_list()
        assert got == want
        # Scale 8 throughout; -0 is stored as 0 (DECIMAL has no negative zero).
        assert [[format(v, "f") for v in a] for a in got] == [
            [format((v + 0).quantize(Decimal("1e-8")), "f") for v in a] for a in want
        ]
