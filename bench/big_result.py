#!/usr/bin/env python3
"""Write a saved check (``result.json``) of N findings, for ``recon report`` at scale.

SYNTHETIC: the findings are those of a real, small ``result.json`` (the planted week's,
by default) repeated with other variables, scopes, positions and differences, as a week
of own-data intervals or many damaged files would give. Each copy has its own ``id``
(unique within the check, as recon's are), and a consequence's ``cause`` names its own
copy of the root. Plain ``json``, no ``recon``
import; written one finding at a time, so writing a million takes little memory.

Usage::

    python bench/big_result.py --findings 1000000 --out bench/data/result_1M
    recon report bench/data/result_1M
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def seed_result(folder: Path) -> dict:
    """A real check's result.json: the planted week checked with this tree's recon."""
    out = folder / "seed"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "recon",
            "check",
            str(HERE.parent / "fixtures" / "planted_week"),
            "--out",
            str(out),
            "--no-reports",
            "--no-progress",
        ],
        check=False,
        capture_output=True,
    )
    return json.loads((out / "result.json").read_text())


def write_big(seed: dict, n: int, path: Path) -> None:
    """``seed`` with ``n`` findings (variants of its own), as ``result.json`` is written."""
    base = [f for f in seed["findings"] if f.get("run_id")] or seed["findings"]
    head = {k: v for k, v in seed.items() if k != "findings"}
    keys = list(seed)
    at = keys.index("findings")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("{\n")
        for k in keys[:at]:
            fh.write(f" {json.dumps(k)}: {_dump(head[k], 1)},\n")
        fh.write(' "findings": [\n')
        for i in range(n):
            f = dict(base[i % len(base)])
            k = i // len(base)
            if f.get("variable"):
                f["variable"] = f"{f['variable']}{k % 97}" if k else f["variable"]
            f["scope"] = f"SCOPE_{k % 5000:04d}" if k else f.get("scope")
            f["position"] = k % 288 + 1 if k else f.get("position")
            if f.get("difference") is not None and k:
                f["difference"] = f"{(k * 7919) % 1000003 / 100:.2f}"
            f["message"] = f"{f['message']} (synthetic copy {k})" if k else f["message"]
            if k:  # ids stay unique, and a copy's cause is its own copy of the root
                for field in ("id", "cause"):
                    if f.get(field):
                        f[field] = _copy_id(f[field], k)
            fh.write(("" if i == 0 else ",\n") + "  " + _dump(f, 2))
        fh.write("\n ],\n")
        rest = keys[at + 1 :]
        for j, k in enumerate(rest):
            fh.write(
                f" {json.dumps(k)}: {_dump(head[k], 1)}" + (",\n" if j < len(rest) - 1 else "\n")
            )
        fh.write("}")


def _copy_id(finding_id: str, k: int) -> str:
    """The id of copy ``k`` of a finding (12 hex digits, as recon's ids)."""
    return hashlib.sha256(f"{finding_id}/{k}".encode()).hexdigest()[:12]


def _dump(value: object, level: int) -> str:
    text = json.dumps(value, indent=1, ensure_ascii=False)
    return text.replace("\n", "\n" + " " * level)


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--findings", type=int, default=1_000_000)
    ap.add_argument("--out", type=Path, required=True, help="folder to write result.json into")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        seed = seed_result(Path(tmp))
    write_big(seed, args.findings, args.out / "result.json")
    size = (args.out / "result.json").stat().st_size / 1e6
    print(
        f"wrote {args.out / 'result.json'}: {args.findings} findings, {size:.0f} MB",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
