"""Long lists in the reports: each run's findings of one check are listed up to
:data:`MAX_LISTED`; the rest are counted, never silently dropped.

A check may yield a million findings (own data compared interval by interval, many damaged
files). ``findings.json`` and ``result.json`` keep every one; report.xlsx and report.html
list the first :data:`MAX_LISTED` of each run and check (in findings order), the
:data:`WORST_KEPT` worst (the verdict names them), and every ``coverage.unread``, and say how
many more there are (:attr:`~recon.models.results.CheckResult.unlisted`). The counts,
the verdict and the exit status are those of every finding.

:func:`load_listed` reads a saved ``result.json`` that way without holding its findings:
they are read one at a time (``ijson``), so ``recon report`` on a check of a million
findings needs the memory of the listed ones only.
"""

from __future__ import annotations

import heapq
import logging
from collections.abc import Iterable, Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import ijson
from ijson.common import ObjectBuilder

from recon.models.findings import CheckId, Severity
from recon.models.results import CheckResult, UnlistedFindings

log = logging.getLogger(__name__)

MAX_LISTED = 200
"""Findings of one run and check a report lists; the rest are counted."""
WORST_KEPT = 8
"""The worst findings (errors, then warnings, largest difference first) always listed: the
verdict names them, wherever they sort."""
ALWAYS_LISTED = frozenset({CheckId.COVERAGE_UNREAD})
"""Checks whose findings are always listed (what could not be read decides coverage)."""

_Key = tuple[str, str, int, str]


def _key(participant: Any, period: Any, run_id: Any, check: Any) -> _Key:
    return (participant or "", period or "", run_id or 0, str(check))


def _worst(severity: str, difference: Any) -> tuple[int, int, Decimal] | None:
    """How bad a finding is, biggest first under ``min`` (None for info findings)."""
    sev = Severity(severity)
    if sev is Severity.INFO:
        return None
    try:
        size = abs(Decimal(str(difference))) if difference is not None else None
    except (InvalidOperation, ValueError):
        size = None
    return (sev.rank, size is None, -(size or Decimal(0)))


class _Lister:
    """Which findings a report lists, fed one finding at a time in findings order."""

    def __init__(self, max_listed: int = MAX_LISTED, worst: int = WORST_KEPT) -> None:
        self.max_listed = max_listed
        self.worst = worst
        self.seen: dict[_Key, int] = {}
        self.listed: list[tuple[int, Any]] = []
        self.unlisted: dict[tuple[_Key, str], int] = {}  # counted, not kept
        self.heap: list[tuple[tuple[int, int, Decimal], int]] = []  # the worst unlisted
        self.held: dict[int, tuple[Any, tuple[_Key, str]]] = {}  # the findings of the heap
        self.n = 0

    def add(self, f: Any, key: _Key, severity: str, difference: Any) -> None:
        """Take the next finding (``f`` is kept only if it is listed)."""
        i, self.n = self.n, self.n + 1
        n = self.seen.get(key, 0) + 1
        self.seen[key] = n
        if n <= self.max_listed or key[3] in ALWAYS_LISTED:
            self.listed.append((i, f))
            return
        group = (key, severity)
        self.unlisted[group] = self.unlisted.get(group, 0) + 1
        bad = _worst(severity, difference)
        if bad is None or not self.worst:
            return
        # Worse sorts higher here; for equal badness the earlier finding is the worse.
        entry = ((-bad[0], -bad[1], -bad[2]), -i)
        if len(self.heap) < self.worst:
            heapq.heappush(self.heap, entry)
        elif entry > self.heap[0]:
            _, out = heapq.heapreplace(self.heap, entry)
            self.held.pop(-out, None)
        else:
            return
        self.held[i] = (f, group)

    def result(self) -> tuple[list[Any], list[UnlistedFindings]]:
        """(the findings listed, in findings order; the rest counted)."""
        listed = self.listed + [(i, f) for i, (f, _) in self.held.items()]
        shown: dict[tuple[_Key, str], int] = {}
        for _, group in self.held.values():
            shown[group] = shown.get(group, 0) + 1
        counts: list[UnlistedFindings] = []
        for (key, severity), n in self.unlisted.items():
            left = n - shown.get((key, severity), 0)
            if left:
                counts.append(
                    UnlistedFindings(
                        participant=key[0],
                        period=key[1],
                        run_id=key[2],
                        check=key[3],
                        severity=Severity(severity),
                        count=left,
                    )
                )
        listed.sort(key=lambda t: t[0])
        return [f for _, f in listed], counts


