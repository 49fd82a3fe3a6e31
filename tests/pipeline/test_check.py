"""recon.pipeline.check: a check's arguments checked once, its inputs read (files, the
store, or both), its result kept (recorded, written).

Inputs are the generator's weeks: ``fixtures/sample_week`` (checks clean) and
``fixtures/history_adj`` (stores built in conftest).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from paths import FIXTURES

from recon.errors import InputError, StoreError, UsageError
from recon.models.results import CheckResult
from recon.pipeline.check import CheckRequest, check, keep, read, run
from recon.pipeline.outputs import OUTPUT_SET
from recon.store import open_store

from .conftest import HISTORY_ADJ, WEEK

SAMPLE = FIXTURES / "sample_week"


def _checks(store: Path) -> list[tuple[str, str, str | None]]:
    with duckdb.connect(str(store), read_only=True) as con:
        rows = con.execute(
            "SELECT DISTINCT check_id, command, outputs, out_dir FROM checks ORDER BY check_id"
        ).fetchall()
    return [(command, outputs, out_dir) for _, command, outputs, out_dir in rows]


# ------------------------------------------------------------------ CheckRequest.make


def test_make_takes_one_path_or_several() -> None:
    assert CheckRequest.make(SAMPLE).paths == (SAMPLE,)
    assert CheckRequest.make(str(SAMPLE)).paths == (SAMPLE,)
    two = CheckRequest.make([SAMPLE / "csv", str(SAMPLE / "json")])
    assert two.paths == (SAMPLE / "csv", SAMPLE / "json")
    assert (two.use_store, two.store_path, two.week, two.participant) == (False, None, None, None)


def test_make_reads_the_store_week_and_participant(tmp_path: Path) -> None:
    req = CheckRequest.make(store=tmp_path / "s.duckdb", week="TW 15 Dec 2024",
                            participant=" swangen ", materiality=Decimal("100"))  # fmt: skip
    assert (req.use_store, req.store_path) == (True, tmp_path / "s.duckdb")
    assert (req.week, req.participant, req.materiality) == (WEEK, "SWANGEN", Decimal("100"))
    default = CheckRequest.make(store=True)
    assert (default.use_store, default.store_path, default.paths) == (True, None, ())
    assert CheckRequest.make(SAMPLE, store=False).use_store is False


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "give at least one file or folder to check"),
        ({"paths": [SAMPLE], "week": "2024-12-01"},
         "week and participant select runs from the store: add --store (store= in Python)"),
        ({"paths": [SAMPLE], "store": False, "participant": "SWANGEN"},
         "week and participant select runs from the store: add --store (store= in Python)"),
        ({"store": True, "week": "2024-12-02"},
         "2024-12-02 is a Monday; a Trading Week starts on a Sunday"),
    ],
)  # fmt: skip
def test_make_refuses_bad_arguments_as_usage_errors(kwargs: dict, message: str) -> None:
    with pytest.raises(UsageError) as e:
        CheckRequest.make(**kwargs)
    assert str(e.value) == message


def test_make_refuses_a_path_that_does_not_exist(tmp_path: Path) -> None:
    missing = tmp_path / "typo"
    with pytest.raises(InputError) as e:
        CheckRequest.make([SAMPLE, missing])
    assert str(e.value) == f"{missing}: no such file or folder"


# ------------------------------------------------------------------ read and run


def test_read_files_every_artefact_sorted_and_says_what_it_skipped() -> None:
    inputs = read(CheckRequest.make(SAMPLE))
    paths = [i.record.path for i in inputs.loaded]
    assert len(paths) == 6 + 27 + 3  # the generator's CSV, JSON and PDF files
    assert paths == sorted(paths)
    assert inputs.findings == []
    assert sorted(Path(s["path"]).name for s in inputs.skipped) == [
        "SWANGEN_revenue_meters_NEM12.csv", "SWANGEN_scada_msq.csv", "own.toml"
    ]  # fmt: skip


@pytest.fixture(scope="module")
def sample_result() -> CheckResult:
    """The sample week checked from its files (run once for the module)."""
    return run(CheckRequest.make(SAMPLE))


def test_run_of_the_sample_week_is_clean_and_names_its_own_data_as_such(
    sample_result: CheckResult,
) -> None:
    result = sample_result
    assert result.exit_code() == 0
    mapping = str(SAMPLE / "own.toml")
    assert {s["reason"] for s in result.skipped} == {f"own data (used with --own {mapping})"}
    assert {s["own_data"] for s in result.skipped} == {mapping}
    assert result.own is None


def test_run_with_own_ties_the_detail_out_against_your_data() -> None:
    result = run(CheckRequest.make(SAMPLE, own=SAMPLE / "own.toml"))
    assert result.own is not None
    assert result.own.mapping == str(SAMPLE / "own.toml")
    assert result.own.series and result.own.intervals_compared > 0
    assert all("own_data" not in s for s in result.skipped)


def test_an_empty_store_names_what_it_holds_no_run_for(tmp_path: Path) -> None:
    store = tmp_path / "empty.duckdb"
    with open_store(store):
        pass
    with pytest.raises(StoreError) as e:
        read(CheckRequest.make(store=store, week=WEEK, participant="swangen"))
    assert str(e.value) == (
        f"the store {store} holds no run for the Trading Week of 2024-12-15 and participant "
        "SWANGEN; see `recon runs`"
    )
    with pytest.raises(StoreError) as e:
        read(CheckRequest.make(store=store))
    assert str(e.value) == f"the store {store} holds no run; see `recon runs`"


def test_no_store_at_the_path_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError):
        read(CheckRequest.make(store=tmp_path / "none.duckdb"))
    assert list(tmp_path.iterdir()) == []


def test_a_file_the_store_holds_is_read_once(adj1_store: Path) -> None:
    held = read(CheckRequest.make(store=adj1_store, week=WEEK))
    both = read(CheckRequest.make([HISTORY_ADJ / "2_ADJ1"], store=adj1_store))
    assert [i.record.sha256 for i in both.loaded] == [i.record.sha256 for i in held.loaded]
    assert len({i.record.sha256 for i in held.loaded}) == len(held.loaded) == 4 + 3


def test_the_weeks_come_from_the_files_given(adj1_store: Path, tmp_path: Path) -> None:
    # The ADJ2 folder is not held: its week's runs come from the store, its files added.
    inputs = read(CheckRequest.make([HISTORY_ADJ / "3_ADJ2"], store=adj1_store))
    runs = {i.record.path.split("/")[-1].split("_")[1] for i in inputs.loaded}
    assert runs == {"51958", "54601", "57219"}
    assert run(CheckRequest.make([HISTORY_ADJ / "3_ADJ2"], store=adj1_store)).exit_code() == 1
    other = read(CheckRequest.make([SAMPLE / "csv"], store=adj1_store))
    assert {i.record.path.split("/")[-1].split("_")[1] for i in other.loaded} == {
        "51230", "53874", "56492"
    }  # fmt: skip


# ------------------------------------------------------------------ check and keep


def test_check_without_a_command_records_nothing(adj1_store: Path) -> None:
    before = _checks(adj1_store)
    checked = check(CheckRequest.make(store=adj1_store, week=WEEK))
    assert checked.check_id is None and checked.written == []
    assert checked.result.exit_code() == 1
    assert _checks(adj1_store) == before


def test_check_from_python_is_recorded_with_no_outputs(adj1_store: Path) -> None:
    before = _checks(adj1_store)
    checked = check(CheckRequest.make(store=adj1_store, week=WEEK), command="api")
    assert checked.check_id is not None
    assert _checks(adj1_store) == [*before, ("api", "none", None)]


def test_check_with_out_writes_the_set_and_records_it_written(
    adj1_store: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    checked = check(CheckRequest.make(store=adj1_store, week=WEEK), command="check", out=out)
    assert sorted(checked.written) == sorted(out / name for name in OUTPUT_SET)
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUT_SET)
    assert _checks(adj1_store)[-1] == ("check", "written", str(out.absolute()))


def test_keep_writes_a_files_only_check_without_recording_it(
    sample_result: CheckResult, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    kept = keep(CheckRequest.make(SAMPLE), sample_result, command="check", out=out, reports=False)
    assert kept.check_id is None and kept.result is sample_result
    assert sorted(p.name for p in kept.written) == ["findings.json", "result.json"]
    assert sorted(p.name for p in out.iterdir()) == ["findings.json", "result.json"]


def test_the_week_held_is_the_one_asked(adj1_store: Path) -> None:
    result = run(CheckRequest.make(store=adj1_store, week=WEEK))
    assert {(r.participant, r.run_id) for r in result.runs} == {("SWANGEN", 51958),
                                                               ("SWANGEN", 54601)}  # fmt: skip
    assert all(r.period == "TW 15 Dec 2024" for r in result.runs)
    assert WEEK == date(2024, 12, 15)
