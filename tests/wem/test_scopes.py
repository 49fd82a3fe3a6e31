"""The 13 scope grammars of SPEC §2 (Guide Table 2): accepted and rejected forms."""

from __future__ import annotations

import pytest

from recon.wem import scopes
from recon.wem.scopes import FLAT_FIELDS, ScopeError, parse_scope


def flat_of(code: str, raw: str) -> dict[str, str | None]:
    """Return the non-empty flat fields of a parsed scope.

    Args:
        code: The scope code.
        raw: The Scope string.
    """
    return {k: v for k, v in parse_scope(code, raw).flat().items() if v is not None}


# ------------------------------------------------------------------ accepted forms

ACCEPTED = [
    # code, raw, model, flat fields
    ("A", "800", scopes.AllocationScope, {"allocation": "800"}),
    ("A", "0", scopes.AllocationScope, {"allocation": "0"}),
    ("C", "NCESS001", scopes.ContractScope, {"contract": "NCESS001"}),
    ("CH", "1234567890-E1", scopes.ChannelScope, {"nmi": "1234567890", "channel": "E1"}),
    ("CH", "8001234567-B2", scopes.ChannelScope, {"nmi": "8001234567", "channel": "B2"}),
    ("CH", "WAAAAA0001-B12", scopes.ChannelScope, {"nmi": "WAAAAA0001", "channel": "B12"}),
    (
        "T",
        "GRASMERE_WF1 F",
        scopes.CapacityTrancheScope,
        {"facility": "GRASMERE_WF1", "tranche": "F"},
    ),
    ("T", "WPGENER P", scopes.CapacityTrancheScope, {"participant": "WPGENER", "tranche": "P"}),
    (
        "T",
        "KWINANA_ESR1 CL_T1",
        scopes.OfferTrancheScope,
        {"facility": "KWINANA_ESR1", "service": "CL", "tranche": "1"},
    ),
    (
        "T",
        "KWINANA_ESR1 E_T10",
        scopes.OfferTrancheScope,
        {"facility": "KWINANA_ESR1", "service": "E", "tranche": "10"},
    ),
    (
        "T",
        "SWANGEN_GT1 CR_T5",
        scopes.OfferTrancheScope,
        {"facility": "SWANGEN_GT1", "service": "CR", "tranche": "5"},
    ),
    (
        "T",
        "SWANGEN_GT1 RR_T2",
        scopes.OfferTrancheScope,
        {"facility": "SWANGEN_GT1", "service": "RR", "tranche": "2"},
    ),
    (
        "T",
        "SWANGEN_GT1 RL_T9",
        scopes.OfferTrancheScope,
        {"facility": "SWANGEN_GT1", "service": "RL", "tranche": "9"},
    ),
    ("N", "1234567890", scopes.NmiScope, {"nmi": "1234567890"}),
    ("N", "WAAAAA0001", scopes.NmiScope, {"nmi": "WAAAAA0001"}),
    ("SA", "SESSM-001", scopes.SessmAwardScope, {"award": "SESSM-001"}),
    (
        "FE",
        "COLLIE_ESR1 CONTINGENCY_RAISE",
        scopes.FacilityEssScope,
        {"facility": "COLLIE_ESR1", "service": "CONTINGENCY_RAISE"},
    ),
    (
        "FE",
        "COLLIE_ESR1 CONTINGENCY_LOWER",
        scopes.FacilityEssScope,
        {"facility": "COLLIE_ESR1", "service": "CONTINGENCY_LOWER"},
    ),
    (
        "FE",
        "COLLIE_ESR1 REGULATION_RAISE",
        scopes.FacilityEssScope,
        {"facility": "COLLIE_ESR1", "service": "REGULATION_RAISE"},
    ),
    (
        "FE",
        "COLLIE_ESR1 REGULATION_LOWER",
        scopes.FacilityEssScope,
        {"facility": "COLLIE_ESR1", "service": "REGULATION_LOWER"},
    ),
    (
        "FE",
        "COLLIE_ESR1 ROCOF_CONTROL_SERVICE",
        scopes.FacilityEssScope,
        {"facility": "COLLIE_ESR1", "service": "ROCOF_CONTROL_SERVICE"},
    ),
    (
        "NC",
        "NIL * NBT-NT 91, SPS_MARNET [LargestContingency]",
        scopes.NetworkContingencyScope,
        {"contingency": "NIL * NBT-NT 91, SPS_MARNET", "tag": "LargestContingency"},
    ),
    (
        "NC",
        "NIL * NBT-NT 91, SPS_MARNET",
        scopes.NetworkContingencyScope,
        {"contingency": "NIL * NBT-NT 91, SPS_MARNET"},
    ),
    ("NC", "NIL", scopes.NetworkContingencyScope, {"contingency": "NIL"}),
    (
        "NC",
        "MU-NT 81 [Tag_2]",
        scopes.NetworkContingencyScope,
        {"contingency": "MU-NT 81", "tag": "Tag_2"},
    ),
    (
        "FNC",
        "SWANGEN_WF1 NIL * NBT-NT 91, SPS_MARNET [LargestContingency]",
        scopes.FacilityNetworkContingencyScope,
        {
            "facility": "SWANGEN_WF1",
            "contingency": "NIL * NBT-NT 91, SPS_MARNET",
            "tag": "LargestContingency",
        },
    ),
    (
        "FNC",
        "SWANGEN_WF1 NIL",
        scopes.FacilityNetworkContingencyScope,
        {"facility": "SWANGEN_WF1", "contingency": "NIL"},
    ),
    (
        "SCC",
        "COLLIE_BESS2_ESR_01",
        scopes.ComponentScope,
        {"facility": "COLLIE_BESS2", "component": "ESR_01"},
    ),
    (
        "SCC",
        "YANDIN_WF1_IGS_01",
        scopes.ComponentScope,
        {"facility": "YANDIN_WF1", "component": "IGS_01"},
    ),
    (
        "SCC",
        "PINJAR_GT3_NIGS_01",
        scopes.ComponentScope,
        {"facility": "PINJAR_GT3", "component": "NIGS_01"},
    ),
    (
        "SCC",
        "SWANGEN_SF1_IGS_12",
        scopes.ComponentScope,
        {"facility": "SWANGEN_SF1", "component": "IGS_12"},
    ),
    ("F", "COLLIE_ESR1", scopes.FacilityScope, {"facility": "COLLIE_ESR1"}),
    ("P", "IMOWA", scopes.ParticipantScope, {"participant": "IMOWA"}),
    ("G", "Global", scopes.GlobalScope, {}),
]


