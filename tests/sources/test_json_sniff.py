"""recon.sources.json_sniff: a PaSS document's kind and run from a prefix of its text (the
sample week's documents, cut short), and the one rule for the kind (``json_kind``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from paths import FIXTURES

from recon.sources.artefacts import NotAnArtefact
from recon.sources.json_sniff import json_kind, opens_json_object, sniff_json
from recon.sources.limits import DEFAULT_LIMITS

JSON = FIXTURES / "sample_week" / "json"
DETAIL = JSON / "SWANGEN_51230_INITIAL_SettlementStatementDetail_2024-12-01.json"
SUMMARY = JSON / "SWANGEN_53874_ADJ1_SettlementStatementSummary.json"
INVOICE = JSON / "SWANGEN_51230_INITIAL_Invoice.json"  # in a transactionId/data envelope


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("path", "kind", "run_id", "day"),
    [
        (DETAIL, "detail_json", 51230, "2024-12-01"),
        (SUMMARY, "summary_json", 53874, None),
        (INVOICE, "invoice_json", 51230, None),
    ],
)
def test_the_kind_and_run_of_each_document(
    path: Path, kind: str, run_id: int, day: str | None
) -> None:
    info = sniff_json(path, _text(path), True, DEFAULT_LIMITS)
    assert info["kind"] == kind
    assert (info["participant"], info["run_id"], info["trading_day"]) == ("SWANGEN", run_id, day)


def test_a_prefix_that_shows_the_keys_is_enough(tmp_path: Path) -> None:
    """A prefix ending in the Value arrays still gives the Detail's kind and run: the file
    is never parsed (here it is cut short and would not parse)."""
    text = _text(DETAIL)
    cut = text[: text.index('"tradingDays"') + 40]
    short = tmp_path / "cut.json"
    short.write_text(cut, encoding="utf-8")
    info = sniff_json(short, cut, False, DEFAULT_LIMITS)
    assert (info["kind"], info["run_id"], info["trading_day"]) == (
        "detail_json",
        51230,
        "2024-12-01",
    )


def test_a_whole_file_that_does_not_parse_is_not_an_artefact(tmp_path: Path) -> None:
    text = _text(DETAIL)[:500]
    bad = tmp_path / "bad.json"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(NotAnArtefact, match="does not read"):
        sniff_json(bad, text, True, DEFAULT_LIMITS)


def test_other_json_is_not_an_artefact(tmp_path: Path) -> None:
    for text, why in [
        ('{"errors": [{"code": "404"}]}', "a PaSS error response"),
        ('{"name": "x", "values": [1, 2]}', "not a PaSS Summary, Detail or Invoice"),
    ]:
        p = tmp_path / "other.json"
        p.write_text(text, encoding="utf-8")
        with pytest.raises(NotAnArtefact, match=why):
            sniff_json(p, text, True, DEFAULT_LIMITS)


def test_json_kind_rule() -> None:
    assert json_kind({"invoiceNumber": "x", "settlementTradingDay": "2024-12-01"}) == (
        "invoice_json"
    )
    assert json_kind({"paymentSummary": {}}) == "invoice_json"
    assert json_kind({"settlementTradingDay": "2024-12-01", "variables": []}) == "detail_json"
    assert json_kind({"variables": [], "runId": 1}) == "summary_json"
    assert json_kind({"variables": [], "participantCode": "X"}) == "summary_json"
    assert json_kind({"variables": []}) is None
    assert json_kind({}) is None


@pytest.mark.parametrize(
    ("head", "opens"),
    [
        (b'{"a": 1}', True),
        (b'\xef\xbb\xbf \r\n\t{"a"', True),
        (b"[1, 2]", False),
        (b"RunId,PublishedAt", False),
        (b"", False),
    ],
)
def test_opens_json_object(head: bytes, opens: bool) -> None:
    assert opens_json_object(head) is opens
