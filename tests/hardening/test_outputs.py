"""Safe outputs (issue 9): atomic writes only, nothing written outside ``--out``, input text
in reports only as text (Excel) or escaped (HTML), and a failed write leaving the previous
file whole."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import zipfile
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from paths import REPO

from recon.atomic import atomic_path, atomic_write_bytes
from recon.errors import OutputError

from .corpus import detail_rows, put, raw_zip, stored_member, summary_rows
from .helpers import RunCli, tree

RECON = REPO / "recon"

# ------------------------------------------------------------------------- the audit

WRITE_CALL = re.compile(
    r"""open\([^)]*["'][wax]b?\+?["']|\.write_bytes\(|\.write_text\(|os\.open\(|\.save\(|"""
    r"""to_parquet\(|write_parquet\(|write_table\(|ParquetWriter\(|\.to_csv\(|"""
    r"""\.write_csv\(|\.to_excel\(|shutil\.(copy|move)|os\.(rename|replace)\(|"""
    r"""os\.fdopen\([^)]*["'][wax]"""
)
ATOMIC_CONTEXT = re.compile(r"atomic_path\(|atomic_writer\(|def write_atomic\(|mkstemp\(")
TEMP_TARGET = re.compile(r"\((str\()?tmp\b")
"""A write to ``tmp``: by convention the temporary path ``atomic_path`` handed out (as in a
helper that ``write_long_table`` calls inside its ``atomic_path`` block)."""
LOOKBACK = 25
"""Lines above a write call searched for the atomic context it runs in."""

NOT_ATOMIC = {
    "emulator/certs.py": "demo PKI for `recon emulator`: written in place (reported to the "
    "lead: should use recon.atomic)",
}
"""Files allowed to write without recon.atomic, with the reason."""


def _write_sites() -> list[tuple[str, int, str, bool]]:
    sites = []
    for path in sorted(RECON.rglob("*.py")):
        rel = path.relative_to(RECON).as_posix()
        lines = path.read_text("utf-8").splitlines()
        for i, line in enumerate(lines):
            code = line.split("#", 1)[0]
            if not WRITE_CALL.search(code) or code.strip().startswith(('"', "'")):
                continue
            if "rb" in code and "open(" in code and not re.search(r"[\"'][wax]", code):
                continue
            context = "\n".join(lines[max(0, i - LOOKBACK) : i + 1])
            ok = bool(ATOMIC_CONTEXT.search(context) or TEMP_TARGET.search(code))
            sites.append((rel, i + 1, line.strip(), ok))
    return sites


def test_every_file_recon_writes_goes_through_an_atomic_writer() -> None:
    """Static audit: each write call in recon/ sits in an atomic context (temp file, fsync,
    rename), or in a file listed in :data:`NOT_ATOMIC` with its reason."""
    sites = _write_sites()
    assert sites, "the audit found no write call at all: its pattern is broken"
    bad = [
        f"recon/{rel}:{n}: {text}"
        for rel, n, text, ok in sites
        if not ok and rel not in NOT_ATOMIC and rel != "atomic.py"
    ]
    assert not bad, "non-atomic writes:\n" + "\n".join(bad)


# ------------------------------------------------------------------------- hostile folder

FORMULA = "=cmd|' /C calc'!A0"
SCRIPT = "<script>alert(1)</script>"


def hostile_folder(w: SimpleNamespace, root: Path) -> Path:
    """A week's folder carrying path traversal, formula and script payloads."""
    inbox = root / "inbox"
    put(
        inbox / "summary.csv",
        w.summary_bytes(
            [
                *summary_rows(w),
                w.summary_row(FORMULA, "2024-12-03", "1"),
                w.summary_row('=HYPERLINK("http://evil.example","x")_P_D', "2024-12-04", "2"),
            ]
        ),
    )
    day1 = w.detail_bytes(
        [*detail_rows(w), w.detail_row("MSQ_F_I", SCRIPT, "2024-12-01", ["1"] * 48)]
    )
    day2 = w.detail_bytes(detail_rows(w, "2024-12-02"))
    put(
        inbox / "detail.zip",
        raw_zip(
            [
                stored_member("../../x.csv", day1),
                stored_member("/tmp/recon-hardening-escape.csv", day2),
            ]
        ),
    )
    return inbox


