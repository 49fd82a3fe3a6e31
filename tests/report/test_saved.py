"""recon.report.saved: findings.json and result.json written a batch of findings at a time,
the same bytes as one ``json.dumps`` of the whole document (the conftest's hand-built check;
the planted week's case is in test_listing.py), and written atomically."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from recon.models.results import CheckResult
from recon.report.saved import findings_json_chunks, result_json_chunks, write_chunks

BATCH = 1000
"""Findings serialised per write (the module's batch)."""


def _with(result: CheckResult, n: int) -> CheckResult:
    """``result`` holding ``n`` findings, copies of its first at positions 1..n."""
    first = result.findings[0]
    found = [first.model_copy(update={"position": i + 1}) for i in range(n)]
    return result.model_copy(update={"findings": found})


def _findings_json(result: CheckResult) -> str:
    return json.dumps(result.findings_document(), indent=2, ensure_ascii=False) + "\n"


@pytest.mark.parametrize("n", [BATCH - 1, BATCH, BATCH + 1, 2 * BATCH])
def test_the_batches_join_exactly_at_their_edges(result: CheckResult, n: int) -> None:
    big = _with(result, n)
    chunks = list(findings_json_chunks(big))
    assert "".join(chunks) == _findings_json(big)
    assert len(chunks) == 2 + -(-n // BATCH)  # the head, one per batch, the tail
    assert "".join(result_json_chunks(big)) == big.model_dump_json(indent=1)


def test_the_hand_built_check_is_written_as_one_dumps_writes_it(result: CheckResult) -> None:
    assert "".join(findings_json_chunks(result)) == _findings_json(result)
    assert "".join(result_json_chunks(result)) == result.model_dump_json(indent=1)
    doc = json.loads("".join(findings_json_chunks(result)), parse_float=Decimal)
    assert len(doc["findings"]) == len(result.findings)


def test_text_beyond_ascii_is_kept_as_it_is(result: CheckResult) -> None:
    first = result.findings[0].model_copy(update={"message": "Ω ≠ 0 — “quoted”"})
    odd = result.model_copy(update={"findings": [first]})
    assert '"message": "Ω ≠ 0 — “quoted”"' in "".join(findings_json_chunks(odd))
    assert '"message": "Ω ≠ 0 — “quoted”"' in "".join(result_json_chunks(odd))


def test_a_lone_surrogate_is_written_as_its_six_characters(
    result: CheckResult, tmp_path: Path
) -> None:
    first = result.findings[0].model_copy(update={"scope": "GEN\udc80"})
    odd = result.model_copy(update={"findings": [first]})
    path = tmp_path / "findings.json"
    write_chunks(path, findings_json_chunks(odd))
    raw = path.read_bytes()
    assert b'"scope": "GEN\\\\udc80"' in raw
    assert json.loads(raw.decode("utf-8"))["findings"][0]["scope"] == "GEN\\udc80"


def test_write_chunks_writes_utf8(tmp_path: Path) -> None:
    path = tmp_path / "out.json"
    write_chunks(path, iter(["{", '"a": "é"', "}"]))
    assert path.read_bytes() == b'{"a": "\xc3\xa9"}'


def test_write_chunks_that_fails_midway_keeps_the_file_there(tmp_path: Path) -> None:
    path = tmp_path / "findings.json"
    path.write_bytes(b"the previous check")

    def failing() -> Iterator[str]:
        yield "{"
        raise RuntimeError("the disk filled")

    with pytest.raises(RuntimeError, match="the disk filled"):
        write_chunks(path, failing())
    assert path.read_bytes() == b"the previous check"
    assert [p.name for p in tmp_path.iterdir()] == ["findings.json"]  # no temporary left
