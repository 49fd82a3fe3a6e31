"""recon's Python API for notebooks: what the CLI does, a function does.

>>> import recon
>>> result = recon.check(["fixtures/sample_week"])       # doctest: +SKIP
>>> result.to_frame()                                     # doctest: +SKIP
>>> table = recon.decode("..._SettlementStatementDetail.zip")  # doctest: +SKIP
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from recon.errors import InputError
from recon.models.findings import Finding
from recon.models.progress import Progress
from recon.models.results import CheckResult, InputRecord
from recon.models.statements import DetailStatement, Kept, SummaryStatement
from recon.reconcile.engine import run_checks
from recon.sources.detail_csv import iter_detail_parts
from recon.sources.detect import is_detail_statement, is_json_object
from recon.sources.files import read_bytes
from recon.sources.limits import DEFAULT_LIMITS, Limits
from recon.sources.loading import load
from recon.sources.loading import load_artefact as _load
from recon.sources.summary_csv import parse_summary_csv
from recon.text import encodable_model

if TYPE_CHECKING:  # pyarrow is imported by the decoding functions only (~0.2 s)
    import pyarrow as pa

    from recon.models.own import OwnResult


def _json_statement(path: Path, limits: Limits) -> SummaryStatement | DetailStatement | None:
    """A Summary or Detail JSON document (PaSS API, SPEC §3.3) read whole; None when the
    file is not JSON (a ZIP or a CSV).

    Raises:
        InputError: If it is JSON but not a Settlement Statement, or cannot be read.
    """
    if not is_json_object(path):
        from recon.sources.detect import PDF_MAGIC
        from recon.sources.files import read_head

        if PDF_MAGIC in read_head(path, 1024):
            raise InputError(
                path,
                "is a PDF (an Invoice PDF, whole or damaged); recon decode reads a "
                "Settlement Statement Summary or Detail (CSV, ZIP or JSON)",
            )
        return None
    from recon.sources.detect import NotAnArtefact, Unreadable, sniff

    try:
        art = sniff(path, limits=limits)
    except Unreadable as e:  # recognisable but damaged: as check reports it (coverage.unread)
        raise InputError(path, f"is {e}; nothing was decoded") from None
    except NotAnArtefact as e:
        raise InputError(path, f"is not a Settlement Statement ({e})") from None
    if art.kind not in ("summary_json", "detail_json"):
        what, form = art.kind.split("_", 1)
        raise InputError(
            path,
            f"is an {what.title()} {form.upper()}; recon decode reads a "
            "Settlement Statement Summary or Detail (CSV, ZIP or JSON)",
        )
    model = _load(art, limits, None)
    assert isinstance(model, (SummaryStatement, DetailStatement))
    return model


def summary_long(stmt: SummaryStatement) -> pl.DataFrame:
    """A Summary statement as a long table (one row per variable and Trading Day)."""
    from recon.sources.detail_long import AWST_TZ

    h = stmt.header
    df = pl.DataFrame(
        {
            "run_id": [h.run_id] * len(stmt.rows),
            "participant": [h.participant] * len(stmt.rows),
            "period": [h.period] * len(stmt.rows),
            "designation": [h.designation.value] * len(stmt.rows),
            "variable": [r.variable for r in stmt.rows],
            "timestamp": [r.timestamp for r in stmt.rows],
            "payment_or_charge": [r.payment_or_charge.value for r in stmt.rows],
            "gst_applicable": [r.gst_applicable for r in stmt.rows],
            "value": pl.Series([r.value for r in stmt.rows], dtype=pl.Decimal(23, 8)),
        },
        schema_overrides={"timestamp": pl.Date},
    )
    start = pl.col("timestamp").cast(pl.Datetime("us")) + pl.duration(hours=8)
    return df.with_columns(
        start.dt.replace_time_zone(AWST_TZ).alias("interval_start"),
        (start + pl.duration(days=1)).dt.replace_time_zone(AWST_TZ).alias("interval_end"),
    )


def iter_decoded(
    path: str | Path,
    *,
    limits: Limits = DEFAULT_LIMITS,
    progress: Progress | None = None,
    findings: list[Finding] | None = None,
) -> Iterator[pl.DataFrame]:
    """Yield the long table of a Summary or Detail file, one Trading Day at a time.

    Args:
        path: Summary CSV or JSON, Detail CSV, ZIP or JSON (one day).
        limits: Input caps.
        progress: ``(done, total)`` callback.
        findings: A list to extend with the ``data.*`` findings met while reading.
    """
    p = Path(path)
    sink = findings if findings is not None else []
    doc = _json_statement(p, limits)
    if doc is not None:
        sink.extend(doc.findings)
        if progress:
            progress(1, 1)
        if isinstance(doc, SummaryStatement):
            yield summary_long(doc)
        elif doc.frame.height:
            from recon.sources.detail_long import long_frame

            yield long_frame(doc.with_values().frame, doc.header)
        return
    if not is_detail_statement(p, limits):
        stmt = parse_summary_csv(read_bytes(p, limits), str(p), limits)
        sink.extend(stmt.findings)
        if progress:
            progress(1, 1)
        yield summary_long(stmt)
        return
    from recon.sources.detail_long import long_frame

    for part in iter_detail_parts(p, limits=limits, progress=progress):
        sink.extend(part.findings)
        yield long_frame(part.frame, part.header)


def decode(path: str | Path, *, limits: Limits = DEFAULT_LIMITS) -> pa.Table:
    """Decode a Summary or Detail file into one long Arrow table (exact decimal128(23,8)).

    For a large Detail week prefer :func:`decode_to_file`, which streams day by day.
    """
    import pyarrow as pa

    parts = list(iter_decoded(path, limits=limits))
    return pl.concat(parts, how="vertical").to_arrow() if parts else pa.table({})


def decode_to_file(
    path: str | Path,
    out: str | Path,
    *,
    limits: Limits = DEFAULT_LIMITS,
    progress: Progress | None = None,
) -> tuple[int, list[Finding]]:
    """Decode a Summary or Detail file to Parquet, CSV or XLSX, streaming day by day.

    Returns:
        (values written, findings met while reading).
    """
    from recon.report.long_table import output_format, write_long_table

    fmt = output_format(out)
    findings: list[Finding] = []
    src = Path(path)
    if not is_json_object(src) and is_detail_statement(src, limits) and fmt == "parquet":
        from recon.report.long_table import write_parquet_tables
        from recon.sources.detail_csv import map_detail_parts
        from recon.sources.detail_long import (
            LONG_ARROW_SCHEMA,
            RowAttributes,
            day_values,
            long_tables,
        )

        def tables() -> Iterator[pa.Table]:
            attrs = RowAttributes()
            # Values are split and cast on the reader threads, each day as it is read.
            for day in map_detail_parts(
                path, day_values, limits=limits, progress=progress, cast=False
            ):
                findings.extend(day.stmt.findings)
                yield from long_tables(day, attrs)

        return write_parquet_tables(tables(), out, read_as=LONG_ARROW_SCHEMA), findings
    rows = write_long_table(
        iter_decoded(path, limits=limits, progress=progress, findings=findings), out
    )
    return rows, findings


def check(
    paths: Iterable[str | Path] | str | Path = (),
    *,
    materiality: Decimal | None = None,
    limits: Limits = DEFAULT_LIMITS,
    progress: Progress | None = None,
    own: str | Path | None = None,
    store: str | os.PathLike[str] | bool | None = None,
    week: Any = None,
    participant: str | None = None,
    record: bool = True,
) -> CheckResult:
    """Check every artefact under ``paths``: the same engine as ``recon check``.

    With ``store``, the runs held in the settlement history store for the weeks checked
    are added, as ``recon check --store`` adds them: the weeks are ``week``, else those of
    ``paths``, else every week held; ``paths`` may then be empty. The check is recorded in
    the store (SPEC §8) unless ``record`` is False.

    Args:
        paths: Files and folders (searched recursively); artefacts are detected by content.
        materiality: Threshold for ``adjustment.material`` warnings (None: off).
        limits: Input caps.
        progress: ``(done, total)`` callback over the artefacts read.
        own: An ``--own`` mapping file (SPEC §9): tie the Detail out against your data
            (the Details of the files and, with ``store``, of the runs held).
        store: The store's file (``True``: ``$RECON_STORE``, else the default store);
            None: files only.
        week: With ``store``: the Trading Week (its first day, a Sunday).
        participant: With ``store``: only this participant's runs.
        record: With ``store``: record the check in it (``command`` ``api``).

    Returns:
        The :class:`~recon.models.results.CheckResult`; ``.to_frame()`` gives a DataFrame.

    Raises:
        InputError: If an artefact cannot be read at all, or none was found.
        StoreError: With ``store``: no store there, or nothing held or given for the weeks.
        ValueError: ``week`` or ``participant`` without ``store``, or nothing to check.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    paths = list(paths)
    use_store = store is not None and store is not False
    store_file = None if store is True or not use_store else store  # None: the default
    if not use_store and (week is not None or participant is not None):
        raise ValueError("week and participant select runs from the store: give store=")
    if not use_store and not paths:
        raise ValueError("give at least one file or folder to check")
    for p in paths:
        if not Path(p).exists():  # a mistyped PATH is refused, never just skipped
            raise InputError(p, "no such file or folder")
    kept = _kept(own)  # Details are streamed: only these rows stay in memory
    if use_store:
        from recon.store.query import load_from_store

        code = participant.strip().upper() if participant else None
        loaded, findings, skipped = load_from_store(
            store_file, week, code, paths, limits=limits, progress=progress, kept=kept
        )
    else:
        loaded, findings, skipped = load(
            paths, limits=limits, progress=progress, cast=False, kept=kept
        )
    if own is None:
        skipped = _own_data_among(skipped)
    result = run_checks(loaded, materiality=materiality, findings=findings, skipped=skipped)
    if own is not None:
        result = _add_own(result, loaded, own, limits)
    result = encodable_model(result)  # a file name's undecodable bytes: \udcff, in every output
    if use_store and record:
        from recon.store.history import record_check

        record_check(store_file, result, command="api")
    return result


