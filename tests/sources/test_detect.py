"""Detection by content (SPEC §6): every kind, renamed files, strays, and light reading."""

from __future__ import annotations

import hashlib
import shutil
import zipfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from builders.detail import detail_document
from builders.invoice import invoice_document, invoice_pdf
from builders.summary import summary_document

from recon.emulator import encode as enc
from recon.models.invoices import Invoice
from recon.models.statements import DetailStatement, SummaryStatement
from recon.sources import detect as det
from recon.sources import json_exact as jx
from recon.sources.detect import Artefact, detect
from recon.sources.loading import load_artefact as load

RUN = {
    "participant": "SWANGEN",
    "period": "TW 01 Dec 2024",
    "run_id": 51230,
    "designation": "INITIAL",
}


def _summary_csv(w: SimpleNamespace) -> bytes:
    return w.summary_bytes(
        [
            w.summary_row("RTMSA_P_D", "2024-12-01", "1.5"),
            w.summary_row("MKTFEE_P_D", "2024-12-01", "-2", p_or_c="Charge"),
        ]
    )


def _detail_csv(w: SimpleNamespace, day: str = "2024-12-01") -> bytes:
    return w.detail_bytes(
        [
            w.detail_row("MSQ_F_I", "SWANGEN_WF1", day, ["1.5"] * 48, day=day),
            w.detail_row(
                "NCQ_NC_D",
                "NIL * NBT-NT 91, SPS_MARNET [LargestContingency]",
                day,
                ["0.5"],
                day=day,
            ),
        ]
    )


def _summary_json() -> bytes:
    return enc.dumps(summary_document())


def _detail_json(day: str = "2024-12-02", *, header_last: bool = False, pad: int = 0) -> bytes:
    variables = [
        {
            "variable": f"V{i}_F_I",
            "scope": "SWANGEN_WF1",
            "tradingDays": [{"tradingDay": f"{day}T00:00:00", "value": ["1.25"] * 48}],
        }
        for i in range(max(pad, 1))
    ]
    doc = detail_document(day, variables)
    return enc.dumps({"variables": doc.pop("variables"), **doc} if header_last else doc)


def _invoice_json(wrapped: bool = True) -> bytes:
    doc = invoice_document([])
    return enc.dumps({"transactionId": "t-1", "data": doc} if wrapped else doc, indent=2)


def _invoice_pdf(path: Path) -> Path:
    path.write_bytes(invoice_pdf())
    return path


@pytest.fixture
def every_kind(tmp_path: Path, wem_csv: SimpleNamespace) -> dict[str, Path]:
    """A folder holding every kind (some renamed, some nested) plus strays."""
    root = tmp_path / "inbox"
    (root / "nested" / "deeper").mkdir(parents=True)
    files = {
        "summary_csv": root / "summary.json",  # a CSV named .json
        "detail_csv": root / "nested" / "day1.txt",  # a CSV named .txt
        "detail_zip": root / "nested" / "deeper" / "detail.pdf",  # a ZIP named .pdf
        "summary_json": root / "summary.csv",  # JSON named .csv
        "detail_json": root / "detail-2024-12-02",  # no extension
        "invoice_json": root / "invoice.zip",  # JSON named .zip
        "invoice_pdf": root / "invoice.json",  # a PDF named .json
    }
    files["summary_csv"].write_bytes(_summary_csv(wem_csv))
    files["detail_csv"].write_bytes(_detail_csv(wem_csv))
    files["detail_zip"].write_bytes(
        wem_csv.zip_bytes(
            {
                "a/2024-12-01.csv": _detail_csv(wem_csv),
                "a/2024-12-02.csv": _detail_csv(wem_csv, "2024-12-02"),
            }
        )
    )
    files["summary_json"].write_bytes(_summary_json())
    files["detail_json"].write_bytes(_detail_json())
    files["invoice_json"].write_bytes(_invoice_json())
    _invoice_pdf(files["invoice_pdf"])
    (root / "notes.txt").write_text("Remember to check the ADJ2 run.\n")
    (root / "nested" / "empty.csv").write_bytes(b"")
    (root / "nested" / "other.csv").write_text("a,b,c\n1,2,3\n")
    (root / "nested" / "blob.bin").write_bytes(bytes(range(256)))
    (root / "nested" / "other.json").write_text('{"hello": "world"}')
    return files


STRAYS = {"notes.txt", "empty.csv", "other.csv", "blob.bin", "other.json"}


