"""Atomic writes for the reports: the shared helpers of :mod:`recon.atomic`, re-exported.

A report is written to a temporary file beside its target, fsynced and renamed into
place, so a failure midway leaves the previous report intact. The implementation lives
in :mod:`recon.atomic` (every file recon writes goes through it); this module keeps the
name the reports' issue gave it.
"""

from __future__ import annotations

from recon.atomic import atomic_path, atomic_write_bytes, atomic_writer

__all__ = ["atomic_path", "atomic_write_bytes", "atomic_writer"]
