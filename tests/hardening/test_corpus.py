"""Every malformed or hostile input gets a clear answer from ``recon check`` (issue 9).

One test per corpus case (:mod:`tests.hardening.corpus`): exit status 1 with a finding of
the expected check naming the file, or 2 with one ``recon: FILE...: problem`` line; never
a traceback; big inputs within a time and peak-memory budget.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from .corpus import CASES, Case
from .helpers import RunCli, measure, tree

MAX_SECONDS = 30.0
"""Wall time one case may take (the slowest, a 1 GiB bomb refused, takes well under 1 s)."""
MAX_PEAK_GROWTH_MIB = 400.0
"""How far one case may raise peak RSS (a 50 MB line is read whole, under the line cap)."""


def _param(case: Case) -> object:
    marks = [pytest.mark.xfail(reason=case.xfail, strict=True)] if case.xfail else []
    return pytest.param(case, id=case.id, marks=marks)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_corpus_case(
    case: Case, wem_csv: SimpleNamespace, tmp_path: Path, recon_cli: RunCli
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    path = case.build(wem_csv, inbox)
    out = tmp_path / "out"
    before = tree(inbox)
    with measure() as cost:
        run = recon_cli(
            "check", path, "--out", out, "--no-reports", "--no-progress", *case.args, out=out
        )
    run.assert_no_traceback()
    assert run.code == case.code, (run.err[-2000:], run.findings[:3])
    if case.code == 2:
        lines = run.error_lines
        assert len(lines) == 1, run.err[-2000:]
        assert str(path) in lines[0], lines[0]
        assert case.expect in lines[0], lines[0]
    else:
        hits = [f for f in run.findings if f["check"] == case.check]
        assert hits, [(f["check"], f["message"]) for f in run.findings]
        assert any(
            case.expect in f["message"] and f["source"] and f["source"].startswith(str(path))
            for f in hits
        ), hits[:3]
    assert tree(inbox) == before, "recon changed its input folder"
    assert sorted(p.name for p in tmp_path.iterdir()) == (
        ["inbox", "out"] if out.exists() else ["inbox"]
    )
    if case.heavy:
        assert cost.seconds < MAX_SECONDS, cost
        assert cost.peak_growth_mib < MAX_PEAK_GROWTH_MIB, cost


def test_corpus_ids_are_unique() -> None:
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))
