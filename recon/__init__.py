"""recon: check AEMO WEM Settlement Statements and Invoices.

The public API for notebooks lives here; see README.md.
"""

from recon.__about__ import __version__

__all__ = ["__version__"]