def test_every_kind_is_detected_by_content(every_kind: dict[str, Path]) -> None:
    root = every_kind["summary_csv"].parent
    found = detect([root])
    kinds = {Path(a.path).name: a.kind for a in found.artefacts}
    assert kinds == {p.name: k for k, p in every_kind.items()}
    assert {Path(s.path).name for s in found.skipped} == STRAYS
    assert [a.path for a in found.artefacts] == sorted(a.path for a in found.artefacts)
    assert [s.path for s in found.skipped] == sorted(s.path for s in found.skipped)
    for a in found.artefacts:
        assert a.sha256 == hashlib.sha256(Path(a.path).read_bytes()).hexdigest()
        assert (a.participant, a.period, a.run_id, a.designation) == tuple(RUN.values()), a.kind
    by_kind = {a.kind: a for a in found.artefacts}
    assert by_kind["detail_json"].trading_day == "2024-12-02"
    assert by_kind["detail_csv"].trading_day == "2024-12-01"
    reasons = {Path(s.path).name: s.reason for s in found.skipped}
    assert reasons["empty.csv"] == "empty file"
    assert "binary" in reasons["blob.bin"]
    assert "not a Settlement Statement" in reasons["other.csv"]
    assert "not a PaSS" in reasons["other.json"]


def test_load_returns_each_kinds_model(every_kind: dict[str, Path]) -> None:
    found = detect([every_kind["summary_csv"].parent])
    models = {a.kind: load(a) for a in found.artefacts}
    assert isinstance(models["summary_csv"], SummaryStatement)
    assert isinstance(models["summary_json"], SummaryStatement)
    assert models["summary_json"].form == "json" and models["summary_csv"].form == "csv"
    assert isinstance(models["detail_csv"], DetailStatement)
    assert isinstance(models["detail_zip"], DetailStatement)
    assert models["detail_zip"].frame.height == 4
    assert isinstance(models["detail_json"], DetailStatement)
    assert isinstance(models["invoice_json"], Invoice)
    assert isinstance(models["invoice_pdf"], Invoice)
    assert models["invoice_pdf"].form == "pdf"


def test_files_and_folders_mixed_and_repeated(every_kind: dict[str, Path], tmp_path: Path) -> None:
    root = every_kind["summary_csv"].parent
    found = detect([every_kind["invoice_pdf"], root, root / "nested", tmp_path / "missing.csv"])
    assert len(found.artefacts) == len(every_kind)
    assert len({a.path for a in found.artefacts}) == len(found.artefacts)
    missing = [s for s in found.skipped if s.path.endswith("missing.csv")]
    assert missing and missing[0].reason == "no such file or folder"


def test_records_for_findings_json(every_kind: dict[str, Path]) -> None:
    a = detect([every_kind["invoice_json"]]).artefacts[0]
    rec = a.record()
    assert rec.model_dump() == {"path": a.path, "sha256": a.sha256, "kind": "invoice_json", **RUN}
    assert a.run_key == ("SWANGEN", "TW 01 Dec 2024", 51230)


def test_csv_with_a_wrong_column_still_reaches_its_reader(
    tmp_path: Path, wem_csv: SimpleNamespace
) -> None:
    cols = [c if c != "GST Applicable" else "GST" for c in wem_csv.SUMMARY_COLUMNS]
    row = wem_csv.summary_row("RTMSA_P_D", "2024-12-01", "1")
    row["GST"] = row.pop("GST Applicable")
    p = tmp_path / "s.csv"
    p.write_bytes(wem_csv.csv_bytes(cols, [row]))
    found = detect([p])
    assert [a.kind for a in found.artefacts] == ["summary_csv"]
    from recon.sources.validate import ColumnsError

    with pytest.raises(ColumnsError):
        load(found.artefacts[0])


def test_bom_and_header_only_csv(tmp_path: Path, wem_csv: SimpleNamespace) -> None:
    p = tmp_path / "d.csv"
    p.write_bytes(wem_csv.detail_bytes([], bom=True))
    a = detect([p]).artefacts[0]
    assert a.kind == "detail_csv" and a.participant is None


def test_zip_that_holds_no_detail_csv_is_skipped(tmp_path: Path, wem_csv: SimpleNamespace) -> None:
    (tmp_path / "summary.zip").write_bytes(wem_csv.zip_bytes({"s.csv": _summary_csv(wem_csv)}))
    (tmp_path / "docs.zip").write_bytes(wem_csv.zip_bytes({"word/document.xml": b"<w/>"}))
    (tmp_path / "empty.zip").write_bytes(wem_csv.zip_bytes({}))
    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    found = detect([tmp_path])
    assert found.artefacts == []
    reasons = {Path(s.path).name: s.reason for s in found.skipped}
    assert "Summary CSV" in reasons["summary.zip"]
    assert "no Settlement Statement CSV" in reasons["docs.zip"]
    assert "ZIP" in reasons["empty.zip"] and "ZIP" in reasons["broken.zip"]


