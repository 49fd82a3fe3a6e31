"""recon: check AEMO WEM Settlement Statements and Invoices.

The public API for notebooks::

    import recon
    result = recon.check(["fixtures/sample_week"])   # CheckResult
    result.to_frame()                                # findings as a DataFrame
    table = recon.decode("detail.zip")               # long Arrow table, exact decimals
"""

from __future__ import annotations

from typing import Any

from recon.__about__ import __version__

__all__ = ["__version__", "check", "decode", "decode_to_file", "load"]


def __getattr__(name: str) -> Any:
    """Import the API lazily so ``import recon`` stays cheap."""
    if name in ("check", "decode", "decode_to_file", "load"):
        from recon import api

        return getattr(api, name)
    raise AttributeError(name)
