#!/usr/bin/env python3
"""Generate a large synthetic Detail week (a ZIP of 7 day CSVs) and its matching Summary CSV.

SYNTHETIC DATA: every name and figure is invented. The files follow Guide Tables 4 and 5
(SPEC §3.1, §3.2): one participant, one run, a Trading Week of seven Trading Days, every
Value an exact Decimal(23,8) literal. The Summary's P-scope D values are the Detail's
``*_P_D`` rows, so ``recon check`` on the pair is clean (no finding).

Rows per day are drawn from realistic variable families by granularity (D, I, DI), with
the share of each granularity an option: Global prices, tranche offers (``<F> E_T3``),
Facility-ESS enablement, NMI channels, Facility quantities, SESSM awards, Network
Contingencies (quoted scopes holding commas), Capacity Credit allocations, plus a few
M, CY, FY and X rows. Values are built vectorised (numpy for the digits, polars for the
text and the arrays), so 15 million values take seconds, not minutes.

Two value styles:

* ``realistic``: prices with 2 decimals, quantities with 3, amounts and rates with 8,
  trailing zeros trimmed as AEMO's files show (``176.4``, ``0.0``);
* ``adversarial``: values chosen so a float path goes wrong: half-cent amounts
  (``12.345``), 15-digit integers with 8 decimals (``987654321098765.12345678``), and many
  0.1-like values (``0.1``, ``0.70000001``).

``--bad`` also plants values recon must report as ``data.value`` and never change: a 9th
decimal, ``1e-05``, ``+1``, an empty array ``[]``, ``1.5E3``.

Usage::

    python bench/generate_big.py --values 15000000              # ~158 MB of CSV
    python bench/generate_big.py --rows-per-day 2000 --mix D=0.5,I=0.3,DI=0.2 --seed 7
"""

from __future__ import annotations

import argparse
import io
import json
import struct
import sys
import time
import zlib
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"

DETAIL_COLUMNS = (
    "RunId",
    "PublishedAt",
    "MarketService",
    "Designation",
    "Period",
    "PeriodFrom",
    "PeriodTo",
    "ParticipantCode",
    "Settlement Trading Day",
    "Variable",
    "Scope",
    "Timestamp",
    "Value",
)
SUMMARY_COLUMNS = (
    "RunId",
    "PublishedAt",
    "MarketService",
    "Designation",
    "Period",
    "PeriodFrom",
    "PeriodTo",
    "ParticipantCode",
    "Variable",
    "Timestamp",
    "P Or C",
    "GST Applicable",
    "Value",
)
LENGTH = {"D": 1, "I": 48, "DI": 288}
DAYS = 7

# Summary variables (scope P, granularity D) with their P Or C and GST flag.
P_VARIABLES: tuple[tuple[str, str, str], ...] = (
    ("RTMSA_P_D", "Payment", "Y"),
    ("CCPAY_P_D", "Payment", "Y"),
    ("CCREFUND_P_D", "Payment", "Y"),
    ("CRPAY_P_D", "Payment", "Y"),
    ("CLPAY_P_D", "Payment", "Y"),
    ("RRPAY_P_D", "Payment", "Y"),
    ("RLPAY_P_D", "Payment", "Y"),
    ("RCSPAY_P_D", "Payment", "Y"),
    ("NCESSPAY_P_D", "Payment", "Y"),
    ("SESSMPAY_P_D", "Payment", "Y"),
    ("OUTCOMP_P_D", "Payment", "N"),
    ("SECDEPINT_P_D", "Payment", "N"),
    ("CRCHG_P_D", "Charge", "Y"),
    ("IRCRCHG_P_D", "Charge", "Y"),
    ("MKTFEE_P_D", "Charge", "Y"),
    ("REGCHG_P_D", "Charge", "Y"),
    ("REGFEE_P_D", "Charge", "N"),
    ("SOFEE_P_D", "Charge", "Y"),
)

