"""sources/artefacts: what detection returns (Artefact, Skipped, Unread, Detection) and the
run a sniffer's values name (run_info)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from paths import FIXTURES
from pydantic import ValidationError

from recon.sources.artefacts import (
    KINDS,
    Artefact,
    Detection,
    NotAnArtefact,
    Skipped,
    Unread,
    Unreadable,
    run_info,
)
from recon.sources.detect import detect

SAMPLE = FIXTURES / "sample_week"


def test_run_info_cleans_what_a_sniffer_found() -> None:
    info = run_info(
        {
            "participant": " SWANGEN ",
            "period": "TW 01 Dec 2024",
            "run_id": "51230",
            "designation": "INITIAL",
            "trading_day": "2024-12-03T00:00:00+08:00",
        }
    )
    assert info == {
        "participant": "SWANGEN",
        "period": "TW 01 Dec 2024",
        "run_id": 51230,
        "designation": "INITIAL",
        "trading_day": "2024-12-03",
    }


@pytest.mark.parametrize(
    "values",
    [{}, {"participant": "", "period": " ", "run_id": "x", "trading_day": "Tuesday"}],
)
def test_run_info_gives_none_for_what_is_missing_or_unusable(values: dict) -> None:
    assert run_info(values) == dict.fromkeys(
        ("participant", "period", "run_id", "designation", "trading_day")
    )


def test_the_sample_week_is_detected_as_artefacts_with_their_runs() -> None:
    found = detect([SAMPLE])
    assert isinstance(found, Detection)
    assert found.unread == []
    paths = [a.path for a in found.artefacts]
    assert paths == sorted(paths)
    assert {a.kind for a in found.artefacts} <= set(KINDS)
    # Every settlement file of the sample week (the own-data files are not artefacts).
    files = sorted(p for p in SAMPLE.rglob("*") if p.is_file() and "own" not in p.parts[-2:])
    files = [p for p in files if p.name != "own.toml"]
    assert len(found.artefacts) == len(files)
    for a in found.artefacts:
        assert a.sha256 == hashlib.sha256(Path(a.path).read_bytes()).hexdigest()
        name = Path(a.path).name
        assert a.participant == "SWANGEN" and a.period == "TW 01 Dec 2024"
        assert str(a.run_id) in name and a.designation in name
    assert found.of_kind("invoice_pdf") == [a for a in found.artefacts if a.kind == "invoice_pdf"]
    assert len(found.of_kind("summary_csv", "summary_json")) == 6


def test_skipped_files_say_why() -> None:
    found = detect([SAMPLE])
    skipped = {Path(s.path).name: s.reason for s in found.skipped}
    assert skipped.get("own.toml")
    assert all(s.as_dict() == {"path": s.path, "reason": s.reason} for s in found.skipped)


def test_the_models_are_frozen_and_checked() -> None:
    a = Artefact(path="x.csv", kind="summary_csv", sha256="0" * 64)
    with pytest.raises(ValidationError):
        a.path = "y.csv"  # type: ignore[misc]
    with pytest.raises(ValidationError):
        Artefact(path="x.csv", kind="spreadsheet", sha256="0" * 64)  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        Skipped(path="x", reason="r").reason = "s"  # type: ignore[misc]
    assert Unread(path="x", reason="r").kind is None


def test_unreadable_is_not_an_artefact_with_its_kind_and_run() -> None:
    e = Unreadable("separated by ';'", "summary_csv", {"run_id": 5})
    assert isinstance(e, NotAnArtefact)
    assert (str(e), e.kind, e.info) == ("separated by ';'", "summary_csv", {"run_id": 5})
    assert Unreadable("damaged").info == {}
