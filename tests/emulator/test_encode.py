"""recon.emulator.encode: the JSON the emulator serves, decimals written exactly and floats
refused."""

from __future__ import annotations

from decimal import Decimal

import pytest

from recon.emulator import encode as enc


def test_dumps_writes_decimals_exactly() -> None:
    out = enc.dumps(
        {
            "v": [
                Decimal("1.50000000"),
                Decimal("-0.00000001"),
                Decimal("2"),
                Decimal("12345678901234.12345678"),
                Decimal("-0E-8"),
            ],
            "m": "1234.50",
            "b": True,
            "n": None,
            "i": 7,
        }
    )
    assert out == (
        b'{"v":[1.5,-0.00000001,2,12345678901234.12345678,0],"m":"1234.50","b":true,"n":null,"i":7}'
    )


def test_dumps_refuses_floats() -> None:
    with pytest.raises(TypeError):
        enc.dumps({"v": 1.5})