def _kept(own: str | Path | None) -> Kept:
    """The Detail rows a check keeps in memory: the Summary tie-out's, and the variables
    an ``--own`` mapping compares or prices its differences by (read again, and its errors
    reported, by the tie-out)."""
    if own is None:
        return Kept()
    from recon.sources.own_data import read_mapping

    try:
        series = read_mapping(own).series
    except InputError:
        return Kept()
    return Kept(frozenset({s.variable for s in series} | {s.price for s in series if s.price}))


OWN_MAPPING_MAX_BYTES = 1 << 20
"""A skipped ``.toml`` file larger than this is not read to see whether it is an --own mapping."""


def _own_data_among(skipped: list[dict[str, str]]) -> list[dict[str, str]]:
    """The skipped inputs, with your own data marked as such rather than as skipped.

    A skipped ``.toml`` file that reads as an ``--own`` mapping (SPEC §9), and every file
    its series name, are your own data: each gets ``own_data`` (the mapping's path) and the
    reason "own data (used with --own MAPPING)", so the terminal and the reports list them
    as such, not as files recon could not use.
    """
    from recon.errors import ReconError
    from recon.sources.own_data import read_mapping, series_files

    own: dict[str, str] = {}
    for s in skipped:
        path = Path(s.get("path", ""))
        try:
            if path.suffix.lower() != ".toml" or path.stat().st_size > OWN_MAPPING_MAX_BYTES:
                continue
            mapping = read_mapping(path)
            files = [f for series in mapping.series for f in series_files(series)]
        except (ReconError, OSError, ValueError):
            continue  # not a mapping: it stays skipped, with its reason
        for f in [path, *files]:
            own.setdefault(os.path.realpath(f), s["path"])
    out = []
    for s in skipped:
        mapping_path = own.get(os.path.realpath(s.get("path", "")))
        if mapping_path is None:
            out.append(s)
        else:
            reason = f"own data (used with --own {mapping_path})"
            out.append({**s, "reason": reason, "own_data": mapping_path})
    return out


