"""Exact Decimal(23,8) numbers: AEMO's value type (Guide Tables 4 and 5).

A Decimal(23,8) has at most 15 integer digits and 8 decimals. recon reads values from
their text, never through a float, and refuses any form a lenient parser would quietly
change: exponents (``1e-05``), a leading ``+``, more than 8 decimals, NaN, Infinity.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated

from pydantic import BeforeValidator, PlainSerializer

DECIMAL_PRECISION = 23
DECIMAL_SCALE = 8
DECIMAL_PATTERN = r"-?(?:0|[1-9][0-9]{0,14}|0[0-9]{1,14})(?:\.[0-9]{1,8})?"
"""A plain Decimal(23,8) literal: optional minus, up to 15 integer digits, up to 8 decimals."""

_PLAIN = re.compile(rf"^{DECIMAL_PATTERN}$")
_LOOSE_NUMBER = re.compile(r"^-?[0-9]+(?:\.[0-9]+)?$")
CENT = Decimal("0.01")
DECIMAL_LIMIT = Decimal("1e15")


class DecimalFormatError(ValueError):
    """A value that is not a plain Decimal(23,8) literal."""


def parse_decimal(text: str) -> Decimal:
    """Parse a Decimal(23,8) literal exactly.

    Args:
        text: e.g. ``123.12345678`` or ``-0.5``. Surrounding spaces are allowed.

    Raises:
        DecimalFormatError: Naming what is wrong with the text.
    """
    s = text.strip()
    if _PLAIN.match(s):
        return Decimal(s)
    if _LOOSE_NUMBER.match(s):
        intpart, _, frac = s.lstrip("-").partition(".")
        if len(frac) > DECIMAL_SCALE:
            raise DecimalFormatError(f"{text!r} has more than {DECIMAL_SCALE} decimals")
        if len(intpart.lstrip("0")) > DECIMAL_PRECISION - DECIMAL_SCALE:
            raise DecimalFormatError(f"{text!r} has more than 15 integer digits")
    raise DecimalFormatError(f"{text!r} is not a plain decimal number (Decimal(23,8))")


def check_decimal(value: Decimal) -> Decimal:
    """Check that a Decimal fits Decimal(23,8) exactly and return it.

    Raises:
        DecimalFormatError: If it is not finite, has more than 8 decimals or is too large.
    """
    if not value.is_finite():
        raise DecimalFormatError(f"{value} is not a finite number")
    exponent = value.as_tuple().exponent
    if (
        isinstance(exponent, int)
        and exponent < -DECIMAL_SCALE
        and value != value.quantize(Decimal(1).scaleb(-DECIMAL_SCALE), rounding=ROUND_HALF_UP)
    ):
        raise DecimalFormatError(f"{value} has more than {DECIMAL_SCALE} decimals")
    if abs(value) >= DECIMAL_LIMIT:
        raise DecimalFormatError(f"{value} has more than 15 integer digits")
    return value


def round_half_away(value: Decimal, places: int) -> Decimal:
    """Round to ``places`` decimals, half away from zero: recon's one rounding rule (SPEC §4).

    ``decimal``'s ``ROUND_HALF_UP`` is half away from zero (-0.005 -> -0.01); Python's
    ``round()`` and a bare ``quantize`` round half to even, and are never used on figures.
    """
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def to_cents(value: Decimal) -> Decimal:
    """Round to cents, half away from zero (SPEC §4). Never use ``round()`` on money."""
    return round_half_away(value, 2)


def _coerce(value: object) -> Decimal:
    if isinstance(value, bool):
        raise DecimalFormatError(f"{value!r} is not a number")
    if isinstance(value, Decimal):
        return check_decimal(value)
    if isinstance(value, int):
        return check_decimal(Decimal(value))
    if isinstance(value, str):
        return parse_decimal(value)
    if isinstance(value, float):
        raise DecimalFormatError(
            f"{value!r} arrived as a float; read JSON with parse_float=Decimal"
        )
    raise DecimalFormatError(f"{value!r} is not a number")


def _plain(value: Decimal) -> str:
    """Dump as plain digits (``0.00000001``, never ``1E-8``), which :func:`parse_decimal` reads."""
    return format(value, "f")


Dec8 = Annotated[Decimal, BeforeValidator(_coerce), PlainSerializer(_plain, return_type=str)]
"""A pydantic field type: an exact Decimal(23,8), read from text or Decimal, dumped as text."""


MONEY_INTEGER_DIGITS = 20
"""A weekly (or multi-week) total of Decimal(23,8) values can outgrow 15 integer digits."""

_MONEY = re.compile(rf"^-?[0-9]{{1,{MONEY_INTEGER_DIGITS}}}(?:\.[0-9]{{1,{DECIMAL_SCALE}}})?$")


def _coerce_money(value: object) -> Decimal:
    """Invoice amounts and totals: exact, up to 20 integer digits and 8 decimals.

    Text may be written ``1,234.56``, ``-1,234.56``, ``(1,234.56)``, with or without ``$``.
    """
    if isinstance(value, str):
        s = value.strip().replace(",", "").replace("$", "")
        if s.startswith("(") and s.endswith(")"):
            s = "-" + s[1:-1].strip()
        if not _MONEY.match(s):
            raise DecimalFormatError(f"{value!r} is not an amount such as 1,234.56")
        return Decimal(s)
    if isinstance(value, Decimal) and value.is_finite():
        if abs(value) >= Decimal(10) ** MONEY_INTEGER_DIGITS:
            raise DecimalFormatError(f"{value} has more than {MONEY_INTEGER_DIGITS} integer digits")
        return value
    return _coerce(value)


Money = Annotated[Decimal, BeforeValidator(_coerce_money), PlainSerializer(_plain, return_type=str)]
"""A pydantic field type for invoice amounts: exact, from text or Decimal, dumped as text."""
