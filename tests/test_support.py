"""The tests' own helpers stay in one place (``tests/support``): no test module finds the
repository from its own path or loads a fixture script by hand; they import ``paths`` and
``fixture_scripts`` instead."""

from __future__ import annotations

import re

import pytest
from paths import REPO

TESTS = REPO / "tests"

ALLOWED = {
    "tests/support/paths.py",  # the one place that climbs from its own path
    "tests/store/data/make_schema2_store.py",  # a script run by hand, outside pytest
    "tests/test_support.py",  # the examples below
}

PATTERNS = {
    "climbs from its own path": re.compile(
        r"Path\(__file__\)\.resolve\(\)\.(parents\[|parent\.parent)"
    ),
    "loads a module from a file": re.compile(r"spec_from_file_location\("),
    "puts a folder on sys.path": re.compile(r"sys\.path\.(insert|append)\("),
}
"""What only ``tests/support`` may do. A folder beside a test (``Path(__file__).parent /
"golden"``) is fine; the repository's folders come from ``paths``."""


def offences(text: str) -> list[str]:
    """The lines of ``text`` doing what only ``tests/support`` may, as ``line: what``."""
    return [
        f"{n}: {what}"
        for n, line in enumerate(text.splitlines(), 1)
        for what, pattern in PATTERNS.items()
        if pattern.search(line) and not line.lstrip().startswith("#")
    ]


def test_no_test_module_finds_the_repository_or_a_fixture_script_by_itself() -> None:
    found = {}
    for path in sorted(TESTS.rglob("*.py")):
        rel = path.relative_to(REPO).as_posix()
        if rel in ALLOWED or rel.startswith("tests/support/fixture_scripts"):
            continue
        if bad := offences(path.read_text("utf-8")):
            found[rel] = bad
    assert found == {}


@pytest.mark.parametrize(
    "line",
    [
        "ROOT = Path(__file__).resolve().parents[2]",
        'FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"',
        'spec = importlib.util.spec_from_file_location("gen", BENCH / "generate_big.py")',
        "sys.path.insert(0, str(FIXTURES))",
    ],
)
def test_the_check_sees_each_form(line: str) -> None:
    assert offences(f"x = 1\n{line}\n") != []


def test_a_folder_beside_the_test_is_fine() -> None:
    assert offences('GOLDEN = Path(__file__).parent / "golden"\n') == []
    assert offences('DATA = Path(__file__).resolve().parent / "data"\n') == []
