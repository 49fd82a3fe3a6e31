"""Exact Decimal(23,8) values and cent rounding (Guide Tables 4 and 5, SPEC §4)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from recon.models.decimals import (
    Dec8,
    DecimalFormatError,
    Money,
    check_decimal,
    parse_decimal,
    to_cents,
)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0", "0"),
        ("1", "1"),
        ("-1", "-1"),
        ("1.5", "1.5"),
        ("-0.5", "-0.5"),
        ("123.12345678", "123.12345678"),
        ("-0.00000001", "-0.00000001"),
        ("0.00001", "0.00001"),
        ("999999999999999.99999999", "999999999999999.99999999"),
        ("-999999999999999.99999999", "-999999999999999.99999999"),
        ("100000000000000", "100000000000000"),
        ("  42.10  ", "42.10"),
        ("007", "7"),
    ],
)
def test_parse_decimal_accepts(text: str, value: str) -> None:
    got = parse_decimal(text)
    assert isinstance(got, Decimal)
    assert got == Decimal(value)
    assert str(got) == str(Decimal(text.strip()))


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("1e-05", "not a plain decimal"),
        ("1E5", "not a plain decimal"),
        ("+1", "not a plain decimal"),
        ("1.123456789", "more than 8 decimals"),
        ("-0.000000001", "more than 8 decimals"),
        ("1234567890123456", "more than 15 integer digits"),
        ("-1234567890123456.5", "more than 15 integer digits"),
        ("NaN", "not a plain decimal"),
        ("nan", "not a plain decimal"),
        ("Infinity", "not a plain decimal"),
        ("-Infinity", "not a plain decimal"),
        ("inf", "not a plain decimal"),
        ("1.2.3", "not a plain decimal"),
        ("", "not a plain decimal"),
        ("   ", "not a plain decimal"),
        (".5", "not a plain decimal"),
        ("5.", "not a plain decimal"),
        ("1,000", "not a plain decimal"),
        ("0x10", "not a plain decimal"),
        ("1_000", "not a plain decimal"),
        ("--1", "not a plain decimal"),
        ("- 1", "not a plain decimal"),
        ("١٢", "not a plain decimal"),
    ],
)
def test_parse_decimal_rejects(text: str, words: str) -> None:
    with pytest.raises(DecimalFormatError, match=words) as info:
        parse_decimal(text)
    assert repr(text) in str(info.value)


def test_decimal_format_error_is_a_value_error() -> None:
    assert issubclass(DecimalFormatError, ValueError)


@pytest.mark.parametrize(
    ("value", "cents"),
    [
        ("2.345", "2.35"),
        ("-2.345", "-2.35"),
        ("2.3449999", "2.34"),
        ("-2.3449999", "-2.34"),
        ("2.355", "2.36"),
        ("2.365", "2.37"),
        ("-2345.645", "-2345.65"),
        ("187.245", "187.25"),
        ("0.005", "0.01"),
        ("-0.005", "-0.01"),
        ("0.00499999", "0.00"),
        ("10", "10.00"),
        ("999999999999999.995", "1000000000000000.00"),
    ],
)
def test_to_cents_half_away_from_zero(value: str, cents: str) -> None:
    got = to_cents(Decimal(value))
    assert str(got) == cents


def test_check_decimal() -> None:
    assert check_decimal(Decimal("1.12345678")) == Decimal("1.12345678")
    # trailing zeros beyond 8 places do not change the value
    assert check_decimal(Decimal("1.1234567800")) == Decimal("1.12345678")
    for bad in ("1.123456789", "1E15", "-1E15", "NaN", "Infinity"):
        with pytest.raises(DecimalFormatError):
            check_decimal(Decimal(bad))


class _Row(BaseModel):
    value: Dec8


class _Line(BaseModel):
    amount: Money


def test_dec8_field() -> None:
    assert _Row(value="1.50").value == Decimal("1.50")  # type: ignore[arg-type]
    assert _Row(value=Decimal("-2.5")).value == Decimal("-2.5")
    assert _Row(value=3).value == Decimal(3)
    assert _Row(value="0.1").model_dump() == {"value": "0.1"}
    for bad in (0.1, True, "1e-05", "+1", None):
        with pytest.raises(ValidationError):
            _Row(value=bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text",
    [
        "0.00000001",
        "-0.00000001",
        "0E-8",
        "1.50000000",
        "1E+2",
        "-999999999999999.99999999",
        "0.00071234",
    ],
)
def test_dec8_and_money_dump_plainly_and_read_back(text: str) -> None:
    row = _Row(value=Decimal(text))
    dumped = row.model_dump()["value"]
    assert dumped == format(Decimal(text), "f")
    assert "E" not in dumped
    assert _Row.model_validate_json(row.model_dump_json()) == row
    line = _Line(amount=Decimal(text))
    assert _Line.model_validate_json(line.model_dump_json()).amount == Decimal(text)


def test_money_field() -> None:
    assert _Line(amount="1,234.56").amount == Decimal("1234.56")  # type: ignore[arg-type]
    assert _Line(amount="(1,234.56)").amount == Decimal("-1234.56")  # type: ignore[arg-type]
    assert _Line(amount="$12.00").amount == Decimal("12.00")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        _Line(amount="12.3.4")  # type: ignore[arg-type]


@st.composite
def dec23_8(draw: st.DrawFn) -> Decimal:
    """Draw any Decimal(23,8): up to 15 integer digits and up to 8 decimals, either sign."""
    places = draw(st.integers(min_value=0, max_value=8))
    limit = 10 ** (15 + places) - 1
    units = draw(st.integers(min_value=-limit, max_value=limit))
    return Decimal(units).scaleb(-places)


@given(dec23_8())
def test_plain_decimal_round_trips(value: Decimal) -> None:
    text = format(value, "f")
    assert "E" not in text and "e" not in text
    got = parse_decimal(text)
    assert got == value
    assert got.as_tuple() == value.as_tuple()
    assert check_decimal(got) == value


@given(dec23_8(), st.integers(min_value=1, max_value=20))
def test_too_many_decimals_always_rejected(value: Decimal, extra: int) -> None:
    text = format(value, "f")
    text = (text if "." in text else text + ".") + "0" * (8 - len(text.partition(".")[2]))
    text += "1" * 1 + "0" * (extra - 1)
    with pytest.raises(DecimalFormatError):
        parse_decimal(text)


def test_round_half_away_is_the_one_rule_at_any_precision() -> None:
    from recon.models.decimals import round_half_away

    assert round_half_away(Decimal("0.25"), 1) == Decimal("0.3")
    assert round_half_away(Decimal("-0.25"), 1) == Decimal("-0.3")
    assert round_half_away(Decimal("0.35"), 1) == Decimal("0.4")  # half-even would give 0.4
    assert round_half_away(Decimal("0.45"), 1) == Decimal("0.5")  # half-even would give 0.4
    assert round_half_away(Decimal("1.000000005"), 8) == Decimal("1.00000001")
