"""recon.sources.limits: the input caps, and telling a cap's refusal from damage."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from recon.cli.check_cmd import check
from recon.errors import InputError
from recon.sources.csv_table import header_names
from recon.sources.detail_csv import check_member_count, check_member_size
from recon.sources.limits import DEFAULT_LIMITS, LIMIT_OPTIONS, MIB, Limits, refused_by_limit


def test_the_default_caps() -> None:
    assert DEFAULT_LIMITS == Limits(
        max_member_bytes=2048 * MIB, max_ratio=1000, max_members=64, max_line_bytes=8 * MIB
    )
    with pytest.raises(AttributeError):
        DEFAULT_LIMITS.max_members = 1  # type: ignore[misc]


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def test_each_cap_refusal_names_its_option_and_is_told_from_damage(tmp_path: Path) -> None:
    three = _zip(tmp_path / "three.zip", {f"day{i}.csv": b"a,b\n1,2\n" for i in range(3)})
    with pytest.raises(InputError) as count:
        check_member_count(three, Limits(max_members=2))
    zeros = _zip(tmp_path / "zeros.zip", {"day.csv": b"0" * 200_000})
    with zipfile.ZipFile(zeros) as zf:
        info = zf.infolist()[0]
    with pytest.raises(InputError) as size:
        check_member_size(info, "day.csv", Limits(max_member_bytes=100_000))
    with pytest.raises(InputError) as ratio:
        check_member_size(info, "day.csv", Limits(max_ratio=10))
    with pytest.raises(InputError) as line:
        header_names(b"x" * 64 + b"\n", "summary.csv", Limits(max_line_bytes=32))
    refusals = {
        "--max-members": count.value,
        "--max-member-mb": size.value,
        "--max-ratio": ratio.value,
        "--max-line-mb": line.value,
    }
    assert set(refusals) == set(LIMIT_OPTIONS)
    for option, error in refusals.items():
        assert f"(raise it with {option})" in str(error)
        assert refused_by_limit(error)
    with pytest.raises(InputError) as empty:
        header_names(b"\n", "summary.csv")
    assert not refused_by_limit(empty.value)
    assert not refused_by_limit(ValueError("raise it with care"))


def test_every_cap_option_is_an_option_of_recon_check() -> None:
    options = {name for param in check.params for name in param.opts}
    assert set(LIMIT_OPTIONS) <= options
