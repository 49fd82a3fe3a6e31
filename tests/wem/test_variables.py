"""Variable names (SPEC §2): ``BASE_SCOPE_GRANULARITY``."""

from __future__ import annotations

import pytest

from recon.wem.granularity import Granularity
from recon.wem.variables import SCOPE_CODES, VariableNameError, parse_variable


@pytest.mark.parametrize(
    ("name", "base", "scope", "granularity"),
    [
        ("TRCCrank_T_D", "TRCCrank", "T", Granularity.D),
        ("RTMOERank_T_DI", "RTMOERank", "T", Granularity.DI),
        ("MFRATE_G_FY", "MFRATE", "G", Granularity.FY),
        ("RTMSA_P_D", "RTMSA", "P", Granularity.D),
        ("MSQ_F_I", "MSQ", "F", Granularity.I),
        ("ChannelQty_CH_I", "ChannelQty", "CH", Granularity.I),
        ("NMINetQty_N_I", "NMINetQty", "N", Granularity.I),
        ("ESSEnab_FE_DI", "ESSEnab", "FE", Granularity.DI),
        ("CCAlloc_A_M", "CCAlloc", "A", Granularity.M),
        ("RCQ_SCC_CY", "RCQ", "SCC", Granularity.CY),
        ("NCESSAvail_C_X", "NCESSAvail", "C", Granularity.X),
        ("SESSMAward_SA_X", "SESSMAward", "SA", Granularity.X),
        ("CongRental_NC_I", "CongRental", "NC", Granularity.I),
        ("ConstrQty_FNC_DI", "ConstrQty", "FNC", Granularity.DI),
        # extra underscores belong to the base
        ("Some_Long_Base_F_I", "Some_Long_Base", "F", Granularity.I),
        ("A_B_C_P_D", "A_B_C", "P", Granularity.D),
        # a base may itself look like a scope or granularity code
        ("F_F_D", "F", "F", Granularity.D),
        ("D_I_P_M", "D_I", "P", Granularity.M),
        ("X1_G_X", "X1", "G", Granularity.X),
    ],
)
def test_parse_variable(name: str, base: str, scope: str, granularity: Granularity) -> None:
    v = parse_variable(name)
    assert (v.raw, v.base, v.scope, v.granularity) == (name, base, scope, granularity)


def test_every_scope_code_decodes() -> None:
    assert set(SCOPE_CODES) == {
        "A",
        "C",
        "CH",
        "T",
        "N",
        "SA",
        "FE",
        "NC",
        "FNC",
        "SCC",
        "F",
        "P",
        "G",
    }
    for code in SCOPE_CODES:
        assert parse_variable(f"VAR_{code}_D").scope == code


def test_every_granularity_code_decodes() -> None:
    for g in ("D", "I", "DI", "M", "CY", "FY", "X"):
        assert parse_variable(f"VAR_F_{g}").granularity is Granularity(g)


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("RTMSA_Q_D", "unknown scope code 'Q'"),
        ("RTMSA_p_D", "unknown scope code 'p'"),
        ("RTMSA_PP_D", "unknown scope code 'PP'"),
        ("RTMSA_P_W", "unknown granularity code 'W'"),
        ("RTMSA_P_d", "unknown granularity code 'd'"),
        ("RTMSA_P_DII", "unknown granularity code 'DII'"),
        ("RTMSA_P_", "not of the form"),
        ("RTMSA_P", "not of the form"),
        ("RTMSA", "not of the form"),
        ("", "not of the form"),
        ("_P_D", "not of the form"),
        ("RTM__SA_P_D", "not of the form"),
        ("RTMSA__P_D", "not of the form"),
        ("RTM-SA_P_D", "not alphanumeric"),
        ("RTM SA_P_D", "not alphanumeric"),
        ("RTMSÄ_P_D", "not alphanumeric"),
    ],
)
def test_parse_variable_rejects(name: str, problem: str) -> None:
    with pytest.raises(VariableNameError, match=problem) as info:
        parse_variable(name)
    assert repr(name) in str(info.value)


def test_variable_name_error_is_a_value_error() -> None:
    assert issubclass(VariableNameError, ValueError)
