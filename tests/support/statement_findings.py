"""Picking a statement's findings by check, for the reader tests (Summary, Detail)."""

from __future__ import annotations

from typing import Any


def of(stmt: Any, check: str) -> list[Any]:
    """Return a statement's findings of one check.

    Args:
        stmt: A statement as read (Summary or Detail).
        check: The check id.
    """
    return [f for f in stmt.findings if f.check == check]


def only(stmt: Any, check: str) -> Any:
    """Return the one finding of a statement, asserting it is of ``check``.

    Args:
        stmt: A statement as read (Summary or Detail).
        check: The check id it must have.
    """
    assert [f.check for f in stmt.findings] == [check], [f.message for f in stmt.findings]
    return stmt.findings[0]
