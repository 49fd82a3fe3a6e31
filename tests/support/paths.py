"""Where the repository's folders are, for tests: one place instead of a
``Path(__file__).resolve().parents[N]`` line in every test module."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
"""The repository's root (the folder holding pyproject.toml)."""

FIXTURES = REPO / "fixtures"
"""The committed fixture weeks and the scripts that generate them."""

BENCH = REPO / "bench"
"""The benchmark scripts (bench/generate_big.py writes large weeks)."""

DOCS = REPO / "docs"
"""The user documentation, whose commands tests/test_docs.py runs."""
