"""AEMO's PaSS JSON names and shapes (SPEC §3.3): the one module where they live.

AEMO documents the JSON on its Developer Portal, which is not public; recon reads the shape
of SPEC §3.3 **[reading]**. A real schema replaces the names in this module only. The JSON
readers, the artefact detector, the PaSS client, the emulator and the reconciler (which cites
an invoice figure by its JSON path) all take the names from here.

Pure vocabulary, no I/O: it sits with the models so that every layer above may use it.
"""

from __future__ import annotations

# --------------------------------------------------------------------------------------
# The CSV columns of the Guide (Tables 4 and 5): every reader names a column by these.
# --------------------------------------------------------------------------------------

C_RUN_ID = "RunId"
C_PUBLISHED_AT = "PublishedAt"
C_MARKET_SERVICE = "MarketService"
C_DESIGNATION = "Designation"
C_PERIOD = "Period"
C_PERIOD_FROM = "PeriodFrom"
C_PERIOD_TO = "PeriodTo"
C_PARTICIPANT = "ParticipantCode"
C_SETTLEMENT_DAY = "Settlement Trading Day"
C_VARIABLE = "Variable"
C_SCOPE = "Scope"
C_TIMESTAMP = "Timestamp"
C_P_OR_C = "P Or C"
C_GST_APPLICABLE = "GST Applicable"
C_VALUE = "Value"

# --------------------------------------------------------------------------------------
# Statement header (SPEC §3.3) and the CSV columns it maps to.
# --------------------------------------------------------------------------------------

H_RUN_ID = "runId"
H_PUBLISHED_AT = "publishedAt"
H_MARKET_SERVICE = "marketService"
H_DESIGNATION = "designation"
H_PERIOD = "period"
H_PERIOD_FROM = "periodFrom"
H_PERIOD_TO = "periodTo"
H_PARTICIPANT = "participantCode"

HEADER_FIELDS: dict[str, str] = {
    H_RUN_ID: C_RUN_ID,
    H_PUBLISHED_AT: C_PUBLISHED_AT,
    H_MARKET_SERVICE: C_MARKET_SERVICE,
    H_DESIGNATION: C_DESIGNATION,
    H_PERIOD: C_PERIOD,
    H_PERIOD_FROM: C_PERIOD_FROM,
    H_PERIOD_TO: C_PERIOD_TO,
    H_PARTICIPANT: C_PARTICIPANT,
}
"""Statement header fields: JSON name -> CSV column."""

OPTIONAL_HEADER_DEFAULTS: dict[str, str] = {H_MARKET_SERVICE: "WEM"}
"""Header fields a document may leave out, with the value assumed."""

# --------------------------------------------------------------------------------------
# Statement body.
# --------------------------------------------------------------------------------------

F_SETTLEMENT_DAY = "settlementTradingDay"
F_VARIABLES = "variables"
F_VARIABLE = "variable"
F_SCOPE = "scope"
F_P_OR_C = "paymentOrCharge"
F_GST_APPLICABLE = "gstApplicable"
F_TRADING_DAYS = "tradingDays"
F_TRADING_DAY = "tradingDay"
F_VALUE = "value"

# --------------------------------------------------------------------------------------
# The API's envelope: ``{"transactionId": ..., "data": <document>}`` or ``errors``.
# --------------------------------------------------------------------------------------

F_WRAP_ID = "transactionId"
F_WRAP_DATA = "data"
F_WRAP_ERRORS = "errors"

ENVELOPE_KEYS = frozenset((F_WRAP_ID, F_WRAP_DATA))
"""The keys an enveloped answer may hold (a document is its ``data``)."""

# --------------------------------------------------------------------------------------
# Invoice.
# --------------------------------------------------------------------------------------

INV_NUMBER = "invoiceNumber"
INV_RUN_ID = H_RUN_ID
INV_PREVIOUS_RUN_ID = "previousRunId"
INV_DESIGNATION = H_DESIGNATION
INV_PERIOD = H_PERIOD
INV_PARTICIPANT = H_PARTICIPANT
INV_ISSUED_AT = "issuedAt"
INV_DATA = "data"
INV_TRADE_WEEK = "tradeWeek"
INV_LINE_ITEMS = "lineItems"
INV_DESCRIPTION = "description"
INV_AMOUNT = "amount"
INV_GST = "gst"
INV_PAYMENT_SUMMARY = "paymentSummary"
INV_RCTI = "rcti"
INV_TAX_INVOICE = "taxInvoice"
INV_ADJUSTMENT = "adjustmentInformation"
INV_TOTAL = "total"
INV_RCTI_DIFFERENCE = "rctiDifference"
INV_TAX_INVOICE_DIFFERENCE = "taxInvoiceDifference"

