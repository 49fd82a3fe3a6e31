"""How recon names things to people: one display name per kind of artefact.

The terminal, report.html, report.xlsx and ``recon runs`` all name an artefact kind
(``summary_csv``, ``invoice_pdf``, ...) through this module, so a reader meets the same
words everywhere: "Summary CSV", "Detail ZIP", "Invoice JSON", "Invoice PDF". The kinds
themselves (the values a file's ``kind`` takes in findings.json) are
:class:`~recon.models.kinds.Kind`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from recon.models.kinds import Kind

ARTEFACT_KINDS: dict[str, tuple[str, str]] = {
    Kind.SUMMARY_CSV: ("Summary", "CSV"),
    Kind.SUMMARY_JSON: ("Summary", "JSON"),
    Kind.DETAIL_CSV: ("Detail", "CSV"),
    Kind.DETAIL_ZIP: ("Detail", "ZIP"),
    Kind.DETAIL_JSON: ("Detail", "JSON"),
    Kind.INVOICE_JSON: ("Invoice", "JSON"),
    Kind.INVOICE_PDF: ("Invoice", "PDF"),
    Kind.OWN_MAPPING: ("Own-data mapping", "TOML"),
    Kind.OWN_NEM12: ("Own data", "NEM12"),
    Kind.OWN_CSV: ("Own data", "CSV"),
}
"""Each artefact kind: what it is (Summary, Detail, Invoice, your own data) and its form."""

_ORDER = ("Summary", "Detail", "Invoice", "Own-data mapping", "Own data")


def artefact_name(kind: str) -> str:
    """The display name of an artefact kind: ``invoice_json`` -> ``Invoice JSON``.

    A kind recon does not know is shown as it is.
    """
    what, form = ARTEFACT_KINDS.get(kind, (kind, ""))
    if what.startswith("Own"):
        return f"{what} ({form})"
    return f"{what} {form}".strip()


def form_name(form: str) -> str:
    """A form as the artefact names say it: ``json`` -> ``JSON``, ``zip`` -> ``ZIP``."""
    return form.upper()


def artefacts_text(
    kinds: Iterable[str], sep: str = ", ", detail_days: Mapping[str, int] | None = None
) -> str:
    """Several kinds of artefact in few words, the forms of one artefact joined by ``+``.

    ``["summary_csv", "summary_json", "invoice_pdf"]`` -> ``Summary CSV+JSON, Invoice PDF``.
    With ``detail_days`` (Settlement Trading Days held per Detail form: ``csv`` for the CSV
    and ZIP forms, ``json``), the Detail says how many days it holds: ``Detail JSON+ZIP: 7
    days`` (or ``Detail JSON: 7 days, ZIP: 1 day`` when the forms differ).

    Args:
        kinds: Artefact kinds (:data:`ARTEFACT_KINDS`), in any order, repeats allowed.
        sep: Between the artefacts (``", "``, or ``"\\n"`` for one a line).
        detail_days: Days held per Detail form, when known.
    """
    forms: dict[str, list[str]] = {}
    for kind in sorted(set(kinds)):
        what, form = ARTEFACT_KINDS.get(kind, (kind, ""))
        forms.setdefault(what, []).append(form)
    order = [w for w in _ORDER if w in forms] + sorted(w for w in forms if w not in _ORDER)
    parts = []
    for what in order:
        text = f"{what} {'+'.join(f for f in forms[what] if f)}".strip()
        if what.startswith("Own"):
            text = f"{what} ({'+'.join(forms[what])})"
        if what == "Detail" and detail_days:
            days = {f: detail_days.get("json" if f == "JSON" else "csv", 0) for f in forms[what]}
            if len(set(days.values())) == 1:
                text += f": {_days(next(iter(days.values())))}"
            else:
                text = "Detail " + ", ".join(f"{f}: {_days(n)}" for f, n in days.items())
        parts.append(text)
    return sep.join(parts)


def _days(n: int) -> str:
    return f"{n} day{'' if n == 1 else 's'}"
