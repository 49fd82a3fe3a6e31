"""What the pages read from the store beside the audit: the Trading Day a finding names,
and the values behind a finding (none for a finding about several intervals)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from recon.serve.queries import trading_day_named, values_held
from recon.store.db import Store


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2024-12-03", date(2024, 12, 3)),
        ("2024-12-03T17:30:00+08:00", date(2024, 12, 3)),
        ("2024-12-04T03:30:00+08:00", date(2024, 12, 3)),  # after midnight: the day before
        ("2024-12-04T08:00:00+08:00", date(2024, 12, 4)),
        ("2024-12-03T20:00:00+00:00", date(2024, 12, 3)),  # 04:00 AWST on 4 Dec
        ("2024-12-04T00:00:00+00:00", date(2024, 12, 4)),  # 08:00 AWST
        ("TW 01 Dec 2024", None),
        ("", None),
        (None, None),
    ],
)
def test_the_trading_day_a_timestamp_names(text: str | None, day: date | None) -> None:
    assert trading_day_named(text) == day


def test_values_behind_a_finding(walk_store: Path) -> None:
    with Store.open(walk_store, read_only=True) as store:
        day = values_held(store, "SWANGEN", date(2024, 12, 15), "REGFEE_P_D", "SWANGEN",
                          "2024-12-20", 1)  # fmt: skip
        assert {(v.run_id, v.artefact) for v in day} >= {(51958, "summary_csv"),
                                                          (51958, "detail_zip")}  # fmt: skip
        interval = values_held(store, "SWANGEN", date(2024, 12, 15), "MSQ_F_I", "SWANGEN_WF1",
                               "2024-12-16", 15)  # fmt: skip
        assert sorted(v.run_id for v in interval) == [51958, 54601, 57219]
        assert len({v.value for v in interval}) == 2  # ADJ1 revised WF1 on 16 Dec, TI 14-21
        # a finding about several intervals names none of them: nothing to show
        assert values_held(store, "SWANGEN", date(2024, 12, 15), "MSQ_F_I", "SWANGEN_WF1",
                           "2024-12-16", None) == []  # fmt: skip
        assert values_held(store, "SWANGEN", date(2024, 12, 15), None, None, None, None) == []
        assert values_held(store, "SWANGEN", date(2024, 12, 15), "NOT A VARIABLE", None,
                           "2024-12-16", 1) == []  # fmt: skip
