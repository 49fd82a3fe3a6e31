"""``fetch_week`` against the emulator over real TLS: complete, content-addressed, atomic."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from emulator_testing import FakeClock, TestPki
from paths import FIXTURES

from recon.emulator import Faults, PassEmulator
from recon.errors import FetchError, OutputError, UsageError
from recon.pass_client.client import PassClient
from recon.pass_client.config import PassConfig
from recon.pass_client.fetch import (
    TEMP_PREFIX,
    FetchReport,
    artefact_name,
    content_sha256,
    fetch_week,
)
from recon.pass_client.protocol import document_of
from recon.pass_client.retry import RetryPolicy

SAMPLE_WEEK = FIXTURES / "sample_week"
WEEK = date(2024, 12, 1)


def _names(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def _json_doc(path: Path) -> object:
    return document_of(path.read_bytes())


def test_fetch_mini_week(
    emulator: PassEmulator, make_client, tmp_path: Path, mini_week: Path
) -> None:
    out = tmp_path / "fetched"
    progress: list[tuple[int, int, str]] = []
    report = fetch_week(make_client(emulator), WEEK, out, progress=lambda *a: progress.append(a))
    assert [e.run_id for e in report.runs] == [900101, 900202]
    assert len(report.written) == 2 * (1 + 7 + 2) and report.unchanged == []
    assert report.complete and report.missing == []
    assert progress[0] == (0, 20, "timeline") and progress[-1][:2] == (20, 20)
    names = _names(out)
    assert len(names) == 20 and not any(n.startswith(".") for n in names)
    for f in report.files:
        assert f.path.name == artefact_name(f.kind, f.run_id, f.sha256, f.trading_day)
        assert f.sha256[:12] in f.path.name and f.size == f.path.stat().st_size
    # What was stored is what the server holds, in the PaSS envelope.
    by_kind = {(f.kind, f.run_id, f.trading_day): f.path for f in report.files}
    summary = by_kind[("summary", 900101, None)]
    assert summary.name.startswith("900101_summary_") and summary.suffix == ".json"
    assert set(json.loads(summary.read_bytes())) == {"transactionId", "data"}
    assert _json_doc(summary) == _json_doc(mini_week / "summary_900101.json")
    detail = by_kind[("detail", 900202, date(2024, 12, 3))]
    assert detail.name.startswith("900202_detail_2024-12-03_")
    assert _json_doc(detail) == _json_doc(mini_week / "detail_900202_2024-12-03.json")
    pdf = by_kind[("invoice_pdf", 900202, None)]
    assert pdf.name.startswith("900202_invoice_") and pdf.suffix == ".pdf"
    assert pdf.read_bytes() == (mini_week / "invoice_900202.pdf").read_bytes()
    invoice = by_kind[("invoice", 900202, None)]
    assert _json_doc(invoice) == _json_doc(mini_week / "invoice_900202.json")


def test_second_fetch_writes_nothing_new(
    emulator: PassEmulator, make_client, tmp_path: Path
) -> None:
    out = tmp_path / "fetched"
    first = fetch_week(make_client(emulator), WEEK, out)
    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    second = fetch_week(make_client(emulator), WEEK, out)
    assert second.written == []
    assert sorted(second.unchanged) == sorted(first.written)
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == before


def test_republication_is_kept_beside_the_old(
    pki: TestPki, mini_week: Path, make_client, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    shutil.copytree(mini_week, data)
    out = tmp_path / "fetched"
    with PassEmulator(data, pki.server_cert, pki.server_key, pki.ca) as emu:
        fetch_week(make_client(emu), WEEK, out, run_id=900101)
        doc = json.loads((data / "summary_900101.json").read_text())
        doc["variables"][0]["tradingDays"][0]["value"] = ["1.00000000"]
        (data / "summary_900101.json").write_text(json.dumps(doc))
        emu.reload()
        again = fetch_week(make_client(emu), WEEK, out, run_id=900101)
    assert [p.name.split("_")[1] for p in again.written] == ["summary"]
    summaries = sorted(out.glob("900101_summary_*.json"))
    assert len(summaries) == 2  # the old one kept, the new one beside it
    values = {
        _json_doc(p)["variables"][0]["tradingDays"][0]["value"][0]  # type: ignore[index]
        for p in summaries
    }
    assert "1.00000000" in values and len(values) == 2


def test_dropped_connection_leaves_no_partial_file(
    emulator: PassEmulator, make_client, tmp_path: Path, clock: FakeClock
) -> None:
    out = tmp_path / "fetched"
    emulator.set_faults(Faults(drop=10, path=r"/invoices/900101/pdf$"))
    client = make_client(emulator, retry=RetryPolicy(max_attempts=3))
    with pytest.raises(FetchError) as err:
        fetch_week(client, WEEK, out)
    assert "invoice PDF of run 900101" in str(err.value)
    assert "dropped" in str(err.value) and "gave up after 3 attempts" in str(err.value)
    assert [r.fault for r in emulator.requests if r.path.endswith("/pdf")] == ["drop"] * 3
    names = _names(out)
    assert not any(n.endswith(".pdf") for n in names)
    assert not any(n.startswith(TEMP_PREFIX) or n.endswith(".part") for n in names)
    assert len(names) == 9  # the summary, seven days and the invoice JSON of run 900101
    for p in out.iterdir():
        json.loads(p.read_bytes())  # every file that is there is whole


def test_dropped_connection_once_is_retried_and_stored_whole(
    emulator: PassEmulator, make_client, tmp_path: Path, mini_week: Path
) -> None:
    out = tmp_path / "fetched"
    emulator.set_faults(Faults(drop=1, path=r"/pdf$"))
    report = fetch_week(make_client(emulator), WEEK, out, run_id=900202)
    pdf = next(f.path for f in report.files if f.kind == "invoice_pdf")
    assert pdf.read_bytes() == (mini_week / "invoice_900202.pdf").read_bytes()


def test_fetch_one_run_or_refuse_an_unknown_one(
    emulator: PassEmulator, make_client, tmp_path: Path
) -> None:
    report = fetch_week(make_client(emulator), WEEK, tmp_path / "a", run_id=900202)
    assert {f.run_id for f in report.files} == {900202} and len(report.files) == 10
    with pytest.raises(FetchError, match="run 777 is not in the PaSS timeline"):
        fetch_week(make_client(emulator), WEEK, tmp_path / "b", run_id=777)


def test_week_must_be_a_sunday(emulator: PassEmulator, make_client, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="is a Monday"):
        fetch_week(make_client(emulator), date(2024, 12, 2), tmp_path)
    assert emulator.requests == []


def test_empty_week(emulator: PassEmulator, make_client, tmp_path: Path) -> None:
    report = fetch_week(make_client(emulator), date(2024, 12, 8), tmp_path / "x")
    assert report.runs == [] and report.files == [] and report.complete


def test_missing_day_is_reported_not_fatal(
    pki: TestPki, mini_week: Path, make_client, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    shutil.copytree(mini_week, data)
    (data / "detail_900101_2024-12-05.json").unlink()
    with PassEmulator(data, pki.server_cert, pki.server_key, pki.ca) as emu:
        report = fetch_week(make_client(emu), WEEK, tmp_path / "out", run_id=900101)
    assert not report.complete
    assert [(m.kind, m.trading_day) for m in report.missing] == [("detail", date(2024, 12, 5))]
    assert "404" in report.missing[0].problem
    assert len(report.written) == 9


def test_stale_temp_files_are_cleared(emulator: PassEmulator, make_client, tmp_path: Path) -> None:
    out = tmp_path / "fetched"
    out.mkdir()
    stale = out / f"{TEMP_PREFIX}abc.part"
    stale.write_bytes(b"half a bo")
    fetch_week(make_client(emulator), WEEK, out, run_id=900101)
    assert not stale.exists()


def test_content_sha_ignores_transaction_id() -> None:
    a = b'{"transactionId":"1","data":{"runId":1,"v":[1.50000000]}}'
    b = b'{"transactionId": "2", "data": {"v": [1.50000000], "runId": 1}}'
    c = b'{"transactionId":"1","data":{"runId":1,"v":[1.50000001]}}'
    assert content_sha256(a, "summary") == content_sha256(b, "summary")
    assert content_sha256(a, "summary") != content_sha256(c, "summary")
    assert content_sha256(b"%PDF-1", "invoice_pdf") != content_sha256(b"%PDF-2", "invoice_pdf")


# --- the sample week ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_fetch(
    pki: TestPki, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[FetchReport, PassEmulator]]:
    out = tmp_path_factory.mktemp("sample_fetched")
    clock = FakeClock()
    with PassEmulator(SAMPLE_WEEK, pki.server_cert, pki.server_key, pki.ca) as emu:
        config = PassConfig(emu.url, "SWANGEN", pki.client_cert, pki.client_key, pki.ca, 30)
        with PassClient(config, clock=clock, sleep=clock.sleep) as client:
            yield fetch_week(client, WEEK, out), emu


def test_full_fetch_of_the_sample_week(sample_fetch: tuple[FetchReport, PassEmulator]) -> None:
    report, emu = sample_fetch
    assert [(e.run_id, e.designation.value) for e in report.runs] == [
        (51230, "INITIAL"),
        (53874, "ADJ1"),
        (56492, "ADJ2"),
    ]
    assert report.complete and len(report.written) == 3 * (1 + 7 + 2)
    assert emu.refused_handshakes == []
    fixtures: dict[tuple[str, str], dict[str, object]] = {}
    for p in (SAMPLE_WEEK / "json").glob("*.json"):
        doc = _json_doc(p)
        assert isinstance(doc, dict)
        what = (
            "invoice"
            if "invoiceNumber" in doc
            else str(doc.get("settlementTradingDay", ""))[:10] or "summary"
        )
        fixtures[(str(doc["runId"]), what)] = doc
    for f in report.files:
        if f.kind == "invoice_pdf":
            name = next((SAMPLE_WEEK / "pdf").glob(f"*_{f.run_id}_*.pdf"))
            assert f.path.read_bytes() == name.read_bytes()
            continue
        what = f.trading_day.isoformat() if f.trading_day else f.kind
        assert _json_doc(f.path) == fixtures[(str(f.run_id), what)]


def test_check_on_fetched_matches_check_on_fixtures(
    sample_fetch: tuple[FetchReport, PassEmulator],
) -> None:
    from recon import check

    report, _ = sample_fetch
    # Every run's Summary and Invoice JSON and the Detail of one Trading Day, so that the
    # invoice, adjustment and summary-detail checks all run and the test stays quick. (The
    # fetched PDFs are byte for byte the fixtures', as test_full_fetch_of_the_sample_week
    # shows, and reading PDFs is what makes a check slow.)
    day = date(2024, 12, 3)
    fetched_files = [
        f.path for f in report.files if f.kind in ("summary", "invoice") or f.trading_day == day
    ]
    fixture_files = [
        p
        for p in sorted((SAMPLE_WEEK / "json").glob("*.json"))
        if "Detail" not in p.name or p.stem.endswith(day.isoformat())
    ]
    assert len(fetched_files) == len(fixture_files) == 3 * 3
    fetched = check(fetched_files)
    direct = check(fixture_files)

    def key(f: object) -> tuple[object, ...]:
        d = f.model_dump(mode="json")  # type: ignore[attr-defined]
        d.pop("source", None)
        return tuple(sorted(d.items()))

    assert sorted(map(key, fetched.findings)) == sorted(map(key, direct.findings))
    assert len(fetched.inputs) == len(direct.inputs) == 9
    assert fetched.counts == direct.counts


def test_artefact_names() -> None:
    sha = "0123456789abcdef" * 4
    assert artefact_name("summary", 51230, sha) == "51230_summary_0123456789ab.json"
    assert artefact_name("invoice", 51230, sha) == "51230_invoice_0123456789ab.json"
    assert artefact_name("invoice_pdf", 51230, sha) == "51230_invoice_0123456789ab.pdf"
    assert (
        artefact_name("detail", 51230, sha, date(2024, 12, 1))
        == "51230_detail_2024-12-01_0123456789ab.json"
    )
    assert artefact_name("summary", 51230, sha, sha_chars=64) == f"51230_summary_{sha}.json"


def test_a_different_file_under_the_short_name_is_kept_beside(
    emulator: PassEmulator, make_client, tmp_path: Path
) -> None:
    first = fetch_week(make_client(emulator), WEEK, tmp_path / "a", run_id=900101)
    summary = next(f for f in first.files if f.kind == "summary")
    out = tmp_path / "b"
    out.mkdir()
    squatter = out / summary.path.name
    squatter.write_bytes(b'{"runId": 900101, "variables": []}')
    report = fetch_week(make_client(emulator), WEEK, out, run_id=900101)
    got = next(f for f in report.files if f.kind == "summary")
    assert got.written and got.path.name == f"900101_summary_{summary.sha256}.json"
    assert content_sha256(got.path.read_bytes(), "summary") == summary.sha256
    assert squatter.read_bytes() == b'{"runId": 900101, "variables": []}'  # kept as it was
    again = fetch_week(make_client(emulator), WEEK, out, run_id=900101)
    assert next(f for f in again.files if f.kind == "summary").path == got.path
    assert again.written == []


def test_an_out_dir_that_cannot_be_made_is_an_output_error(
    emulator: PassEmulator, make_client, tmp_path: Path
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(OutputError, match=f"cannot create {blocker / 'out'}"):
        fetch_week(make_client(emulator), WEEK, blocker / "out")
    assert emulator.requests == []