@pytest.mark.parametrize(
    ("code", "raw", "model", "flat"), ACCEPTED, ids=[f"{c}:{r}" for c, r, _, _ in ACCEPTED]
)
def test_scope_accepted(code: str, raw: str, model: type, flat: dict[str, str]) -> None:
    scope = parse_scope(code, raw)
    assert type(scope) is model
    assert scope.code == code
    assert scope.raw == raw
    assert flat_of(code, raw) == flat


def test_every_scope_code_has_an_accepted_example() -> None:
    from recon.wem.variables import SCOPE_CODES

    assert {c for c, _, _, _ in ACCEPTED} == set(SCOPE_CODES)
    assert len(SCOPE_CODES) == 13


def test_flat_has_every_field_in_order() -> None:
    for code, raw, _, _ in ACCEPTED:
        flat = parse_scope(code, raw).flat()
        assert tuple(flat) == FLAT_FIELDS


# ------------------------------------------------------------------ structured fields


def test_channel_fields() -> None:
    gen = parse_scope("CH", "8001234567-B2")
    con = parse_scope("CH", "1234567890-E1")
    assert isinstance(gen, scopes.ChannelScope)
    assert isinstance(con, scopes.ChannelScope)
    assert (gen.nmi, gen.direction, gen.channel_number, gen.kind) == (
        "8001234567",
        "B",
        2,
        "generation",
    )
    assert (con.nmi, con.direction, con.channel_number, con.kind) == (
        "1234567890",
        "E",
        1,
        "consumption",
    )


def test_tranche_fields() -> None:
    cap_f = parse_scope("T", "GRASMERE_WF1 F")
    cap_p = parse_scope("T", "WPGENER P")
    offer = parse_scope("T", "KWINANA_ESR1 CL_T1")
    assert isinstance(cap_f, scopes.CapacityTrancheScope)
    assert (cap_f.holder, cap_f.holder_kind) == ("GRASMERE_WF1", "F")
    assert isinstance(cap_p, scopes.CapacityTrancheScope)
    assert (cap_p.holder, cap_p.holder_kind) == ("WPGENER", "P")
    assert isinstance(offer, scopes.OfferTrancheScope)
    assert (offer.facility, offer.service, offer.tranche) == ("KWINANA_ESR1", "CL", 1)
    assert offer.service_name == "contingency lower"
    services = {
        s: parse_scope("T", f"F1 {s}_T1").service_name  # type: ignore[attr-defined]
        for s in ("E", "CR", "CL", "RR", "RL")
    }
    assert services == {
        "E": "energy",
        "CR": "contingency raise",
        "CL": "contingency lower",
        "RR": "regulation raise",
        "RL": "regulation lower",
    }