def test_check_of_a_hostile_folder_writes_only_into_out(
    wem_csv: SimpleNamespace,
    tmp_path: Path,
    recon_cli: RunCli,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    inbox = hostile_folder(wem_csv, tmp_path)
    cwd = tmp_path / "cwd" / "deeper"
    cwd.mkdir(parents=True)
    monkeypatch.chdir(cwd)  # ../../x.csv from here would land in tmp_path
    before = tree(tmp_path)
    out = tmp_path / "out"
    run = recon_cli("check", inbox, "--out", out, "--no-progress", out=out)
    run.assert_no_traceback()
    assert run.code == 1, run.err[-2000:]
    after = tree(tmp_path)
    new = sorted(set(after) - set(before))
    assert new == [
        "out",
        "out/disagreement.csv",
        "out/findings.json",
        "out/report.html",
        "out/report.xlsx",
        "out/result.json",
    ], new
    assert {k: v for k, v in after.items() if not k.startswith("out")} == before
    assert not Path("/tmp/recon-hardening-escape.csv").exists()
    sources = " ".join(f["source"] or "" for f in run.findings)
    assert "detail.zip!../../x.csv" in sources  # the name is reported, never used as a path

    decoded = tmp_path / "long.csv"
    run = recon_cli("decode", inbox / "detail.zip", "--out", decoded, "--no-progress")
    run.assert_no_traceback()
    assert run.code == 1
    assert sorted(set(tree(tmp_path)) - set(after)) == ["long.csv"]


def test_input_text_reaches_excel_only_as_text_and_html_only_escaped(
    wem_csv: SimpleNamespace, tmp_path: Path, recon_cli: RunCli
) -> None:
    from openpyxl import load_workbook

    inbox = hostile_folder(wem_csv, tmp_path)
    out = tmp_path / "out"
    run = recon_cli("check", inbox, "--out", out, "--no-progress", out=out)
    assert run.code == 1, run.err[-2000:]

    seen = set()
    wb = load_workbook(out / "report.xlsx")
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and any(
                    p in cell.value for p in ("cmd|", "HYPERLINK", "<script>")
                ):
                    assert cell.data_type == "s", (ws.title, cell.coordinate, cell.value)
                    seen.add(ws.title)
    assert seen, "the hostile texts were not in the workbook at all"
    with zipfile.ZipFile(out / "report.xlsx") as zf:
        for name in zf.namelist():
            xml = zf.read(name).decode("utf-8", "replace")
            for formula in re.findall(r"<f[ >].*?</f>", xml, re.S):
                assert "cmd" not in formula and "HYPERLINK" not in formula, (name, formula)

    html = (out / "report.html").read_text("utf-8")
    assert SCRIPT not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in html.lower()


# ------------------------------------------------------------------------- failed writes


def _temps(folder: Path) -> list[str]:
    return sorted(
        p.name for p in folder.iterdir() if p.name.startswith(".") or p.name.endswith(".tmp")
    )


@pytest.fixture
def checked(
    wem_csv: SimpleNamespace, tmp_path: Path, recon_cli: RunCli
) -> tuple[Path, Path, dict[str, bytes]]:
    """A folder checked once: (inbox, out, bytes of every output)."""
    inbox = hostile_folder(wem_csv, tmp_path)
    out = tmp_path / "out"
    assert recon_cli("check", inbox, "--out", out, "--no-progress").code == 1
    return inbox, out, {p.name: p.read_bytes() for p in out.iterdir()}


def test_excel_failing_midway_leaves_the_previous_report(
    checked: tuple[Path, Path, dict[str, bytes]], recon_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    from openpyxl.workbook.workbook import Workbook

    inbox, out, old = checked

    def half_then_disk_full(self: Workbook, filename: str | Path) -> None:
        Path(filename).write_bytes(b"PK\x03\x04 half a workbook")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Workbook, "save", half_then_disk_full)
    run = recon_cli("check", inbox, "--out", out, "--no-progress")
    run.assert_no_traceback()
    assert run.code == 2 and len(run.error_lines) == 1, run.err[-1500:]
    assert "No space left on device" in run.error_lines[0]
    assert (out / "report.xlsx").read_bytes() == old["report.xlsx"]
    assert (out / "report.html").read_bytes() == old["report.html"]
    assert _temps(out) == []


def test_html_failing_at_rename_leaves_the_previous_page(
    checked: tuple[Path, Path, dict[str, bytes]], recon_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    from recon import atomic

    inbox, out, old = checked
    real_replace = os.replace

    def replace(src: str, dst: str | Path) -> None:
        if Path(dst).name == "report.html":
            raise OSError(errno.EIO, "Input/output error")
        real_replace(src, dst)

    monkeypatch.setattr(atomic.os, "replace", replace)
    run = recon_cli("check", inbox, "--out", out, "--no-progress")
    run.assert_no_traceback()
    assert run.code == 2 and "report.html" in run.err and "Input/output error" in run.err
    assert (out / "report.html").read_bytes() == old["report.html"]
    assert _temps(out) == []


def test_findings_failing_leaves_the_previous_findings(
    checked: tuple[Path, Path, dict[str, bytes]], recon_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    from recon import atomic

    inbox, out, old = checked

    def disk_full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", disk_full)
    run = recon_cli("check", inbox, "--out", out, "--no-progress")
    run.assert_no_traceback()
    assert run.code == 2 and "cannot write" in run.err, run.err[-1500:]
    assert {p.name: p.read_bytes() for p in out.iterdir()} == old
    assert _temps(out) == []


def test_interrupt_while_writing_the_workbook(
    checked: tuple[Path, Path, dict[str, bytes]], recon_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    from openpyxl.workbook.workbook import Workbook

    inbox, out, old = checked

    def interrupted(self: Workbook, filename: str | Path) -> None:
        Path(filename).write_bytes(b"PK partial")
        raise KeyboardInterrupt

    monkeypatch.setattr(Workbook, "save", interrupted)
    run = recon_cli("check", inbox, "--out", out, "--no-progress")
    assert run.code == 130 and run.error_lines == ["recon: interrupted"], run.err
    assert (out / "report.xlsx").read_bytes() == old["report.xlsx"]
    assert _temps(out) == []


def test_decode_failing_midway_leaves_no_file(
    wem_csv: SimpleNamespace, tmp_path: Path, recon_cli: RunCli
) -> None:
    """Day 2 of the ZIP cannot be read: the half-written table is never renamed into place."""
    w = wem_csv
    path = put(
        tmp_path / "detail.zip",
        w.zip_bytes(
            {
                "a.csv": w.detail_bytes(detail_rows(w)),
                "b.csv": w.detail_bytes(detail_rows(w, "2024-12-02")) + b"0" * (2 * 1024 * 1024),
            }
        ),
    )
    target = tmp_path / "out" / "long.parquet"
    put(target, b"previous table")
    run = recon_cli("decode", path, "--out", target, "--no-progress", "--max-line-mb", "1")
    run.assert_no_traceback()
    assert run.code == 2 and "--max-line-mb" in run.err
    assert target.read_bytes() == b"previous table"
    assert _temps(target.parent) == []


# ------------------------------------------------------------------------- recon.atomic


@contextlib.contextmanager
def umask(mask: int) -> Iterator[None]:
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def test_new_files_get_the_usual_mode_not_mkstemps_0600(tmp_path: Path) -> None:
    with umask(0o022):
        atomic_write_bytes(tmp_path / "a.json", b"{}")
    assert stat.S_IMODE((tmp_path / "a.json").stat().st_mode) == 0o644
    with umask(0o077):
        atomic_write_bytes(tmp_path / "b.json", b"{}")
    assert stat.S_IMODE((tmp_path / "b.json").stat().st_mode) == 0o600


def test_a_replaced_file_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    target.write_bytes(b"old")
    target.chmod(0o640)
    atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_atomic_path_failure_leaves_target_and_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "findings.json"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("midway")
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["findings.json"]


def test_atomic_write_into_a_file_path_is_an_output_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_bytes(b"x")
    with pytest.raises(OutputError, match="cannot write"):
        atomic_write_bytes(blocker / "findings.json", b"{}")


def test_the_error_line_never_carries_terminal_control_characters(
    wem_csv: SimpleNamespace, tmp_path: Path, recon_cli: RunCli
) -> None:
    """A ZIP member named with ANSI escapes: the one error line shows them as ``\\x1b``."""
    data = wem_csv.detail_bytes(detail_rows(wem_csv)) + b"0" * (2 * 1024 * 1024)
    path = put(
        tmp_path / "detail.zip", raw_zip([stored_member("\x1b]0;pwned\x07\x1b[2Jday1.csv", data)])
    )
    run = recon_cli("check", path, "--out", tmp_path / "out", "--no-progress", "--max-line-mb", "1")
    run.assert_no_traceback()
    assert run.code == 2 and len(run.error_lines) == 1, run.err
    assert "\x1b" not in run.err and "\x07" not in run.err
    assert "\\x1b]0;pwned\\x07\\x1b[2Jday1.csv" in run.error_lines[0]


def test_decode_prints_input_text_literally(
    wem_csv: SimpleNamespace, tmp_path: Path, recon_cli: RunCli
) -> None:
    w = wem_csv
    path = put(
        tmp_path / "d.zip",
        raw_zip(
            [
                stored_member(
                    "[/x].csv",
                    w.detail_bytes(
                        [
                            *detail_rows(w),
                            w.detail_row("RTMSA_P_D", "SWANGEN", "2024-12-01", "[1..2]"),
                        ]
                    ),
                )
            ]
        ),
    )
    run = recon_cli("decode", path, "--out", tmp_path / "t.csv", "--no-progress")
    run.assert_no_traceback()
    assert run.code == 1 and "[/x].csv" in run.err
