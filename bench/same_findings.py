#!/usr/bin/env python3
"""Write what ``recon check`` says about the fixture weeks, to compare two source trees.

Runs each scenario below with the ``recon`` of a given source tree (first on
``PYTHONPATH``, in a fresh interpreter) and keeps its ``findings.json`` and ``result.json``
with ``generated_at`` replaced by a constant, so that two trees' outputs can be compared
byte for byte (``compare``). Scenarios: the sample, planted, history and ADJ-history weeks
checked from files (with and without ``--own``), the same weeks ingested into a store and
checked from it, and a small adversarial large-week (``generate_big.py --bad``) with an
ADJ1 run.

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


def scenarios(big: Path) -> list[tuple[str, list[list[str]]]]:
    """(name, the recon commands to run in order; the last one is a check with --out)."""
    fx = str(FIX)
    store = ["--store", "store.duckdb"]
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
    ]


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
    env = dict(os.environ)
    if root is not None:
        env["PYTHONPATH"] = str(root.resolve())
    code = "import sys; from recon.cli.main import main; sys.exit(main(sys.argv[1:]))"
    for name, commands in scenarios(big):
        if only and name not in only:
            continue
        work = out / name
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir()
        for cmd in commands:
            args = [*cmd, "--out", "out", "--no-reports"] if cmd[0] == "check" else cmd
            if cmd[0] in ("check", "ingest"):
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
        for tmp in ("out", "store.duckdb", "store.duckdb.wal"):
            p = work / tmp
            if p.is_dir():
                shutil.rmtree(p)
            elif p.exists():
                p.unlink()
        print(f"{name}: exit {(work / 'check.exit').read_text().strip()}", file=sys.stderr)
    return 0


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
