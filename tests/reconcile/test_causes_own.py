"""own.value estimates (SPEC §9, §10): a priced series' differences valued at AEMO's price."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from paths import FIXTURES

import recon
from recon.errors import InputError
from recon.models.findings import AtStakeBasis, Severity
from recon.sources.own_data import read_mapping

PLANTED = FIXTURES / "planted_week"
SCADA = """
[[series]]
name = "SCADA"
variable = "MSQ_F_I"
format = "csv"
path = "{path}"
scope = "facility"
start = "interval_start"
value = "mwh"
unit = "MWh"
tolerance = "0.0005"
{price}
"""


def _mapping(tmp: Path, price: str) -> Path:
    path = tmp / "own.toml"
    text = SCADA.format(path=(PLANTED / "own" / "SWANGEN_scada_msq.csv").as_posix(), price=price)
    path.write_text(text, encoding="utf-8")
    return path


def _rtp(run_id: int, day: str, position: int) -> Decimal:
    """RTP_G_I of one Trading Interval, read straight from the run's Detail ZIP."""
    (zpath,) = (PLANTED / "SWANGEN_2024-12-01" / "csv").glob(f"*_{run_id}_*Detail.zip")
    with zipfile.ZipFile(zpath) as z:
        for name in z.namelist():
            for row in csv.DictReader(io.StringIO(z.read(name).decode("utf-8"))):
                if (row["Variable"], row["Scope"], row["Timestamp"]) == ("RTP_G_I", "Global", day):
                    return Decimal(row["Value"].strip("[]").split(",")[position - 1])
    raise AssertionError(f"no RTP_G_I for {day} in run {run_id}")


def test_a_priced_series_values_each_difference(tmp_path: Path) -> None:
    own = _mapping(tmp_path, 'price = "RTP_G_I"\ndirection = "payment"')
    result = recon.check(PLANTED, own=own)
    values = [f for f in result.findings if f.check == "own.value"]
    errors = [f for f in values if f.severity is Severity.ERROR]
    assert errors and any(f.at_stake != "0.00" for f in errors)
    # An ADJ run explained against your data (info) is not a difference to value.
    assert all(f.at_stake is None for f in values if f.severity is Severity.INFO)
    for f in errors:
        assert f.at_stake_basis is AtStakeBasis.ESTIMATE and f.cause is None
        assert f.interval_start and f.run_id and f.position and f.expected and f.actual
        trading_day = (datetime.fromisoformat(f.interval_start) - timedelta(hours=8)).date()
        price = _rtp(f.run_id, trading_day.isoformat(), f.position)
        want = ((Decimal(f.expected) - Decimal(f.actual)) * price).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )
        assert Decimal(f.at_stake or "nan") == want, f
    # Estimates are kept out of the cash: every run's cash is still its roots' sum.
    assert all(r.at_stake in (None, Decimal("0.00")) for r in result.coverage)


def test_a_charge_series_turns_the_sign(tmp_path: Path) -> None:
    pay = recon.check(PLANTED, own=_mapping(tmp_path, 'price = "RTP_G_I"\ndirection = "payment"'))
    charge = recon.check(PLANTED, own=_mapping(tmp_path, 'price = "RTP_G_I"\ndirection = "charge"'))
    a = [f.at_stake for f in pay.findings if f.check == "own.value" and f.at_stake]
    b = [f.at_stake for f in charge.findings if f.check == "own.value" and f.at_stake]
    assert a and [Decimal(x or "0") for x in a] == [-Decimal(x or "0") for x in b]


def test_an_unpriced_series_has_no_estimate(tmp_path: Path) -> None:
    result = recon.check(PLANTED, own=_mapping(tmp_path, ""))
    assert all(f.at_stake is None for f in result.findings if f.check == "own.value")


@pytest.mark.parametrize(
    ("price", "why"),
    [
        ('price = "RTP_G_I"', "together"),
        ('direction = "payment"', "together"),
        ('price = "RTEP_G_DI"\ndirection = "payment"', "finer than"),
        (
            'price = "SomePrice_P_I"\ndirection = "payment"',
            "scope G (Global) or the series' scope F",
        ),
        ('price = "RTP"\ndirection = "payment"', "price 'RTP'"),
        ('price = "RTP_G_I"\ndirection = "both"', "direction"),
    ],
)
def test_a_price_must_fit_the_series(tmp_path: Path, price: str, why: str) -> None:
    with pytest.raises(InputError) as e:
        read_mapping(_mapping(tmp_path, price))
    assert why in str(e.value)


def test_a_coarser_price_of_the_series_scope_is_accepted(tmp_path: Path) -> None:
    mapping = read_mapping(_mapping(tmp_path, 'price = "FacPrice_F_D"\ndirection = "charge"'))
    (series,) = mapping.series
    assert (series.price, series.direction) == ("FacPrice_F_D", "charge")
