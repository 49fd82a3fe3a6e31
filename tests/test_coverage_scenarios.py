"""A green verdict you can sign (issue 13): every case recon once passed as clean.

Each scenario is written by ``fixtures/scenarios.py`` with the fixture generator's own code
(never recon's) and checked the way a user does, ``recon check PATH --out DIR``. Each must
get the verdict SPEC §5-§6 give it, and none may pass as "No discrepancies" with every run
fully checked.
"""

from __future__ import annotations

import json
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import fixture_scripts
import pytest
from paths import FIXTURES

from recon.cli.main import main

sc = fixture_scripts.load("scenarios.py")


class Checked:
    """What ``recon check`` said: exit status, findings.json, result.json, stderr."""

    def __init__(self, code: int, out: Path, err: str) -> None:
        self.code = code
        self.doc: dict[str, Any] = json.loads((out / "findings.json").read_text())
        self.result: dict[str, Any] = json.loads((out / "result.json").read_text())
        self.err = err

    @property
    def findings(self) -> list[dict[str, Any]]:
        return self.doc["findings"]

    def of(self, check: str) -> list[dict[str, Any]]:
        return [f for f in self.findings if f["check"] == check]

    @property
    def coverage(self) -> list[dict[str, Any]]:
        return self.doc["coverage"]

    def fully_checked(self) -> bool:
        c = self.coverage
        return bool(c) and all(
            r["summary"]
            and r["detail_days"] >= r["period_days"]
            and (r["invoice_json"] or r["invoice_pdf"])
            and r["previous_run"] is not False
            for r in c
        )

    def says(self, text: str) -> bool:
        """Whether stderr holds ``text``, however the terminal wrapped it."""
        return "".join(text.split()) in "".join(self.err.split())

    def passes_as_clean(self) -> bool:
        """What the issue forbids for these scenarios: exit 0, a bare "No discrepancies"."""
        return self.code == 0 and "No discrepancies." in self.err.splitlines()


def check(tmp: Path, paths: list[Path], capsys: pytest.CaptureFixture[str], *extra: str) -> Checked:
    out = tmp / "out"
    capsys.readouterr()
    code = main(
        ["check", *map(str, paths), "--out", str(out), "--no-reports", "--no-progress", *extra]
    )
    return Checked(code, out, capsys.readouterr().err)


def one_line(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, list[str]]:
    """Run recon; return its exit status and its ``recon: ...`` lines (no traceback)."""
    capsys.readouterr()
    code = main([str(a) for a in argv])
    err = capsys.readouterr().err
    assert "Traceback" not in err and "internal error" not in err, err
    return code, [line for line in err.splitlines() if line.startswith("recon: ")]


def test_the_clean_base_is_clean_and_fully_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    got = check(tmp_path, sc.scenario_clean_initial(tmp_path / "in"), capsys, "--strict")
    assert got.code == 0, got.findings
    assert got.fully_checked()
    assert got.passes_as_clean()
    assert "1 run fully checked." in got.err


