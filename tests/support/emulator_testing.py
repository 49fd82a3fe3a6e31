"""Helpers for tests and demos of the PaSS client against the emulator.

- :class:`FakeClock`: a clock and a ``sleep`` that only moves the clock, so throttling and
  backoff are measured without waiting.
- :func:`write_test_pki`: a CA, a server certificate for 127.0.0.1, a client certificate
  it signed, and a client certificate of another CA (made with ``trustme``, a test
  dependency).
- :func:`write_mini_week`: a small synthetic Trading Week (two runs) in PaSS JSON.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from recon.models import aemo_names as aemo


@dataclass
class FakeClock:
    """A monotonic clock that moves only when :meth:`sleep` is called.

    Attributes:
        now: The current time in seconds.
        sleeps: Every sleep asked for, in order.
    """

    now: float = 1000.0
    sleeps: list[float] = field(default_factory=list)

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        """Record the sleep and move the clock on."""
        self.sleeps.append(seconds)
        self.now += max(0.0, seconds)


@dataclass(frozen=True)
class TestPki:
    """PEM files for a test: the emulator's and two clients' (one trusted, one not).

    Attributes:
        ca: The CA that signed the server and the good client (client_ca and --ca).
        server_cert: Server certificate for 127.0.0.1 and localhost.
        server_key: Its key.
        client_cert: A client certificate the CA signed.
        client_key: Its key.
        client_combined: Certificate and key in one file.
        wrong_cert: A client certificate of another CA.
        wrong_key: Its key.
    """

    __test__ = False  # not a pytest test class

    ca: Path
    server_cert: Path
    server_key: Path
    client_cert: Path
    client_key: Path
    client_combined: Path
    wrong_cert: Path
    wrong_key: Path


def write_test_pki(directory: Path, participant: str = "SWANGEN") -> TestPki:
    """Make a fresh test PKI with ``trustme`` and write it into ``directory``."""
    import trustme

    directory.mkdir(parents=True, exist_ok=True)
    ca, other = trustme.CA(), trustme.CA()
    server = ca.issue_cert("127.0.0.1", "localhost")
    client = ca.issue_cert(f"{participant.lower()}.participants.example")
    wrong = other.issue_cert(f"{participant.lower()}.participants.example")

    def put(name: str, *blobs: Any) -> Path:
        path = directory / name
        path.write_bytes(b"".join(blob.bytes() for blob in blobs))
        return path

    return TestPki(
        ca=put("ca.pem", ca.cert_pem),
        server_cert=put("server.pem", *server.cert_chain_pems),
        server_key=put("server.key", server.private_key_pem),
        client_cert=put("client.pem", *client.cert_chain_pems),
        client_key=put("client.key", client.private_key_pem),
        client_combined=put("client-combined.pem", client.private_key_pem, *client.cert_chain_pems),
        wrong_cert=put("wrong.pem", *wrong.cert_chain_pems),
        wrong_key=put("wrong.key", wrong.private_key_pem),
    )


# --- A small synthetic week ----------------------------------------------------------------

MINI_PARTICIPANT = "SWANGEN"
MINI_WEEK = date(2024, 12, 1)
MINI_RUNS: tuple[tuple[int, str, str], ...] = (
    (900101, "INITIAL", "2024-12-12T15:30:00"),
    (900202, "ADJ1", "2025-01-23T15:30:00"),
)
_CENT = Decimal("0.01")
_EIGHT = Decimal("0.00000001")

# (variable, P or C, GST applicable, daily value for run index i on day d)
_MINI_VARIABLES: tuple[tuple[str, str, bool], ...] = (
    ("RTMEA_P_D", "Payment", True),
    ("MFEE_P_D", "Charge", True),
    ("RCCAP_P_D", "Payment", False),
)


def _value(run_index: int, var_index: int, day_index: int) -> Decimal:
    base = Decimal("1000.12345678") * (var_index + 1) + Decimal(day_index) * Decimal("3.5")
    return base + Decimal(run_index) * Decimal("0.75")  # the ADJ changes every value a bit


def _money(x: Decimal) -> Decimal:
    return x.quantize(_CENT, rounding=ROUND_HALF_UP)


def _lines(run_index: int) -> dict[str, tuple[str, bool, Decimal, Decimal]]:
    out = {}
    for v, (name, poc, gst) in enumerate(_MINI_VARIABLES):
        amount = _money(sum((_value(run_index, v, d) for d in range(7)), Decimal(0)))
        out[name] = (poc, gst, amount, _money(amount / 10) if gst else Decimal("0.00"))
    return out


def _invoice(
    run_index: int, run_id: int, designation: str, issued: str, previous: int | None
) -> dict[str, Any]:
    full = _lines(run_index)
    if previous is None:
        lines = full
    else:
        prev = _lines(run_index - 1)
        lines = {k: (p, g, a - prev[k][2], t - prev[k][3]) for k, (p, g, a, t) in full.items()}

    def section(which: str, src: dict[str, tuple[str, bool, Decimal, Decimal]]) -> dict[str, str]:
        amount = sum((a for p, _, a, _ in src.values() if p == which), Decimal("0.00"))
        gst = sum((t for p, _, _, t in src.values() if p == which), Decimal("0.00"))
        return {
            aemo.INV_AMOUNT: str(amount),
            aemo.INV_GST: str(gst),
            aemo.INV_TOTAL: str(amount + gst),
        }

    rcti, tax = section("Payment", lines), section("Charge", lines)
    signed = {k: (a if p == "Charge" else -a, g) for k, (p, g, a, _) in lines.items()}
    gst_app = sum((a for a, g in signed.values() if g), Decimal("0.00"))
    gst_not = sum((a for a, g in signed.values() if not g), Decimal("0.00"))
    total = Decimal(tax[aemo.INV_TOTAL]) - Decimal(rcti[aemo.INV_TOTAL])
    doc: dict[str, Any] = {
        aemo.INV_NUMBER: f"WEM-INV-{run_id}-{MINI_PARTICIPANT}",
        aemo.H_RUN_ID: run_id,
        aemo.INV_PREVIOUS_RUN_ID: previous,
        aemo.H_DESIGNATION: designation,
        aemo.H_PERIOD: "TW 01 Dec 2024",
        aemo.H_PARTICIPANT: MINI_PARTICIPANT,
        aemo.INV_ISSUED_AT: issued,
        aemo.INV_DATA: [
            {
                aemo.INV_TRADE_WEEK: "TW 01 Dec 2024",
                aemo.INV_LINE_ITEMS: [
                    {
                        aemo.F_VARIABLE: k,
                        aemo.INV_DESCRIPTION: k.split("_")[0],
                        aemo.F_P_OR_C: p,
                        aemo.F_GST_APPLICABLE: g,
                        aemo.INV_AMOUNT: str(a),
                        aemo.INV_GST: str(t),
                    }
                    for k, (p, g, a, t) in lines.items()
                ],
            }
        ],
        aemo.INV_PAYMENT_SUMMARY: {
            aemo.PS_GST_APPLICABLE: str(gst_app),
            aemo.PS_GST_NOT_APPLICABLE: str(gst_not),
            aemo.INV_GST: str(Decimal(tax[aemo.INV_GST]) - Decimal(rcti[aemo.INV_GST])),
            aemo.PS_TOTAL_PAYABLE: str(total),
            aemo.PS_PREPAYMENT_APPLIED: "0.00",
            aemo.PS_AMOUNT_DUE: str(total),
            aemo.PS_PREPAYMENT_BALANCE: "0.00",
        },
        aemo.INV_RCTI: rcti,
        aemo.INV_TAX_INVOICE: tax,
    }
    if previous is not None:
        prev_full = _lines(run_index - 1)
        doc[aemo.INV_ADJUSTMENT] = {
            aemo.INV_PREVIOUS_RUN_ID: previous,
            aemo.INV_RCTI_DIFFERENCE: str(
                Decimal(section("Payment", full)[aemo.INV_TOTAL])
                - Decimal(section("Payment", prev_full)[aemo.INV_TOTAL])
            ),
            aemo.INV_TAX_INVOICE_DIFFERENCE: str(
                Decimal(section("Charge", full)[aemo.INV_TOTAL])
                - Decimal(section("Charge", prev_full)[aemo.INV_TOTAL])
            ),
        }
    return doc


def _pdf(lines: list[str]) -> bytes:
    """A minimal valid one-page PDF showing some lines of text."""
    shown = " ".join(f"({line}) Tj 0 -16 Td" for line in lines)
    stream = f"BT /F1 12 Tf 72 720 Td {shown} ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(out)


def write_mini_week(directory: Path) -> Path:
    """Write a small synthetic Trading Week (two runs, JSON and PDF) into ``directory``.

    Returns:
        ``directory``.
    """
    directory.mkdir(parents=True, exist_ok=True)
    days = [MINI_WEEK + timedelta(days=i) for i in range(7)]
    previous: int | None = None
    for r, (run_id, designation, published) in enumerate(MINI_RUNS):
        header = {
            aemo.H_RUN_ID: run_id,
            aemo.H_PUBLISHED_AT: published,
            aemo.H_MARKET_SERVICE: "WEM",
            aemo.H_DESIGNATION: designation,
            aemo.H_PERIOD: "TW 01 Dec 2024",
            aemo.H_PERIOD_FROM: days[0].isoformat(),
            aemo.H_PERIOD_TO: days[-1].isoformat(),
            aemo.H_PARTICIPANT: MINI_PARTICIPANT,
        }
        summary = {
            **header,
            aemo.F_VARIABLES: [
                {
                    aemo.F_VARIABLE: name,
                    aemo.F_P_OR_C: poc,
                    aemo.F_GST_APPLICABLE: gst,
                    aemo.F_TRADING_DAYS: [
                        {
                            aemo.F_TRADING_DAY: f"{d.isoformat()}T00:00:00",
                            aemo.F_VALUE: [str(_value(r, v, i))],
                        }
                        for i, d in enumerate(days)
                    ],
                }
                for v, (name, poc, gst) in enumerate(_MINI_VARIABLES)
            ],
        }
        (directory / f"summary_{run_id}.json").write_text(json.dumps(summary, indent=1))
        for i, d in enumerate(days):
            detail = {
                **header,
                aemo.F_SETTLEMENT_DAY: f"{d.isoformat()}T00:00:00",
                aemo.F_VARIABLES: [
                    {
                        aemo.F_VARIABLE: name,
                        aemo.F_SCOPE: MINI_PARTICIPANT,
                        aemo.F_P_OR_C: poc,
                        aemo.F_GST_APPLICABLE: gst,
                        aemo.F_TRADING_DAYS: [
                            {
                                aemo.F_TRADING_DAY: f"{d.isoformat()}T00:00:00",
                                aemo.F_VALUE: [str(_value(r, v, i))],
                            }
                        ],
                    }
                    for v, (name, poc, gst) in enumerate(_MINI_VARIABLES)
                ]
                + [
                    {
                        aemo.F_VARIABLE: "RTMSE_F_I",
                        aemo.F_SCOPE: "SWAN_WF1",
                        aemo.F_TRADING_DAYS: [
                            {
                                aemo.F_TRADING_DAY: f"{d.isoformat()}T00:00:00",
                                aemo.F_VALUE: [
                                    str((Decimal(k) * Decimal("1.25") + r).quantize(_EIGHT))
                                    for k in range(48)
                                ],
                            }
                        ],
                    }
                ],
            }
            (directory / f"detail_{run_id}_{d.isoformat()}.json").write_text(json.dumps(detail))
        issued = datetime.fromisoformat(published).isoformat()
        (directory / f"invoice_{run_id}.json").write_text(
            json.dumps(_invoice(r, run_id, designation, issued, previous), indent=1)
        )
        (directory / f"invoice_{run_id}.pdf").write_bytes(
            _pdf(
                [
                    "Synthetic test document (header only)",
                    f"Invoice Number: WEM-INV-{run_id}-{MINI_PARTICIPANT}",
                    f"Participant: {MINI_PARTICIPANT}",
                    f"Run: {run_id} ({designation})",
                    "Trading Week: TW 01 Dec 2024",
                    f"Issued: {published[:10]}",
                ]
            )
        )
        previous = run_id
    return directory