PLACES = (
    "KWINANA",
    "COLLIE",
    "MUJA",
    "PINJAR",
    "ALINTA",
    "GRASMERE",
    "YANDIN",
    "MERREDIN",
    "BADGINGARRA",
    "WARRADARGE",
    "ALBANY",
    "KEMERTON",
    "NEWGEN",
    "BLUEWATERS",
    "COCKBURN",
    "GERALDTON",
    "KALBARRI",
    "ESPERANCE",
    "NARROGIN",
    "BUNBURY",
)
KINDS = ("WF", "ESR", "GT", "PV", "BESS", "CCGT", "DSP", "ST")
ESS = (
    "CONTINGENCY_RAISE",
    "CONTINGENCY_LOWER",
    "REGULATION_RAISE",
    "REGULATION_LOWER",
    "ROCOF_CONTROL_SERVICE",
)

# Value kinds: (scale, integer-part range) for the realistic style.
VALUE_KINDS = {
    "price": (2, 300),  # $/MWh, 2 decimals
    "qty": (6, 400),  # MW/MWh, up to 6 decimals
    "amount": (8, 50_000),  # $, 8 decimals
    "rate": (8, 1),  # fractions, 8 decimals
    "rank": (0, 40),  # integers
    "money": (8, 50_000),  # the P variables (Summary amounts): realistic in every style
}
KIND_CODE = {k: i for i, k in enumerate(VALUE_KINDS)}


