"""Variable names (SPEC §2): ``BASE_SCOPE_GRANULARITY``."""

from __future__ import annotations

from functools import lru_cache

from pydantic import BaseModel, ConfigDict

from recon.wem.granularity import Granularity

SCOPE_CODES = ("A", "C", "CH", "T", "N", "SA", "FE", "NC", "FNC", "SCC", "F", "P", "G")


class VariableName(BaseModel):
    """A decoded variable name.

    Attributes:
        raw: The name as written.
        base: Everything before the scope token (may hold ``_`` and mixed case).
        scope: The scope code.
        granularity: The granularity code.
    """

    model_config = ConfigDict(frozen=True)

    raw: str
    base: str
    scope: str
    granularity: Granularity


class VariableNameError(ValueError):
    """A variable name that does not decode."""


@lru_cache(maxsize=65536)
def parse_variable(name: str) -> VariableName:
    """Decode a variable name into base, scope and granularity.

    Args:
        name: e.g. ``TRCCrank_T_D`` or ``MFRATE_G_FY``.

    Raises:
        VariableNameError: With a sentence saying what was expected.
    """
    parts = name.split("_")
    if len(parts) < 3 or not all(parts):
        raise VariableNameError(f"variable {name!r} is not of the form BASE_SCOPE_GRANULARITY")
    base, scope, gran = "_".join(parts[:-2]), parts[-2], parts[-1]
    if scope not in SCOPE_CODES:
        raise VariableNameError(f"variable {name!r} has unknown scope code {scope!r}")
    try:
        g = Granularity(gran)
    except ValueError:
        raise VariableNameError(
            f"variable {name!r} has unknown granularity code {gran!r}"
        ) from None
    if not base.replace("_", "").isalnum() or not base.isascii():
        raise VariableNameError(f"variable {name!r} has a base that is not alphanumeric")
    return VariableName(raw=name, base=base, scope=scope, granularity=g)
