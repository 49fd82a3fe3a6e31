"""Caps that keep hostile input from exhausting memory or time.

Each cap has a CLI option to raise it (``recon check --max-member-mb`` and friends), and
every refusal names that option. ZIP members are judged by their declared sizes before
any byte is decompressed (:mod:`zipfile` never yields more than the declared size), and
counted again as they are read.
"""

from __future__ import annotations

from dataclasses import dataclass

MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Input caps.

    Attributes:
        max_member_bytes: Largest decompressed ZIP member, and largest plain file read
            (Summary or Detail CSV, JSON document, Invoice PDF).
        max_ratio: Largest decompressed/compressed ratio of a ZIP member (deflate reaches
            about 1030 at most, on a run of zeros; real Detail CSVs stay near 10-50).
        max_members: Most members a Detail ZIP may hold.
        max_line_bytes: Longest line of a CSV file or ZIP member.
    """

    max_member_bytes: int = 2048 * MIB
    max_ratio: int = 1000
    max_members: int = 64
    max_line_bytes: int = 8 * MIB


DEFAULT_LIMITS = Limits()


LIMIT_OPTIONS = ("--max-member-mb", "--max-ratio", "--max-members", "--max-line-mb")
"""The options that raise a cap; every refusal by a cap names its option."""


def refused_by_limit(error: Exception) -> bool:
    """Whether an input error is a cap's refusal (a larger cap lets the file through),
    rather than damage: every refusal names the option that raises its cap."""
    text = str(error)
    return any(f"(raise it with {option}" in text for option in LIMIT_OPTIONS)
