"""The scope grammars of SPEC §2 (Guide Table 2), parsed into typed models.

Every model keeps the raw string beside its structured fields. :func:`flat_fields`
flattens any scope into the fixed set of columns :data:`FLAT_FIELDS`, which is how the
long Detail table carries decoded scopes.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal, cast

from pydantic import BaseModel, ConfigDict

_CODE = r"[A-Z0-9_]+"
_ESS = (
    "CONTINGENCY_RAISE",
    "CONTINGENCY_LOWER",
    "REGULATION_RAISE",
    "REGULATION_LOWER",
    "ROCOF_CONTROL_SERVICE",
)
_EssService = Literal[
    "CONTINGENCY_RAISE",
    "CONTINGENCY_LOWER",
    "REGULATION_RAISE",
    "REGULATION_LOWER",
    "ROCOF_CONTROL_SERVICE",
]
_OFFER_SERVICES = {
    "E": "energy",
    "CR": "contingency raise",
    "CL": "contingency lower",
    "RR": "regulation raise",
    "RL": "regulation lower",
}

FLAT_FIELDS = (
    "facility",
    "participant",
    "nmi",
    "channel",
    "service",
    "tranche",
    "contract",
    "award",
    "allocation",
    "contingency",
    "tag",
    "component",
)
"""The decoded-scope columns of the long Detail table, in order."""


class ScopeError(ValueError):
    """A scope string that does not fit its grammar."""


class Scope(BaseModel):
    """Base of every decoded scope.

    Attributes:
        code: The scope code (``F``, ``T``, ...).
        raw: The Scope string exactly as read.
    """

    model_config = ConfigDict(frozen=True)

    code: str
    raw: str

    def flat(self) -> dict[str, str | None]:
        """Return this scope as the columns of :data:`FLAT_FIELDS` (missing ones None)."""
        out: dict[str, str | None] = dict.fromkeys(FLAT_FIELDS)
        out.update(self._flat())
        return out

    def _flat(self) -> dict[str, str | None]:
        return {}


class AllocationScope(Scope):
    """A: Capacity Credit Allocation id (``800``)."""

    allocation_id: int

    def _flat(self) -> dict[str, str | None]:
        return {"allocation": str(self.allocation_id)}


class ContractScope(Scope):
    """C: a Contract (``NCESS001``)."""

    contract: str

    def _flat(self) -> dict[str, str | None]:
        return {"contract": self.contract}


class ChannelScope(Scope):
    """CH: an NMI metering channel (``1234567890-E1``); B generation, E consumption."""

    nmi: str
    direction: Literal["B", "E"]
    channel_number: int

    @property
    def kind(self) -> str:
        """``generation`` for B, ``consumption`` for E."""
        return "generation" if self.direction == "B" else "consumption"

    def _flat(self) -> dict[str, str | None]:
        return {"nmi": self.nmi, "channel": f"{self.direction}{self.channel_number}"}


class CapacityTrancheScope(Scope):
    """T (capacity): ``<F> F`` for a Facility or ``<P> P`` for a Participant."""

    holder: str
    holder_kind: Literal["F", "P"]

    def _flat(self) -> dict[str, str | None]:
        key = "facility" if self.holder_kind == "F" else "participant"
        return {key: self.holder, "tranche": self.holder_kind}


class OfferTrancheScope(Scope):
    """T (offer): ``<F> <S>_T<n>``, S in E, CR, CL, RR, RL and n in 1..10."""

    facility: str
    service: Literal["E", "CR", "CL", "RR", "RL"]
    tranche: int

    @property
    def service_name(self) -> str:
        """The market service the tranche is offered in."""
        return _OFFER_SERVICES[self.service]

    def _flat(self) -> dict[str, str | None]:
        return {"facility": self.facility, "service": self.service, "tranche": str(self.tranche)}


class NmiScope(Scope):
    """N: a National Metering Identifier (10 characters)."""

    nmi: str

    def _flat(self) -> dict[str, str | None]:
        return {"nmi": self.nmi}


class SessmAwardScope(Scope):
    """SA: a SESSM Award (``SESSM-001``)."""

    award: str

    def _flat(self) -> dict[str, str | None]:
        return {"award": self.award}


class FacilityEssScope(Scope):
    """FE: ``<F> <ESS>``, an Essential System Service of a Facility."""

    facility: str
    service: _EssService

    def _flat(self) -> dict[str, str | None]:
        return {"facility": self.facility, "service": self.service}


class NetworkContingencyScope(Scope):
    """NC: comma-separated equipment and scheme codes, optionally ending in ``[Tag]``."""

    elements: tuple[str, ...]
    tag: str | None = None

    def _flat(self) -> dict[str, str | None]:
        return {"contingency": ", ".join(self.elements), "tag": self.tag}


class FacilityNetworkContingencyScope(Scope):
    """FNC: ``<F> <NC>``."""

    facility: str
    elements: tuple[str, ...]
    tag: str | None = None

    def _flat(self) -> dict[str, str | None]:
        return {"facility": self.facility, "contingency": ", ".join(self.elements), "tag": self.tag}


class ComponentScope(Scope):
    """SCC: ``<prefix>_<TYPE>_<nn>`` (``COLLIE_BESS2_ESR_01``)."""

    facility: str
    component_type: str
    number: int

    def _flat(self) -> dict[str, str | None]:
        return {"facility": self.facility, "component": f"{self.component_type}_{self.number:02d}"}


class FacilityScope(Scope):
    """F: a Facility (``COLLIE_ESR1``)."""

    facility: str

    def _flat(self) -> dict[str, str | None]:
        return {"facility": self.facility}


class ParticipantScope(Scope):
    """P: a Rule Participant, the ERA or the Coordinator (``IMOWA``)."""

    participant: str

    def _flat(self) -> dict[str, str | None]:
        return {"participant": self.participant}


class GlobalScope(Scope):
    """G: the WEM as a whole (``Global``)."""


_A = re.compile(r"^\d+$")
_C = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]*$")
_CH = re.compile(r"^([0-9A-Z]{10})-([BE])(\d+)$")
_T_CAP = re.compile(rf"^({_CODE}) ([FP])$")
_T_OFFER = re.compile(rf"^({_CODE}) (E|CR|CL|RR|RL)_T([1-9]|10)$")
_N = re.compile(r"^[0-9A-Z]{10}$")
_SA = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]*$")
_FE = re.compile(rf"^({_CODE}) ({'|'.join(_ESS)})$")
_NC_TAG = re.compile(r"^(.*?)(?: \[([A-Za-z0-9_]+)\])?$", re.S)
_NC_ELEMENT = re.compile(r"^[A-Za-z0-9_*][A-Za-z0-9_* .\-/]*$")
_FNC = re.compile(rf"^({_CODE}) (.+)$", re.S)
_SCC = re.compile(rf"^({_CODE})_([A-Z]+)_(\d{{2}})$")
_F = re.compile(rf"^{_CODE}$")


def _contingency(text: str, raw: str) -> tuple[tuple[str, ...], str | None]:
    m = _NC_TAG.match(text)
    body, tag = (m.group(1), m.group(2)) if m else (text, None)
    elements = tuple(e.strip() for e in body.split(","))
    if not body or any(not e or not _NC_ELEMENT.match(e) for e in elements):
        raise ScopeError(
            f"network contingency {raw!r} is not a comma-separated list of equipment and "
            "scheme codes optionally ending in ' [Tag]'"
        )
    return elements, tag


def _fail(code: str, raw: str, expected: str) -> ScopeError:
    return ScopeError(f"scope {raw!r} does not fit scope {code}: expected {expected}")


@lru_cache(maxsize=262144)
def parse_scope(code: str, raw: str) -> Scope:
    """Parse a Scope string by the grammar of its scope code.

    Args:
        code: The scope code from the variable name (``F``, ``T``, ``NC``, ...).
        raw: The Scope column exactly as read.

    Returns:
        The typed scope, keeping ``raw``.

    Raises:
        ScopeError: With a sentence naming the expected form.
    """
    if code == "A":
        if _A.match(raw):
            return AllocationScope(code=code, raw=raw, allocation_id=int(raw))
        raise _fail(code, raw, "an integer Capacity Credit Allocation id such as 800")
    if code == "C":
        if _C.match(raw):
            return ContractScope(code=code, raw=raw, contract=raw)
        raise _fail(code, raw, "a contract identifier such as NCESS001")
    if code == "CH":
        if m := _CH.match(raw):
            return ChannelScope(
                code=code,
                raw=raw,
                nmi=m.group(1),
                direction=cast(Literal["B", "E"], m.group(2)),  # _CH admits only B or E
                channel_number=int(m.group(3)),
            )
        raise _fail(code, raw, "<NMI>-<B|E><n> such as 1234567890-E1")
    if code == "T":
        if m := _T_CAP.match(raw):
            return CapacityTrancheScope(
                code=code,
                raw=raw,
                holder=m.group(1),
                holder_kind=cast(Literal["F", "P"], m.group(2)),  # _T_CAP admits only F or P
            )
        if m := _T_OFFER.match(raw):
            return OfferTrancheScope(
                code=code,
                raw=raw,
                facility=m.group(1),
                # _T_OFFER admits only these services
                service=cast(Literal["E", "CR", "CL", "RR", "RL"], m.group(2)),
                tranche=int(m.group(3)),
            )
        raise _fail(code, raw, "'<F> F', '<P> P' or '<F> <E|CR|CL|RR|RL>_T<1..10>'")
    if code == "N":
        if _N.match(raw):
            return NmiScope(code=code, raw=raw, nmi=raw)
        raise _fail(code, raw, "a 10-character NMI such as 1234567890")
    if code == "SA":
        if _SA.match(raw):
            return SessmAwardScope(code=code, raw=raw, award=raw)
        raise _fail(code, raw, "a SESSM Award identifier such as SESSM-001")
    if code == "FE":
        if m := _FE.match(raw):
            return FacilityEssScope(
                code=code,
                raw=raw,
                facility=m.group(1),
                service=cast(_EssService, m.group(2)),  # _FE admits only the _ESS names
            )
        raise _fail(code, raw, "'<F> <ESS>' with ESS one of " + ", ".join(_ESS))
    if code == "NC":
        elements, tag = _contingency(raw, raw)
        return NetworkContingencyScope(code=code, raw=raw, elements=elements, tag=tag)
    if code == "FNC":
        if m := _FNC.match(raw):
            elements, tag = _contingency(m.group(2), raw)
            return FacilityNetworkContingencyScope(
                code=code, raw=raw, facility=m.group(1), elements=elements, tag=tag
            )
        raise _fail(code, raw, "'<F> <network contingency>'")
    if code == "SCC":
        if m := _SCC.match(raw):
            return ComponentScope(
                code=code,
                raw=raw,
                facility=m.group(1),
                component_type=m.group(2),
                number=int(m.group(3)),
            )
        raise _fail(code, raw, "<prefix>_<TYPE>_<nn> such as COLLIE_BESS2_ESR_01")
    if code == "F":
        if _F.match(raw):
            return FacilityScope(code=code, raw=raw, facility=raw)
        raise _fail(code, raw, "a facility code of A-Z, 0-9 and _ such as COLLIE_ESR1")
    if code == "P":
        if _F.match(raw):
            return ParticipantScope(code=code, raw=raw, participant=raw)
        raise _fail(code, raw, "a participant code of A-Z, 0-9 and _ such as IMOWA")
    if code == "G":
        if raw == "Global":
            return GlobalScope(code=code, raw=raw)
        raise _fail(code, raw, "the word Global")
    raise ScopeError(f"unknown scope code {code!r}")
