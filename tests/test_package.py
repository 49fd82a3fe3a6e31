"""recon as an installed package: what the wheel carries, the public API, the DataFrame.

``.ci/run`` builds the wheel and checks the sample week with it in a fresh venv; these
tests hold the pieces that make that work to the source tree.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from datetime import datetime
from decimal import Decimal
from fnmatch import fnmatch
from pathlib import Path, PurePosixPath

import pandas as pd
import pyarrow as pa
import pytest
from paths import FIXTURES, REPO

import recon
from recon import errors
from recon.cli.main import main
from recon.models.findings import Finding
from recon.models.results import CheckResult
from recon.report import templates
from recon.wem.calendar import AWST

PLANTED = FIXTURES / "planted_week"


def _pyproject() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def test_every_package_is_in_the_wheel() -> None:
    """pyproject lists its packages (to map templates/ in): the list must not fall behind."""
    setuptools = _pyproject()["tool"]["setuptools"]
    listed = set(setuptools["packages"])
    on_disk = {
        ".".join(p.parent.relative_to(REPO).parts) for p in (REPO / "recon").rglob("__init__.py")
    }
    assert listed == on_disk | {"recon.templates"}
    assert setuptools["package-dir"] == {"recon.templates": "templates"}
    shipped = setuptools["package-data"]["recon.templates"]
    folder = REPO / "templates"
    files = [p.relative_to(folder) for p in folder.rglob("*") if p.is_file()]
    # a package-data glob matches within its own folder only ("*.html": the top level)
    assert all(
        any(
            len(f.parts) == len(PurePosixPath(g).parts) and fnmatch(f.as_posix(), g)
            for g in shipped
        )
        for f in files
    )
    assert (REPO / "recon" / "py.typed").is_file()
    assert "py.typed" in setuptools["package-data"]["recon"]


def test_templates_come_through_importlib_resources() -> None:
    root = templates.templates_dir()
    assert root.joinpath("report.html").is_file()
    assert root in templates.candidates()
    env = templates.environment()
    assert env.loader is not None
    source, filename, _ = env.loader.get_source(env, "report.html")
    assert "<html" in source.lower() and filename.endswith("report.html")


def test_missing_template_names_the_places_looked(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(templates, "candidates", lambda: (tmp_path / "a", tmp_path / "b"))
    with pytest.raises(recon.ReconError, match="templates folder is missing") as e:
        templates.get_template("report.html")
    assert str(tmp_path / "a") in str(e.value) and str(tmp_path / "b") in str(e.value)


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"recon, version {recon.__version__}"
    project = _pyproject()
    assert project["project"]["dynamic"] == ["version"]  # one place: recon/__about__.py
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {
        "attr": "recon.__about__.__version__"
    }


def test_public_names() -> None:
    assert dir(recon) == sorted(recon.__all__)
    assert {"check", "decode", "decode_to_file", "load", "CheckResult", "Finding"} <= set(
        recon.__all__
    )
    for name in recon.__all__:
        assert getattr(recon, name) is not None, name
    assert recon.CheckResult is CheckResult
    with pytest.raises(AttributeError):
        _ = recon.not_a_name  # type: ignore[attr-defined]


def test_exported_members() -> None:
    """``recon.__all__`` is exactly the API's functions, the models they return and the
    whole exception tree: every error a function can raise is catchable as ``recon.X``."""
    assert recon.__all__ == [
        "CheckResult",
        "FetchError",
        "Finding",
        "InputError",
        "Limits",
        "NotifyError",
        "OutputError",
        "ReconError",
        "Severity",
        "StoreBusyError",
        "StoreError",
        "UnknownIssueError",
        "UnsafeNameError",
        "UsageError",
        "__version__",
        "audit",
        "check",
        "decode",
        "decode_to_file",
        "issues",
        "load",
        "set_issue",
    ]
    tree = {
        name
        for name, value in vars(errors).items()
        if isinstance(value, type) and issubclass(value, errors.ReconError)
    }
    assert tree == {n for n in recon.__all__ if n.endswith("Error")}
    for name in tree:
        assert getattr(recon, name) is getattr(errors, name), name
        assert getattr(recon, name).__module__ == "recon.errors", name
    with pytest.raises(recon.ReconError):
        recon.check([])  # an argument error is a ReconError


def test_import_recon_stays_cheap() -> None:
    code = (
        "import sys, recon; "
        "print(sorted(m for m in ('pandas', 'polars', 'pyarrow') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    ).stdout
    assert out.strip() == "[]"


def _result(*findings: Finding) -> CheckResult:
    return CheckResult(generated_at=datetime(2025, 1, 1, tzinfo=AWST), findings=list(findings))


def test_to_frame_types() -> None:
    frame = _result(
        Finding.make(
            "summary_detail.value",
            "m",
            participant="SWANGEN",
            run_id=51230,
            timestamp="2024-12-05",
            expected="40998.16767133",
            actual="41422.00328777",
            difference="423.83561644",
        ),
        Finding.make(
            "own.value",
            "m",
            run_id=51230,
            timestamp="2024-12-05T08:30:00+08:00",
            expected="-123456789012345.12345678",
            actual="0.1",
            difference="123456789012345.22345678",
            position=2,
            interval_start="2024-12-05T08:30:00+08:00",
            interval_end="2024-12-05T09:00:00+08:00",
        ),
        Finding.make("adjustment.chain", "m", expected="ADJ1", actual="ADJ2"),
        Finding.make("data.value", "m", actual="1.123456789"),
    ).to_frame()
    money = pd.ArrowDtype(pa.decimal128(23, 8))
    assert (frame["expected"].dtype, frame["actual"].dtype, frame["difference"].dtype) == (
        money,
        money,
        money,
    )
    assert frame["run_id"].dtype == "Int64" and frame["position"].dtype == "Int64"
    stamp = pd.ArrowDtype(pa.timestamp("us", tz="+08:00"))
    assert frame["timestamp"].dtype == stamp and frame["interval_end"].dtype == stamp
    assert frame["check"].dtype == "string[pyarrow]"

    assert frame["expected"][1] == Decimal("-123456789012345.12345678")
    assert frame["difference"].sum() == Decimal("423.83561644") + Decimal(
        "123456789012345.22345678"
    )
    assert frame["run_id"].tolist()[:2] == [51230, 51230]
    assert frame["position"][1] == 2
    assert frame["timestamp"][0] == pd.Timestamp("2024-12-05T00:00:00+08:00")
    assert frame["interval_start"][1] == pd.Timestamp("2024-12-05T00:30:00Z")
    # what is not a Decimal(23,8) number is null there, and kept as text
    assert pd.isna(frame["expected"][2]) and frame["expected_text"][2] == "ADJ1"
    assert pd.isna(frame["actual"][3]) and frame["actual_text"][3] == "1.123456789"


def test_to_frame_keeps_a_timestamp_that_does_not_read_as_text() -> None:
    frame = _result(
        Finding.make("data.timestamp", "m", timestamp="2024-02-30"),
        Finding.make("data.timestamp", "m", timestamp="2024-02-01"),
    ).to_frame()
    assert frame["timestamp"].dtype == "string[pyarrow]"
    assert frame["timestamp"].tolist() == ["2024-02-30", "2024-02-01"]


def test_to_frame_of_no_findings_has_the_same_columns() -> None:
    empty = _result().to_frame()
    full = _result(Finding.make("data.value", "m", actual="1")).to_frame()
    assert len(empty) == 0
    assert dict(empty.dtypes) == dict(full.dtypes)


@pytest.mark.skipif(not PLANTED.is_dir(), reason="fixtures/planted_week not generated")
def test_to_frame_agrees_with_findings_json(tmp_path: Path) -> None:
    assert main(["check", str(PLANTED), "--out", str(tmp_path), "--no-reports", "--no-progress"])
    doc = json.loads((tmp_path / "findings.json").read_text(encoding="utf-8"))
    frame = recon.check([PLANTED]).to_frame()
    assert len(frame) == len(doc["findings"])
    want = sum(Decimal(f["difference"]) for f in doc["findings"] if f["difference"] is not None)
    assert frame["difference"].sum() == want
    assert frame["expected_text"].tolist() == [
        f["expected"] if f["expected"] is not None else pd.NA for f in doc["findings"]
    ]
