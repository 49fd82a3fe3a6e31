#!/usr/bin/env python3
"""Summarise a ``py-spy record --format raw --threads`` profile as text.

Prints, per thread, the share of samples, then the Python functions with the most
samples (inclusive: the function or anything it called) and the native leaf functions
with the most samples (where the CPU actually was). Used for ``bench/README.md``.

Usage::

    py-spy record --format raw --threads --native --rate 200 -o prof.raw -- python ...
    python bench/pyspy_summary.py prof.raw --top 15
"""

from __future__ import annotations

import argparse
import re
from collections import Counter, defaultdict
from pathlib import Path

_PY = re.compile(r"^(?P<func>.+) \((?P<file>[^()]*\.py):\d+\)$")
_NATIVE = re.compile(r"^(?P<func>.+) \((?P<lib>[^()]+)\)$")
_PLUMBING = (
    "Thread._bootstrap",
    "Thread.run",
    "_worker (",
    "_WorkItem.run",
    "<module> (",
    "main (cli/main.py)",
    "Command.",
    "Group.",
    "Context.invoke",
    "Future.result",
)
"""Frames every sample of a thread passes through: left out of the inclusive list."""
_IDLE = (
    "wait",
    "pthread_cond",
    "futex",
    "sem_wait",
    "PyThread_acquire_lock",
    "epoll_wait",
    "select",
    "poll",
    "nanosleep",
)


def _short(path: str) -> str:
    parts = path.split("/")
    return "/".join(parts[-2:]) if len(parts) > 1 else path


def summarise(path: Path, top: int) -> str:
    """The text summary of one raw profile."""
    threads: Counter[str] = Counter()
    inclusive: dict[str, Counter[str]] = defaultdict(Counter)
    leaves: dict[str, Counter[str]] = defaultdict(Counter)
    own: dict[str, Counter[str]] = defaultdict(Counter)
    idle: Counter[str] = Counter()
    total = 0
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        n = int(count)
        frames = stack.split(";")
        thread = frames[0].split(": ", 1)[-1]
        threads[thread] += n
        total += n
        leaf = frames[-1]
        if any(word in leaf for word in _IDLE):
            idle[thread] += n
        seen = set()
        innermost = None
        for fr in frames[1:]:
            m = _PY.match(fr)
            if m:
                key = f"{m['func']} ({_short(m['file'])})"
                if (
                    "recon/" in m["file"]
                    or "bench/" in m["file"]
                    or m["file"].startswith(
                        ("sources/", "reconcile/", "report/", "models/", "cli/")
                    )
                ):
                    innermost = key
                if key not in seen and not any(p in key for p in _PLUMBING):
                    seen.add(key)
                    inclusive[thread][key] += n
        if innermost:
            own[thread][innermost] += n
        m = _NATIVE.match(leaf) or _PY.match(leaf)
        leaves[thread][(m["func"] if m else leaf)[:90]] += n
    out = [f"{path.name}: {total} samples"]
    for thread, n in threads.most_common():
        out.append(
            f"\n== thread {thread}: {n} samples ({100 * n / total:.0f}%), "
            f"{100 * idle[thread] / max(n, 1):.0f}% of them waiting"
        )
        out.append("  Python functions (inclusive):")
        for key, k in inclusive[thread].most_common(top):
            out.append(f"    {100 * k / total:5.1f}%  {key}")
        out.append("  innermost recon/bench function (where the time is charged):")
        for key, k in own[thread].most_common(top):
            out.append(f"    {100 * k / total:5.1f}%  {key}")
        out.append("  native leaves:")
        for key, k in leaves[thread].most_common(top):
            out.append(f"    {100 * k / total:5.1f}%  {key}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("raw", type=Path, help="py-spy --format raw output")
    ap.add_argument("--top", type=int, default=12)
    args = ap.parse_args(argv)
    print(summarise(args.raw, args.top))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
