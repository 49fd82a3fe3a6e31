"""recon.sources.loading: detect and read every artefact under some paths, with the
findings and skips met on the way, and progress in artefact-sized steps."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from paths import FIXTURES

from recon.errors import InputError
from recon.models.invoices import Invoice
from recon.models.statements import DetailStatement, SummaryStatement
from recon.sources.detect import sniff
from recon.sources.loading import load, load_artefact

SAMPLE = FIXTURES / "sample_week"
PLANTCO = FIXTURES / "planted_week" / "PLANTCO_2024-12-01"


def test_loads_every_artefact_of_a_folder_with_its_record() -> None:
    loaded, findings, skipped = load([SAMPLE / "csv", SAMPLE / "pdf"])
    assert [f for f in findings if f.severity != "info"] == []
    assert skipped == []
    assert [x.record.path for x in loaded] == sorted(
        str(p) for p in [*(SAMPLE / "csv").iterdir(), *(SAMPLE / "pdf").iterdir()]
    )
    for x in loaded:
        art = sniff(x.record.path)
        assert (x.record.kind, x.record.sha256, x.record.run_id) == (
            art.kind,
            art.sha256,
            art.run_id,
        )
        want = {"summary": SummaryStatement, "detail": DetailStatement, "invoice": Invoice}
        assert isinstance(x.model, want[art.kind.split("_")[0]])


def test_other_files_are_skipped_with_a_reason(tmp_path: Path) -> None:
    shutil.copy(SAMPLE / "csv" / "SWANGEN_51230_INITIAL_SettlementStatementSummary.csv", tmp_path)
    (tmp_path / "notes.txt").write_text("not a statement\n", encoding="utf-8")
    loaded, _, skipped = load([tmp_path])
    assert len(loaded) == 1
    assert [(Path(s["path"]).name, bool(s["reason"])) for s in skipped] == [("notes.txt", True)]


def test_a_csv_with_other_columns_is_a_finding_and_a_skip(tmp_path: Path) -> None:
    src = SAMPLE / "csv" / "SWANGEN_51230_INITIAL_SettlementStatementSummary.csv"
    bad = tmp_path / src.name
    bad.write_bytes(src.read_bytes().replace(b"GST Applicable", b"GST Applies", 1))
    loaded, findings, skipped = load([bad])
    assert loaded == []
    (f,) = [f for f in findings if f.check == "data.columns"]
    assert (f.participant, f.run_id, f.designation) == ("SWANGEN", 51230, "INITIAL")
    assert [s["path"] for s in skipped] == [str(bad)]


def test_an_unreadable_variant_is_coverage_unread(tmp_path: Path) -> None:
    src = SAMPLE / "csv" / "SWANGEN_51230_INITIAL_SettlementStatementSummary.csv"
    semi = tmp_path / src.name
    semi.write_bytes(src.read_bytes().replace(b",", b";"))
    invoice = SAMPLE / "json" / "SWANGEN_51230_INITIAL_Invoice.json"
    loaded, findings, _ = load([semi, invoice])
    assert [x.record.kind for x in loaded] == ["invoice_json"]
    unread = [f for f in findings if f.check == "coverage.unread"]
    assert len(unread) == 1 and unread[0].run_id == 51230
    assert "';'" in unread[0].message
    # alone, nothing can be used: an input error naming why
    with pytest.raises(InputError, match="separates its fields with ';'"):
        load([semi])


def test_progress_moves_in_artefact_steps_to_the_end() -> None:
    seen: list[tuple[int, int]] = []
    loaded, _, _ = load([PLANTCO], progress=lambda done, total: seen.append((done, total)))
    assert seen, "progress was reported"
    totals = {t for _, t in seen}
    assert totals == {len(loaded) * 100}
    dones = [d for d, _ in seen]
    assert dones == sorted(dones) and dones[-1] == len(loaded) * 100


def test_load_artefact_can_keep_detail_values_as_text() -> None:
    art = sniff(SAMPLE / "csv" / "SWANGEN_51230_INITIAL_SettlementStatementDetail.zip")
    from recon.sources.limits import DEFAULT_LIMITS

    text = load_artefact(art, DEFAULT_LIMITS, None, cast=False)
    cast = load_artefact(art, DEFAULT_LIMITS, None)
    assert isinstance(text, DetailStatement) and isinstance(cast, DetailStatement)
    assert "values" not in text.frame.columns and "values" in cast.frame.columns
    assert text.with_values().frame.select("values").equals(cast.frame.select("values"))


def test_nothing_readable_is_an_input_error(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello\n", encoding="utf-8")
    with pytest.raises(InputError):
        load([tmp_path])


def test_every_kind_detection_finds_has_one_reader() -> None:
    from recon.models.kinds import AEMO_KINDS
    from recon.sources import detect
    from recon.sources.loading import READERS

    assert set(READERS) == set(AEMO_KINDS)
    assert not hasattr(detect, "load")  # detection only classifies


def test_each_kind_is_read_by_its_own_reader(tmp_path: Path) -> None:
    import zipfile

    from recon.models.kinds import Kind

    with zipfile.ZipFile(
        SAMPLE / "csv" / "SWANGEN_51230_INITIAL_SettlementStatementDetail.zip"
    ) as z:
        member = z.namelist()[0]
        (tmp_path / "detail.csv").write_bytes(z.read(member))
    paths = [
        *(SAMPLE / "csv").glob("SWANGEN_51230_*"),
        *(SAMPLE / "json").glob("SWANGEN_51230_*"),
        *(SAMPLE / "pdf").glob("SWANGEN_51230_*"),
        tmp_path / "detail.csv",
    ]
    want = {"summary": SummaryStatement, "detail": DetailStatement, "invoice": Invoice}
    seen: set[Kind] = set()
    for path in paths:
        art = sniff(path)
        model = load_artefact(art)
        assert isinstance(model, want[art.kind.artefact]), path
        run = model.run_id if isinstance(model, Invoice) else model.header.run_id
        assert run == art.run_id == 51230
        seen.add(art.kind)
    assert seen == set(Kind) - {Kind.OWN_MAPPING, Kind.OWN_NEM12, Kind.OWN_CSV}


def test_a_kind_without_a_reader_is_refused_by_name() -> None:
    from recon.models.kinds import Kind
    from recon.sources.artefacts import Artefact

    own = Artefact(path=str(SAMPLE / "own.toml"), kind=Kind.OWN_MAPPING, sha256="0" * 64)
    with pytest.raises(ValueError, match="no reader for artefacts of kind 'own_mapping'"):
        load_artefact(own)
