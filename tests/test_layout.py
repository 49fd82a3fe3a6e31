"""The layout of recon's modules and of their tests.

A name that starts with an underscore is private to the module that defines it, so no
module of recon imports one from another module (a helper two modules share gets a public
name where it lives); no import sits inside a function without a measured start-up cost;
and every module with logic has its own test module, in the place that mirrors it
(``recon/cli/check_cmd.py`` -> ``tests/cli/test_check_cmd.py``)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from paths import REPO


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _absolute(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    """The module an ``from ... import`` names, relative imports resolved."""
    if not node.level:
        return node.module or ""
    base = module.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def private_crossings(source: str, module: str, is_package: bool = False) -> list[str]:
    """Where ``source`` (the text of ``module``) uses another recon module's private name.

    Two forms: ``from recon.x import _name`` and ``x._name`` where ``x`` is a recon module
    bound by an import. Returns ``line: what`` texts.
    """
    tree = ast.parse(source)
    modules: dict[str, str] = {}
    hits: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            origin = _absolute(node, module, is_package)
            if origin != "recon" and not origin.startswith("recon."):
                continue
            for alias in node.names:
                if _private(alias.name) and origin != module:
                    hits.append(f"{node.lineno}: from {origin} import {alias.name}")
                modules[alias.asname or alias.name] = f"{origin}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "recon" or alias.name.startswith("recon."):
                    modules[alias.asname or alias.name.split(".")[0]] = alias.name
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _private(node.attr):
            base = node.value
            while isinstance(base, ast.Attribute):
                base = base.value
            if isinstance(base, ast.Name) and base.id in modules:
                hits.append(f"{node.lineno}: {ast.unparse(node)}")
    return hits


def test_no_module_of_recon_uses_another_modules_private_name() -> None:
    found = []
    for path in sorted((REPO / "recon").rglob("*.py")):
        hits = private_crossings(
            path.read_text(encoding="utf-8"), _module_name(path), path.name == "__init__.py"
        )
        found += [f"{path.relative_to(REPO).as_posix()}:{hit}" for hit in hits]
    assert found == []


@pytest.mark.parametrize(
    ("source", "module", "is_package", "expected"),
    [
        ("from recon.report.excel import _Sheet\n", "recon.report.audit", False, 1),
        ("from .excel import Col, _Sheet\n", "recon.report.audit", False, 1),
        ("from . import excel\nexcel._write(1)\n", "recon.report", True, 1),
        ("import recon.sources.json_exact as j\nj._kind(1)\n", "recon.sources.x", False, 1),
        ("from recon.sources import detail_csv\ndetail_csv._read_member()\n", "t", False, 1),
        ("from recon.report.excel import Sheet, __doc__\n", "recon.report.audit", False, 0),
        ("from recon.sources.loading import load_artefact as _load\n", "recon.api", False, 0),
        ("def _own() -> None: ...\n_own()\n", "recon.report.excel", False, 0),
        ("import zipfile\nzipfile._EndRecData\n", "recon.sources.detail_csv", False, 0),
    ],
)
def test_the_check_sees_a_private_import(
    source: str, module: str, is_package: bool, expected: int
) -> None:
    assert len(private_crossings(source, module, is_package)) == expected


# --- Imports inside functions --------------------------------------------------------------

START_UP = "# start-up:"


def unexplained_imports(source: str) -> list[str]:
    """Where ``source`` imports inside a function without saying why.

    An import belongs at the top of its module, except for a measured start-up cost,
    named in a comment that starts ``# start-up:`` (``# start-up: pandas costs 600 ms to
    import (python -X importtime, <date>); only to_frame() needs it``). An import inside a
    function (a method, a nested function) passes when its own lines carry that comment,
    when the block of comment lines right above it holds a line that starts with it (a
    comment may run on over several lines), or when it follows straight on from an import
    that passes, blank lines apart (one comment for a group of imports, however isort
    splits it). Returns ``line: import`` texts.
    """
    lines = source.splitlines()
    imports: dict[int, ast.Import | ast.ImportFrom] = {}
    for func in ast.walk(ast.parse(source)):
        if isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
            for node in ast.walk(func):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    imports[node.lineno] = node
    hits: list[str] = []
    explained_ends: set[int] = set()  # the last lines of imports that pass
    for lineno, node in sorted(imports.items()):
        end = node.end_lineno or lineno
        own = lines[lineno - 1 : end]
        above = []
        i = lineno - 2
        while i >= 0 and lines[i].strip().startswith("#"):
            above.append(lines[i].strip())
            i -= 1
        previous = lineno - 1  # the last line above that is not blank
        while previous > 1 and not lines[previous - 1].strip():
            previous -= 1
        if (
            any(START_UP in line for line in own)
            or any(line.startswith(START_UP) for line in above)
            or previous in explained_ends
        ):
            explained_ends.add(end)
        else:
            hits.append(f"{lineno}: {ast.unparse(node)}")
    return hits


def test_no_import_inside_a_function_without_a_measured_reason() -> None:
    found = []
    for path in sorted((REPO / "recon").rglob("*.py")):
        name = path.relative_to(REPO).as_posix()
        found += [f"{name}:{hit}" for hit in unexplained_imports(path.read_text("utf-8"))]
    assert found == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # Passes: at the top, in a class body, or inside a function with its reason.
        ("import json\nfrom pathlib import Path\n", []),
        ("class A:\n    import json\n", []),
        (
            "def f():\n    # start-up: pandas costs 600 ms to import; only f needs it\n"
            "    import pandas\n",
            [],
        ),
        ("def f():\n    import pandas  # start-up: 600 ms; only f needs it\n", []),
        (
            "def f():\n    # start-up: pandas and pyarrow cost 700 ms to import;\n"
            "    # only f needs them\n    import pandas\n    import pyarrow\n",
            [],
        ),
        (
            "def f():\n    from a import (  # start-up: 50 ms; only f needs it\n"
            "        b,\n        c,\n    )\n",
            [],
        ),
        # Fails: no reason, another comment, a blank line between, nested or async.
        ("def f():\n    import json\n", ["2: import json"]),
        ("def f():\n    # for speed\n    import pandas\n", ["3: import pandas"]),
        (
            "def f():\n    # start-up: pandas costs 600 ms; only f needs it\n\n    import pandas\n",
            ["4: import pandas"],
        ),
        (
            "def f():\n    # start-up: pandas costs 600 ms; only f needs it\n    import pandas\n\n"
            "    from a import b\n",
            [],
        ),
        (
            "def f():\n    # start-up: pandas costs 600 ms; only f needs it\n    import pandas\n"
            "    x = 1\n    import json\n",
            ["5: import json"],
        ),
        ("class A:\n    def m(self):\n        from a import b\n", ["3: from a import b"]),
        ("def f():\n    def g():\n        import json\n", ["3: import json"]),
        ("async def f():\n    import json\n", ["2: import json"]),
        ("def f():\n    import json  # start-up\n", ["2: import json"]),
    ],
)
def test_the_check_sees_an_unexplained_import(source: str, expected: list[str]) -> None:
    assert unexplained_imports(source) == expected


# --- tests mirror recon/: one test module per module with logic ---------------------------

SPECIAL_MIRRORS = {
    # a package's __init__ with logic is tested under the package's name
    "recon/__init__.py": "tests/test_package.py",
    "recon/report/__init__.py": "tests/report/test_report.py",
}
"""Modules whose test module is not simply ``tests/<path>/test_<name>.py``."""


def has_logic(source: str) -> bool:
    """Whether a module defines a function or a method (constants, enums and re-exports
    alone are not logic)."""
    return any(
        isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        for node in ast.walk(ast.parse(source))
    )


def mirror_of(module: Path) -> Path:
    """The test module that holds the tests of ``module`` (a path under ``recon/``)."""
    relative = module.relative_to(REPO).as_posix()
    if relative in SPECIAL_MIRRORS:
        return REPO / SPECIAL_MIRRORS[relative]
    parts = module.relative_to(REPO / "recon").parts
    return REPO.joinpath("tests", *parts[:-1], f"test_{Path(parts[-1]).stem}.py")


def test_mirror_of_names_the_test_module_beside_the_package() -> None:
    assert mirror_of(REPO / "recon/cli/check_cmd.py") == REPO / "tests/cli/test_check_cmd.py"
    assert mirror_of(REPO / "recon/atomic.py") == REPO / "tests/test_atomic.py"
    assert mirror_of(REPO / "recon/report/__init__.py") == REPO / "tests/report/test_report.py"
    assert has_logic("def f():\n    return 1\n")
    assert not has_logic("from enum import StrEnum\nX = 1\nclass K(StrEnum):\n    A = 'a'\n")


def test_every_module_with_logic_has_its_own_test_module() -> None:
    missing = [
        f"{path.relative_to(REPO)} -> {mirror_of(path).relative_to(REPO)}"
        for path in sorted((REPO / "recon").rglob("*.py"))
        if has_logic(path.read_text(encoding="utf-8")) and not mirror_of(path).is_file()
    ]
    assert not missing, "modules without their test module:\n" + "\n".join(missing)
