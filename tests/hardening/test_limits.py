"""Input caps (issue 9): each one stops a file with a clear line naming the option that
raises it, and raising it lets the same file through, on ``check`` and on ``decode``."""

from __future__ import annotations

import io
import random
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest
from builders.invoice import invoice_pdf
from builders.summary import summary_document

from recon.emulator import encode as enc
from recon.errors import InputError
from recon.sources.detail_csv import read_detail
from recon.sources.limits import DEFAULT_LIMITS, MIB, Limits

from .corpus import bomb_member, detail_rows, put, raw_zip
from .helpers import RunCli, measure

# ------------------------------------------------------------------------- legitimate big files


def big_summary_csv(w: SimpleNamespace, d: Path) -> Path:
    """A valid Summary CSV of about 1.2 MB (1,500 variables over the seven days)."""
    days = [f"2024-12-0{k}" for k in range(1, 8)]
    rows = [w.summary_row(f"V{i}_P_D", day, "1.25") for i in range(1500) for day in days]
    return put(d / "summary.csv", w.summary_bytes(rows))


def _big_day(w: SimpleNamespace, day: str = "2024-12-01", n: int = 4000) -> bytes:
    return w.detail_bytes(
        [w.detail_row("MSQ_F_I", f"SWANGEN_WF{i}", day, ["0.25"] * 48, day=day) for i in range(n)]
    )


def big_member_zip(w: SimpleNamespace, d: Path) -> Path:
    """A valid Detail ZIP whose one member is about 1.4 MB (and compresses well)."""
    return put(d / "detail.zip", w.zip_bytes({"day1.csv": _big_day(w)}))


def big_detail_csv(w: SimpleNamespace, d: Path) -> Path:
    """The same Trading Day as a plain Detail CSV."""
    return put(d / "detail.csv", _big_day(w))


def three_day_zip(w: SimpleNamespace, d: Path) -> Path:
    """A valid Detail ZIP of three members (three Trading Days)."""
    days = ("2024-12-01", "2024-12-02", "2024-12-03")
    return put(
        d / "detail.zip",
        w.zip_bytes({f"{day}.csv": w.detail_bytes(detail_rows(w, day)) for day in days}),
    )


LONG_SCOPE = ", ".join(["SPS_MARNET"] * 110_000)
"""A valid Network Contingency scope of about 1.3 MB: one CSV line longer than 1 MiB."""


def long_line_csv(w: SimpleNamespace, d: Path) -> Path:
    """A valid Detail CSV with one line over 1 MiB (a very long NC scope)."""
    rows = [*detail_rows(w), w.detail_row("NCQ_NC_D", LONG_SCOPE, "2024-12-01", ["0.5"])]
    return put(d / "detail.csv", w.detail_bytes(rows))


def long_line_zip(w: SimpleNamespace, d: Path) -> Path:
    """The same, as the member of a Detail ZIP."""
    rows = [*detail_rows(w), w.detail_row("NCQ_NC_D", LONG_SCOPE, "2024-12-01", ["0.5"])]
    return put(d / "detail.zip", w.zip_bytes({"day1.csv": w.detail_bytes(rows)}))


def big_summary_json(w: SimpleNamespace, d: Path) -> Path:
    """A valid Summary JSON document of about 1.5 MB."""
    doc = summary_document()
    doc["variables"] = [
        {
            "variable": f"V{i}_P_D",
            "paymentOrCharge": "Payment",
            "gstApplicable": True,
            "tradingDays": [
                {"tradingDay": f"2024-12-0{k}T00:00:00", "value": ["1.25"]} for k in range(1, 8)
            ],
        }
        for i in range(2500)
    ]
    return put(d / "summary.json", enc.dumps(doc))


def big_invoice_pdf(w: SimpleNamespace, d: Path) -> Path:
    """A valid Invoice PDF carrying a 1.5 MB attachment (incompressible bytes)."""
    import pypdf

    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(invoice_pdf())))
    writer.add_attachment("padding.bin", random.Random(1).randbytes(1536 * 1024))
    out = io.BytesIO()
    writer.write(out)
    return put(d / "invoice.pdf", out.getvalue())