def test_pdf_that_is_not_an_invoice_is_skipped_and_one_that_does_not_open_unread(
    tmp_path: Path,
) -> None:
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(tmp_path / "letter.pdf"))
    c.drawString(40, 800, "Dear participant")
    c.showPage()
    c.save()
    (tmp_path / "fake.pdf").write_bytes(b"%PDF-1.4\nnot really a pdf")
    found = detect([tmp_path])
    assert found.artefacts == []
    reasons = {Path(s.path).name: s.reason for s in found.skipped}
    assert "without invoice content" in reasons["letter.pdf"]
    # A PDF (by its magic) that does not open may be a damaged invoice: never unseen.
    assert "a PDF that cannot be read as a PDF" in reasons["fake.pdf"]
    assert [(Path(u.path).name, u.kind) for u in found.unread] == [("fake.pdf", "invoice_pdf")]


def test_malformed_json_is_skipped_with_the_parser_position(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text('{"runId": 1,\n "variables": [}')
    (tmp_path / "array.json").write_text("[1, 2]")
    (tmp_path / "error.json").write_text(
        '{"transactionId": "t", "errors": [{"code": "404", "title": "Not Found"}]}'
    )
    found = detect([tmp_path])
    reasons = {Path(s.path).name: s.reason for s in found.skipped}
    assert "not valid JSON" in reasons["bad.json"]
    assert "array" in reasons["array.json"]
    assert "error response" in reasons["error.json"]


def test_json_with_nan_is_detected_and_refused_by_its_reader(tmp_path: Path) -> None:
    p = tmp_path / "nan.json"
    p.write_bytes(_detail_json().replace(b'"1.25"', b"NaN", 1))
    a = detect([p]).artefacts[0]
    assert a.kind == "detail_json"
    from recon.errors import InputError

    with pytest.raises(InputError, match="NaN"):
        load(a)


def test_big_json_reads_only_a_prefix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = tmp_path / "big.json"
    p.write_bytes(_detail_json(pad=400))
    assert p.stat().st_size > 2 * det.PREFIX_BYTES

    def no_full_parse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the whole document was parsed")

    monkeypatch.setattr(jx, "loads", no_full_parse)
    a = detect([p]).artefacts[0]
    assert (a.kind, a.run_id, a.trading_day) == ("detail_json", 51230, "2024-12-02")


def test_big_json_with_its_header_last_is_still_detected(tmp_path: Path) -> None:
    p = tmp_path / "late.json"
    p.write_bytes(_detail_json(pad=400, header_last=True))
    a = detect([p]).artefacts[0]
    assert (a.kind, a.participant, a.run_id) == ("detail_json", "SWANGEN", 51230)


def test_zip_members_are_never_extracted(
    tmp_path: Path, wem_csv: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = tmp_path / "d.zip"
    p.write_bytes(wem_csv.zip_bytes({"d1.csv": _detail_csv(wem_csv)}))

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("extracted to disk")

    monkeypatch.setattr(zipfile.ZipFile, "extract", refuse)
    monkeypatch.setattr(zipfile.ZipFile, "extractall", refuse)
    assert detect([p]).artefacts[0].kind == "detail_zip"
    assert sorted(q.name for q in tmp_path.iterdir()) == ["d.zip"]


def test_artefact_kinds_are_the_spec_list() -> None:
    assert set(det.KINDS) == {
        "summary_csv",
        "detail_csv",
        "detail_zip",
        "summary_json",
        "detail_json",
        "invoice_json",
        "invoice_pdf",
    }
    with pytest.raises(ValueError):
        Artefact(path="x", kind="spreadsheet", sha256="0")  # type: ignore[arg-type]


def test_sample_week_with_renamed_extensions(sample_week: Path, tmp_path: Path) -> None:
    """The sample week copied with every extension changed reads the same."""
    original = detect([sample_week])
    # own.toml and own/ are the participant's own data (--own, SPEC §9), not artefacts.
    own = {"own.toml", "own"}
    assert [s for s in original.skipped if not own & set(Path(s.path).parts)] == []
    assert {a.kind for a in original.artefacts} == set(det.KINDS) - {"detail_csv"}
    renames = {".csv": ".json", ".json": ".pdf", ".pdf": ".zip", ".zip": ".csv"}
    copies: dict[str, str] = {}
    for a in original.artefacts:
        src = Path(a.path)
        dst = tmp_path / src.parent.name / (src.stem + renames[src.suffix])
        dst.parent.mkdir(exist_ok=True)
        shutil.copyfile(src, dst)
        copies[str(dst)] = a.kind
    (tmp_path / "README.txt").write_text("SWANGEN sample week, renamed.\n")
    found = detect([tmp_path])
    assert {a.path: a.kind for a in found.artefacts} == copies
    assert [Path(s.path).name for s in found.skipped] == ["README.txt"]
    runs = {(a.participant, a.period, a.run_id, a.designation) for a in found.artefacts}
    assert runs == {(a.participant, a.period, a.run_id, a.designation) for a in original.artefacts}