def listed(result: CheckResult, max_listed: int = MAX_LISTED) -> CheckResult:
    """``result`` with only the findings a report lists, the rest counted in ``unlisted``
    (``result`` itself when nothing is left out, or when it was cut already)."""
    if result.unlisted:
        return result
    lister = _Lister(max_listed)
    for f in result.findings:
        lister.add(
            f, _key(f.participant, f.period, f.run_id, f.check), f.severity.value, f.difference
        )
    if not lister.unlisted:
        return result
    found, counts = lister.result()
    return result.model_copy(update={"findings": found, "unlisted": counts})


class RepeatedFindingId(ValueError):
    """A saved check names two findings by one id (recon gives each its own, SPEC §10)."""

    def __init__(self, finding_id: str, number: int) -> None:
        super().__init__(
            f"finding {number:,} has the id {finding_id!r} of an earlier finding "
            "(each finding has its own)"
        )


class UniqueIds:
    """Checks that the findings of a saved check, taken one at a time, have distinct ids
    (a consequence names its root by id: with an id twice, a root would take another's
    consequences). Findings saved without ids pass."""

    def __init__(self) -> None:
        self._seen: set[str] = set()
        self._n = 0

    def __call__(self, finding_id: Any) -> None:
        """Take the next finding's id.

        Raises:
            RepeatedFindingId: An earlier finding had it.
        """
        self._n += 1
        if finding_id is None:
            return
        if finding_id in self._seen:
            raise RepeatedFindingId(str(finding_id), self._n)
        self._seen.add(finding_id)


BIG_RESULT = 64 << 20
"""A saved check larger than this (bytes) is read with its findings streamed."""


def load_listed(file: Path, max_listed: int = MAX_LISTED) -> CheckResult:
    """Read a saved ``result.json``, its findings one at a time, keeping what a report
    lists (:func:`listed` of the whole check, without holding every finding).

    Raises:
        RepeatedFindingId: Two findings have one id.
        ValueError: The file is not JSON, or not a saved check (``ValidationError``).
        OSError: It cannot be read.
    """
    lister = _Lister(max_listed)
    unique = UniqueIds()
    with open(file, "rb") as fh:
        for raw in ijson.items(fh, "findings.item", use_float=False):
            get = raw.get
            unique(get("id"))
            key = _key(get("participant"), get("period"), get("run_id"), get("check"))
            lister.add(raw, key, get("severity", ""), get("difference"))
    with open(file, "rb") as fh:
        rest = dict(_top_level_except(fh, "findings"))
    found, counts = lister.result()
    rest["findings"] = found
    result = CheckResult.model_validate(rest)
    return result.model_copy(update={"unlisted": counts}) if counts else result


def _top_level_except(fh: Any, skip: str) -> Iterator[tuple[str, Any]]:
    """The members of a JSON object but one, built from ``ijson`` events (the one skipped
    is never built: its events pass by)."""
    builder: ObjectBuilder | None = None
    key: str | None = None
    events: Iterable[tuple[str, str, Any]] = ijson.parse(fh, use_float=False)
    for prefix, event, value in events:
        if prefix == "" and event == "map_key":
            if builder is not None and key is not None:
                yield key, builder.value
            key, builder = value, (None if value == skip else ObjectBuilder())
            continue
        if builder is not None and prefix != "":  # the member's value (never "" itself)
            builder.event(event, value)
    if builder is not None and key is not None:
        yield key, builder.value