# ------------------------------------------------------------------------- the matrix


@dataclass(frozen=True)
class CapCase:
    """One cap: a legitimate file over a tight setting of it.

    Attributes:
        id: The pytest id.
        build: Writes the file.
        option: The CLI option.
        tight: A value that refuses the file.
        loose: A value (None: the default) that lets it through.
        expect: Substring of the error line.
        decode: Whether ``recon decode`` reads this kind of file too.
    """

    id: str
    build: Callable[[SimpleNamespace, Path], Path]
    option: str
    tight: str
    loose: str | None
    expect: str
    decode: bool = True


CAPS = [
    CapCase(
        "zip_member_size",
        big_member_zip,
        "--max-member-mb",
        "1",
        None,
        "over the cap of 1048576 (raise it with --max-member-mb)",
    ),
    CapCase(
        "csv_file_size",
        big_summary_csv,
        "--max-member-mb",
        "1",
        None,
        "over the cap of 1048576 (raise it with --max-member-mb)",
    ),
    CapCase(
        "detail_csv_file_size",
        big_detail_csv,
        "--max-member-mb",
        "1",
        None,
        "over the cap of 1048576 (raise it with --max-member-mb)",
    ),
    CapCase(
        "json_file_size",
        big_summary_json,
        "--max-member-mb",
        "1",
        None,
        "over the cap of 1048576 (raise it with --max-member-mb)",
    ),
    CapCase(
        "pdf_file_size",
        big_invoice_pdf,
        "--max-member-mb",
        "1",
        None,
        "over the cap of 1048576 (raise it with --max-member-mb)",
        decode=False,
    ),
    CapCase(
        "zip_ratio",
        big_member_zip,
        "--max-ratio",
        "5",
        None,
        "over the cap of 5, like a ZIP bomb (raise it with --max-ratio)",
    ),
    CapCase(
        "zip_members",
        three_day_zip,
        "--max-members",
        "2",
        "3",
        "holds 3 members, over the cap of 2 (raise it with --max-members)",
    ),
    CapCase(
        "csv_line",
        long_line_csv,
        "--max-line-mb",
        "1",
        "2",
        "line 4 is longer than 1048576 bytes (raise it with --max-line-mb)",
    ),
    CapCase(
        "zip_member_line",
        long_line_zip,
        "--max-line-mb",
        "1",
        "2",
        "line 4 is longer than 1048576 bytes (raise it with --max-line-mb)",
    ),
]


def _argv(command: str, path: Path, tmp: Path, option: str, value: str | None) -> list[object]:
    cap = [option, value] if value is not None else []
    if command == "check":
        return ["check", path, "--out", tmp / "out", "--no-reports", "--no-progress", *cap]
    return ["decode", path, "--out", tmp / "long.parquet", "--no-progress", *cap]


# recon decode reads Settlement Statements, not invoices: only the caps it applies.
@pytest.mark.parametrize(
    ("cap", "command"),
    [
        pytest.param(c, command, id=f"{c.id}-{command}")
        for c in CAPS
        for command in (("check", "decode") if c.decode else ("check",))
    ],
)
def test_cap_refuses_then_raising_it_lets_the_file_through(
    cap: CapCase, command: str, wem_csv: SimpleNamespace, tmp_path: Path, recon_cli: RunCli
) -> None:
    path = cap.build(wem_csv, tmp_path / "in")
    tight = recon_cli(*_argv(command, path, tmp_path, cap.option, cap.tight))
    tight.assert_no_traceback()
    assert tight.code == 2, tight.err[-1500:]
    assert len(tight.error_lines) == 1, tight.err[-1500:]
    line = tight.error_lines[0]
    assert str(path) in line and cap.expect in line, line

    loose = recon_cli(*_argv(command, path, tmp_path, cap.option, cap.loose), out=tmp_path / "out")
    loose.assert_no_traceback()
    assert loose.code in (0, 1), loose.err[-1500:]
    assert cap.option not in loose.err
    if command == "check":
        assert (tmp_path / "out" / "findings.json").is_file()
    else:
        assert (tmp_path / "long.parquet").is_file()