def facility(i: int) -> str:
    """A unique, realistic facility code for index ``i`` (``KWINANA_ESR1``)."""
    place = PLACES[i % len(PLACES)]
    kind = KINDS[(i // len(PLACES)) % len(KINDS)]
    return f"{place}_{kind}{i // (len(PLACES) * len(KINDS)) + 1}"


def nmi(i: int) -> str:
    """A unique 10-digit NMI for index ``i``."""
    return f"80{i:08d}"


ScopeFn = Callable[[int, str], str]
"""(index within the family, participant) -> the Scope string."""


@dataclass(frozen=True)
class Family:
    """A variable whose rows differ by scope: row ``i`` of the family has scope ``scope(i)``."""

    variable: str
    scope: ScopeFn
    kind: str
    timestamp: str = "day"  # day, month, cy, fy, x


def _fixed(text: str) -> ScopeFn:
    return lambda _i, _p: text


def _participant(_i: int, p: str) -> str:
    return p


def _tranche(service: str) -> ScopeFn:
    return lambda i, _p: f"{facility(i // 10)} {service}_T{i % 10 + 1}"


def _fe(i: int, _p: str) -> str:
    return f"{facility(i // len(ESS))} {ESS[i % len(ESS)]}"


def _nc(i: int, _p: str) -> str:
    return f"NIL * NBT-NT {91 + i}, SPS_MARNET [LargestContingency]"


def _fnc(i: int, _p: str) -> str:
    return f"{facility(i % 200)} NIL * NBT-NT {91 + i // 200}, SPS_MARNET"


# Each granularity: the rows every day holds first (head), then families taken in turn.
HEADS: dict[str, list[Family]] = {
    "D": [
        *(Family(v, _participant, "money") for v, _, _ in P_VARIABLES),
        Family("InterestRate_G_D", _fixed("Global"), "rate"),
        Family("MFRATE_G_FY", _fixed("Global"), "rate", "fy"),
        Family("SOFRATE_G_FY", _fixed("Global"), "rate", "fy"),
        Family("REGFRATE_G_FY", _fixed("Global"), "rate", "fy"),
        Family("MktEnergyFcst_G_FY", _fixed("Global"), "amount", "fy"),
        Family("RCPrice_G_CY", _fixed("Global"), "amount", "cy"),
        Family("SESSMAwardQty_SA_X", _fixed("SESSM-001"), "qty", "x"),
        Family("SESSMAvailPrice_SA_X", _fixed("SESSM-001"), "price", "x"),
    ],
    "I": [Family("RTP_G_I", _fixed("Global"), "price")],
    "DI": [
        Family(v, _fixed("Global"), "price")
        for v in (
            "RTEP_G_DI",
            "CRMCP_G_DI",
            "CLMCP_G_DI",
            "RRMCP_G_DI",
            "RLMCP_G_DI",
            "RCSMCP_G_DI",
        )
    ],
}
FAMILIES: dict[str, list[Family]] = {
    "D": [
        Family("TRCCrank_T_D", lambda i, _p: f"{facility(i)} F", "rank"),
        Family("CCQ_T_D", lambda i, _p: f"{facility(i)} F", "qty"),
        Family("CCP_T_D", lambda i, _p: f"{facility(i)} F", "amount"),
        Family("CCRefund_F_D", lambda i, _p: facility(i), "amount"),
        Family("ESSPay_FE_D", _fe, "amount"),
        Family("SCCAvail_SCC_D", lambda i, _p: f"{facility(i)}_ESR_01", "qty"),
        Family("CCAllocQty_A_D", lambda i, _p: str(800 + i), "qty"),
        Family("SESSMAvailPay_SA_D", lambda i, _p: f"SESSM-{i + 1:04d}", "amount"),
        Family("RefundCap_F_M", lambda i, _p: facility(i), "amount", "month"),
        Family("FacilityCC_F_CY", lambda i, _p: facility(i), "qty", "cy"),
        Family("TLF_F_FY", lambda i, _p: facility(i), "rate", "fy"),
    ],
    "I": [
        Family("ChannelQty_CH_I", lambda i, _p: f"{nmi(i // 2)}-{'BE'[i % 2]}1", "qty"),
        Family("NMINetQty_N_I", lambda i, _p: nmi(i), "qty"),
        Family("MSQ_F_I", lambda i, _p: facility(i), "qty"),
        Family("RTMSA_F_I", lambda i, _p: facility(i), "amount"),
        Family("AvailCap_F_I", lambda i, _p: facility(i), "qty"),
        Family("SESSMAvail_SA_I", lambda i, _p: f"SESSM-{i + 1:04d}", "qty"),
    ],
    "DI": [
        Family("RTEQ_T_DI", _tranche("E"), "qty"),
        Family("RTEP_T_DI", _tranche("E"), "price"),
        Family("RTEDC_T_DI", _tranche("E"), "qty"),
        Family("RTMOERank_T_DI", _tranche("E"), "rank"),
        Family("RTEQTop_T_DI", _tranche("E"), "qty"),
        Family("RTEQBtm_T_DI", _tranche("E"), "qty"),
        Family("CRQ_T_DI", _tranche("CR"), "qty"),
        Family("CRP_T_DI", _tranche("CR"), "price"),
        Family("CLQ_T_DI", _tranche("CL"), "qty"),
        Family("CLP_T_DI", _tranche("CL"), "price"),
        Family("RLQ_T_DI", _tranche("RL"), "qty"),
        Family("RLP_T_DI", _tranche("RL"), "price"),
        Family("RRQ_T_DI", _tranche("RR"), "qty"),
        Family("RRP_T_DI", _tranche("RR"), "price"),
        Family("ESSEnab_FE_DI", _fe, "qty"),
        Family("RTEDT_F_DI", lambda i, _p: facility(i), "qty"),
        Family("NCSize_NC_DI", _nc, "qty"),
        Family("FNCRiskQty_FNC_DI", _fnc, "qty"),
    ],
}

BAD_TOKENS = ("0.123456789", "1e-05", "+1", "[]", "1.5E3", "12.000000001")
"""Values recon must turn into ``data.value`` findings (``[]`` replaces a whole array)."""


@dataclass(frozen=True)
class WeekSpec:
    """What to generate.

    Attributes:
        participant: ParticipantCode (also the scope of the P variables).
        run_id: RunId.
        designation: INITIAL, ADJ1, ...
        week_start: The Sunday that starts the Trading Week.
        published_at: PublishedAt as written.
        rows_per_day: Detail rows per Trading Day.
        mix: Share of rows by granularity (D, I, DI).
        seed: Random seed (same seed, same files).
        style: ``realistic`` or ``adversarial``.
        bad: Plant the :data:`BAD_TOKENS` (on days 1 and 4).
        compresslevel: zlib level of the ZIP members.
        changed: Share of values an adjustment run changes (0 for the INITIAL run); the
            other values are the INITIAL run's of the same seed.
    """

    participant: str = "BIGPORT"
    run_id: int = 71234
    designation: str = "INITIAL"
    week_start: date = date(2024, 12, 1)
    published_at: str = "2024-12-19T15:30:45"
    rows_per_day: int = 20_000
    mix: tuple[float, float, float] = (0.4, 0.25, 0.35)
    seed: int = 20241201
    style: str = "realistic"
    bad: bool = False
    compresslevel: int = 6
    changed: float = 0.0

    @property
    def period(self) -> str:
        """The Trading Week label, ``TW 01 Dec 2024``."""
        return "TW " + self.week_start.strftime("%d %b %Y")

    @property
    def stem(self) -> str:
        """File name stem, ``BIGPORT_71234_INITIAL``."""
        return f"{self.participant}_{self.run_id}_{self.designation}"

    def header(self) -> list[str]:
        """The eight header fields of every row."""
        end = self.week_start + timedelta(days=DAYS - 1)
        return [
            str(self.run_id),
            self.published_at,
            "WEM",
            self.designation,
            self.period,
            self.week_start.isoformat(),
            end.isoformat(),
            self.participant,
        ]


@dataclass
class Generated:
    """What was written.

    Attributes:
        detail: The Detail ZIP.
        summary: The Summary CSV.
        values: Values in the Detail week.
        rows: Detail rows in the week.
        csv_bytes: Uncompressed CSV bytes in the ZIP.
        bad: Planted bad values: (member, CSV line, token).
        seconds: Time taken.
    """

    detail: Path
    summary: Path
    values: int
    rows: int
    csv_bytes: int
    bad: list[tuple[str, int, str]] = field(default_factory=list)
    seconds: float = 0.0


def mean_length(mix: Sequence[float]) -> float:
    """Mean values per row for a (D, I, DI) mix."""
    d, i, di = mix
    return d * LENGTH["D"] + i * LENGTH["I"] + di * LENGTH["DI"]


def rows_for_values(values: int, mix: Sequence[float]) -> int:
    """Rows per day that give about ``values`` values in a week."""
    return max(len(HEADS["D"]) + 8, round(values / DAYS / mean_length(mix)))


def _row_plan(spec: WeekSpec) -> list[tuple[Family, int, str]]:
    """The (family, index, granularity) of each row of a day, the same every day."""
    shares = np.asarray(spec.mix, dtype=float)
    shares = shares / shares.sum()
    counts = np.floor(shares * spec.rows_per_day).astype(int)
    counts[0] += spec.rows_per_day - counts.sum()  # the rest to D
    plan: list[tuple[Family, int, str]] = []
    for gran, n in zip(("D", "I", "DI"), counts, strict=True):
        head = HEADS[gran][:n] if gran != "D" else HEADS[gran]
        plan.extend((f, 0, gran) for f in head)
        fams = FAMILIES[gran]
        for j in range(max(0, int(n) - len(head))):
            plan.append((fams[j % len(fams)], j // len(fams), gran))
    return plan


def _timestamp(kind: str, day: date) -> str:
    if kind == "day":
        return day.isoformat()
    if kind == "month":
        return day.replace(day=1).isoformat()
    if kind == "cy":
        return date(day.year if day.month >= 10 else day.year - 1, 10, 1).isoformat()
    if kind == "fy":
        return date(day.year if day.month >= 7 else day.year - 1, 7, 1).isoformat()
    return "2024-06-01"


def _digits(
    rng: np.random.Generator,
    kinds: np.ndarray,
    style: str,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Sign, integer part, fraction digits and scale of each value (exact integers)."""
    n = kinds.size
    scale = np.zeros(n, dtype=np.int64)
    ip = np.zeros(n, dtype=np.int64)
    fp = np.zeros(n, dtype=np.int64)
    neg = np.zeros(n, dtype=bool)
    for name, (s, top) in VALUE_KINDS.items():
        m = kinds == KIND_CODE[name]
        k = int(m.sum())
        if not k:
            continue
        scale[m] = s
        ip[m] = rng.integers(0, top + 1, k)
        fp[m] = rng.integers(0, 10**s, k) if s else 0
        neg[m] = rng.random(k) < (0.15 if name in ("price", "amount", "money") else 0.03)
        if name == "qty":  # quantities are often zero (a tranche not dispatched)
            z = m.copy()
            z[m] = rng.random(k) < 0.2
            ip[z] = 0
            fp[z] = 0
    if style == "realistic":
        return neg, ip, fp, scale
    # adversarial (all but the Summary's P variables, whose weekly sums must stay invoiceable):
    # a quarter each of half-cents, 15-digit/8-decimal, 0.1-likes and mixed scales.
    adv = kinds != KIND_CODE["money"]
    pick = np.where(adv, rng.integers(0, 4, n), -1)
    half = pick == 0
    scale[half] = 3
    ip[half] = rng.integers(0, 100_000, int(half.sum()))
    fp[half] = rng.integers(0, 100, int(half.sum())) * 10 + 5  # x.xx5
    big = pick == 1
    scale[big] = 8
    ip[big] = rng.integers(10**14, 10**15, int(big.sum()))  # 15 integer digits
    fp[big] = rng.integers(0, 10**8, int(big.sum()))
    tenth = pick == 2
    k = int(tenth.sum())
    scale[tenth] = 8
    ip[tenth] = 0
    fp[tenth] = rng.integers(1, 10, k) * 10**7 + (rng.random(k) < 0.3)  # 0.1 .. 0.90000001
    mixed = pick == 3
    k = int(mixed.sum())
    scale[mixed] = rng.integers(0, 9, k)
    ip[mixed] = rng.integers(0, 10**9, k)
    fp[mixed] = rng.integers(0, 10**8, k) % (10 ** scale[mixed])
    neg[adv] = rng.random(int(adv.sum())) < 0.4
    neg[(ip == 0) & (fp == 0)] = False
    return neg, ip, fp, scale


def _value_text(
    neg: np.ndarray,
    ip: np.ndarray,
    fp: np.ndarray,
    scale: np.ndarray,
) -> pl.Series:
    """Plain decimal text for each value: ``-12.5``, ``0.0``, ``987654321098765.12345678``."""
    df = pl.DataFrame({"neg": neg, "ip": ip, "f": fp + 10**scale})
    frac = pl.col("f").cast(pl.String).str.slice(1).str.strip_chars_end("0")
    text = pl.concat_str(
        pl.when(pl.col("neg")).then(pl.lit("-")).otherwise(pl.lit("")),
        pl.col("ip").cast(pl.String),
        pl.lit("."),
        pl.when(frac == "").then(pl.lit("0")).otherwise(frac),
    )
    return df.select(text.alias("v")).to_series()


def day_frame(
    spec: WeekSpec,
    plan: list[tuple[Family, int, str]],
    day: date,
    rng: np.random.Generator,
    alt: np.random.Generator | None = None,
) -> tuple[pl.DataFrame, dict[str, str]]:
    """One Trading Day's Detail rows (all strings) and its P-variable values.

    Args:
        spec: The week.
        plan: The rows of every day (:func:`_row_plan`).
        day: The Trading Day.
        rng: The values' generator (the same stream for every run of one seed).
        alt: With ``spec.changed``: the generator of an adjustment run's changed values.

    Returns:
        The frame (columns :data:`DETAIL_COLUMNS`) and {P variable: value text}.
    """
    n = len(plan)
    lengths = np.fromiter((LENGTH[g] for _, _, g in plan), dtype=np.int64, count=n)
    kinds_row = np.fromiter((KIND_CODE[f.kind] for f, _, _ in plan), dtype=np.int64, count=n)
    kinds = np.repeat(kinds_row, lengths)
    texts = _value_text(*_digits(rng, kinds, spec.style))
    offsets = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(lengths, out=offsets[1:])
    if alt is not None and spec.changed > 0:
        # An adjustment: a share of the values drawn again, and one P variable each day
        # (the Summary follows), so the run's lines move and the week still checks clean.
        k = max(1, int(kinds.size * spec.changed))
        picked = alt.choice(kinds.size, size=min(k, kinds.size), replace=False)
        p_row = (day - spec.week_start).days % len(P_VARIABLES)
        idx = np.unique(np.append(picked, offsets[p_row])).astype(np.int64)
        texts = texts.scatter(idx, _value_text(*_digits(alt, kinds[idx], spec.style)))
    arr = pa.ListArray.from_arrays(pa.array(offsets), texts.to_arrow().cast(pa.large_string()))
    lists = pl.Series("v", arr)
    values = ("[" + lists.list.join(",") + "]").alias("Value")
    variables = [f.variable for f, _, _ in plan]
    scopes = [f.scope(i, spec.participant) for f, i, _ in plan]
    stamps = [_timestamp(f.timestamp, day) for f, _, _ in plan]
    cols: dict[str, object] = {
        c: pl.repeat(v, n, eager=True, dtype=pl.String)
        for c, v in zip(DETAIL_COLUMNS[:8], spec.header(), strict=True)
    }
    cols["Settlement Trading Day"] = pl.repeat(day.isoformat(), n, eager=True, dtype=pl.String)
    cols["Variable"] = pl.Series(variables, dtype=pl.String)
    cols["Scope"] = pl.Series(scopes, dtype=pl.String)
    cols["Timestamp"] = pl.Series(stamps, dtype=pl.String)
    cols["Value"] = values
    frame = pl.DataFrame(cols)
    p_names = {v for v, _, _ in P_VARIABLES}
    first = lists.list.first()
    p_values = {variables[k]: first[k] for k in range(len(HEADS["D"])) if variables[k] in p_names}
    return frame, p_values


def _plant_bad(
    frame: pl.DataFrame, plan: list[tuple[Family, int, str]], member: str, rng: np.random.Generator
) -> tuple[pl.DataFrame, list[tuple[str, int, str]]]:
    """Put each of :data:`BAD_TOKENS` into one row (never a P-variable row)."""
    start = len(HEADS["D"])
    candidates = [k for k in range(start, len(plan)) if plan[k][2] != "D"] or list(
        range(start, len(plan))
    )
    rows = rng.choice(candidates, size=min(len(BAD_TOKENS), len(candidates)), replace=False)
    value = frame.get_column("Value").to_list()
    planted = []
    for k, token in zip(sorted(int(r) for r in rows), BAD_TOKENS, strict=False):
        if token == "[]":
            value[k] = "[]"
        else:
            parts = value[k][1:-1].split(",")
            parts[int(rng.integers(0, len(parts)))] = token
            value[k] = "[" + ",".join(parts) + "]"
        planted.append((member, k + 2, token))
    return frame.with_columns(pl.Series("Value", value, dtype=pl.String)), planted


def to_csv_bytes(frame: pl.DataFrame) -> bytes:
    """CSV bytes as AEMO writes them: the Value array always quoted, a Scope when it holds
    a comma, nothing else."""
    quoted = frame.with_columns(
        pl.when(pl.col("Scope").str.contains(",", literal=True))
        .then('"' + pl.col("Scope") + '"')
        .otherwise(pl.col("Scope"))
        .alias("Scope"),
        ('"' + pl.col("Value") + '"').alias("Value"),
    )
    buf = io.BytesIO()
    quoted.write_csv(buf, quote_style="never")
    return buf.getvalue()


def summary_frame(spec: WeekSpec, p_by_day: list[dict[str, str]]) -> pl.DataFrame:
    """The Summary rows: each P variable on each day, its value the Detail's."""
    rows = []
    for d, values in enumerate(p_by_day):
        day = (spec.week_start + timedelta(days=d)).isoformat()
        for var, poc, gst in P_VARIABLES:
            rows.append([*spec.header(), var, day, poc, gst, values[var]])
    return pl.DataFrame(rows, schema=list(SUMMARY_COLUMNS), orient="row")


def _dos_time(stamp: datetime) -> tuple[int, int]:
    t = (stamp.hour << 11) | (stamp.minute << 5) | (stamp.second // 2)
    d = ((stamp.year - 1980) << 9) | (stamp.month << 5) | stamp.day
    return t, d


def _deflate(data: bytes, level: int) -> tuple[bytes, int]:
    """Raw deflate (as in a ZIP member) and the CRC-32; zlib releases the GIL."""
    c = zlib.compressobj(level, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush(), zlib.crc32(data)


def write_zip(
    path: Path, members: Iterable[tuple[str, Future[tuple[bytes, int]], int]], stamp: datetime
) -> None:
    """Write a plain ZIP (deflated members, no ZIP64) from members compressed elsewhere.

    Args:
        path: The ZIP to write.
        members: (name, future of (raw deflate, CRC-32), uncompressed size), in order.
        stamp: The entry time of every member.
    """
    t, d = _dos_time(stamp)
    central = []
    with open(path, "wb") as f:
        for name, fut, size in members:
            body, crc = fut.result()
            raw = name.encode()
            offset = f.tell()
            f.write(
                struct.pack(
                    "<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, t, d, crc, len(body), size, len(raw), 0
                )
            )
            f.write(raw)
            f.write(body)
            central.append(
                struct.pack(
                    "<IHHHHHHIIIHHHHHII",
                    0x02014B50,
                    20,
                    20,
                    0,
                    8,
                    t,
                    d,
                    crc,
                    len(body),
                    size,
                    len(raw),
                    0,
                    0,
                    0,
                    0,
                    0o100644 << 16,
                    offset,
                )
                + raw
            )
        start = f.tell()
        for entry in central:
            f.write(entry)
        f.write(
            struct.pack(
                "<IHHHHIIH",
                0x06054B50,
                0,
                0,
                len(central),
                len(central),
                f.tell() - start,
                start,
                0,
            )
        )


def generate(spec: WeekSpec, out: Path) -> Generated:
    """Write ``<stem>_SettlementStatementDetail.zip`` and ``..Summary.csv`` into ``out``.

    Day CSVs are built one after another; each is deflated on a worker thread while the
    next day is built.
    """
    t0 = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(spec.seed)
    alt = np.random.default_rng(spec.seed + 1) if spec.changed > 0 else None
    plan = _row_plan(spec)
    detail = out / f"{spec.stem}_SettlementStatementDetail.zip"
    summary = out / f"{spec.stem}_SettlementStatementSummary.csv"
    p_by_day: list[dict[str, str]] = []
    bad: list[tuple[str, int, str]] = []
    members: list[tuple[str, Future[tuple[bytes, int]], int]] = []
    n_values = n_rows = n_bytes = 0
    with ThreadPoolExecutor(max_workers=2) as pool:
        for d in range(DAYS):
            day = spec.week_start + timedelta(days=d)
            member = f"{spec.stem}_SettlementStatementDetail_{day:%Y%m%d}.csv"
            frame, p_values = day_frame(spec, plan, day, rng, alt)
            if spec.bad and d in (1, 4):
                frame, planted = _plant_bad(frame, plan, member, rng)
                bad.extend(planted)
            p_by_day.append(p_values)
            data = to_csv_bytes(frame)
            members.append((member, pool.submit(_deflate, data, spec.compresslevel), len(data)))
            n_values += sum(LENGTH[g] for _, _, g in plan)
            n_rows += frame.height
            n_bytes += len(data)
            del frame, data
        tmp = detail.with_suffix(".zip.tmp")
        write_zip(tmp, members, datetime.strptime(spec.published_at, "%Y-%m-%dT%H:%M:%S"))
    tmp.replace(detail)
    summary_frame(spec, p_by_day).write_csv(summary)
    return Generated(
        detail=detail,
        summary=summary,
        values=n_values,
        rows=n_rows,
        csv_bytes=n_bytes,
        bad=bad,
        seconds=time.perf_counter() - t0,
    )


def with_di_share(mix: tuple[float, float, float], share: float) -> tuple[float, float, float]:
    """``mix`` with DI rows at ``share`` of the rows and D and I sharing the rest as in
    ``mix`` (``--di-share 0.34``: a third of the rows are 288-value arrays)."""
    if not 0 <= share <= 1:
        raise ValueError(f"the DI share must lie between 0 and 1, not {share}")
    d, i, _ = mix
    rest = (d + i) or 1.0
    return (d / rest * (1 - share), i / rest * (1 - share), share)


def parse_mix(text: str) -> tuple[float, float, float]:
    """``D=0.4,I=0.25,DI=0.35`` -> (0.4, 0.25, 0.35)."""
    shares = {"D": 0.0, "I": 0.0, "DI": 0.0}
    for part in text.split(","):
        key, _, val = part.partition("=")
        key = key.strip().upper()
        if key not in shares:
            raise argparse.ArgumentTypeError(f"unknown granularity {key!r} in --mix")
        shares[key] = float(val)
    if sum(shares.values()) <= 0:
        raise argparse.ArgumentTypeError("--mix shares must add up to more than 0")
    return shares["D"], shares["I"], shares["DI"]


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point."""
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    size = ap.add_mutually_exclusive_group()
    size.add_argument(
        "--values",
        type=int,
        default=15_000_000,
        help="about this many values in the week (default 15000000)",
    )
    size.add_argument("--rows-per-day", type=int, help="exact Detail rows per Trading Day")
    ap.add_argument(
        "--mix",
        type=parse_mix,
        default=(0.4, 0.25, 0.35),
        help="share of rows by granularity (default D=0.4,I=0.25,DI=0.35)",
    )
    ap.add_argument(
        "--di-share",
        type=float,
        default=None,
        metavar="F",
        help="share of rows that are DI (288 values), D and I sharing the rest as in --mix "
        "(e.g. 0.34: a third of the rows)",
    )
    ap.add_argument("--seed", type=int, default=20241201)
    ap.add_argument("--participant", default="BIGPORT")
    ap.add_argument("--run-id", type=int, default=71234)
    ap.add_argument(
        "--adj",
        action="store_true",
        help="write the week's ADJ1 run instead (RunId + 1, published two months later): "
        "the INITIAL run's values of the same seed with --changed of them drawn again, the "
        "Summary to match",
    )
    ap.add_argument(
        "--changed",
        type=float,
        default=0.001,
        metavar="F",
        help="with --adj: share of values changed (default 0.001)",
    )
    ap.add_argument("--style", choices=("realistic", "adversarial"), default="realistic")
    ap.add_argument(
        "--bad",
        action="store_true",
        help="plant values recon must report: " + ", ".join(BAD_TOKENS),
    )
    ap.add_argument("--compresslevel", type=int, default=6)
    ap.add_argument(
        "--out",
        type=Path,
        default=None,
        help="folder to write into (default bench/data/week_<rows>rows)",
    )
    ap.add_argument(
        "--meta", type=Path, default=None, help="also write what was generated as JSON here"
    )
    args = ap.parse_args(argv)
    mix = args.mix if args.di_share is None else with_di_share(args.mix, args.di_share)
    rows = args.rows_per_day or rows_for_values(args.values, mix)
    adj: dict[str, object] = {}
    if args.adj:
        adj = {
            "run_id": args.run_id + 1,
            "designation": "ADJ1",
            "published_at": "2025-02-20T15:30:45",
            "changed": args.changed,
        }
    spec = WeekSpec(
        participant=args.participant,
        run_id=adj.pop("run_id", args.run_id),  # type: ignore[arg-type]
        rows_per_day=rows,
        mix=mix,
        seed=args.seed,
        style=args.style,
        bad=args.bad,
        compresslevel=args.compresslevel,
        **adj,  # type: ignore[arg-type]
    )
    out = args.out or DATA / f"week_{rows * DAYS}rows"
    g = generate(spec, out)
    print(
        f"wrote {g.detail} ({g.rows} rows, {g.values} values, {g.csv_bytes / 1e6:.1f} MB "
        f"of CSV, {g.detail.stat().st_size / 1e6:.1f} MB zipped) and {g.summary} "
        f"in {g.seconds:.1f} s",
        file=sys.stderr,
    )
    if args.meta:
        args.meta.write_text(
            json.dumps(
                {
                    "detail": str(g.detail),
                    "summary": str(g.summary),
                    "values": g.values,
                    "rows": g.rows,
                    "csv_mb": g.csv_bytes / 1e6,
                    "zip_mb": g.detail.stat().st_size / 1e6,
                    "generate_s": g.seconds,
                    "bad": g.bad,
                },
                indent=1,
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
