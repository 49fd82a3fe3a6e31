"""The register as the team's worklist, end to end on the command line (SPEC §11, issue 26).

``fixtures/history_adj`` (written by the fixture generator) arrives run by run: INITIAL,
ADJ1, then ADJ2. After ADJ1 the analyst disputes C (``CRCHG_P_D`` on 19 Dec, still wrong in
ADJ1) with ``recon issue ID --set disputed``; ADJ2 fixes it, and the issue shows both, the
dispute and its resolution, in ``recon issues``, audit.json, audit.xlsx and audit.html.
Then the team accepts D, the one issue still open: the audit exits 0 and lists it with its
note. With ``nod_business_days`` in the config file, open issues have a due date.
"""

from __future__ import annotations

import io
import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import duckdb
import pytest
from isolation import isolate
from openpyxl import load_workbook
from paths import FIXTURES

import recon.cli.issues_cmd as issues_cmd
from recon.cli.main import main
from recon.cli.progress import console

WALK = FIXTURES / "history_adj" / "SWANGEN_2024-12-15"
WEEK = "2024-12-15"
RESOLVED = "disputed NOD-0142, resolved by ADJ2 57219"


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate(monkeypatch, tmp_path)


class Cli:
    """recon in-process, its stderr at an 80-column terminal."""

    def __init__(self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
        self.capsys, self.monkeypatch = capsys, monkeypatch

    def __call__(self, *argv: str | Path) -> tuple[int, str, str]:
        buf = io.StringIO()
        self.monkeypatch.setattr(
            issues_cmd, "stderr", console(file=buf, width=80, color_system=None)
        )
        self.capsys.readouterr()
        code = main([str(a) for a in argv])
        cap = self.capsys.readouterr()
        return code, cap.out, buf.getvalue() + cap.err


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    return Cli(capsys, monkeypatch)


def _arrive(cli: Cli, store: Path, tmp: Path, run: str) -> None:
    assert cli("ingest", WALK / run, "--store", store, "--no-progress")[0] == 0
    out = tmp / f"check-{run}"
    assert cli("check", "--store", store, "--week", WEEK, "--out", out, "--no-progress")[0] == 1


def _by_variable(cli: Cli, store: Path, *extra: str) -> dict[str, dict[str, Any]]:
    code, out, err = cli("issues", "--store", store, "--json", *extra)
    assert code in (0, 1), err
    return {i["variable"]: i for i in json.loads(out)}


class _Rows(HTMLParser):
    """The text of each row of one table of a page, cell by cell."""

    def __init__(self, table_id: str) -> None:
        super().__init__()
        self.table_id, self.inside, self.rows = table_id, False, []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.inside = dict(attrs).get("id") == self.table_id
        elif self.inside and tag == "tr":
            self.rows.append([])
        elif self.inside and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self.inside = False
        elif self.inside and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def _html_rows(path: Path, table_id: str) -> list[dict[str, str]]:
    parser = _Rows(table_id)
    parser.feed(path.read_text(encoding="utf-8"))
    header, *rows = parser.rows
    return [dict(zip(header, r, strict=True)) for r in rows]


def test_disputed_then_resolved_shows_both_everywhere(cli: Cli, tmp_path: Path) -> None:
    store = tmp_path / "walk.duckdb"
    _arrive(cli, store, tmp_path, "1_INITIAL")
    _arrive(cli, store, tmp_path, "2_ADJ1")
    c = _by_variable(cli, store)["CRCHG_P_D"]  # open after ADJ1
    assert (c["status"], c["workflow"], c["state"]) == ("open", "new", "new, open")
    code, _, err = cli(
        "issue", c["id"], "--store", store, "--set", "disputed", "--ref", "NOD-0142",
        "--lodged", "2025-03-10", "--by", "alice",
    )  # fmt: skip
    assert code == 0, err
    assert f"issue {c['id']} is now disputed NOD-0142, open" in " ".join(err.split())
    _arrive(cli, store, tmp_path, "3_ADJ2")

    # recon issues, at 80 columns
    code, _, err = cli("issues", "--store", store, "--status", "all")
    assert code == 1  # D is an open error
    assert max(len(line.rstrip()) for line in err.splitlines()) <= 80
    assert RESOLVED in err and c["id"] in err
    # Money with its sign in words (SPEC §10): D's one-cent estimate and C's $5.50.
    assert "$0.01 owed to you (estimate)" in err and "$5.50 owed to AEMO (estimate)" in err
    code, out, _ = cli("issues", "--store", store, "--workflow", "disputed", "--status", "all")
    assert code == 0 and "Issues: 1" in " ".join(_.split())  # the disputed one is resolved
    got = _by_variable(cli, store, "--status", "all")["CRCHG_P_D"]
    assert (got["status"], got["resolved_by_run_id"], got["state"]) == ("resolved", 57219, RESOLVED)
    assert [(e["by"], e["workflow"], e["ref"], e["lodged"]) for e in got["events"]] == [
        ("alice", "disputed", "NOD-0142", "2025-03-10")
    ]

    # recon issue ID
    code, out, _ = cli("issue", c["id"], "--store", store, "--json")
    one = json.loads(out)
    assert code == 0 and one["state"] == RESOLVED
    assert [f["run"] for f in one["findings"]][-1] == "ADJ1 54601"  # last seen in ADJ1
    code, _, err = cli("issue", c["id"], "--store", store)
    assert code == 0 and RESOLVED in err and "NOD-0142" in err
    assert max(len(line.rstrip()) for line in err.splitlines()) <= 80

    # recon audit: audit.json, audit.xlsx, audit.html
    out = tmp_path / "audit"
    assert cli("audit", "--store", store, "--fy", "2024-25", "--out", out)[0] == 1
    doc = json.loads((out / "audit.json").read_text())
    issue = next(i for i in doc["issues"] if i["id"] == c["id"])
    assert (issue["workflow"], issue["state"], issue["status"]) == (
        "disputed",
        RESOLVED,
        "resolved",
    )
    assert issue["events"][0]["ref"] == "NOD-0142"
    wb = load_workbook(out / "audit.xlsx")
    sheet = wb["Issues"]
    header = [cell.value for cell in sheet[1]]
    rows = [dict(zip(header, [x.value for x in r], strict=True)) for r in sheet.iter_rows(2)]
    assert next(r for r in rows if r["Id"] == c["id"])["State"] == RESOLVED
    events = [[x.value for x in r] for r in wb["Events"].iter_rows(2)]
    assert len(events) == 1 and events[0][1] == c["id"] and "NOD-0142" in events[0]
    html_rows = _html_rows(out / "audit.html", "issues")
    assert next(r for r in html_rows if r["Id"] == c["id"])["State"] == RESOLVED
    [event] = _html_rows(out / "audit.html", "events")
    assert (event["Issue"], event["By"], event["Set"], event["Ref"]) == (
        c["id"], "alice", "disputed", "NOD-0142",
    )  # fmt: skip
    assert event["At"].endswith(" AWST")

    # recon export writes the events
    lake = tmp_path / "lake"
    assert cli("export", "--store", store, "--to", lake, "--no-progress")[0] == 0
    con = duckdb.connect()
    try:
        rows = con.execute(
            f"SELECT issue_id, workflow, ref FROM read_parquet('{lake}/issue_events/**/*.parquet',"
            " hive_partitioning = true)"
        ).fetchall()
    finally:
        con.close()
    assert rows == [(c["id"], "disputed", "NOD-0142")]


def test_accepting_the_last_open_error_clears_the_exit_status(cli: Cli, tmp_path: Path) -> None:
    store = tmp_path / "walk.duckdb"
    for run in ("1_INITIAL", "2_ADJ1", "3_ADJ2"):
        _arrive(cli, store, tmp_path, run)
    d = _by_variable(cli, store)["REGFEE_P_D"]
    out = tmp_path / "audit"
    assert cli("audit", "--store", store, "--fy", "2025", "--out", out)[0] == 1
    code, _, err = cli("issue", d["id"], "--store", store, "--set", "accepted", "--by", "bob")
    assert code == 2 and "--note" in err and "Traceback" not in err
    note = "one cent: AEMO's rounding, agreed on the phone"
    code, _, err = cli(
        "issue", d["id"], "--store", store, "--set", "accepted", "--note", note, "--by", "bob"
    )
    assert code == 0, err
    assert cli("audit", "--store", store, "--fy", "2025", "--out", out)[0] == 0
    doc = json.loads((out / "audit.json").read_text())
    listed = next(i for i in doc["issues"] if i["id"] == d["id"])
    assert listed["status"] == "open" and listed["state"] == f"accepted: {note}, open"
    code, _, err = cli("issues", "--store", store)
    assert code == 0 and d["id"] in err and "accepted: one cent" in err


def test_due_dates_come_from_the_config_file(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "walk.duckdb"
    _arrive(cli, store, tmp_path, "1_INITIAL")
    before = _by_variable(cli, store)["REGFEE_P_D"]
    assert before["due"] is None and before["age_business_days"] > 300
    config = tmp_path / "config.toml"
    config.write_text("[disputes]\nnod_business_days = 10\n")
    monkeypatch.setenv("RECON_CONFIG", str(config))
    d = _by_variable(cli, store)["REGFEE_P_D"]
    assert d["due"] == "2025-01-16"  # INITIAL published Thu 2 Jan 2025: 10 WA Business Days
    code, _, err = cli("issues", "--store", store)
    assert "due 16 Jan 2025" in err
    config.write_text('[disputes]\nnod_business_days = "ten"\n')
    code, _, err = cli("issues", "--store", store)
    assert code == 2 and "nod_business_days" in err and "Traceback" not in err


def test_unknown_ids_and_misplaced_options_are_one_line(cli: Cli, tmp_path: Path) -> None:
    store = tmp_path / "walk.duckdb"
    _arrive(cli, store, tmp_path, "1_INITIAL")
    for argv in (
        ("issue", "0123456789", "--store", store),
        ("issue", "0123456789", "--store", store, "--set", "investigating"),
        ("issue", "0123456789", "--store", store, "--ref", "X"),
        ("issues", "--store", tmp_path / "absent.duckdb"),
    ):
        code, _, err = cli(*argv)
        lines = [line for line in err.splitlines() if line.strip()]
        assert code == 2 and len(lines) == 1 and "Traceback" not in err, (argv, err)