def test_network_contingency_fields() -> None:
    nc = parse_scope("NC", "NIL * NBT-NT 91, SPS_MARNET [LargestContingency]")
    assert isinstance(nc, scopes.NetworkContingencyScope)
    assert nc.elements == ("NIL * NBT-NT 91", "SPS_MARNET")
    assert nc.tag == "LargestContingency"
    untagged = parse_scope("NC", "NIL * NBT-NT 91, SPS_MARNET")
    assert isinstance(untagged, scopes.NetworkContingencyScope)
    assert untagged.elements == ("NIL * NBT-NT 91", "SPS_MARNET")
    assert untagged.tag is None
    fnc = parse_scope("FNC", "SWANGEN_WF1 NIL * NBT-NT 91, SPS_MARNET [LargestContingency]")
    assert isinstance(fnc, scopes.FacilityNetworkContingencyScope)
    assert (fnc.facility, fnc.elements, fnc.tag) == (
        "SWANGEN_WF1",
        ("NIL * NBT-NT 91", "SPS_MARNET"),
        "LargestContingency",
    )


def test_component_fields() -> None:
    scc = parse_scope("SCC", "COLLIE_BESS2_ESR_01")
    assert isinstance(scc, scopes.ComponentScope)
    assert (scc.facility, scc.component_type, scc.number) == ("COLLIE_BESS2", "ESR", 1)


def test_allocation_fields() -> None:
    a = parse_scope("A", "800")
    assert isinstance(a, scopes.AllocationScope)
    assert a.allocation_id == 800


def test_scopes_are_frozen() -> None:
    scope = parse_scope("F", "COLLIE_ESR1")
    with pytest.raises(ValueError):
        scope.raw = "OTHER"  # type: ignore[misc]


# ------------------------------------------------------------------ rejected forms

REJECTED = [
    ("A", "80a"),
    ("A", "-1"),
    ("A", ""),
    ("A", "8 00"),
    ("C", ""),
    ("C", "-NCESS"),
    ("C", "NCESS 001"),
    ("CH", "1234567890-X1"),
    ("CH", "1234567890E1"),
    ("CH", "123456789-E1"),
    ("CH", "1234567890-E"),
    ("CH", "1234567890-e1"),
    ("CH", "12345678901-B1"),
    ("T", "GRASMERE_WF1"),
    ("T", "GRASMERE_WF1 X"),
    ("T", "GRASMERE_WF1  F"),
    ("T", "grasmere_wf1 F"),
    ("T", "KWINANA_ESR1 CL_T11"),
    ("T", "KWINANA_ESR1 CL_T0"),
    ("T", "KWINANA_ESR1 CL_T01"),
    ("T", "KWINANA_ESR1 XX_T1"),
    ("T", "KWINANA_ESR1 CL_1"),
    ("T", "KWINANA_ESR1 CL_T"),
    ("T", "F P extra"),
    ("N", "123456789"),
    ("N", "12345678901"),
    ("N", "123456789a"),
    ("N", ""),
    ("SA", ""),
    ("SA", "SESSM 001"),
    ("FE", "COLLIE_ESR1 CONTINGENCY"),
    ("FE", "COLLIE_ESR1"),
    ("FE", "COLLIE_ESR1 E_T1"),
    ("FE", "COLLIE_ESR1 contingency_raise"),
    ("FE", "CONTINGENCY_RAISE"),
    ("NC", ""),
    ("NC", "A,,B"),
    ("NC", "A, "),
    ("NC", "[Tag]"),
    ("NC", "A [Tag] "),
    ("NC", "A [Bad Tag]"),
    ("NC", "A;B"),
    ("FNC", "SWANGEN_WF1"),
    ("FNC", "SWANGEN_WF1 "),
    ("FNC", "swangen NIL"),
    ("FNC", "SWANGEN_WF1 A,,B"),
    ("SCC", "COLLIE_ESR1"),
    ("SCC", "COLLIE_BESS2_ESR_1"),
    ("SCC", "COLLIE_BESS2_ESR_001"),
    ("SCC", "COLLIE_BESS2_esr_01"),
    ("SCC", "ESR_01"),
    ("F", "collie_esr1"),
    ("F", "COLLIE ESR1"),
    ("F", ""),
    ("F", "COLLIE-ESR1"),
    ("P", "imowa"),
    ("P", "IMO WA"),
    ("P", ""),
    ("G", "global"),
    ("G", "GLOBAL"),
    ("G", "Global "),
    ("G", ""),
    ("G", "WEM"),
]


@pytest.mark.parametrize(("code", "raw"), REJECTED, ids=[f"{c}:{r!r}" for c, r in REJECTED])
def test_scope_rejected(code: str, raw: str) -> None:
    with pytest.raises(ScopeError) as info:
        parse_scope(code, raw)
    assert repr(raw) in str(info.value)


def test_unknown_scope_code() -> None:
    with pytest.raises(ScopeError, match="unknown scope code"):
        parse_scope("Z", "anything")


def test_scope_error_is_a_value_error() -> None:
    assert issubclass(ScopeError, ValueError)
