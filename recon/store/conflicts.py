"""The store's conflict policy: when a file agrees with what is held, and when it is
refused (:class:`Refusal`).

AEMO never republishes a RunId with other figures, so a file whose content differs from
the artefact held for the same participant, run, kind and form (per Settlement Trading
Day for a Detail), or whose run header differs from the run held, is refused. The run
itself is merged here: inserted when new, completed when known only from its invoice,
checked against its header otherwise.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

import polars as pl

from recon.models.invoices import Invoice
from recon.models.kinds import AEMO_KINDS, DETAIL_KINDS
from recon.models.statements import DetailStatement, RunHeader, SummaryStatement, with_values
from recon.store.db import Store
from recon.store.ingest_sql import now_utc


class Refusal(Exception):
    """A file the store must not take (rolled back and reported)."""


def form_class(kind: str, form: str) -> tuple[str, ...]:
    """The forms that are 'the same form' for content comparison (ZIP and CSV Detail)."""
    if kind in DETAIL_KINDS:
        return ("json",) if form == "json" else ("csv", "zip")
    return (form,)


def path_of(store: Store, sha: str) -> str:
    """The path a held artefact was ingested from."""
    return str(store.scalar("SELECT path FROM files WHERE sha256 = ?", [sha]))


def held_artefacts(
    store: Store,
    model_kind: str,
    participant: str,
    period: str,
    run_id: int,
    forms: tuple[str, ...],
) -> list[str]:
    """SHA-256s of the stored artefacts of one run, model kind and form(s), oldest first."""
    kinds = sorted(k for k in AEMO_KINDS if k.artefact == model_kind)
    rows = store.rows(
        f"SELECT sha256 FROM files WHERE status = 'stored' AND participant = ? AND period = ? "
        f"AND run_id = ? AND kind IN ({', '.join('?' * len(kinds))}) "
        f"AND form IN ({', '.join('?' * len(forms))}) ORDER BY ingested_at_utc, sha256",
        [participant, period, run_id, *kinds, *forms],
    )
    return [r[0] for r in rows]


# ------------------------------------------------------------------------------ runs


def merge_run(store: Store, h: RunHeader, week: date) -> None:
    """Insert the run, or check its header against the run held (refusing a difference)."""
    row = store.one(
        "SELECT designation, published_at, market_service, period_from, period_to "
        "FROM runs WHERE participant = ? AND period = ? AND run_id = ?",
        [h.participant, h.period, h.run_id],
    )
    mine = (h.designation.value, h.published_at, h.market_service, h.period_from, h.period_to)
    if row is None:
        store.con.execute(
            "INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [h.participant, h.period, week, h.run_id, *mine, now_utc()],
        )
        return
    if row[1] is None:  # known so far from its invoice only
        if row[0] != h.designation.value:
            raise Refusal(
                f"run {h.run_id} of {h.participant} is held as {row[0]} (from its "
                f"invoice) but this file says {h.designation.value}"
            )
        store.con.execute(
            "UPDATE runs SET published_at = ?, market_service = ?, "
            "period_from = ?, period_to = ? WHERE participant = ? AND "
            "period = ? AND run_id = ?",
            [
                h.published_at,
                h.market_service,
                h.period_from,
                h.period_to,
                h.participant,
                h.period,
                h.run_id,
            ],
        )
        return
    if tuple(row) != mine:
        names = ("Designation", "PublishedAt", "MarketService", "PeriodFrom", "PeriodTo")
        diffs = [
            f"{n} {a} held, {b} in this file"
            for n, a, b in zip(names, row, mine, strict=True)
            if a != b
        ]
        raise Refusal(
            f"run {h.run_id} of {h.participant} ({h.period}) is held with another "
            f"header: {'; '.join(diffs)}"
        )


def merge_run_of_invoice(store: Store, inv: Invoice, week: date) -> None:
    """Insert the run an invoice names, or refuse it when the run held has another
    designation."""
    row = store.one(
        "SELECT designation FROM runs WHERE participant = ? AND period = ? AND run_id = ?",
        [inv.participant, inv.period, inv.run_id],
    )
    if row is None:
        store.con.execute(
            "INSERT INTO runs (participant, period, week, run_id, designation, "
            "first_ingested_at_utc) VALUES (?, ?, ?, ?, ?, ?)",
            [inv.participant, inv.period, week, inv.run_id, inv.designation.value, now_utc()],
        )
    elif row[0] != inv.designation.value:
        raise Refusal(
            f"run {inv.run_id} of {inv.participant} is held as {row[0]} but this "
            f"invoice says {inv.designation.value}"
        )


# ------------------------------------------------------------------------------ content


def summary_content(s: SummaryStatement) -> Counter[tuple[Any, ...]]:
    """A Summary's rows as a multiset (its content, wherever it was read from)."""
    return Counter(
        (r.variable, r.timestamp, r.payment_or_charge.value, r.gst_applicable, r.value)
        for r in s.rows
    )


