"""Your own data in a check (SPEC §9): the ``--own`` mapping read, its series read and tied
out against AEMO's Detail, and your files among the inputs named as your own data.

A check (:mod:`recon.pipeline.check`) calls :func:`kept_rows` before it reads (the Detail
rows to keep in memory), :func:`add_own` after the engine has run, and, without ``--own``,
:func:`mark_own_data` on the files it skipped.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from recon.errors import InputError, ReconError
from recon.models.findings import Finding
from recon.models.kinds import Kind
from recon.models.loaded import Loaded
from recon.models.own import OwnResult
from recon.models.results import CheckResult, InputRecord
from recon.models.statements import Kept
from recon.reconcile.causes import finish, own_estimates
from recon.reconcile.own import days_held, no_detail, tie_out_series
from recon.reconcile.own_weeks import week_views
from recon.sources.files import sha256_file
from recon.sources.limits import DEFAULT_LIMITS, Limits
from recon.sources.own_data import read_mapping, read_series, series_files
from recon.wem.calendar import meter_days_for

OWN_MAPPING_MAX_BYTES = 1 << 20
"""A skipped ``.toml`` file larger than this is not read to see whether it is an --own mapping."""


def kept_rows(own: str | Path | None) -> Kept:
    """The Detail rows a check keeps in memory: the Summary tie-out's, and the variables
    an ``--own`` mapping compares or prices its differences by (read again, and its errors
    reported, by the tie-out)."""
    if own is None:
        return Kept()
    try:
        series = read_mapping(own).series
    except InputError:
        return Kept()
    return Kept(frozenset({s.variable for s in series} | {s.price for s in series if s.price}))


def mark_own_data(skipped: list[dict[str, str]]) -> list[dict[str, str]]:
    """The skipped inputs, with your own data marked as such rather than as skipped.

    A skipped ``.toml`` file that reads as an ``--own`` mapping (SPEC §9), and every file
    its series name, are your own data: each gets ``own_data`` (the mapping's path) and the
    reason "own data (used with --own MAPPING)", so the terminal and the reports list them
    as such, not as files recon could not use.
    """
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


def own_checks(
    mapping_path: str | Path, models: Sequence[object], limits: Limits = DEFAULT_LIMITS
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
    mapping = read_mapping(mapping_path)
    weeks = week_views(models)
    all_days = days_held(weeks)
    findings: list[Finding] = []
    result = OwnResult(mapping=str(mapping_path))
    inputs = [_own_input(mapping_path, Kind.OWN_MAPPING)]
    if not weeks:
        findings.append(no_detail(str(mapping_path)))
    for series in mapping.series:
        data = read_series(series, meter_days_for(all_days) if all_days else set(), limits=limits)
        findings.extend(data.findings)
        found, summaries = tie_out_series(series, data.frame, data.files, weeks)
        findings.extend(own_estimates(found, series, weeks))
        result.series.extend(summaries)
        kind = Kind(f"own_{series.format}")
        inputs.extend(_own_input(f, kind, data.hashes.get(f)) for f in data.files)
    return findings, result, [i for i in inputs if i is not None]


def _own_input(path: str | Path, kind: Kind, sha256: str | None = None) -> InputRecord | None:
    """An ``inputs`` record for a file of your own data: what the check read, with the
    SHA-256 of the bytes compared (``sha256``, from its reader).

    None for a file its reader could not use: its reading finding already names it.
    """
    if sha256 is not None:
        return InputRecord(path=str(path), sha256=sha256, kind=kind)
    if kind is not Kind.OWN_MAPPING:
        return None
    try:
        return InputRecord(path=str(path), sha256=sha256_file(path), kind=kind)
    except InputError:
        return None


def add_own(
    result: CheckResult,
    loaded: Sequence[Loaded],
    mapping_path: str | Path,
    limits: Limits = DEFAULT_LIMITS,
) -> CheckResult:
    """Add the ``--own`` tie-out to a check result.

    Args:
        result: The :class:`~recon.models.results.CheckResult` of ``run_checks``.
        loaded: The loaded artefacts.
        mapping_path: The ``--own`` TOML file.
        limits: The caps.

    Returns:
        A copy of the result with the findings added (sorted again) and ``own`` set.
    """
    found, own, own_inputs = own_checks(mapping_path, [item.model for item in loaded], limits)
    findings = finish(sorted([*result.findings, *found], key=Finding.sort_key))
    # The mapping and its series' files are inputs used here, not skipped ones.
    used = {os.path.realpath(i.path) for i in own_inputs}
    skipped = [s for s in result.skipped if os.path.realpath(s["path"]) not in used]
    known = {os.path.realpath(i.path) for i in result.inputs}
    inputs = [*result.inputs, *(i for i in own_inputs if os.path.realpath(i.path) not in known)]
    return result.model_copy(
        update={"findings": findings, "own": own, "skipped": skipped, "inputs": inputs}
    )
