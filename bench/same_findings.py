#!/usr/bin/env python3
"""Write what ``recon check`` says about the fixture weeks, to compare two source trees.

Runs each scenario below with the ``recon`` of a given source tree (first on
``PYTHONPATH``, in a fresh interpreter) and keeps its ``findings.json`` and ``result.json``
with ``generated_at`` replaced by a constant, so that two trees' outputs can be compared
byte for byte (``compare``). Scenarios: the sample, planted, history and ADJ-history weeks
checked from files (with and without ``--own``), the same weeks ingested into a store and
checked from it (and by ``recon weekly``), a small adversarial large-week
(``generate_big.py --bad``) with an ADJ1 run, and the held-out-style scenario weeks of
``fixtures/scenarios.py`` (labels spelled otherwise, conflicting copies, damaged files,
reclassified lines), each written once by the fixture generators. A scenario with a store
also keeps the store's rows (``store.TABLE.csv``, sorted, times left out).

Usage::

    git archive main | tar -x -C /tmp/main-tree
    python bench/same_findings.py write /tmp/before --root /tmp/main-tree
    python bench/same_findings.py write /tmp/after              # this tree
    python bench/same_findings.py compare /tmp/before /tmp/after
"""

from __future__ import annotations

import argparse
import filecmp
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
FIX = REPO / "fixtures"

STAMP = re.compile(rb'("generated_at": )"[^"]*"')
"""The only field that differs between two runs of the same check."""


def scenarios(big: Path, held_out: dict[str, Path]) -> list[tuple[str, list[list[str]]]]:
    """(name, the recon commands to run in order; the last one is a check with --out, or
    a weekly run whose weeks' outputs are kept)."""
    fx = str(FIX)
    store = ["--store", "store.duckdb"]
    weekly = ["weekly", *store, "--out-root", "weekly", "--no-fetch", "--no-reports"]
    return [
        ("sample", [["check", f"{fx}/sample_week"]]),
        ("sample_own", [["check", f"{fx}/sample_week", "--own", f"{fx}/sample_week/own.toml"]]),
        ("planted", [["check", f"{fx}/planted_week"]]),
        (
            "planted_own",
            [["check", f"{fx}/planted_week", "--own", f"{fx}/planted_week/own.toml"]],
        ),
        ("history", [["check", f"{fx}/history", f"{fx}/sample_week"]]),
        ("history_adj", [["check", f"{fx}/history_adj"]]),
        ("big_adj", [["check", str(big)]]),
        (
            "store_all",
            [
                ["ingest", f"{fx}/sample_week", f"{fx}/history", f"{fx}/history_adj", *store],
                ["check", *store],
            ],
        ),
        (
            "store_planted",
            [["ingest", f"{fx}/planted_week", *store], ["check", *store]],
        ),
        (
            "store_planted_files",
            [
                ["ingest", f"{fx}/sample_week/csv", *store],
                ["check", f"{fx}/planted_week/SWANGEN_2024-12-01", *store],
            ],
        ),
        ("store_big_adj", [["ingest", str(big), *store], ["check", *store]]),
        (
            "weekly_all",
            [
                ["ingest", f"{fx}/sample_week", f"{fx}/history", f"{fx}/history_adj", *store],
                weekly,
            ],
        ),
        ("weekly_planted", [["ingest", f"{fx}/planted_week", *store], weekly]),
        *((f"scenario_{name}", [["check", str(folder)]]) for name, folder in held_out.items()),
    ]


HELD_OUT: dict[str, tuple[str, tuple[object, ...]]] = {
    "clean_initial": ("scenario_clean_initial", ()),
    "invoice_label": ("scenario_invoice_label", ("TW 1 Dec 2024",)),
    "invoice_participant": ("scenario_invoice_participant", ("swangen",)),
    "summary_participant": ("scenario_summary_participant", ("swangen",)),
    "invoice_unlabelled": ("scenario_invoice_unlabelled", ()),
    "conflicting_summaries": ("scenario_conflicting_summaries", ()),
    "conflicting_invoices": ("scenario_conflicting_invoices", ()),
    "conflicting_details": ("scenario_conflicting_details", ()),
    "identical_copies": ("scenario_identical_copies", ()),
    "mac_zip": ("scenario_mac_zip", ()),
    "readme_zip": ("scenario_readme_zip", ()),
    "unreadable_summary": ("scenario_unreadable_summary", ("semicolon",)),
    "damaged_zip": ("scenario_damaged_zip", ()),
    "zip_members_unreadable": ("scenario_zip_members_unreadable", ()),
    "invoice_alone": ("scenario_invoice_alone", ()),
    "summary_alone": ("scenario_summary_alone", ()),
    "other_participants_invoice": ("scenario_other_participants_invoice", ()),
    "reclassified": ("scenario_reclassified", ()),
    "reclassified_net": ("scenario_reclassified", ("net",)),
    "damaged_detail_json": ("scenario_damaged", ("detail_json",)),
    "damaged_invoice_pdf": ("scenario_damaged", ("invoice_pdf", "html")),
}
"""The scenario weeks of ``fixtures/scenarios.py`` checked: (its function, its arguments)."""


