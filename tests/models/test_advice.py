"""Every check has its next steps, said as sentences a settlements analyst reads."""

from __future__ import annotations

from recon.models.advice import ADVICE, Disagreement, advice_for
from recon.models.findings import CHECKS


def test_every_check_and_only_the_checks_have_advice() -> None:
    assert set(ADVICE) == set(CHECKS)
    assert advice_for("no.such_check") is None


def test_advice_reads_as_sentences() -> None:
    for check, a in ADVICE.items():
        for text in (a.meaning, a.look_at, a.disagreement_why):
            assert text[:1] == text[:1].upper() or text is a.disagreement_why, (check, text)
            assert text.endswith("."), (check, text)
        assert a.disagreement_text.startswith(f"{a.disagreement.text}: ")


def test_the_money_checks_are_cases_for_a_notice_of_disagreement() -> None:
    for check in ("invoice.line", "invoice.line_missing", "invoice.total", "own.value"):
        assert ADVICE[check].disagreement is Disagreement.LODGE, check
    for check in ("coverage.invoice_missing", "adjustment.material", "source.conflict"):
        assert ADVICE[check].disagreement is Disagreement.NO, check