def test_the_legitimate_files_really_are_over_the_tight_caps(
    wem_csv: SimpleNamespace, tmp_path: Path
) -> None:
    """Guards the matrix: each file is over its tight setting for the reason named."""
    w = wem_csv
    info = zipfile.ZipFile(big_member_zip(w, tmp_path)).infolist()[0]
    assert info.file_size > MIB and info.file_size > 5 * info.compress_size
    assert big_summary_csv(w, tmp_path).stat().st_size > MIB
    assert big_summary_json(w, tmp_path).stat().st_size > MIB
    assert max(len(x) for x in long_line_csv(w, tmp_path).read_bytes().split(b"\n")) > MIB


@pytest.mark.parametrize("command", ["check", "decode"])
def test_help_lists_every_cap(command: str, recon_cli: RunCli) -> None:
    run = recon_cli(command, "--help")
    assert run.code == 0
    for option in ("--max-member-mb", "--max-ratio", "--max-members", "--max-line-mb"):
        assert option in run.out


@pytest.mark.parametrize("value", ["0", "-1", "x"])
def test_a_cap_must_be_a_positive_integer(value: str, tmp_path: Path, recon_cli: RunCli) -> None:
    run = recon_cli("check", tmp_path, "--out", tmp_path / "out", "--max-ratio", value)
    run.assert_no_traceback()
    assert run.code == 2 and "--max-ratio" in run.err


def test_bomb_refused_by_declared_size_before_any_decompression(
    wem_csv: SimpleNamespace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At default caps a 1 GiB member of zeros is refused from its header alone."""
    member = bomb_member("day1.csv", wem_csv.detail_bytes(detail_rows(wem_csv)), 1024 * MIB)
    path = put(tmp_path / "bomb.zip", raw_zip([member]))

    def no_open(*args: object, **kwargs: object) -> None:
        raise AssertionError("a member of the bomb was decompressed")

    monkeypatch.setattr(zipfile.ZipFile, "open", no_open)
    with measure() as cost, pytest.raises(InputError, match="--max-ratio") as e:
        read_detail(path)
    assert f"{path}!day1.csv" in str(e.value)
    assert cost.seconds < 5 and cost.peak_growth_mib < 50, cost


def test_bomb_with_a_lying_header_is_cut_at_its_declared_size(
    wem_csv: SimpleNamespace, tmp_path: Path
) -> None:
    """A member declaring 64 KiB but inflating to 256 MiB: zipfile stops at the declared
    size, the CRC fails, and no more than the caps allow is ever held."""
    member = bomb_member(
        "day1.csv", wem_csv.detail_bytes(detail_rows(wem_csv)), 256 * MIB, declared_size=64 * 1024
    )
    path = put(tmp_path / "liar.zip", raw_zip([member]))
    with measure() as cost, pytest.raises(InputError, match="cannot be decompressed"):
        read_detail(path)
    assert cost.peak_growth_mib < 50, cost


def test_streamed_caps_hold_when_the_declared_size_is_not_checked(
    wem_csv: SimpleNamespace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The byte count while reading is a second guard behind the declared sizes."""
    from recon.sources import detail_csv

    monkeypatch.setattr(detail_csv, "check_member_size", lambda *a, **k: None)
    member = bomb_member("day1.csv", wem_csv.detail_bytes(detail_rows(wem_csv)), 64 * MIB)
    path = put(tmp_path / "bomb.zip", raw_zip([member]))
    small = Limits(max_member_bytes=8 * MIB, max_ratio=10**6)
    with pytest.raises(InputError, match="decompresses to more than 8388608 bytes"):
        read_detail(path, limits=small)
    with pytest.raises(InputError, match="more than 1000 times its compressed size"):
        read_detail(path, limits=DEFAULT_LIMITS)
