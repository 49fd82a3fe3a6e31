"""Options shared by several commands, and the parsing of their values: a value that
does not parse is a :class:`~recon.errors.UsageError` naming the option (exit 2)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import click

from recon.errors import UsageError
from recon.models.decimals import DecimalFormatError, check_decimal
from recon.sources.limits import DEFAULT_LIMITS, MIB, Limits
from recon.wem.calendar import parse_week


def limit_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """Add the input-cap options (``--max-member-mb`` and the rest) to a command."""
    opts = [
        click.option(
            "--max-member-mb",
            type=click.IntRange(1),
            show_default=True,
            default=DEFAULT_LIMITS.max_member_bytes // MIB,
            help="Largest file, or decompressed ZIP member, recon reads (MiB).",
        ),
        click.option(
            "--max-ratio",
            type=click.IntRange(1),
            show_default=True,
            default=DEFAULT_LIMITS.max_ratio,
            help="Largest decompressed/compressed ratio of a ZIP member (ZIP-bomb guard).",
        ),
        click.option(
            "--max-members",
            type=click.IntRange(1),
            show_default=True,
            default=DEFAULT_LIMITS.max_members,
            help="Most members a Detail ZIP may hold.",
        ),
        click.option(
            "--max-line-mb",
            type=click.IntRange(1),
            show_default=True,
            default=DEFAULT_LIMITS.max_line_bytes // MIB,
            help="Longest CSV line recon reads (MiB).",
        ),
    ]
    for opt in reversed(opts):
        f = opt(f)
    return f


def limits_from(values: dict[str, int]) -> Limits:
    """Build :class:`Limits` from the values of :func:`limit_options`."""
    return Limits(
        max_member_bytes=values["max_member_mb"] * MIB,
        max_ratio=values["max_ratio"],
        max_members=values["max_members"],
        max_line_bytes=values["max_line_mb"] * MIB,
    )


def _materiality(
    _ctx: click.Context,
    _param: click.Parameter,
    value: str | None,
) -> Decimal | None:
    if value is None:
        return None
    try:
        amount = Decimal(value.replace(",", "").replace("$", ""))
    except InvalidOperation:
        raise UsageError(
            f"--materiality {value!r} is not an amount such as 10000 or 2500.50"
        ) from None
    if not amount.is_finite() or amount < 0:
        raise UsageError("--materiality: the threshold must be a non-negative amount")
    try:
        return check_decimal(amount)
    except DecimalFormatError:
        raise UsageError(
            f"--materiality {value!r} is out of range: an amount has at most 15 digits "
            "before the point and 8 after it (Decimal(23,8))"
        ) from None


def materiality_option(f: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--materiality AMOUNT`` (parsed exactly into a Decimal, off by default)."""
    return click.option(
        "--materiality",
        callback=_materiality,
        metavar="AMOUNT",
        help="Flag every ADJ line whose absolute amount reaches AMOUNT dollars as an "
        "adjustment.material warning. Off by default.",
    )(f)


# ------------------------------------------------------------------------ the store

STORE_DEFAULT = ""
"""The value of ``--store`` given without a PATH: ``$RECON_STORE``, else the default store."""


def _store(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is not None and value != STORE_DEFAULT and not value.strip():
        raise UsageError("--store: the store's path is empty")
    return value


def check_store_option(f: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--store [PATH]`` (the value optional).

    The command gets ``store``: None when ``--store`` is not given (check files only),
    :data:`STORE_DEFAULT` when given without a PATH (``$RECON_STORE``, else the default
    store), else the PATH.
    """
    return click.option(
        "--store",
        "store",
        is_flag=False,
        flag_value=STORE_DEFAULT,
        default=None,
        callback=_store,
        metavar="[PATH]",
        help="Also take runs from the settlement history store (see `recon ingest`): every "
        "run held for the weeks checked, so an ADJ run's previous run comes from history. "
        "PATH is the store's database file (a folder: recon.duckdb in it); without it, "
        "$RECON_STORE, else recon.duckdb in your recon data folder (~/.local/share/recon "
        "on Linux). Put the files to check before --store, or write --store=PATH.",
    )(f)


_STORE_HELP = (
    "The store's database file (a folder means recon.duckdb in it). Default: "
    "$RECON_STORE, else recon.duckdb in your recon data folder "
    "(~/.local/share/recon on Linux)."
)


def store_option(f: Any) -> Any:
    """Add ``--store PATH``."""
    return click.option(
        "--store", "store_path", type=click.Path(path_type=Path), metavar="PATH", help=_STORE_HELP
    )(f)


def week_value(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    """``--week``'s value: a Trading Week's first day (UsageError: not one)."""
    return parse_week(value)


def day_value(_ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    """A date option's value, ``yyyy-mm-dd`` (UsageError: not one)."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(f"{param.opts[0]} {value!r} is not a date like 2024-12-01") from None


def week_option(help_text: str) -> Any:
    """Add ``--week YYYY-MM-DD`` (a Trading Week's first day, a Sunday)."""
    return click.option("--week", callback=week_value, metavar="YYYY-MM-DD", help=help_text)


def participant_option(help_text: str) -> Any:
    """Add ``--participant CODE``."""
    return click.option(
        "--participant",
        metavar="CODE",
        callback=lambda _c, _p, v: v.strip().upper() if v else None,
        help=help_text,
    )
