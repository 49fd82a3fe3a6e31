"""recon's vocabularies are enums, each spelled in one module: check ids (``CheckId``),
severities, figure verdicts (``FigureState``), artefact kinds (``Kind``) and the issue
workflow (``Workflow``). Their values are what findings.json, result.json and audit.json
write, so they never change."""

from __future__ import annotations

import ast
import json
import re

import pytest
from paths import REPO

from recon.models import aemo_names as aemo
from recon.models.findings import CHECKS, CheckId, Finding, Severity
from recon.models.results import FigureState, LineComparison

RECON = REPO / "recon"
CHECK_IDS = frozenset(c.value for c in CheckId)


def check_id_literals(source: str) -> list[str]:
    """Where ``source`` spells a check id as a string literal (``line: text``)."""
    return [
        f"{node.lineno}: {node.value!r}"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        if node.value in CHECK_IDS
    ]


def test_the_literal_finder_finds_a_check_id_and_nothing_else() -> None:
    source = (
        'Finding.make("invoice.line", "m")\n'
        'x = {"own.value": 1}\n'
        'ok = check.startswith("invoice.")\n'
        'doc = "invoice.line is a check"\n'
        "y = CheckId.INVOICE_LINE\n"
    )
    assert check_id_literals(source) == ["1: 'invoice.line'", "2: 'own.value'"]


def test_no_module_of_recon_spells_a_check_id_but_findings() -> None:
    hits = {
        str(path.relative_to(REPO)): found
        for path in sorted(RECON.rglob("*.py"))
        if path != RECON / "models" / "findings.py"
        if (found := check_id_literals(path.read_text(encoding="utf-8")))
    }
    assert hits == {}, "name a check by its CheckId member, not its id"


CSV_COLUMNS = frozenset(
    value for name, value in vars(aemo).items() if name.startswith("C_") and isinstance(value, str)
)
PDF_WORDS = {("recon/sources/invoice_pdf.py", "GST Applicable")}
"""The invoice PDF heads its GST-applicable lines with the words of the CSV column."""


def test_no_source_module_spells_a_csv_column_but_aemo_names() -> None:
    assert {"Settlement Trading Day", "RunId", "P Or C"} <= CSV_COLUMNS
    hits = {
        (str(path.relative_to(REPO)), node.value)
        for path in sorted((RECON / "sources").rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and node.value in CSV_COLUMNS
    }
    assert hits - PDF_WORDS == set(), "name a CSV column by its aemo_names C_* constant"


def test_check_ids_are_the_spec_table_with_their_default_severity() -> None:
    spec = (REPO / "docs" / "checks.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^### `([a-z_]+\.[a-z_]+)`", spec, re.M))
    assert documented == CHECK_IDS
    assert set(CHECKS) == set(CheckId)
    assert CheckId.INVOICE_LINE.severity is Severity.ERROR
    assert CheckId.COVERAGE_INVOICE_MISSING.severity is Severity.INFO
    assert CheckId.OWN_MISSING.description == CHECKS[CheckId.OWN_MISSING][1]


def test_a_finding_writes_its_check_and_severity_as_their_ids() -> None:
    f = Finding.make(CheckId.DATA_PERIOD, "m")
    assert f.severity is Severity.WARNING
    dumped = f.model_dump(mode="json")
    assert (dumped["check"], dumped["severity"]) == ("data.period", "warning")
    assert json.loads(f.model_dump_json())["check"] == "data.period"
    assert f"{f.check} {f.severity}" == "data.period warning"  # as text, never Enum.NAME
    again = Finding.model_validate_json(f.model_dump_json())
    assert again.check is CheckId.DATA_PERIOD and again == f


def test_an_unknown_check_id_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match=r"unknown check id 'invoice\.lines'"):
        Finding(check="invoice.lines", severity=Severity.ERROR, message="m")


def test_figure_states_keep_their_saved_values_and_words() -> None:
    assert [s.value for s in FigureState] == [
        "agrees",
        "differs",
        "rounding",
        "from_invoice",
        "not_comparable",
    ]
    assert FigureState.ROUNDING.text == "rounding order (info)"
    assert FigureState.FROM_INVOICE.text == "taken from the invoice"
    ranks = sorted(FigureState, key=lambda s: s.rank)
    assert ranks[0] is FigureState.AGREES and ranks[-1] is FigureState.DIFFERS


@pytest.mark.parametrize(
    ("saved", "read"),
    [
        ("ok", FigureState.AGREES),
        ("missing_on_invoice", FigureState.DIFFERS),
        ("not_in_statement", FigureState.DIFFERS),
        ("no_invoice", FigureState.NOT_COMPARABLE),
        ("rounding", FigureState.ROUNDING),
    ],
)
def test_a_line_status_saved_by_an_older_recon_reads_as_todays(
    saved: str, read: FigureState
) -> None:
    line = {
        "participant": "P",
        "period": "TW 01 Dec 2024",
        "run_id": 1,
        "designation": "INITIAL",
        "variable": "V",
        "payment_or_charge": "Payment",
        "gst_applicable": True,
        "status": saved,
    }
    lc = LineComparison.model_validate_json(json.dumps(line))
    assert lc.status is read
    assert json.loads(lc.model_dump_json())["status"] == read.value


def test_a_status_no_recon_wrote_is_refused() -> None:
    with pytest.raises(ValueError):
        FigureState("fine")


def test_artefact_kinds_keep_their_values_and_say_what_and_which_form() -> None:
    from recon.models.kinds import AEMO_KINDS, Kind
    from recon.models.labels import ARTEFACT_KINDS, artefact_name

    assert {k.value for k in AEMO_KINDS} == {
        "summary_csv",
        "summary_json",
        "detail_csv",
        "detail_zip",
        "detail_json",
        "invoice_json",
        "invoice_pdf",
    }
    assert {k.value for k in Kind} - {k.value for k in AEMO_KINDS} == {
        "own_mapping",
        "own_nem12",
        "own_csv",
    }
    assert (Kind.DETAIL_ZIP.artefact, Kind.DETAIL_ZIP.form) == ("detail", "zip")
    assert not Kind.OWN_NEM12.is_aemo and Kind.INVOICE_PDF.is_aemo
    assert set(ARTEFACT_KINDS) == set(Kind)  # every kind has its words
    assert artefact_name(Kind.INVOICE_PDF) == "Invoice PDF"


def test_the_workflow_states_keep_their_values() -> None:
    from recon.cli.issues_cmd import WORKFLOWS
    from recon.models.audit import Workflow

    assert [w.value for w in Workflow] == ["new", "investigating", "disputed", "accepted"]
    assert WORKFLOWS == tuple(w.value for w in Workflow)
    assert f"{Workflow.DISPUTED}" == "disputed"
