"""recon.models.kinds: every kind of file a check reads, its artefact and form, and the
groups of kinds the readers and the store use. The values are what findings.json,
result.json and the store write, so they are spelled out here."""

from __future__ import annotations

import pytest

from recon.models.kinds import (
    AEMO_KINDS,
    DETAIL_CSV_KINDS,
    DETAIL_KINDS,
    INVOICE_KINDS,
    SUMMARY_KINDS,
    Kind,
)


@pytest.mark.parametrize(
    ("kind", "artefact", "form", "is_aemo"),
    [
        (Kind.SUMMARY_CSV, "summary", "csv", True),
        (Kind.DETAIL_CSV, "detail", "csv", True),
        (Kind.DETAIL_ZIP, "detail", "zip", True),
        (Kind.SUMMARY_JSON, "summary", "json", True),
        (Kind.DETAIL_JSON, "detail", "json", True),
        (Kind.INVOICE_JSON, "invoice", "json", True),
        (Kind.INVOICE_PDF, "invoice", "pdf", True),
        (Kind.OWN_MAPPING, "own", "mapping", False),
        (Kind.OWN_NEM12, "own", "nem12", False),
        (Kind.OWN_CSV, "own", "csv", False),
    ],
)
def test_each_kind_is_an_artefact_in_a_form(
    kind: Kind, artefact: str, form: str, is_aemo: bool
) -> None:
    assert (kind.artefact, kind.form, kind.is_aemo) == (artefact, form, is_aemo)
    assert kind.value == f"{artefact}_{form}"
    assert Kind(kind.value) is kind  # read back from the text the store holds


def test_aemo_kinds_keep_their_order() -> None:
    assert AEMO_KINDS == (
        Kind.SUMMARY_CSV,
        Kind.DETAIL_CSV,
        Kind.DETAIL_ZIP,
        Kind.SUMMARY_JSON,
        Kind.DETAIL_JSON,
        Kind.INVOICE_JSON,
        Kind.INVOICE_PDF,
    )


def test_the_groups_split_the_aemo_kinds_by_artefact() -> None:
    groups = (SUMMARY_KINDS, DETAIL_KINDS, INVOICE_KINDS)
    assert frozenset().union(*groups) == frozenset(AEMO_KINDS)
    assert sum(len(g) for g in groups) == len(AEMO_KINDS)  # no kind in two groups
    assert {k.artefact for k in SUMMARY_KINDS} == {"summary"}
    assert {k.artefact for k in DETAIL_KINDS} == {"detail"}
    assert {k.artefact for k in INVOICE_KINDS} == {"invoice"}
    assert DETAIL_CSV_KINDS == {Kind.DETAIL_CSV, Kind.DETAIL_ZIP}
    assert DETAIL_CSV_KINDS < DETAIL_KINDS


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="'detail_parquet' is not a valid Kind"):
        Kind("detail_parquet")
