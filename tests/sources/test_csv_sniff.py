"""sources/csv_sniff: a CSV or ZIP's kind and run from its first lines, and the spellings of
a settlement CSV recon recognises but cannot read (SPEC §3.1, §3.2)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from paths import FIXTURES

from recon.sources.artefacts import NotAnArtefact, Unreadable
from recon.sources.csv_sniff import (
    DETAIL_CSV_COLUMNS,
    SUMMARY_CSV_COLUMNS,
    csv_variant,
    sniff_csv,
    sniff_zip,
)

CSV = FIXTURES / "sample_week" / "csv"
SUMMARY = CSV / "SWANGEN_51230_INITIAL_SettlementStatementSummary.csv"
DETAIL_ZIP = CSV / "SWANGEN_51230_INITIAL_SettlementStatementDetail.zip"
RUN = {"participant": "SWANGEN", "period": "TW 01 Dec 2024", "run_id": 51230}


def _head(path: Path, n: int = 4000) -> str:
    return path.read_text(encoding="utf-8")[:n]


def test_summary_csv_from_its_prefix() -> None:
    got = sniff_csv(_head(SUMMARY), whole=False)
    assert got["kind"] == "summary_csv"
    assert {k: got[k] for k in RUN} == RUN and got["designation"] == "INITIAL"


def test_detail_csv_member_from_its_prefix() -> None:
    with zipfile.ZipFile(DETAIL_ZIP) as z:
        name = sorted(z.namelist())[2]
        text = z.read(name)[:4000].decode()
    got = sniff_csv(text, whole=False)
    assert got["kind"] == "detail_csv"
    assert got["trading_day"] == "2024-12-03"  # the member of 3 Dec 2024
    assert {k: got[k] for k in RUN} == RUN


def test_a_csv_of_other_columns_is_not_an_artefact() -> None:
    with pytest.raises(NotAnArtefact):
        sniff_csv("name,amount\nfoo,1\n", whole=True)


def test_column_sets_match_the_fixture_headers() -> None:
    assert set(_head(SUMMARY).splitlines()[0].split(",")) == set(SUMMARY_CSV_COLUMNS)
    with zipfile.ZipFile(DETAIL_ZIP) as z:
        header = z.read(z.namelist()[0]).decode().splitlines()[0]
    assert set(header.split(",")) == set(DETAIL_CSV_COLUMNS)


def test_detail_zip_from_its_members() -> None:
    got = sniff_zip(DETAIL_ZIP)
    assert got["kind"] == "detail_zip" and got["ignored"] == ()
    assert {k: got[k] for k in RUN} == RUN


def test_a_zip_lists_members_that_are_not_csv(tmp_path: Path) -> None:
    copy = tmp_path / "detail.zip"
    with zipfile.ZipFile(DETAIL_ZIP) as src, zipfile.ZipFile(copy, "w") as dst:
        for name in src.namelist():
            dst.writestr(name, src.read(name))
        dst.writestr("__MACOSX/._x", b"\0")
        dst.writestr("README.txt", b"hello")
    got = sniff_zip(copy)
    assert got["kind"] == "detail_zip"
    assert sorted(i.split(":")[0] for i in got["ignored"]) == ["README.txt", "__MACOSX/._x"]
    assert all(i.endswith("not a CSV file") for i in got["ignored"])


def test_a_damaged_zip_is_unreadable(tmp_path: Path) -> None:
    bad = tmp_path / "detail.zip"
    bad.write_bytes(DETAIL_ZIP.read_bytes()[:2000])
    with pytest.raises(Unreadable):
        sniff_zip(bad)


@pytest.mark.parametrize(
    ("transform", "why"),
    [
        (lambda t: t.replace(",", ";").encode(), "';'"),
        (lambda t: t.replace(",", "\t").encode(), "tab"),
        (lambda t: t.encode("utf-16"), "UTF-16"),
        (lambda t: (t.splitlines()[0].upper() + "\n" + t.split("\n", 1)[1]).encode(), "case"),
    ],
)
def test_other_spellings_of_a_summary_csv_are_named(transform, why: str) -> None:  # type: ignore[no-untyped-def]
    got = csv_variant(transform(_head(SUMMARY)))
    assert got is not None
    reason, kind, info = got
    assert kind == "summary" and why.lower() in reason.lower()
    assert info["run_id"] == 51230


def test_a_csv_that_is_no_settlement_csv_has_no_variant() -> None:
    assert csv_variant(b"name;amount\nfoo;1\n") is None
