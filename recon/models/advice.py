"""What to do about each check's findings: the next steps the reports show beside them.

One entry per check id of :data:`recon.models.findings.CHECKS`: what a finding of it means,
what to look at, and whether it is a case for a Notice of Disagreement with AEMO. This is
the one place the advice lives: report.html and report.xlsx show it beside each check's
findings, and ``docs/checks.md`` says the same words (a test holds the two together).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import cast

from recon.models.findings import CheckId


class Disagreement(str, Enum):
    """Whether a check's findings are a case for a Notice of Disagreement with AEMO."""

    LODGE = "lodge"
    """A settled figure is wrong: lodge one once you have confirmed which side is right."""
    PERHAPS = "perhaps"
    """Only in the case the advice names, after you have looked."""
    NO = "no"
    """Nothing to dispute: complete or repair the inputs, or note it."""

    @property
    def text(self) -> str:
        """The stance in words, as the reports head it."""
        return {"lodge": "Yes", "perhaps": "Perhaps", "no": "No"}[self.value]


@dataclass(frozen=True)
class Advice:
    """The next steps for one check's findings.

    Attributes:
        meaning: What a finding of the check means, in plain words.
        look_at: What to look at first, and what usually explains it.
        disagreement: Whether to lodge a Notice of Disagreement.
        disagreement_why: When and why (one sentence).
    """

    meaning: str
    look_at: str
    disagreement: Disagreement
    disagreement_why: str

    @property
    def disagreement_text(self) -> str:
        """``Yes: ...``, ``Perhaps: ...`` or ``No: ...``."""
        return f"{self.disagreement.text}: {self.disagreement_why}"


_FILE = (
    "make sure the file is the one AEMO published (not re-saved by a spreadsheet, cut short "
    "by a download or edited by hand) and fetch it again if in doubt"
)

