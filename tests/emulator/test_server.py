"""The PaSS emulator itself: what it serves, its AEMO-shaped errors, its faults, its TLS."""

from __future__ import annotations

import json
import ssl
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from emulator_testing import TestPki
from paths import FIXTURES

from recon.emulator import EmulatorConfig, Faults, PassEmulator
from recon.emulator.certs import write_demo_pki
from recon.pass_client.client import PassClient
from recon.pass_client.config import PassConfig
from recon.pass_client.protocol import document_of

SAMPLE_WEEK = FIXTURES / "sample_week"


@pytest.fixture()
def raw(emulator: PassEmulator, pki: TestPki) -> Iterator[httpx.Client]:
    """A bare httpx client with the good client certificate, no default headers."""
    ctx = ssl.create_default_context(cafile=str(pki.ca))
    ctx.load_cert_chain(str(pki.client_cert), str(pki.client_key))
    with httpx.Client(base_url=emulator.url, verify=ctx, timeout=5) as client:
        yield client


HEADERS = {"x-initiatingParticipantId": "SWANGEN", "x-market": "WEM"}


def _error(r: httpx.Response) -> dict[str, str]:
    doc = r.json()
    assert set(doc) == {"transactionId", "errors"} and doc["transactionId"]
    assert set(doc["errors"][0]) == {"code", "title", "detail"}
    return doc["errors"][0]


def test_listens_on_loopback_only_by_default(emulator: PassEmulator) -> None:
    assert emulator.url.startswith("https://127.0.0.1:")


def test_serves_json_as_held_in_a_fresh_envelope(raw: httpx.Client, mini_week: Path) -> None:
    first = raw.get("/statements/900101/summary", headers=HEADERS)
    second = raw.get("/statements/900101/summary", headers=HEADERS)
    assert first.status_code == 200 and first.headers["content-type"] == "application/json"
    held = (mini_week / "summary_900101.json").read_bytes()
    assert first.content.endswith(b',"data":' + held.strip() + b"}")  # the bytes as held
    assert first.json()["transactionId"] != second.json()["transactionId"]
    assert document_of(first.content) == document_of(second.content)


def test_serves_detail_invoice_and_pdf(raw: httpx.Client, mini_week: Path) -> None:
    r = raw.get("/statements/900202/detail", params={"tradingDay": "2024-12-03"}, headers=HEADERS)
    assert r.status_code == 200
    assert r.json()["data"]["settlementTradingDay"] == "2024-12-03T00:00:00"
    r = raw.get("/invoices/900202", headers=HEADERS)
    assert r.json()["data"]["invoiceNumber"] == "WEM-INV-900202-SWANGEN"
    r = raw.get("/invoices/900202/pdf", headers=HEADERS)
    assert r.headers["content-type"] == "application/pdf"
    assert r.content == (mini_week / "invoice_900202.pdf").read_bytes()


def test_timeline_from_held_headers(raw: httpx.Client) -> None:
    r = raw.get(
        "/timeline",
        params={"participantCode": "SWANGEN", "tradingWeek": "2024-12-01"},
        headers=HEADERS,
    )
    data = r.json()["data"]
    assert [(d["runId"], d["designation"]) for d in data] == [(900101, "INITIAL"), (900202, "ADJ1")]
    assert data[0] == {
        "runId": 900101,
        "designation": "INITIAL",
        "period": "TW 01 Dec 2024",
        "periodFrom": "2024-12-01",
        "periodTo": "2024-12-07",
        "publishedAt": "2024-12-12T15:30:00",
        "participantCode": "SWANGEN",
    }
    r = raw.get(
        "/timeline",
        params={"participantCode": "SWANGEN", "tradingWeek": "2024-12-08"},
        headers=HEADERS,
    )
    assert r.status_code == 200 and r.json()["data"] == []