PS_GST_APPLICABLE = "gstApplicableAmount"
PS_GST_NOT_APPLICABLE = "gstNotApplicableAmount"
PS_TOTAL_PAYABLE = "totalPayable"
PS_PREPAYMENT_APPLIED = "prepaymentApplied"
PS_AMOUNT_DUE = "amountDue"
PS_PREPAYMENT_BALANCE = "prepaymentBalance"

PAYMENT_SUMMARY_FIELDS: dict[str, str] = {
    PS_GST_APPLICABLE: "gst_applicable_amount",
    PS_GST_NOT_APPLICABLE: "gst_not_applicable_amount",
    INV_GST: "gst",
    PS_TOTAL_PAYABLE: "total_payable",
    PS_PREPAYMENT_APPLIED: "prepayment_applied",
    PS_AMOUNT_DUE: "amount_due",
    PS_PREPAYMENT_BALANCE: "prepayment_balance",
}
"""Payment Summary: JSON name -> :class:`~recon.models.invoices.PaymentSummary` field."""

SECTION_FIELDS: dict[str, str] = {INV_AMOUNT: "amount", INV_GST: "gst", INV_TOTAL: "total"}
"""RCTI and Tax Invoice totals: JSON name -> :class:`~recon.models.invoices.SectionTotals` field."""

INVOICE_SECTIONS: dict[str, str] = {
    "rcti": INV_RCTI,
    "tax_invoice": INV_TAX_INVOICE,
    "payment_summary": INV_PAYMENT_SUMMARY,
    "adjustment_information": INV_ADJUSTMENT,
}
"""Invoice section: :class:`~recon.models.invoices.Invoice` attribute -> JSON name."""

INVOICE_FIGURES: dict[str, str] = {
    **{field: name for name, field in SECTION_FIELDS.items()},
    **{field: name for name, field in PAYMENT_SUMMARY_FIELDS.items()},
    "previous_run_id": INV_PREVIOUS_RUN_ID,
    "rcti_difference": INV_RCTI_DIFFERENCE,
    "tax_invoice_difference": INV_TAX_INVOICE_DIFFERENCE,
}
"""Invoice figure: model field -> JSON name (as cited in a finding's place)."""

# --------------------------------------------------------------------------------------
# The API's timeline entries and query parameters.
# --------------------------------------------------------------------------------------

TIMELINE_FIELDS: dict[str, str] = {
    H_RUN_ID: "run_id",
    H_DESIGNATION: "designation",
    H_PERIOD: "period",
    H_PERIOD_FROM: "period_from",
    H_PERIOD_TO: "period_to",
    H_PUBLISHED_AT: "published_at",
    H_PARTICIPANT: "participant",
}
"""A timeline entry: JSON name -> :class:`~recon.pass_client.protocol.TimelineEntry` field."""

Q_PARTICIPANT = H_PARTICIPANT
Q_TRADING_WEEK = "tradingWeek"
Q_TRADING_DAY = F_TRADING_DAY


# --------------------------------------------------------------------------------------
# File names **[reading]**: the words AEMO's downloads (and ``recon fetch``) name an
# artefact by, e.g. ``SWANGEN_51230_INITIAL_SettlementStatementDetail.zip``,
# ``SWANGEN_51230_INITIAL_Invoice.pdf``, ``51230_detail_2024-12-01_<sha12>.json``.
# --------------------------------------------------------------------------------------

FILE_WORD_SUMMARY = "SettlementStatementSummary"
FILE_WORD_DETAIL = "SettlementStatementDetail"
FILE_WORD_INVOICE = "Invoice"
FILE_WORDS_FETCHED = ("summary", "detail", "invoice")
"""The kind word of a ``recon fetch`` file name (``<RunId>_<word>_...``)."""


# --------------------------------------------------------------------------------------
# Each statement's CSV columns, in the Guide's order.
# --------------------------------------------------------------------------------------

CSV_HEADER_COLUMNS = (
    C_RUN_ID,
    C_PUBLISHED_AT,
    C_MARKET_SERVICE,
    C_DESIGNATION,
    C_PERIOD,
    C_PERIOD_FROM,
    C_PERIOD_TO,
    C_PARTICIPANT,
)
"""The run header columns both statements open with."""

SUMMARY_CSV_COLUMNS = (
    *CSV_HEADER_COLUMNS,
    C_VARIABLE,
    C_TIMESTAMP,
    C_P_OR_C,
    C_GST_APPLICABLE,
    C_VALUE,
)
"""A Settlement Statement Summary CSV's columns (Guide Table 4)."""

DETAIL_CSV_COLUMNS = (
    *CSV_HEADER_COLUMNS,
    C_SETTLEMENT_DAY,
    C_VARIABLE,
    C_SCOPE,
    C_TIMESTAMP,
    C_VALUE,
)
"""A Settlement Statement Detail CSV's columns (Guide Table 5)."""
