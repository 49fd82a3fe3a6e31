"""recon.sources.invoice_json: the Invoice JSON (SPEC §3.3) read exactly, its money parsed
from the texts an invoice writes, and clear errors for what is no invoice."""

from __future__ import annotations

from decimal import Decimal

import pytest

from recon.sources import invoice_json


@pytest.mark.parametrize(
    "text,value",
    [
        ("1,234.56", "1234.56"),
        ("-1,234.56", "-1234.56"),
        ("(1,234.56)", "-1234.56"),
        ("$1,234.56", "1234.56"),
        ("-$1,234.56", "-1234.56"),
        ("($0.01)", "-0.01"),
    ],
)
def test_parse_money(text: str, value: str) -> None:
    assert invoice_json.parse_money(text, grouping=True) == Decimal(value)
