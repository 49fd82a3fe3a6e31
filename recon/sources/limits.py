"""Caps that keep hostile input from exhausting memory or time (issue 9).

Each cap has a CLI option to raise it (``recon check --max-member-mb`` and friends).
"""

from __future__ import annotations

from dataclasses import dataclass

MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Input caps.

    Attributes:
        max_member_bytes: Largest decompressed ZIP member (and largest plain file read).
        max_ratio: Largest decompressed/compressed ratio of a ZIP member.
        max_members: Most members a Detail ZIP may hold.
        max_line_bytes: Longest line of a CSV file.
    """

    max_member_bytes: int = 2048 * MIB
    max_ratio: int = 1000
    max_members: int = 64
    max_line_bytes: int = 8 * MIB


DEFAULT_LIMITS = Limits()