def _own_checks(
    mapping_path: str | Path, models: list[object], limits: Limits = DEFAULT_LIMITS
) -> tuple[list[Finding], OwnResult, list[InputRecord]]:
    """Read the ``--own`` mapping and its series, and tie them out against the Details.

    Args:
        mapping_path: The TOML file (SPEC §9).
        models: The loaded artefact models (only Detail statements are used).
        limits: The caps, which hold for your files as for AEMO's.

    Returns:
        (findings, the per-series summaries, the mapping and every series file read as
        inputs: kind ``own_mapping``, ``own_nem12`` or ``own_csv``, with their SHA-256).

    Raises:
        InputError: If the mapping file cannot be read, or a file of yours is over a cap
            (exit 2).
    """
    from recon.models.own import OwnResult
    from recon.reconcile.causes import own_estimates
    from recon.reconcile.own import days_held, no_detail, tie_out_series
    from recon.reconcile.own_weeks import week_views
    from recon.sources.own_data import read_mapping, read_series
    from recon.wem.calendar import meter_days_for

    mapping = read_mapping(mapping_path)
    weeks = week_views(models)
    all_days = days_held(weeks)
    findings: list[Finding] = []
    result = OwnResult(mapping=str(mapping_path))
    inputs = [_own_input(mapping_path, "own_mapping")]
    if not weeks:
        findings.append(no_detail(str(mapping_path)))
    for series in mapping.series:
        data = read_series(series, meter_days_for(all_days) if all_days else set(), limits=limits)
        findings.extend(data.findings)
        found, summaries = tie_out_series(series, data.frame, data.files, weeks)
        findings.extend(own_estimates(found, series, weeks))
        result.series.extend(summaries)
        inputs.extend(_own_input(f, f"own_{series.format}", data.hashes.get(f)) for f in data.files)
    return findings, result, [i for i in inputs if i is not None]


