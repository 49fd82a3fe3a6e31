"""Round trip: generated Detail rows written as a Detail CSV read back exactly (SPEC §3.2)."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recon.sources.detail_csv import read_detail
from recon.wem.granularity import values_per_row
from recon.wem.scopes import parse_scope
from recon.wem.variables import parse_variable

PERIOD_DAYS = [date(2024, 12, 1) + timedelta(days=i) for i in range(7)]
BASES = ["RTMSA", "MSQ", "TRCCrank", "RTMOERank", "MFRATE", "Some_Long_Base", "ESSEnab"]
GRANULARITIES = ["D", "I", "DI", "M", "CY", "FY", "X"]
ESS = [
    "CONTINGENCY_RAISE",
    "CONTINGENCY_LOWER",
    "REGULATION_RAISE",
    "REGULATION_LOWER",
    "ROCOF_CONTROL_SERVICE",
]

codes = st.from_regex(r"[A-Z][A-Z0-9]{0,6}(_[A-Z0-9]{1,4}){0,2}", fullmatch=True)
nc_element = st.from_regex(r"[A-Z0-9*][A-Za-z0-9_* .\-/]{0,14}[A-Za-z0-9_*]", fullmatch=True)


@st.composite
def contingency(draw: st.DrawFn) -> str:
    """Draw a Network Contingency string: comma-separated codes, maybe a ``[Tag]``."""
    body = ", ".join(draw(st.lists(nc_element, min_size=1, max_size=3)))
    tag = draw(st.none() | st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,18}", fullmatch=True))
    return body if tag is None else f"{body} [{tag}]"


SCOPES: dict[str, st.SearchStrategy[str]] = {
    "A": st.integers(min_value=0, max_value=99999).map(str),
    "C": st.from_regex(r"NCESS[0-9]{3}", fullmatch=True),
    "CH": st.builds(
        lambda n, d, k: f"{n}-{d}{k}",
        st.from_regex(r"[0-9A-Z]{10}", fullmatch=True),
        st.sampled_from("BE"),
        st.integers(1, 12),
    ),
    "T": st.one_of(
        st.builds(lambda f, k: f"{f} {k}", codes, st.sampled_from("FP")),
        st.builds(
            lambda f, s, n: f"{f} {s}_T{n}",
            codes,
            st.sampled_from(["E", "CR", "CL", "RR", "RL"]),
            st.integers(1, 10),
        ),
    ),
    "N": st.from_regex(r"[0-9]{10}", fullmatch=True),
    "SA": st.from_regex(r"SESSM-[0-9]{3}", fullmatch=True),
    "FE": st.builds(lambda f, s: f"{f} {s}", codes, st.sampled_from(ESS)),
    "NC": contingency(),
    "FNC": st.builds(lambda f, c: f"{f} {c}", codes, contingency()),
    "SCC": st.builds(
        lambda f, t, n: f"{f}_{t}_{n:02d}",
        codes,
        st.sampled_from(["ESR", "IGS", "NIGS", "BESS"]),
        st.integers(1, 99),
    ),
    "F": codes,
    "P": codes,
    "G": st.just("Global"),
}


@st.composite
def dec23_8(draw: st.DrawFn) -> Decimal:
    """Draw a Decimal(23,8): small, cent-like or full 15-digit, either sign."""
    places = draw(st.integers(min_value=0, max_value=8))
    digits = draw(st.sampled_from([1, 3, 6, 15]))
    limit = 10 ** (digits + places) - 1
    return Decimal(draw(st.integers(min_value=-limit, max_value=limit))).scaleb(-places)


@st.composite
def timestamp_for(draw: st.DrawFn, granularity: str) -> date:
    """Draw a Timestamp that fits a granularity (and the Period, for D, I and DI).

    Args:
        draw: Hypothesis' draw.
        granularity: The granularity code.
    """
    if granularity in ("D", "I", "DI"):
        return draw(st.sampled_from(PERIOD_DAYS))
    year = draw(st.integers(2020, 2025))
    if granularity == "M":
        return date(year, draw(st.integers(1, 12)), 1)
    if granularity == "CY":
        return date(year, 10, 1)
    if granularity == "FY":
        return date(year, 7, 1)
    return draw(st.dates(min_value=date(2020, 1, 1), max_value=date(2025, 12, 31)))


@dataclass(frozen=True)
class Row:
    """One generated Detail row."""

    variable: str
    scope: str
    timestamp: date
    values: tuple[Decimal, ...]


@st.composite
def rows(draw: st.DrawFn) -> Row:
    """Draw a valid Detail row: variable, fitting scope and Timestamp, exact values."""
    code = draw(st.sampled_from(sorted(SCOPES)))
    gran = draw(st.sampled_from(GRANULARITIES))
    variable = f"{draw(st.sampled_from(BASES))}_{code}_{gran}"
    n = values_per_row(gran)
    # Draw a few distinct values and cycle them to fill 48 or 288 positions cheaply.
    pool = draw(st.lists(dec23_8(), min_size=1, max_size=min(n, 6)))
    shift = draw(st.integers(0, 5))
    values = tuple(pool[(i + shift) % len(pool)] for i in range(n))
    return Row(variable, draw(SCOPES[code]), draw(timestamp_for(gran)), values)


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_generators_fit_their_grammars(data: st.DataObject) -> None:
    """The strategies' own check: every scope drawn fits its grammar, every row its length."""
    for code, strategy in SCOPES.items():
        raw = data.draw(strategy, label=code)
        assert parse_scope(code, raw).raw == raw
    row = data.draw(rows(), label="row")
    assert len(row.values) == values_per_row(parse_variable(row.variable).granularity)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    generated=st.lists(
        rows(), min_size=1, max_size=12, unique_by=lambda r: (r.variable, r.scope, r.timestamp)
    ),
    day=st.sampled_from(PERIOD_DAYS),
    bom=st.booleans(),
    newline=st.sampled_from(["\r\n", "\n"]),
    quote_values=st.booleans(),
)
def test_detail_csv_round_trip(
    wem_csv: SimpleNamespace,
    generated: list[Row],
    day: date,
    bom: bool,
    newline: str,
    quote_values: bool,
) -> None:
    data = wem_csv.detail_bytes(
        [
            wem_csv.detail_row(
                r.variable, r.scope, r.timestamp.isoformat(), list(r.values), day=day.isoformat()
            )
            for r in generated
        ],
        bom=bom,
        newline=newline,
        quote_values=quote_values,
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "detail.csv"
        path.write_bytes(data)
        stmt = read_detail(path)

    assert stmt.findings == []
    assert stmt.days == [day]
    back = [
        Row(r.variable, r.scope, r.timestamp, tuple(r.values))
        for r in sorted(stmt.rows(), key=lambda r: int(str(r.source).rsplit(":", 1)[1]))
    ]
    assert back == generated
    assert stmt.value_count == sum(len(r.values) for r in generated)
    total = sum((sum(r.values, Decimal(0)) for r in generated), Decimal(0))
    assert sum((sum(r.values, Decimal(0)) for r in back), Decimal(0)) == total
