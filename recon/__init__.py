"""recon: check AEMO WEM Settlement Statements and Invoices.

The public API for notebooks::

    import recon
    result = recon.check(["fixtures/sample_week"])   # CheckResult
    result.to_frame()                                # findings as a DataFrame, exact decimals
    table = recon.decode("detail.zip")               # long Arrow table, exact decimals
    frames = recon.audit(fy="2024-25")               # the store's history as DataFrames
    recon.issues(store="recon.duckdb")               # the issue register, the team's worklist

Every public name is listed in ``recon.__all__`` (and by ``dir(recon)``): the functions,
the models they return, and the errors they raise (:class:`ReconError` and every error
under it, from :mod:`recon.errors`). Each is imported on first use, so ``import recon``
stays cheap.
"""

from __future__ import annotations

import importlib

from recon.__about__ import __version__

# Not ``from typing import TYPE_CHECKING``: ``import recon`` (which the console script does
# before recon._start can give Ctrl-C its quiet default) loads nothing but __about__.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from recon.api import audit, check, decode, decode_to_file, issues, load, set_issue
    from recon.errors import (
        FetchError,
        InputError,
        NotifyError,
        OutputError,
        ReconError,
        StoreBusyError,
        StoreError,
        UnknownIssueError,
        UnsafeNameError,
        UsageError,
    )
    from recon.models.findings import Finding, Severity
    from recon.models.results import CheckResult
    from recon.sources.limits import Limits

_LAZY: dict[str, str] = {
    "audit": "recon.api",
    "check": "recon.api",
    "decode": "recon.api",
    "decode_to_file": "recon.api",
    "issues": "recon.api",
    "load": "recon.api",
    "set_issue": "recon.api",
    "CheckResult": "recon.models.results",
    "Finding": "recon.models.findings",
    "Severity": "recon.models.findings",
    "Limits": "recon.sources.limits",
    "FetchError": "recon.errors",
    "InputError": "recon.errors",
    "NotifyError": "recon.errors",
    "OutputError": "recon.errors",
    "ReconError": "recon.errors",
    "StoreBusyError": "recon.errors",
    "StoreError": "recon.errors",
    "UnknownIssueError": "recon.errors",
    "UnsafeNameError": "recon.errors",
    "UsageError": "recon.errors",
}
"""Each public name and the module that defines it."""

__all__ = [
    "CheckResult",
    "FetchError",
    "Finding",
    "InputError",
    "Limits",
    "NotifyError",
    "OutputError",
    "ReconError",
    "Severity",
    "StoreBusyError",
    "StoreError",
    "UnknownIssueError",
    "UnsafeNameError",
    "UsageError",
    "__version__",
    "audit",
    "check",
    "decode",
    "decode_to_file",
    "issues",
    "load",
    "set_issue",
]


def __getattr__(name: str) -> Any:
    """Import a public name on first use."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'recon' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The public names (``recon.__all__``)."""
    return sorted(__all__)