def _own_input(path: str | Path, kind: str, sha256: str | None = None) -> InputRecord | None:
    """An ``inputs`` record for a file of your own data: what the check read, with the
    SHA-256 of the bytes compared (``sha256``, from its reader).

    None for a file its reader could not use: its reading finding already names it.
    """
    from recon.sources.files import sha256_file

    if sha256 is not None:
        return InputRecord(path=str(path), sha256=sha256, kind=kind)
    if kind != "own_mapping":
        return None
    try:
        return InputRecord(path=str(path), sha256=sha256_file(path), kind=kind)
    except InputError:
        return None


def _add_own(
    result: CheckResult,
    loaded: list[Any],
    mapping_path: str | Path,
    limits: Limits = DEFAULT_LIMITS,
) -> CheckResult:
    """Add the ``--own`` tie-out to a check result.

    Args:
        result: The :class:`~recon.models.results.CheckResult` of ``run_checks``.
        loaded: The loaded artefacts (``Loaded`` items with ``.model``).
        mapping_path: The ``--own`` TOML file.
        limits: The caps.

    Returns:
        A copy of the result with the findings added (sorted again) and ``own`` set.
    """
    models = [getattr(item, "model", item) for item in loaded]
    found, own, own_inputs = _own_checks(mapping_path, models, limits)
    from recon.reconcile.causes import finish

    findings = finish(sorted([*result.findings, *found], key=Finding.sort_key))
    # The mapping and its series' files are inputs used here, not skipped ones.
    used = {os.path.realpath(i.path) for i in own_inputs}
    skipped = [s for s in result.skipped if os.path.realpath(s["path"]) not in used]
    known = {os.path.realpath(i.path) for i in result.inputs}
    inputs = [*result.inputs, *(i for i in own_inputs if os.path.realpath(i.path) not in known)]
    return result.model_copy(
        update={"findings": findings, "own": own, "skipped": skipped, "inputs": inputs}
    )


if TYPE_CHECKING:  # recon.audit's annotations (pandas is imported only when it runs)
    from datetime import date

    import pandas as pd


def audit(
    start: str | date | None = None,
    end: str | date | None = None,
    *,
    fy: int | str | None = None,
    participant: str | None = None,
    store: str | Path | None = None,
) -> dict[str, pd.DataFrame]:
    """The settlement history of a range of Trading Weeks, as ``recon audit`` reports it.

    >>> frames = recon.audit(fy=2025, participant="SWANGEN")   # doctest: +SKIP
    >>> frames["issues"][frames["issues"].status == "open"]    # doctest: +SKIP

    Args:
        start, end: The range (dates or ``yyyy-mm-dd``): the Trading Weeks starting in it.
        fy: A Financial Year instead: ``"2024-25"`` or ``2025`` (the year ending 30 June
            2025) is 1 July 2024 to 30 June 2025.
        participant: Only this participant's weeks.
        store: The store (None: ``$RECON_STORE``, else the default).

    Returns:
        DataFrames ``weeks``, ``runs`` (each week's run chain with amount due, recomputed
        Total Payable and net adjustment), ``issues`` (the register) and ``checks`` (the
        trail); amounts are exact ``decimal128(23, 8)``.

    Raises:
        UsageError: A bad range. StoreError: No store at that path.
    """
    from recon.store.db import Store
    from recon.store.register import audit as _audit
    from recon.store.register import date_range

    first, last = date_range(start, end, fy)
    code = participant.strip().upper() if participant else None
    with Store.open(store, read_only=True, must_exist=True) as st:
        return _audit(st, first, last, participant=code).frames()


