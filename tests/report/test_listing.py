"""Long lists: the reports list at most MAX_LISTED findings of a run and check and count the
rest; a large saved check is read a finding at a time; findings.json and result.json are
written a finding at a time, byte for byte as one ``json.dumps`` writes them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from paths import FIXTURES

from recon.models.findings import Finding, Severity
from recon.models.results import CheckResult
from recon.report import load_result, write_reports
from recon.report.listing import (
    MAX_LISTED,
    RepeatedFindingId,
    UniqueIds,
    listed,
    load_listed,
)
from recon.report.saved import findings_json_chunks, result_json_chunks, write_chunks

PLANTED = FIXTURES / "planted_week"


@pytest.fixture(scope="module")
def planted() -> CheckResult:
    import recon

    return recon.check([PLANTED])


def _many(result: CheckResult, n: int) -> CheckResult:
    """``result`` with ``n`` copies of its first error finding (another position and id
    each), one of them far worse than the rest, and its other findings."""
    first = next(f for f in result.findings if f.severity is Severity.ERROR)
    assert first.id
    copies = [
        first.model_copy(
            update={"position": i + 1, "difference": "1.00", "id": f"{first.id}-{i + 2}"}
        )
        for i in range(n)
    ]
    if n >= 3:
        copies[n - 3] = copies[n - 3].model_copy(update={"difference": "-99999.99"})
    found = sorted([*result.findings, *copies], key=Finding.sort_key)
    return result.model_copy(update={"findings": found})


def test_a_short_list_is_left_as_it_is(planted: CheckResult) -> None:
    assert listed(planted) is planted


def test_a_long_list_is_cut_and_counted(planted: CheckResult) -> None:
    big = _many(planted, 1000)
    cut = listed(big)
    assert cut.counts == big.counts  # the verdict counts every finding
    assert cut.exit_code() == big.exit_code()
    first = next(f for f in planted.findings if f.severity is Severity.ERROR)
    same = [f for f in cut.findings if (f.check, f.run_id) == (first.check, first.run_id)]
    assert MAX_LISTED < len(same) <= MAX_LISTED + 10
    assert any(f.difference == "-99999.99" for f in cut.findings)  # the worst is listed
    [u] = cut.unlisted
    assert (u.check, u.run_id, u.severity) == (first.check, first.run_id, Severity.ERROR)
    assert u.count + len(cut.findings) == len(big.findings)
    assert "unlisted" not in big.model_dump_json()  # never saved


def test_a_large_saved_check_is_read_a_finding_at_a_time(
    planted: CheckResult, tmp_path: Path
) -> None:
    big = _many(planted, 1000)
    path = tmp_path / "result.json"
    write_chunks(path, result_json_chunks(big))
    streamed = load_listed(path)
    assert streamed == listed(big)
    assert streamed.unlisted == listed(big).unlisted
    # The reports say how many are not listed.
    out = write_reports(streamed, tmp_path / "reports")
    html = out[1].read_text()
    assert f"{streamed.unlisted[0].count} more" in html


def test_load_result_reads_a_large_check_streamed(
    planted: CheckResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import recon.report as report

    big = _many(planted, 500)
    write_chunks(tmp_path / "result.json", result_json_chunks(big))
    monkeypatch.setattr(report, "BIG_RESULT", 1000)
    assert load_result(tmp_path) == listed(big)
    (tmp_path / "result.json").write_text('{"findings": [1, ')
    with pytest.raises(Exception, match="is not a saved recon check"):
        load_result(tmp_path)


@pytest.mark.parametrize("n", [0, 1, 2500])
def test_the_saved_documents_are_written_streamed_byte_for_byte(
    planted: CheckResult, n: int
) -> None:
    result = _many(planted, n) if n else planted.model_copy(update={"findings": []})
    want = json.dumps(result.findings_document(), indent=2, ensure_ascii=False) + "\n"
    assert "".join(findings_json_chunks(result)) == want
    assert "".join(result_json_chunks(result)) == result.model_dump_json(indent=1)


def test_unique_ids_passes_distinct_ids_and_findings_without_one() -> None:
    unique = UniqueIds()
    for finding_id in ("b447b688eec8", None, "d9dc3cff20b7", None, "b447b688eec8-2"):
        unique(finding_id)
    with pytest.raises(RepeatedFindingId) as e:
        unique("d9dc3cff20b7")
    assert str(e.value) == (
        "finding 6 has the id 'd9dc3cff20b7' of an earlier finding (each finding has its own)"
    )


def test_a_large_saved_check_naming_two_findings_by_one_id_is_refused(
    planted: CheckResult, tmp_path: Path
) -> None:
    big = _many(planted, 1000)
    last = big.findings[-1]
    assert last.id
    twice = big.model_copy(
        update={"findings": [*big.findings, last.model_copy(update={"position": 9999})]}
    )
    path = tmp_path / "result.json"
    write_chunks(path, result_json_chunks(twice))
    with pytest.raises(RepeatedFindingId) as e:
        load_listed(path)
    assert f"finding {len(twice.findings):,} has the id {last.id!r}" in str(e.value)
