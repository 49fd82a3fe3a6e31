"""Fixtures of the hardening suite: run the CLI in-process."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from recon.cli.main import main

from .helpers import Run, RunCli


@pytest.fixture
def recon_cli(capsys: pytest.CaptureFixture[str]) -> RunCli:
    """Return ``run(*argv, out=None) -> Run``: ``recon`` in-process via ``main([...])``.

    With ``out`` (the ``--out`` folder of a check), ``findings.json`` is read back.
    """

    def run(*argv: str | Path, out: Path | None = None) -> Run:
        capsys.readouterr()
        code = main([str(a) for a in argv])
        cap = capsys.readouterr()
        findings: list[dict[str, Any]] = []
        if out is not None and (out / "findings.json").is_file():
            findings = json.loads((out / "findings.json").read_text("utf-8"))["findings"]
        return Run(code, cap.out, cap.err, findings)

    return run