def issues(
    *,
    store: str | Path | None = None,
    participant: str | None = None,
    week: Any = None,
    status: str = "all",
    workflow: str | None = None,
    nod_business_days: int | None = None,
) -> pd.DataFrame:
    """The issue register as a DataFrame, one row per issue (SPEC §8, §11).

    >>> open_ = recon.issues(store="walk.duckdb", status="open")   # doctest: +SKIP
    >>> open_[["id", "state", "check", "variable", "due"]]         # doctest: +SKIP

    Args:
        store: The store (None: ``$RECON_STORE``, else the default).
        participant: Only this participant's issues.
        week: Only this Trading Week's (its first day, a date or ``yyyy-mm-dd``).
        status: ``open``, ``resolved`` or ``all``.
        workflow: Only issues in this state (``new``, ``investigating``, ``disputed``,
            ``accepted``).
        nod_business_days: Business Days to a Notice of Disagreement's due date (the
            config file's ``[disputes] nod_business_days``); None: no due date.

    Returns:
        The columns of :func:`audit`'s ``issues`` frame: ``id``, ``key``, the key's parts,
        runs, ``status``, times, ``message``, ``at_stake`` (exact ``decimal128(23, 8)``),
        ``workflow``, ``due``, ``age_business_days`` and ``state``.

    Raises:
        StoreError: No store at that path. ValueError: An unknown status or workflow.
    """
    from datetime import date as _date

    from recon.models.audit import Audit, Workflow
    from recon.store.db import Store
    from recon.store.query import parse_week
    from recon.store.register import build_register

    if status not in ("open", "resolved", "all"):
        raise ValueError(f"status must be open, resolved or all, not {status!r}")
    if workflow is not None:
        Workflow(workflow)  # ValueError for an unknown state
    code = participant.strip().upper() if participant else None
    wk = parse_week(week) if week is not None else None
    with Store.open(store, read_only=True, must_exist=True) as st:
        register = build_register(
            st, participant=code, start=wk, end=wk, nod_business_days=nod_business_days
        )
    shown = [
        i
        for i in register
        if (status == "all" or i.status == status)
        and (workflow is None or i.workflow.value == workflow)
    ]
    doc = Audit(start=_date.min, end=_date.max, participant=code, issues=shown)
    return doc.frames()["issues"]


def set_issue(
    issue_id: str,
    *,
    workflow: str,
    by: str | None = None,
    ref: str | None = None,
    lodged: Any = None,
    note: str | None = None,
    store: str | Path | None = None,
) -> Any:
    """Record a change of an issue's workflow (SPEC §11), as ``recon issue ID --set`` does:
    an event appended to the store, never edited or deleted.

    >>> recon.set_issue("1084adc50b", workflow="disputed", ref="NOD-0142",
    ...                 lodged="2025-03-10", store="walk.duckdb")   # doctest: +SKIP

    Args:
        issue_id: The issue's id (``recon.issues()``'s ``id``).
        workflow: ``new``, ``investigating``, ``disputed`` (with ``ref`` and ``lodged``) or
            ``accepted`` (with ``note``).
        by: Who (default: ``$RECON_USER``, else the login name).
        ref, lodged, note: The dispute's reference and the day it was lodged; why.
        store: The store (None: ``$RECON_STORE``, else the default).

    Returns:
        The :class:`~recon.models.audit.Issue` as it now stands.

    Raises:
        UsageError: An invalid change. UnknownIssueError: No issue has this id.
        StoreError: The store cannot be written.
    """
    from recon.store.register import person, record_event

    return record_event(
        store, issue_id, workflow=workflow, by=person(by), ref=ref, lodged=lodged, note=note
    )
