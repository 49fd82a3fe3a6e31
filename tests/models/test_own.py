"""recon.models.own: the ``--own`` mapping's series (units, tolerance, path or glob) and
the sentence a check's own-data part says."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError

from recon.models.own import OwnResult, OwnSeries, OwnSeriesSummary, unit_factor


@pytest.mark.parametrize(
    ("source", "target", "factor"),
    [("kWh", "MWh", "0.001"), ("MWh", "kWh", "1000"), (" GWh ", "wh", "1000000000"),
     ("kW", "MW", "0.001"), ("mw", "MW", "1"), ("kVArh", "kVArh", "1"), ("A", "a", "1")],
)  # fmt: skip
def test_unit_factor_is_exact(source: str, target: str, factor: str) -> None:
    assert unit_factor(source, target) == Decimal(factor)


@pytest.mark.parametrize(("source", "target"), [("kWh", "MW"), ("kW", "MWh"), ("kVArh", "kWh")])
def test_unit_factor_refuses_energy_against_power_and_unknown_units(
    source: str, target: str
) -> None:
    assert unit_factor(source, target) is None


def _series(**fields: object) -> OwnSeries:
    return OwnSeries.model_validate(
        {"name": "Meter", "variable": "METERED_SCHEDULE", "format": "nem12", **fields}
    )


def test_a_series_names_one_path_or_one_glob() -> None:
    assert _series(path="data/[wk 49].csv").files == "data/[wk 49].csv"
    assert _series(glob="data/**/*.csv").files == "data/**/*.csv"
    with pytest.raises(ValidationError, match="give either path"):
        _series()
    with pytest.raises(ValidationError, match="not both"):
        _series(path="a.csv", glob="*.csv")


@pytest.mark.parametrize(("given", "kept"), [("0.001", "0.001"), (2, "2"), ("0", "0")])
def test_a_tolerance_is_an_exact_number(given: object, kept: str) -> None:
    assert _series(path="a.csv", tolerance=given).tolerance == Decimal(kept)


@pytest.mark.parametrize(
    ("given", "says"),
    [(0.001, "write the tolerance as a string"), (True, "must be a number"),
     ("1e-3", "must be a number"), ("-1", "at least 0")],
)  # fmt: skip
def test_a_tolerance_that_is_not_exact_is_refused_with_a_reason(given: object, says: str) -> None:
    with pytest.raises(ValidationError, match=says):
        _series(path="a.csv", tolerance=given)


def test_a_series_refuses_unknown_keys_and_formats_and_is_frozen() -> None:
    with pytest.raises(ValidationError, match="tolerence"):
        _series(path="a.csv", tolerence="1")
    with pytest.raises(ValidationError, match="format"):
        _series(path="a.csv", format="xlsx")
    series = _series(path="a.csv")
    assert (series.aggregate, series.scope, series.start, series.value) == (
        "sum",
        "scope",
        "interval_start",
        "value",
    )
    with pytest.raises(ValidationError):
        series.name = "other"  # type: ignore[misc]


def _summary(name: str, compared: int, within: int, yours: int, aemo: int) -> OwnSeriesSummary:
    return OwnSeriesSummary(
        name=name,
        variable="METERED_SCHEDULE",
        format="nem12",
        tolerance=Decimal("0.001"),
        participant="SWANGEN",
        period="TW 01 Dec 2024",
        intervals_compared=compared,
        within_tolerance=within,
        missing_yours=yours,
        missing_aemo=aemo,
    )


def test_the_own_data_sentence_counts_intervals_series_and_one_sided_figures() -> None:
    result = OwnResult(
        mapping="own.toml",
        series=[_summary("Meter", 336, 330, 2, 1), _summary("Meter", 336, 336, 0, 0),
                _summary("SCADA", 48, 40, 0, 5)],
    )  # fmt: skip
    assert result.intervals_compared == 720
    assert result.line() == (
        "Your own data: 720 interval(s) of 2 series compared with AEMO's Detail, "
        "706 within tolerance, 14 outside, 8 held by one side only."
    )
    assert OwnResult(mapping="own.toml").line().startswith("Your own data: 0 interval(s) of 0")
