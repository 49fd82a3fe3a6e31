"""recon.pipeline.own: your own data in a check (SPEC §9): the Detail rows kept for it,
your files named as your own data rather than skipped, and the tie-out added to a result."""

from __future__ import annotations

import os
import shutil
from collections import Counter
from pathlib import Path

import pytest
from paths import FIXTURES

from recon.errors import InputError
from recon.models.kinds import Kind
from recon.models.statements import Kept
from recon.pipeline.check import CheckRequest, read
from recon.pipeline.own import add_own, kept_rows, mark_own_data, own_checks
from recon.reconcile.engine import run_checks

SAMPLE = FIXTURES / "sample_week"
MAPPING = SAMPLE / "own.toml"


@pytest.fixture()
def week(tmp_path: Path) -> Path:
    """The sample week's CSVs and your own data, with a TOML file that is no mapping."""
    folder = tmp_path / "week"
    shutil.copytree(SAMPLE / "csv", folder / "csv")
    shutil.copytree(SAMPLE / "own", folder / "own")
    shutil.copy(MAPPING, folder / "own.toml")
    (folder / "notes.toml").write_text('title = "not a mapping"\n', encoding="utf-8")
    return folder


def test_kept_rows_are_the_variables_a_mapping_compares_and_prices_by(tmp_path: Path) -> None:
    assert kept_rows(None) == Kept()
    assert kept_rows(MAPPING) == Kept(frozenset({"ChannelQty_CH_I", "MSQ_F_I"}))
    priced = tmp_path / "priced.toml"
    priced.write_text(
        '[[series]]\nname = "m"\nvariable = "MSQ_F_I"\nformat = "csv"\npath = "a.csv"\n'
        'price = "ENERGY_PRICE_G_I"\ndirection = "payment"\n',
        encoding="utf-8",
    )
    assert kept_rows(priced).variables == {"MSQ_F_I", "ENERGY_PRICE_G_I"}
    assert kept_rows(priced).holds("ENERGY_PRICE_G_I") and not kept_rows(priced).holds("X_G_I")
    broken = tmp_path / "broken.toml"
    broken.write_text("[[series]\n", encoding="utf-8")
    assert kept_rows(broken) == Kept()  # the tie-out reads it again and says what is wrong


def test_a_mapping_and_its_files_are_own_data_not_skipped(week: Path) -> None:
    skipped = read(CheckRequest.make([week])).skipped
    assert len(skipped) == 4
    marked = {Path(s["path"]).name: s for s in mark_own_data(skipped)}
    mapping = str(week / "own.toml")
    for name in ("own.toml", "SWANGEN_revenue_meters_NEM12.csv", "SWANGEN_scada_msq.csv"):
        assert marked[name]["own_data"] == mapping
        assert marked[name]["reason"] == f"own data (used with --own {mapping})"
    assert "own_data" not in marked["notes.toml"]
    assert (
        marked["notes.toml"]["reason"] == "text that is not a settlement CSV, JSON document or PDF"
    )


def test_a_mapping_over_the_size_to_look_at_stays_skipped(week: Path) -> None:
    mapping = week / "own.toml"
    with mapping.open("a", encoding="utf-8") as f:
        f.write("#" * (1 << 20) + "\n")
    marked = mark_own_data(read(CheckRequest.make([week])).skipped)
    assert not any("own_data" in s for s in marked)


def test_own_checks_without_a_detail_says_nothing_could_be_compared() -> None:
    findings, result, inputs = own_checks(MAPPING, [])
    assert [f.check for f in findings] == ["own.missing"]
    assert "no Settlement Statement Detail among the inputs" in findings[0].message
    assert result.mapping == str(MAPPING) and result.intervals_compared == 0
    assert [(i.kind, Path(i.path).name) for i in inputs] == [
        (Kind.OWN_MAPPING, "own.toml"),
        (Kind.OWN_NEM12, "SWANGEN_revenue_meters_NEM12.csv"),
        (Kind.OWN_CSV, "SWANGEN_scada_msq.csv"),
    ]
    assert all(len(i.sha256) == 64 for i in inputs)


def test_an_unreadable_mapping_is_an_input_error(tmp_path: Path) -> None:
    broken = tmp_path / "own.toml"
    broken.write_text("[[series]\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"own\.toml"):
        own_checks(broken, [])


def test_add_own_ties_the_week_out_and_records_your_files_as_inputs(week: Path) -> None:
    inputs = read(CheckRequest.make([week]))
    result = run_checks(inputs.loaded, findings=inputs.findings, skipped=inputs.skipped)
    added = add_own(result, inputs.loaded, week / "own.toml")
    assert added.own is not None
    assert [(s.name, s.intervals_compared, s.within_tolerance) for s in added.own.series] == [
        ("revenue meters", 3024, 3024),
        ("SCADA", 1344, 1344),
    ]
    kinds = Counter(i.kind for i in added.inputs)
    assert (kinds[Kind.OWN_MAPPING], kinds[Kind.OWN_NEM12], kinds[Kind.OWN_CSV]) == (1, 1, 1)
    assert [Path(s["path"]).name for s in added.skipped] == ["notes.toml"]
    assert added.inputs[: len(result.inputs)] == result.inputs
    assert all(f.severity == "info" for f in added.findings)
    assert Counter(f.check for f in added.findings)["own.value"] == 36
    assert [f.sort_key() for f in added.findings] == sorted(f.sort_key() for f in added.findings)
    assert {os.path.realpath(i.path) for i in added.inputs} >= {
        os.path.realpath(week / "own" / "SWANGEN_scada_msq.csv")
    }
