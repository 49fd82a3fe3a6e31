"""One display name per artefact kind, used by the terminal, both reports and ``recon runs``."""

from __future__ import annotations

from recon.models.labels import ARTEFACT_KINDS, artefact_name, artefacts_text
from recon.sources.artefacts import KINDS


def test_every_kind_detection_reports_has_a_name() -> None:
    assert set(KINDS) <= set(ARTEFACT_KINDS)
    assert artefact_name("invoice_json") == "Invoice JSON"
    assert artefact_name("detail_zip") == "Detail ZIP"
    assert artefact_name("own_nem12") == "Own data (NEM12)"
    assert artefact_name("something_new") == "something_new"


def test_forms_of_one_artefact_are_joined_in_a_fixed_order() -> None:
    kinds = ["invoice_pdf", "summary_json", "detail_zip", "summary_csv", "invoice_json"]
    assert artefacts_text(kinds) == "Summary CSV+JSON, Detail ZIP, Invoice JSON+PDF"
    assert artefacts_text(kinds, sep="\n").splitlines()[0] == "Summary CSV+JSON"
    assert artefacts_text([]) == ""


def test_detail_days_are_said_once_when_the_forms_agree() -> None:
    kinds = ["detail_zip", "detail_json"]
    assert artefacts_text(kinds, detail_days={"csv": 7, "json": 7}) == "Detail JSON+ZIP: 7 days"
    assert artefacts_text(kinds, detail_days={"csv": 7, "json": 1}) == (
        "Detail JSON: 1 day, ZIP: 7 days"
    )