ADVICE: dict[CheckId, Advice] = {
    CheckId.DATA_COLUMNS: Advice(
        "A CSV's header row does not hold exactly the Guide's columns, so the file was not "
        "used at all.",
        "Compare the header row with the Guide's columns; a spreadsheet that added or renamed "
        "a column is the usual cause, so use the file as downloaded.",
        Disagreement.NO,
        "it is a problem with the file, not a figure; if AEMO's own file lacks the Guide's "
        "columns, raise it with AEMO as a query.",
    ),
    CheckId.DATA_VALUE: Advice(
        "A value is not a plain Decimal(23,8) number, so its row was not used.",
        f"Look at the source line and {_FILE}; thousands separators, comma decimals and "
        "exponents usually come from a spreadsheet.",
        Disagreement.PERHAPS,
        "only if AEMO's own file holds the unreadable value: a figure that cannot be read "
        "cannot be agreed.",
    ),
    CheckId.DATA_ARRAY_LENGTH: Advice(
        "A Detail row's Value array has the wrong number of values for its granularity, so "
        "the row was not used.",
        "A truncated download or a cut-off line is the usual cause: fetch the Detail again.",
        Disagreement.PERHAPS,
        "only if AEMO's own file has the wrong length.",
    ),
    CheckId.DATA_VARIABLE: Advice(
        "A variable name does not decode as BASE_SCOPE_GRANULARITY, so its row was not used.",
        "Check the name against the Guide's variable list; a new AEMO variable with a scope "
        "or granularity recon does not know needs a change to recon (recon/wem/variables.py): "
        "report it.",
        Disagreement.NO,
        "no settled figure is in dispute.",
    ),
    CheckId.DATA_SCOPE: Advice(
        "A Scope string does not fit its grammar; the row was kept and its values counted.",
        "Usually nothing urgent for the money; tell AEMO if their file breaks its own grammar, "
        "and report it to recon if the grammar is too strict for a real scope "
        "(recon/wem/scopes.py).",
        Disagreement.NO,
        "the values were used.",
    ),
    CheckId.DATA_TIMESTAMP: Advice(
        "A Timestamp does not fit its granularity, or a Settlement Trading Day lies outside "
        "the Period.",
        "Check the row against the Guide; a shifted date often comes from a spreadsheet's "
        "date conversion.",
        Disagreement.PERHAPS,
        "only if AEMO's own file dates a value wrongly.",
    ),
    CheckId.DATA_HEADER: Advice(
        "The run header (RunId, PublishedAt, Designation, Period, ParticipantCode) differs "
        "between rows or artefacts of one run.",
        "Look at the named row or file: separate two runs pasted together; fix a label spelt "
        "differently at its source.",
        Disagreement.NO,
        "it is a problem with the files, not a figure.",
    ),
    CheckId.DATA_DUPLICATE: Advice(
        "The same row key appears twice in one run; the first row was used, the second not.",
        "If the two rows agree the file was probably joined twice: fetch it again. If they "
        "differ, ask AEMO which is right.",
        Disagreement.PERHAPS,
        "only if the two rows differ and AEMO cannot say which is right.",
    ),
    CheckId.DATA_CLASSIFICATION: Advice(
        "A variable's Payment/Charge or GST flag is not the same on every day, or differs "
        "between the statement and the invoice.",
        "Find which side is wrong, the statement or the invoice line; within one statement "
        "recon uses the first day's classification for the whole week.",
        Disagreement.LODGE,
        "when the invoice classes a line differently from the statement: it moves money "
        "between the RCTI and the Tax Invoice or changes the GST.",
    ),
    CheckId.DATA_PERIOD: Advice(
        "The Period is irregular: its label or span is off, a Trading Day has no Detail, or a "
        "row lies outside it.",
        "For a missing day, add that day's Detail and check again; for a label or span that "
        "is off, make sure the file is the week you think it is.",
        Disagreement.NO,
        "complete the inputs and check again.",
    ),
    CheckId.INVOICE_LINE: Advice(
        "An invoice line's amount or GST differs from recon's figure recomputed from the "
        "statement (for an ADJ run, the change since the previous run).",
        "The variable's daily values in the Summary, against the invoice line (the Invoice "
        "sheet of report.xlsx).",
        Disagreement.LODGE,
        "if the statement is right and the invoice is not; the Disagreement draft holds the row.",
    ),
    CheckId.INVOICE_LINE_MISSING: Advice(
        "A line is on one side only: the statement gives a variable a line the invoice lacks, "
        "or the invoice has a line the statement does not hold.",
        "For a line missing from the invoice, confirm the statement value; for an invoice line "
        "with no statement variable, make sure you have the run's Summary (same RunId).",
        Disagreement.LODGE,
        "money left off the invoice, or charged or paid without a statement, is a discrepancy "
        "to dispute.",
    ),
    CheckId.INVOICE_TOTAL: Advice(
        "A section or Payment Summary figure differs from recon's recomputed figure or from "
        "the invoice's own lines.",
        "The figure's Why says which comparison failed: against recon's recomputed figure "
        "points back at the statement, against the invoice's own arithmetic at the invoice. "
        "Settle the run's invoice.line findings first; the totals often follow from them.",
        Disagreement.LODGE,
        "for a total still wrong once the line findings are settled: the totals are what is paid.",
    ),
    CheckId.INVOICE_PDF_JSON: Advice(
        "The PDF and the JSON of one invoice disagree on a line or a figure.",
        "Decide which one the statement supports (the run's invoice.line findings say) and "
        "ask AEMO to reissue the wrong one.",
        Disagreement.PERHAPS,
        "if the figure your accounts were paid or charged on is the wrong one.",
    ),
    CheckId.ADJUSTMENT_PREVIOUS_MISSING: Advice(
        "An ADJ run's previous run is not among the inputs, so its changes could not be "
        "recomputed.",
        "Add the previous run's files (its Summary at least), or check from the history store "
        "(recon check --store), and check again.",
        Disagreement.NO,
        "complete the inputs and check again.",
    ),
    CheckId.ADJUSTMENT_CHAIN: Advice(
        "The runs of a week are out of order, skip a designation, or their invoices do not "
        "add up to the latest run.",
        "For a skip, find the missing run (often not downloaded); for a sum that does not add "
        "up, the invoice.line findings of the week's ADJ runs.",
        Disagreement.LODGE,
        "when the invoices do not add up: money lost or counted twice across the "
        "adjustments (a skipped designation is a missing download, not a dispute).",
    ),
    CheckId.ADJUSTMENT_MATERIAL: Advice(
        "An ADJ line's change reaches the --materiality threshold; the figures may well be right.",
        "The Attribution sheet or 'Where the deltas came from': which Trading Days, facilities "
        "and intervals moved.",
        Disagreement.NO,
        "a large change is a reason to understand it, not to dispute it.",
    ),
    CheckId.SUMMARY_DETAIL_VALUE: Advice(
        "A Summary value differs from the same variable and Trading Day in the Detail of the "
        "same run.",
        "The Detail values that make up the variable (for example the facility-level rows).",
        Disagreement.LODGE,
        "AEMO's two documents disagree, so the invoice rests on a figure the Detail does not "
        "support.",
    ),
    CheckId.SUMMARY_DETAIL_MISSING: Advice(
        "A Summary variable is absent from the Detail of the same run, so it could not be "
        "tied out.",
        "Check that the Detail is complete (all seven days); if it is, ask AEMO why the "
        "variable is not in it.",
        Disagreement.PERHAPS,
        "if AEMO cannot show the Detail behind the line.",
    ),
    CheckId.SOURCE_MISMATCH: Advice(
        "The CSV and JSON forms of one run differ in a row, a value or a header field.",
        "Both sources are named; treat that variable and day as uncertain until AEMO says "
        "which form is right.",
        Disagreement.PERHAPS,
        "report the mismatch to AEMO either way; lodge one if the form your settlement used "
        "is the wrong one.",
    ),
    CheckId.SOURCE_CONFLICT: Advice(
        "Two files claim to be the same artefact with different content; neither was used.",
        "Where each file came from (each SHA-256 is under the inputs): keep the one "
        "downloaded from AEMO, remove the other, and check again.",
        Disagreement.NO,
        "AEMO never republishes a run with other figures: one of your copies was changed.",
    ),
    CheckId.COVERAGE_STATEMENT_MISSING: Advice(
        "An Invoice has no Summary of its run among the inputs: only its own arithmetic was "
        "checked.",
        "Add the run's Summary (CSV or JSON) and check again.",
        Disagreement.NO,
        "complete the inputs and check again.",
    ),
    CheckId.COVERAGE_INVOICE_MISSING: Advice(
        "A run has statements but no Invoice among the inputs: its invoice was not checked.",
        "If you meant to check the invoice, add its JSON or PDF and check again.",
        Disagreement.NO,
        "nothing is wrong; the verdict just does not cover that invoice.",
    ),
    CheckId.COVERAGE_UNREAD: Advice(
        "A file is recognisably a settlement artefact but recon cannot use it, so its run was "
        "not fully checked.",
        "Use the file as downloaded from AEMO, not a copy re-saved by a spreadsheet; for a "
        "file cut short, download it again (recon fetch writes a file only once all of it "
        "arrived).",
        Disagreement.NO,
        "repair the input and check again.",
    ),
    CheckId.OWN_VALUE: Advice(
        "Your own data and AEMO's Detail differ by more than the series' tolerance in one "
        "interval.",
        "Your own data for that interval first (meter substitutions, estimated reads, a "
        "SCADA gap).",
        Disagreement.LODGE,
        "once your figure stands: AEMO settled on a quantity your own data does not support.",
    ),
    CheckId.OWN_MISSING: Advice(
        "An interval of a mapped variable is held by one side (yours or AEMO's) and not the "
        "other, so it was not compared.",
        "Fill the gap in your data (or widen the mapping's glob), or ask why AEMO's "
        "Detail has no value for it.",
        Disagreement.PERHAPS,
        "only when AEMO's Detail lacks an interval you metered.",
    ),
}
"""The next steps for every check id (:data:`recon.models.findings.CHECKS`)."""


def advice_for(check: str) -> Advice | None:
    """The next steps for a check id, or None for one recon does not know."""
    # CheckId is a StrEnum: its members hash and compare as their text, so a plain
    # check id string looks them up.
    return cast("dict[str, Advice]", ADVICE).get(check)