@pytest.mark.parametrize(
    ("path", "params", "headers", "status", "code"),
    [
        ("/statements/900101/summary", {}, {"x-market": "WEM"}, 401, "UNAUTHORIZED"),
        (
            "/statements/900101/summary",
            {},
            {**HEADERS, "x-initiatingParticipantId": "NOBODY"},
            403,
            "FORBIDDEN",
        ),
        (
            "/timeline",
            {"participantCode": "OTHER", "tradingWeek": "2024-12-01"},
            HEADERS,
            403,
            "FORBIDDEN",
        ),
        ("/statements/900101/summary", {}, {**HEADERS, "x-market": "NEM"}, 400, "BAD_REQUEST"),
        ("/timeline", {"participantCode": "SWANGEN"}, HEADERS, 400, "BAD_REQUEST"),
        (
            "/timeline",
            {"participantCode": "SWANGEN", "tradingWeek": "01/12/2024"},
            HEADERS,
            400,
            "BAD_REQUEST",
        ),
        (
            "/timeline",
            {"participantCode": "SWANGEN", "tradingWeek": "2024-12-04"},
            HEADERS,
            400,
            "BAD_REQUEST",
        ),
        ("/statements/900101/detail", {}, HEADERS, 400, "BAD_REQUEST"),
        ("/statements/900101/detail", {"tradingDay": "tomorrow"}, HEADERS, 400, "BAD_REQUEST"),
        ("/statements/900101/detail", {"tradingDay": "2024-12-09"}, HEADERS, 404, "NOT_FOUND"),
        ("/statements/424242/summary", {}, HEADERS, 404, "NOT_FOUND"),
        ("/invoices/424242/pdf", {}, HEADERS, 404, "NOT_FOUND"),
        ("/nowhere", {}, HEADERS, 404, "NOT_FOUND"),
    ],
)
def test_aemo_shaped_errors(
    raw: httpx.Client,
    path: str,
    params: dict[str, str],
    headers: dict[str, str],
    status: int,
    code: str,
) -> None:
    r = raw.get(path, params=params, headers=headers)
    assert r.status_code == status
    assert _error(r)["code"] == code


def test_only_get(raw: httpx.Client) -> None:
    r = raw.post("/statements/900101/summary", headers=HEADERS)
    assert r.status_code == 405 and _error(r)["code"] == "METHOD_NOT_ALLOWED"


def test_faults_429_503_in_order_and_by_path(emulator: PassEmulator, raw: httpx.Client) -> None:
    emulator.set_faults(Faults(status_429=1, retry_after=2, status_503=1, path="/invoices/"))
    assert raw.get("/statements/900101/summary", headers=HEADERS).status_code == 200
    r = raw.get("/invoices/900101", headers=HEADERS)
    assert r.status_code == 429 and r.headers["Retry-After"] == "2"
    assert _error(r)["code"] == "TOO_MANY_REQUESTS"
    assert raw.get("/invoices/900101", headers=HEADERS).status_code == 503
    assert raw.get("/invoices/900101", headers=HEADERS).status_code == 200
    assert [r.fault for r in emulator.requests] == [None, "429", "503", None]


def test_fault_drop_cuts_the_body(emulator: PassEmulator, raw: httpx.Client) -> None:
    emulator.set_faults(Faults(drop=1))
    with pytest.raises(httpx.TransportError):
        raw.get("/invoices/900101/pdf", headers=HEADERS)
    assert raw.get("/invoices/900101/pdf", headers=HEADERS).status_code == 200


def test_emulator_from_config_and_demo_pki(tmp_path: Path, mini_week: Path) -> None:
    demo = write_demo_pki(tmp_path / "pki", participant="SWANGEN")
    assert write_demo_pki(tmp_path / "pki") == demo  # reused
    assert (demo.client_key.stat().st_mode & 0o077) == 0
    cfg = EmulatorConfig(
        data_dir=mini_week, cert=demo.server_cert, key=demo.server_key, client_ca=demo.ca
    )
    with (
        PassEmulator.from_config(cfg) as emu,
        PassClient(
            PassConfig(emu.url, "SWANGEN", demo.client_cert, demo.client_key, demo.ca, 5)
        ) as client,
    ):
        assert json.loads(client.invoice(900101))["data"]["runId"] == 900101
    with pytest.raises(RuntimeError):
        _ = emu.url  # stopped


def test_reload_picks_up_new_files(
    emulator: PassEmulator, tmp_path: Path, raw: httpx.Client
) -> None:
    assert len(emulator.holdings.runs) == 2
    assert emulator.participants == {"SWANGEN"}
    emulator.reload()
    assert len(emulator.holdings.runs) == 2


