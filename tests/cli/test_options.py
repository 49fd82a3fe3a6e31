"""recon.cli.options: the shared options, and a value that does not parse is a UsageError
naming the option (exit 2)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import click
import pytest

from recon.cli.options import (
    STORE_DEFAULT,
    check_store_option,
    day_value,
    limit_options,
    limits_from,
    materiality_option,
    participant_option,
    store_option,
    week_option,
)
from recon.errors import UsageError
from recon.sources.limits import MIB, Limits


@click.command()
@limit_options
@materiality_option
@check_store_option
@week_option("The week.")
@participant_option("The participant.")
@click.option("--since", callback=day_value, help="A day.")
def _cmd(**values: Any) -> dict[str, Any]:
    """A command carrying the shared options; returns what it was given."""
    return values


@click.command()
@store_option
def _store_cmd(store_path: Path | None) -> Path | None:
    """A command with ``--store PATH``."""
    return store_path


def _given(*args: str) -> dict[str, Any]:
    values: dict[str, Any] = _cmd.main(list(args), standalone_mode=False)
    return values


def test_defaults() -> None:
    values = _given()
    assert values == {
        "max_member_mb": 2048,
        "max_ratio": 1000,
        "max_members": 64,
        "max_line_mb": 8,
        "materiality": None,
        "store": None,
        "week": None,
        "participant": None,
        "since": None,
    }
    assert limits_from(values) == Limits()


def test_limits_from_the_options_in_bytes() -> None:
    values = _given("--max-member-mb", "3", "--max-ratio", "50", "--max-members", "2",
                    "--max-line-mb", "1")  # fmt: skip
    assert limits_from(values) == Limits(
        max_member_bytes=3 * MIB, max_ratio=50, max_members=2, max_line_bytes=MIB
    )


def test_a_limit_below_one_is_refused() -> None:
    with pytest.raises(click.BadParameter) as e:
        _given("--max-members", "0")
    assert (
        e.value.format_message() == "Invalid value for '--max-members': 0 is not in the range x>=1."
    )


@pytest.mark.parametrize(
    ("value", "amount"),
    [("10000", Decimal("10000")), ("$2,500.50", Decimal("2500.50")), ("0", Decimal(0)),
     ("0.00000001", Decimal("0.00000001"))],
)  # fmt: skip
def test_materiality_is_an_exact_amount(value: str, amount: Decimal) -> None:
    got = _given("--materiality", value)["materiality"]
    assert isinstance(got, Decimal)
    assert got == amount and str(got) == str(amount)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("ten", "--materiality 'ten' is not an amount such as 10000 or 2500.50"),
        ("-5", "--materiality: the threshold must be a non-negative amount"),
        ("NaN", "--materiality: the threshold must be a non-negative amount"),
        ("Infinity", "--materiality: the threshold must be a non-negative amount"),
        (
            "0.000000001",
            "--materiality '0.000000001' is out of range: an amount has at most 15 digits "
            "before the point and 8 after it (Decimal(23,8))",
        ),
        (
            "1" + "0" * 15,
            f"--materiality '1{'0' * 15}' is out of range: an amount has at most 15 digits "
            "before the point and 8 after it (Decimal(23,8))",
        ),
    ],
)
def test_materiality_that_is_not_an_amount_is_a_usage_error(value: str, message: str) -> None:
    with pytest.raises(UsageError) as e:
        _given("--materiality", value)
    assert str(e.value) == message


def test_store_is_none_default_or_the_path() -> None:
    assert _given()["store"] is None
    assert _given("--store")["store"] == STORE_DEFAULT
    assert _given("--store=x/recon.duckdb")["store"] == "x/recon.duckdb"


def test_an_empty_store_path_is_refused() -> None:
    with pytest.raises(UsageError, match=r"^--store: the store's path is empty$"):
        _given("--store=  ")


def test_store_option_gives_a_path() -> None:
    assert _store_cmd.main(["--store", "a/b.duckdb"], standalone_mode=False) == Path("a/b.duckdb")
    assert _store_cmd.main([], standalone_mode=False) is None


def test_week_takes_a_date_or_a_label_and_must_be_a_sunday() -> None:
    assert _given("--week", "2024-12-01")["week"] == date(2024, 12, 1)
    assert _given("--week", "TW 01 Dec 2024")["week"] == date(2024, 12, 1)
    with pytest.raises(UsageError, match=r"^2024-12-02 is a Monday; a Trading Week starts"):
        _given("--week", "2024-12-02")
    with pytest.raises(UsageError, match=r"^'next' is not a Trading Week"):
        _given("--week", "next")


def test_a_day_option_names_itself_when_it_does_not_parse() -> None:
    assert _given("--since", " 2024-12-03 ")["since"] == date(2024, 12, 3)
    with pytest.raises(UsageError) as e:
        _given("--since", "03/12/2024")
    assert str(e.value) == "--since '03/12/2024' is not a date like 2024-12-01"


def test_participant_is_trimmed_and_upper_case() -> None:
    assert _given("--participant", " swangen ")["participant"] == "SWANGEN"
    assert _given("--participant", "")["participant"] is None


def test_every_shared_option_is_explained() -> None:
    for param in _cmd.params:
        if isinstance(param, click.Option) and param.name != "since":
            assert param.help, param.opts
