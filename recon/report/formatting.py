"""How figures and times read in the reports: exact decimals, cents, AWST.

Money is never rounded for display behind the reader's back: a figure held to the cent
shows two decimals; one with more decimals shows them all.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

from markupsafe import Markup, escape

from recon.models.decimals import to_cents
from recon.wem.calendar import AWST

_NUMBER = re.compile(r"^-?[0-9]+(?:\.[0-9]+)?$")


def money_text(value: Decimal | None) -> str:
    """``-1,234.56`` for a figure held to the cent; every decimal otherwise; '' for None."""
    if value is None:
        return ""
    if value == to_cents(value):
        return format(to_cents(value), ",f")
    return exact_text(value)


def exact_text(value: Decimal | None) -> str:
    """Every significant decimal, at least two, with thousands separators; '' for None."""
    if value is None:
        return ""
    text = format(value, ",f")
    whole, _, frac = text.partition(".")
    frac = frac.rstrip("0")
    return f"{whole}.{frac.ljust(2, '0')}"


def who_pays_text(amount: Decimal | None, you_pay_when_positive: bool = True) -> str:
    """Who pays whom an amount, in words: ``you pay AEMO $1,234.56``, ``AEMO pays you
    $1,234.56`` or ``nothing to pay``; '' for None.

    Args:
        amount: A total as the invoice states it.
        you_pay_when_positive: True for a figure whose positive value the participant pays
            AEMO (Total Payable, Amount Due, a Tax Invoice Total); False for one AEMO pays
            the participant (an RCTI Total).
    """
    if amount is None:
        return ""
    if amount == 0:
        return "nothing to pay"
    you_pay = (amount > 0) == you_pay_when_positive
    shown = f"${money_text(abs(amount))}"
    return f"you pay AEMO {shown}" if you_pay else f"AEMO pays you {shown}"


def is_negative(value: object) -> bool:
    """True for a Decimal below zero (the reports show those in red)."""
    return isinstance(value, Decimal) and value < 0


def as_figure(text: str | None) -> Decimal | str | None:
    """A finding's figure as a Decimal when it is a plain number, else the text as is."""
    if text is None or text == "":
        return None
    return Decimal(text) if _NUMBER.match(text.strip()) else text


def figure_text(text: str | None) -> str:
    """A finding's figure for reading: a number with separators (every decimal), else as is."""
    value = as_figure(text)
    return exact_text(value) if isinstance(value, Decimal) else (value or "")


def to_awst(value: datetime) -> datetime:
    """An aware datetime moved to AWST; a naive one is taken as AWST already (AEMO's way)."""
    return value.replace(tzinfo=AWST) if value.tzinfo is None else value.astimezone(AWST)


def naive_awst(value: datetime | None) -> datetime | None:
    """The AWST wall-clock time without a zone (Excel has no time zones)."""
    return None if value is None else to_awst(value).replace(tzinfo=None)


def awst_text(value: datetime | date | None, seconds: bool = False, sep: str = " ") -> str:
    """``2023-10-31 15:30 AWST``: a time as recon shows every time, in AWST with the zone
    named (a date prints as ``2023-10-31``); '' for None.

    A naive time is AWST already (AEMO's PublishedAt); an aware one (a UTC time recon
    stored) is moved to AWST. ``sep`` goes between the date and the time (``"\\n"`` puts
    the time under the date in a narrow table).
    """
    if value is None:
        return ""
    if not isinstance(value, datetime):
        return value.isoformat()
    fmt = f"%Y-%m-%d{sep}%H:%M:%S" if seconds else f"%Y-%m-%d{sep}%H:%M"
    return to_awst(value).strftime(fmt) + " AWST"


def interval_text(start: datetime | None, end: datetime | None) -> str:
    """``2023-10-03 16:00–16:30`` (AWST); spans over midnight give both dates."""
    if start is None:
        return ""
    s = to_awst(start)
    if end is None:
        return s.strftime("%Y-%m-%d %H:%M")
    e = to_awst(end)
    if e.date() == s.date():
        return f"{s:%Y-%m-%d %H:%M}–{e:%H:%M}"
    return f"{s:%Y-%m-%d %H:%M} – {e:%Y-%m-%d %H:%M}"


def short_source(text: str | None) -> str:
    """A source reference without folders: ``a/b/x.json#/rcti/total`` -> ``x.json#/rcti/total``.

    Each side of ``A vs B`` is shortened; the full paths are in the audit trail (Inputs).
    """
    if not text:
        return ""
    parts = []
    for part in text.split(" vs "):
        m = re.match(r"^(.*?)([#!].*)?$", part, flags=re.S)
        path, rest = (m.group(1), m.group(2) or "") if m else (part, "")
        parts.append(path.replace("\\", "/").rsplit("/", 1)[-1] + rest)
    return " vs ".join(parts)


def breakable(text: str | None) -> Markup:
    """Escaped text with line-break opportunities after ``/``, ``#``, ``!`` and ``:`` only.

    For long references (file names, JSON paths): they break at those marks, never inside
    a word such as a variable name.
    """
    if not text:
        return Markup("")
    out = Markup("")
    for i, ch in enumerate(text):
        out += escape(ch)
        if ch in "/#!:" and i + 1 < len(text):
            out += Markup("<wbr>")
    return out


def common_folder(paths: list[str]) -> str:
    """The folder all ``paths`` share, with its trailing ``/`` ('' when none or one path)."""
    if len(paths) < 2:
        return ""
    split = [p.replace("\\", "/").split("/")[:-1] for p in paths]
    common: list[str] = []
    for parts in zip(*split, strict=False):
        if len(set(parts)) != 1:
            break
        common.append(parts[0])
    return "/".join(common) + "/" if common else ""