def make_held_out(folder: Path) -> dict[str, Path]:
    """The scenario weeks (:data:`HELD_OUT`), written once by the fixture generators."""
    if not (folder / "done").exists():
        shutil.rmtree(folder, ignore_errors=True)
        code = (
            "import sys; sys.path.insert(0, sys.argv[1]); import scenarios as s; "
            "from pathlib import Path; getattr(s, sys.argv[2])(Path(sys.argv[3]), *sys.argv[4:])"
        )
        for name, (function, args) in HELD_OUT.items():
            target = folder / name
            target.mkdir(parents=True)
            subprocess.run(
                [sys.executable, "-c", code, str(FIX), function, str(target), *map(str, args)],
                check=True,
            )
        (folder / "done").write_text("")
    return {name: folder / name for name in HELD_OUT}


def make_big(folder: Path) -> Path:
    """A small adversarial week (INITIAL and ADJ1, planted bad values), generated once."""
    if (folder / "done").exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    for args in (
        ["--rows-per-day", "400", "--style", "adversarial", "--bad", "--seed", "11"],
        ["--rows-per-day", "400", "--style", "adversarial", "--bad", "--seed", "11", "--adj"],
    ):
        subprocess.run(
            [sys.executable, str(HERE / "generate_big.py"), *args, "--out", str(folder)],
            check=True,
        )
    (folder / "done").write_text("")
    return folder


def write(out: Path, root: Path | None, only: list[str] | None) -> int:
    """Run every scenario with ``root``'s recon and keep its normalised outputs."""
    out.mkdir(parents=True, exist_ok=True)
    big = make_big(out.parent / "same_findings_big")
    held_out = make_held_out(out.parent / "same_findings_scenarios")
    env = dict(os.environ)
    if root is not None:
        env["PYTHONPATH"] = str(root.resolve())
    code = "import sys; from recon.cli.main import main; sys.exit(main(sys.argv[1:]))"
    for name, commands in scenarios(big, held_out):
        if only and name not in only:
            continue
        work = out / name
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir()
        for cmd in commands:
            args = [*cmd, "--out", "out", "--no-reports"] if cmd[0] == "check" else cmd
            if cmd[0] in ("check", "ingest", "weekly"):
                args.append("--no-progress")
            proc = subprocess.run(
                [sys.executable, "-c", code, *args],
                cwd=work,
                env=env,
                capture_output=True,
            )
            (work / f"{cmd[0]}.exit").write_text(f"{proc.returncode}\n")
        for f in ("findings.json", "result.json"):
            src = work / "out" / f
            if src.exists():
                (work / f).write_bytes(STAMP.sub(rb'\1"-"', src.read_bytes()))
            # recon weekly: each week's outputs, named by its folder (not by today's date)
            for src in sorted(work.glob(f"weekly/*/*/{f}")):
                kept = work / f"{src.parent.name}.{f}"
                kept.write_bytes(STAMP.sub(rb'\1"-"', src.read_bytes()))
        if (work / "store.duckdb").exists():
            dump_store(work / "store.duckdb", work)
        for tmp in ("out", "weekly", "store.duckdb", "store.duckdb.wal"):
            p = work / tmp
            if p.is_dir():
                shutil.rmtree(p)
            elif p.exists():
                p.unlink()
        last = commands[-1][0]
        print(f"{name}: exit {(work / f'{last}.exit').read_text().strip()}", file=sys.stderr)
    return 0


def dump_store(db: Path, dest: Path) -> None:
    """Write every table of a store as ``store.TABLE.csv`` in ``dest``: its rows sorted, its
    times (``TIMESTAMP`` columns: when a file was ingested, a check made) left out."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = con.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_type = 'BASE TABLE' ORDER BY 1"
        ).fetchall()
        for (table,) in tables:
            cols = con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                "AND data_type NOT LIKE 'TIMESTAMP%' ORDER BY ordinal_position",
                [table],
            ).fetchall()
            names = ", ".join(f'"{c}"' for (c,) in cols)
            target = str(dest / f"store.{table}.csv").replace("'", "''")
            con.execute(
                f"COPY (SELECT {names} FROM \"{table}\" ORDER BY ALL) TO '{target}' (HEADER)"
            )
    finally:
        con.close()
    for f in dest.glob("store.*.csv"):  # where a check wrote (checks.out) differs by tree
        f.write_bytes(f.read_bytes().replace(str(dest.resolve()).encode(), b"SCENARIO"))


def compare(a: Path, b: Path) -> int:
    """Compare two ``write`` folders file by file, byte for byte."""
    bad = 0
    names = sorted({p.relative_to(a) for p in a.rglob("*") if p.is_file()})
    names += sorted({p.relative_to(b) for p in b.rglob("*") if p.is_file()} - set(names))
    for rel in names:
        pa_, pb = a / rel, b / rel
        same = pa_.exists() and pb.exists() and filecmp.cmp(pa_, pb, shallow=False)
        if not same:
            bad += 1
        print(f"{'same' if same else 'DIFFERENT':10s} {rel}")
    print(f"{len(names) - bad} of {len(names)} files identical", file=sys.stderr)
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = ap.add_subparsers(dest="cmd", required=True)
    w = sub.add_parser("write", help="run the scenarios and keep their outputs in OUT")
    w.add_argument("out", type=Path)
    w.add_argument("--root", type=Path, help="source tree whose recon to run (default: this)")
    w.add_argument("--only", action="append", help="run only this scenario (repeatable)")
    c = sub.add_parser("compare", help="compare two folders written by 'write'")
    c.add_argument("a", type=Path)
    c.add_argument("b", type=Path)
    args = ap.parse_args(argv)
    if args.cmd == "write":
        return write(args.out, args.root, args.only)
    return compare(args.a, args.b)


if __name__ == "__main__":
    raise SystemExit(main())