def held_summary_content(store: Store, sha: str) -> Counter[tuple[Any, ...]]:
    """The rows of a held Summary as a multiset, comparable with :func:`summary_content`."""
    rows = store.rows(
        'SELECT variable, "timestamp", payment_or_charge, gst_applicable, value '
        "FROM summary_values WHERE sha256 = ?",
        [sha],
    )
    return Counter(tuple(r) for r in rows)


def strip_invoice(inv: Invoice) -> Invoice:
    """The invoice without where it was read from and what reading it found (content
    only)."""

    def lines(items: list[Any] | None) -> list[Any] | None:
        return None if items is None else [li.model_copy(update={"source": None}) for li in items]

    return inv.model_copy(
        update={
            "source": None,
            "line_items": lines(inv.line_items),
            "summary_lines": lines(inv.summary_lines),
            "findings": [],
        }
    )


def compare_detail_days(
    store: Store, model: DetailStatement, forms: tuple[str, ...]
) -> tuple[list[date], str | None]:
    """Compare each day of a Detail with the same day held in the same form.

    Returns:
        (days not held yet, the SHA-256 of a held artefact the other days equal, or None).

    Raises:
        Refusal: A day held whose rows differ.
    """
    new_days: list[date] = []
    same_as: str | None = None
    for day in model.days:
        sha = compare_detail_day(store, model.header, model.frame, day, forms)
        if sha is None:
            new_days.append(day)
        else:
            same_as = same_as or sha
    return new_days, same_as


def held_detail_day(
    store: Store, h: RunHeader, day: date, forms: tuple[str, ...]
) -> tuple[str, str] | None:
    """(SHA-256, path) of the first stored Detail of this run and form holding ``day``."""
    held = store.rows(
        "SELECT sha256, path FROM files WHERE status = 'stored' AND participant = ? "
        "AND period = ? AND run_id = ? AND kind LIKE 'detail_%' AND form IN "
        f"({', '.join('?' * len(forms))}) AND list_contains(days, ?) "
        "ORDER BY ingested_at_utc, sha256 LIMIT 1",
        [h.participant, h.period, h.run_id, *forms, day],
    )
    return (held[0][0], held[0][1]) if held else None


def compare_detail_day(
    store: Store, h: RunHeader, frame: pl.DataFrame, day: date, forms: tuple[str, ...]
) -> str | None:
    """Compare one Settlement Trading Day of a Detail with the same day held in this form.

    Args:
        store: The store.
        h: The Detail's run header.
        frame: Its rows (values cast or not); only those of ``day`` are compared.
        day: The day.
        forms: The forms that count as this one (:func:`form_class`).

    Returns:
        The SHA-256 of the held artefact the day equals, or None when the day is not held.

    Raises:
        Refusal: The day is held and its rows differ.
    """
    held = held_detail_day(store, h, day, forms)
    if held is None:
        return None
    store.con.register(
        "_recon_new_detail",
        with_values(frame.filter(pl.col("settlement_trading_day") == day))
        .select("settlement_trading_day", "variable", "scope", "timestamp", "values")
        .to_arrow(),
    )
    try:
        mine = (
            f'SELECT {_DAY_COLS}, "values" FROM _recon_new_detail WHERE settlement_trading_day = ?'
        )
        _same_day(store, h, day, held, mine, [day])
    finally:
        store.con.unregister("_recon_new_detail")
    return held[0]


def compare_stored_day(
    store: Store, h: RunHeader, mine: str, day: date, forms: tuple[str, ...]
) -> str | None:
    """:func:`compare_detail_day` for a Detail whose rows are already in ``detail_values``
    (inserted in the caller's transaction under the SHA-256 ``mine``)."""
    held = held_detail_day(store, h, day, forms)
    if held is None:
        return None
    rows = (
        f"SELECT {_DAY_COLS}, value FROM detail_values WHERE sha256 = ? "
        "AND settlement_trading_day = ?"
    )
    _same_day(store, h, day, held, rows, [mine, day])
    return held[0]


_DAY_COLS = 'settlement_trading_day, variable, scope, "timestamp"'


def _same_day(
    store: Store,
    h: RunHeader,
    day: date,
    held: tuple[str, str],
    mine: str,
    params: list[Any],
) -> None:
    """Refuse a Detail day whose rows (the query ``mine`` with ``params``) differ from the
    rows of the same day held (``held``: SHA-256 and path)."""
    sha, path = held
    theirs = (
        f"SELECT {_DAY_COLS}, value FROM detail_values WHERE sha256 = ? AND "
        "settlement_trading_day = ?"
    )
    differ = store.scalar(
        f"SELECT (SELECT count(*) FROM ({mine} EXCEPT ALL {theirs})) + "
        f"(SELECT count(*) FROM ({theirs} EXCEPT ALL {mine}))",
        [*params, sha, day, sha, day, *params],
    )
    if differ:
        raise Refusal(
            f"run {h.run_id} of {h.participant} ({h.designation.value}, {h.period}) is "
            f"held with a Detail for {day.isoformat()} in this form ({path}) and "
            f"{differ} row(s) differ; AEMO does not republish a run with other figures"
        )