@pytest.mark.skipif(not (SAMPLE_WEEK / "csv").is_dir(), reason="fixtures/sample_week not built")
def test_converts_csv_when_no_json_is_held(pki: TestPki) -> None:
    with PassEmulator(SAMPLE_WEEK / "csv", pki.server_cert, pki.server_key, pki.ca) as emu:
        runs = emu.timeline("SWANGEN")
        assert [e.designation.value for e in runs] == ["INITIAL", "ADJ1", "ADJ2"]
        ctx = ssl.create_default_context(cafile=str(pki.ca))
        ctx.load_cert_chain(str(pki.client_cert), str(pki.client_key))
        with httpx.Client(base_url=emu.url, verify=ctx, timeout=10) as raw:
            s = raw.get(f"/statements/{runs[0].run_id}/summary", headers=HEADERS)
            d = raw.get(
                f"/statements/{runs[0].run_id}/detail",
                params={"tradingDay": "2024-12-07"},
                headers=HEADERS,
            )
            pdf = raw.get(f"/invoices/{runs[0].run_id}/pdf", headers=HEADERS)
    from recon.sources.json_exact import loads
    from recon.sources.statement_json import parse_summary_document

    def rows(body: bytes) -> list[tuple[object, ...]]:
        st = parse_summary_document(loads(body), "x")
        return [
            (r.variable, r.timestamp, r.payment_or_charge, r.gst_applicable, r.value)
            for r in st.rows
        ]

    held = SAMPLE_WEEK / "json" / "SWANGEN_51230_INITIAL_SettlementStatementSummary.json"
    assert s.status_code == 200
    assert rows(s.content) == rows(held.read_bytes())  # the CSV, converted, reads the same
    assert d.status_code == 200 and d.json()["data"]["settlementTradingDay"].startswith(
        "2024-12-07"
    )
    assert pdf.status_code == 404  # no PDF in csv/


def test_odd_but_readable_files_are_still_served(
    tmp_path: Path, mini_week: Path, pki: TestPki
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    summary = (mini_week / "summary_900101.json").read_bytes()
    (data / "summary.json").write_bytes(b"\xef\xbb\xbf" + summary)  # a UTF-8 BOM
    invoice = json.loads((mini_week / "invoice_900101.json").read_bytes())
    del invoice["issuedAt"]
    (data / "invoice.json").write_text(json.dumps(invoice))
    (data / "notes.txt").write_text("not an artefact")
    (data / "other.json").write_text('{"hello": "world"}')
    with PassEmulator(data, pki.server_cert, pki.server_key, pki.ca) as emu:
        assert [e.run_id for e in emu.timeline("SWANGEN")] == [900101]
        with PassClient(
            PassConfig(emu.url, "SWANGEN", pki.client_cert, pki.client_key, pki.ca, 5)
        ) as client:
            assert document_of(client.summary(900101)) == document_of(summary)
            assert "issuedAt" not in document_of(client.invoice(900101))
        skipped = {p.name for p, _ in emu.holdings.skipped}
        assert skipped == {"notes.txt", "other.json"}


@pytest.mark.parametrize(
    ("params", "detail"),
    [
        ({"tradingWeek": "2024-12-01"}, "participantCode is required"),
        ({"participantCode": "SWANGEN"}, "tradingWeek is required (yyyy-mm-dd)"),
        (
            {"participantCode": "SWANGEN", "tradingWeek": "2024-12-1"},
            "tradingWeek must be a date, yyyy-mm-dd",
        ),
    ],
)
def test_a_timeline_asked_badly_says_what_it_needs(
    raw: httpx.Client, params: dict[str, str], detail: str
) -> None:
    r = raw.get("/timeline", params=params, headers=HEADERS)
    assert r.status_code == 400
    assert _error(r) == {"code": "BAD_REQUEST", "title": "Bad Request", "detail": detail}


def test_start_and_stop_twice_are_harmless(pki: TestPki, mini_week: Path) -> None:
    emu = PassEmulator(mini_week, pki.server_cert, pki.server_key, pki.ca)
    assert emu.start() is emu and emu.start() is emu
    url = emu.url
    assert url.startswith("https://127.0.0.1:")
    emu.stop()
    emu.stop()
    with pytest.raises(RuntimeError):
        _ = emu.url
