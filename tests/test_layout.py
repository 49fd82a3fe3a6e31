"""The layout of recon's modules: a name that starts with an underscore is private to the
module that defines it, so no module of recon imports one from another module (a helper
two modules share gets a public name where it lives)."""

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