def test_a_mistyped_path_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = sc.scenario_missing_path(tmp_path / "in")
    capsys.readouterr()
    code = main(["check", *map(str, paths), "--out", str(tmp_path / "out"), "--no-progress"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1 and str(paths[1]) in err[0] and "no such file" in err[0]
    assert not (tmp_path / "out").exists()


# ------------------------------------------------------------------------- grouping


@pytest.mark.parametrize("label", ["TW 1 Dec 2024", "TW 01 DEC 2024", "TW 01 Dec 2024 "])
def test_an_invoice_label_spelled_another_way_is_still_compared(
    label: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    got = check(tmp_path, sc.scenario_invoice_label(tmp_path / "in", label), capsys)
    assert got.code == 1
    header = got.of("data.header")
    assert len(header) == 1 and header[0]["source"].endswith("_Invoice.json")
    assert header[0]["actual"] == repr(label) and header[0]["expected"] == "TW 01 Dec 2024"
    line = [f for f in got.of("invoice.line") if f["variable"] == "RTMSA_P_D"]
    assert line and line[0]["actual"] == "9.99" and line[0]["expected"] == "2154320.45"
    assert not got.of("coverage.statement_missing")
    assert [(r["participant"], r["run_id"]) for r in got.coverage] == [("SWANGEN", 51230)]


@pytest.mark.parametrize("code", ["swangen", " SWANGEN", "SwanGen"])
def test_an_invoice_participant_spelled_another_way_is_still_compared(
    code: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    got = check(tmp_path, sc.scenario_invoice_participant(tmp_path / "in", code), capsys)
    assert got.code == 1
    header = got.of("data.header")
    assert len(header) == 1 and header[0]["actual"] == repr(code)
    assert header[0]["participant"] == "SWANGEN"
    assert [f for f in got.of("invoice.line") if f["variable"] == "RTMSA_P_D"]
    assert [(r["participant"], r["run_id"]) for r in got.coverage] == [("SWANGEN", 51230)]


def test_a_summary_participant_spelled_another_way_is_the_one_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    got = check(tmp_path, sc.scenario_summary_participant(tmp_path / "in", "swangen"), capsys)
    assert got.code == 1
    header = got.of("data.header")
    assert len(header) == 1 and header[0]["source"].endswith("Summary.csv")
    assert not got.of("invoice.line") and not got.of("coverage.statement_missing")


def test_a_participant_code_that_is_no_code_is_an_error_shown_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    got = check(tmp_path, sc.scenario_invoice_participant(tmp_path / "in", "SWAN\x1bGEN"), capsys)
    assert got.code == 1
    header = got.of("data.header")
    assert header and header[0]["actual"] == repr("SWAN\x1bGEN") == "'SWAN\\x1bGEN'"
    assert "\x1b" not in got.err
    # Not the same participant: its invoice stands alone, and the statement has none.
    assert got.of("coverage.statement_missing") and got.of("coverage.invoice_missing")
    assert not got.passes_as_clean()


def test_an_invoice_that_names_no_week_is_kept_and_its_own_arithmetic_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    got = check(tmp_path, sc.scenario_invoice_unlabelled(tmp_path / "in"), capsys)
    assert got.code == 1
    assert got.of("data.header") and got.of("coverage.statement_missing")
    assert any(f["source"].endswith("/rcti/total") for f in got.of("invoice.total"))
    assert [r["run_id"] for r in got.coverage] == [51230]


# ------------------------------------------------------------------------- conflicts


@pytest.mark.parametrize("swap", [False, True], ids=["changed-second", "changed-first"])
def test_two_different_summaries_of_one_run_are_a_conflict_whatever_their_order(
    swap: bool, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    got = check(tmp_path, sc.scenario_conflicting_summaries(tmp_path / "in", swap), capsys)
    assert got.code == 1
    (c,) = got.of("source.conflict")
    assert "RTMSA_P_D 2024-12-03" in c["message"] and c["source"].count("Summary.csv") == 2
    assert {Decimal(c["actual"]) - Decimal(c["expected"])} <= {Decimal(10), Decimal(-10)}
    # Neither copy is used: the run is named as not fully checked.
    assert not got.coverage[0]["summary"] and "conflict" in got.err
    assert not got.of("invoice.line")


@pytest.mark.parametrize("swap", [False, True], ids=["changed-second", "changed-first"])
def test_two_different_invoices_of_one_run_are_a_conflict_whatever_their_order(
    swap: bool, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    got = check(tmp_path, sc.scenario_conflicting_invoices(tmp_path / "in", swap), capsys)
    assert got.code == 1
    (c,) = got.of("source.conflict")
    assert c["source"].count("Invoice") == 2
    assert not got.coverage[0]["invoice_json"]
    # No invoice was used, so none is blamed.
    assert not got.of("invoice.line") and not got.of("invoice.total")


def test_two_different_detail_zips_of_one_run_are_a_conflict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    got = check(tmp_path, sc.scenario_conflicting_details(tmp_path / "in"), capsys)
    assert got.code == 1
    (c,) = got.of("source.conflict")
    assert "2024-12-04" in c["message"]
    assert got.coverage[0]["detail_days"] == 0


def test_identical_copies_are_used_once_silently(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    got = check(tmp_path, sc.scenario_identical_copies(tmp_path / "in"), capsys, "--strict")
    assert got.code == 0, got.findings
    assert got.findings == [] and got.fully_checked()


# ----------------------------------------------------------------------- Detail ZIPs


@pytest.mark.parametrize("scenario", ["scenario_mac_zip", "scenario_readme_zip"])
def test_a_zip_with_other_members_is_read_and_its_mismatch_shown(
    scenario: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    got = check(tmp_path, getattr(sc, scenario)(tmp_path / "in"), capsys)
    assert got.code == 1
    (f,) = got.of("summary_detail.value")
    assert f["variable"] == "RTMSA_P_D" and f["timestamp"] == "2024-12-02"
    assert got.coverage[0]["detail_days"] == 7
    ignored = [s for s in got.result["skipped"] if "!" in s["path"]]
    assert ignored and all("ignored ZIP member" in s["reason"] for s in ignored)
    names = {s["path"].rpartition("!")[2] for s in ignored}
    assert names & {".DS_Store", "00_README.txt"}


# -------------------------------------------------------- recognisable but unusable


@pytest.mark.parametrize("variant", ["semicolon", "utf16", "upper"])
def test_a_summary_resaved_by_a_spreadsheet_is_unread_not_skipped(
    variant: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    got = check(tmp_path, sc.scenario_unreadable_summary(tmp_path / "in", variant), capsys)
    assert got.code == 1
    (u,) = got.of("coverage.unread")
    assert u["source"].endswith("Summary.csv") and u["run_id"] == 51230
    assert {"semicolon": "';'", "utf16": "UTF-16", "upper": "letter case"}[variant] in (
        u["message"]
    )
    # The invoice beside it does not pass as clean.
    assert got.of("coverage.statement_missing")


@pytest.mark.parametrize("scenario", ["scenario_damaged_zip", "scenario_zip_members_unreadable"])
def test_a_detail_zip_that_cannot_be_read_is_unread(
    scenario: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    got = check(tmp_path, getattr(sc, scenario)(tmp_path / "in"), capsys)
    assert got.code == 1
    (u,) = got.of("coverage.unread")
    assert u["source"].endswith("Detail.zip")
    assert got.coverage[0]["detail_days"] == 0
    assert got.says("could not be read")


# ------------------------------------------------------------ damaged artefacts (§5)

DAMAGED_KINDS = ["summary_json", "detail_json", "invoice_json", "invoice_pdf"]


def test_every_form_of_the_run_is_clean_and_fully_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The base of the damage scenarios: one damaged file is all that differs."""
    sc.write_runs(tmp_path / "in", forms=sc.ALL_FORMS)
    got = check(tmp_path, [tmp_path / "in"], capsys, "--strict")
    assert got.code == 0, got.findings
    assert got.passes_as_clean()


@pytest.mark.parametrize("how", sc.DAMAGE)
@pytest.mark.parametrize("kind", DAMAGED_KINDS)
def test_a_damaged_artefact_is_unread_and_the_rest_still_checked(
    kind: str, how: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths, damaged = sc.scenario_damaged(tmp_path / "in", kind, how)
    got = check(tmp_path, paths, capsys)
    assert got.code == 1, got.err
    (u,) = got.of("coverage.unread")
    assert u["source"] == str(damaged) and str(damaged) in u["message"]
    assert u["run_id"] == 51230 and u["participant"] == "SWANGEN"
    # Nothing else is wrong: the other forms of the run were all read and checked.
    assert [f for f in got.findings if f["severity"] != "info" and f is not u] == []
    (cov,) = got.coverage
    assert cov["summary"] and cov["detail_days"] == 7
    assert cov["invoice_json"] != (kind == "invoice_json")
    assert cov["invoice_pdf"] != (kind == "invoice_pdf")
    # The run is named as not fully checked, for that file.
    assert got.says("0 runs fully checked")
    assert got.says(f"run 51230: {damaged} could not be read"), got.err
    assert not got.passes_as_clean()


@pytest.mark.parametrize("kind", DAMAGED_KINDS)
def test_a_damaged_artefact_alone_exits_2_with_one_line(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _paths, damaged = sc.scenario_damaged(tmp_path / "in", kind, "half")
    code, lines = one_line(capsys, "check", damaged, "--out", tmp_path / "out", "--no-progress")
    assert code == 2 and len(lines) == 1, lines
    assert str(damaged) in lines[0]
    assert "holds no readable settlement artefact" in lines[0]


@pytest.mark.parametrize("kind", DAMAGED_KINDS)
def test_ingest_records_a_damaged_artefact_as_unusable_and_check_store_reports_it(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from recon.store import ingest, open_store

    paths, damaged = sc.scenario_damaged(tmp_path / "in", kind, "half")
    store = tmp_path / "s.duckdb"
    with open_store(store) as s:
        report = ingest(s, paths)
        row = s.one("SELECT status, run_id, week FROM files WHERE path = ?", [str(damaged)])
    (bad,) = report.of("unusable")
    assert bad.path == str(damaged) and "cannot be read" not in [o.status for o in report.outcomes]
    assert row is not None and row[0] == "unusable" and row[1] == 51230
    assert str(row[2]) == "2024-12-01"
    # Not listed as "not an artefact" either.
    assert str(damaged) not in [s["path"] for s in report.skipped]
    got = check(tmp_path, [], capsys, "--store", str(store), "--week", "2024-12-01")
    assert got.code == 1
    (u,) = got.of("coverage.unread")
    assert u["source"] == str(damaged) and u["run_id"] == 51230
    assert got.says(f"run 51230: {damaged} could not be read"), got.err


@pytest.mark.parametrize("kind", ["summary_json", "detail_json"])
def test_decode_names_a_damaged_statement_in_one_line(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _paths, damaged = sc.scenario_damaged(tmp_path / "in", kind, "half")
    out = tmp_path / "long.csv"
    code, lines = one_line(capsys, "decode", damaged, "--out", out, "--no-progress")
    assert code == 2 and len(lines) == 1, lines
    assert str(damaged) in lines[0] and "is not valid JSON" in lines[0]
    assert not out.exists()


# ------------------------------------------------------------------- lone artefacts


@pytest.mark.parametrize(
    ("scenario", "check_id", "phrase"),
    [
        ("scenario_invoice_alone", "coverage.statement_missing", "has no statement"),
        ("scenario_summary_alone", "coverage.invoice_missing", "no invoice"),
        ("scenario_other_participants_invoice", "coverage.statement_missing", "of PLANTCO"),
    ],
)
def test_a_lone_artefact_is_named_and_strict_fails_it(
    scenario: str, check_id: str, phrase: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = getattr(sc, scenario)(tmp_path / "in")
    got = check(tmp_path, paths, capsys)
    assert got.of(check_id)
    assert not got.passes_as_clean() and phrase in got.err
    assert "No discrepancies in what was checked" in got.err
    strict = check(tmp_path / "strict", paths, capsys, "--strict")
    assert strict.code == 1


# ---------------------------------------------------------------- positions and intervals


def test_a_position_finding_names_its_interval(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    got = check(tmp_path, [FIXTURES / "planted_week"], capsys, "--materiality", "5000")
    (f,) = [f for f in got.of("source.mismatch") if f["variable"] == "MSQ_F_I"]
    assert f["position"] == 23
    assert f["interval_start"] == "2024-12-04T19:00:00+08:00"
    assert f["interval_end"] == "2024-12-04T19:30:00+08:00"
    # A Trading Day finding names its day, never an interval (SPEC §5).
    (s,) = got.of("summary_detail.value")
    assert s["timestamp"] == "2024-12-05"
    assert (s["position"], s["interval_start"], s["interval_end"]) == (None, None, None)
    others = [f for f in got.findings if f["check"].startswith("invoice.")]
    assert others and all(f["position"] is None for f in others)


def test_a_bad_value_element_names_its_interval(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = sc.write_runs(tmp_path / "in")
    path = tmp_path / "in" / files["INITIAL"]["detail_zip"]
    with zipfile.ZipFile(path) as zf:
        members = [(i.filename, zf.read(i)) for i in zf.infolist()]
    name, data = members[0]
    lines = data.decode().split("\r\n")
    i = next(n for n, ln in enumerate(lines) if ",MSQ_F_I," in ln)
    head, _, arr = lines[i].partition(',"[')
    values = arr.rstrip(']"').split(",")
    values[40] = "1.2.3"
    lines[i] = f'{head},"[{",".join(values)}]"'
    members[0] = (name, "\r\n".join(lines).encode())
    g = sc.generator()
    path.write_bytes(g.zip_bytes(members, g.RUNS[0].published))
    got = check(tmp_path, [tmp_path / "in"], capsys)
    (f,) = got.of("data.value")
    assert f["position"] == 41 and "element 41" in f["message"]
    assert f["actual"] == "1.2.3"  # the element as found, not the start of the array
    assert f["interval_start"] == "2024-12-02T04:00:00+08:00"
    assert f["interval_end"] == "2024-12-02T04:30:00+08:00"


# ------------------------------------------------------------- check --store with files


def test_a_file_that_differs_from_the_stored_copy_is_a_conflict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from recon.store import ingest, open_store

    held = sc.scenario_clean_initial(tmp_path / "held")
    store = tmp_path / "s.duckdb"
    with open_store(store) as s:
        ingest(s, held)
    # The same run's invoice, republished with another RTMSA_P_D line, given as a file.
    sc.scenario_conflicting_invoices(tmp_path / "pair")
    other = next((tmp_path / "pair" / "json").glob("*_b2c4d6e8f0a1.json"))
    got = check(tmp_path, [other], capsys, "--store", str(store))
    assert got.code == 1
    (c,) = got.of("source.conflict")
    assert str(other) in c["source"]
    assert not got.coverage[0]["invoice_json"] and not got.of("invoice.line")
    # The same file as held: used once, clean.
    same = next((tmp_path / "held" / "json").glob("*_Invoice.json"))
    again = check(tmp_path / "again", [same], capsys, "--store", str(store), "--strict")
    assert again.code == 0, again.findings


# ------------------------------------------------------ classification change (§4 step 8)


@pytest.mark.parametrize("form", ["pairs", "net"])
def test_a_classification_change_telescopes_as_pairs_or_a_net_line(
    form: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    got = check(tmp_path, sc.scenario_reclassified(tmp_path / "in", form), capsys)
    assert got.code == 0, got.findings
    bad = [f for f in got.findings if f["severity"] != "info"]
    assert bad == []
    lines = [ln for ln in got.result["lines"] if ln["variable"] == "RTMSA_P_D"]
    assert {ln["run_id"] for ln in lines} == {51230, 53874}
    # Statements only, no Detail: said as such, never a bare "No discrepancies."
    assert not got.passes_as_clean() and "no Detail" in got.err


def test_a_classification_change_invoiced_wrong_is_found(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    got = check(tmp_path, sc.scenario_reclassified(tmp_path / "in", "wrong"), capsys)
    assert got.code == 1
    (line,) = got.of("invoice.line")
    assert line["variable"] == "RTMSA_P_D" and line["run_id"] == 53874


# --------------------------------------------------- lone surrogates in JSON text (§3.3)


def _no_surrogate(text: str) -> bool:
    return not any(0xD800 <= ord(c) <= 0xDFFF for c in text)


def test_a_lone_surrogate_in_json_text_is_kept_escaped_and_judged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    got_in = sc.scenario_lone_surrogates(tmp_path / "in")
    out = tmp_path / "out"
    capsys.readouterr()
    code = main(["check", *map(str, got_in["paths"]), "--out", str(out), "--no-progress"])
    err = capsys.readouterr().err
    assert "internal error" not in err and code == 1, err
    findings = json.loads((out / "findings.json").read_text("utf-8"))["findings"]
    (scope,) = [f for f in findings if f["severity"] != "info"]
    assert scope["check"] == "data.scope" and scope["scope"] == got_in["scope"]
    assert scope["source"].startswith(str(got_in["detail"]))
    result = (out / "result.json").read_text("utf-8")
    assert "Real-Time Market \\\\ud800" in result  # the escape, as JSON writes a backslash
    for name in ("report.xlsx", "report.html"):
        assert (out / name).stat().st_size > 0
    assert "Real-Time Market \\ud800" in (out / "report.html").read_text("utf-8")


@pytest.mark.parametrize("suffix", [".xlsx", ".csv", ".parquet"])
def test_decode_writes_a_lone_surrogate_escaped(
    suffix: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    got_in = sc.scenario_lone_surrogates(tmp_path / "in")
    target = tmp_path / f"long{suffix}"
    code, lines = one_line(capsys, "decode", got_in["detail"], "--out", target, "--no-progress")
    assert code == 1 and lines == [], lines  # 1: the scope's data.scope finding
    import polars as pl

    if suffix == ".parquet":
        frame = pl.read_parquet(target)
    elif suffix == ".csv":
        frame = pl.read_csv(target, infer_schema=False)
    else:  # re-opened cell by cell
        from openpyxl import load_workbook

        rows = load_workbook(target, read_only=True).worksheets[0].iter_rows(values_only=True)
        head = list(next(rows))
        frame = pl.DataFrame({"scope": [r[head.index("scope")] for r in rows]})
    scopes = set(frame.get_column("scope").to_list())
    assert got_in["scope"] in scopes and all(_no_surrogate(s) for s in scopes)


def test_ingest_and_check_store_keep_a_lone_surrogate_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    got_in = sc.scenario_lone_surrogates(tmp_path / "in")
    store = tmp_path / "s.duckdb"
    code, lines = one_line(capsys, "ingest", *got_in["paths"], "--store", store)
    assert code == 0 and lines == [], lines
    got = check(tmp_path, [], capsys, "--store", str(store), "--week", "2024-12-01")
    assert got.code == 1
    (scope,) = got.of("data.scope")
    assert scope["scope"] == got_in["scope"]


def test_fetch_takes_every_file_of_a_run_with_a_lone_surrogate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from emulator_testing import write_test_pki

    from recon.emulator import Faults, PassEmulator

    got_in = sc.scenario_lone_surrogates(tmp_path / "held", summary="summary_json")
    pki = write_test_pki(tmp_path / "pki")
    (tmp_path / "empty.toml").write_text("")
    monkeypatch.setenv("RECON_CONFIG", str(tmp_path / "empty.toml"))
    monkeypatch.setenv("NO_PROXY", "*")
    out = tmp_path / "fetched"
    held = got_in["paths"][0]
    with PassEmulator(held, pki.server_cert, pki.server_key, pki.ca, faults=Faults()) as emu:
        code, lines = one_line(
            capsys,
            "fetch",
            "--week",
            "2024-12-01",
            "--out",
            out,
            "--url",
            emu.url,
            "--cert",
            pki.client_cert,
            "--key",
            pki.client_key,
            "--ca",
            pki.ca,
            "--participant",
            "SWANGEN",
        )
    # Summary, seven Detail days and the Invoice JSON; the PDF was never published.
    names = sorted(p.name.rsplit("_", 1)[0] for p in out.iterdir())
    assert names == ["51230_detail_" + f"2024-12-0{d}" for d in range(1, 8)] + [
        "51230_invoice",
        "51230_summary",
    ], (code, lines)
    assert code == 1 and all("not published" in line for line in lines), lines
