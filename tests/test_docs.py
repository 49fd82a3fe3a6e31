"""The documentation tells the truth about the program.

- Every ``recon ...`` command in the code blocks of README.md, docs/*.md and
  fixtures/README.md is run, page by page in a temporary folder holding ``fixtures/`` and
  a store made for it, and must exit as the page says (0, or ``# exits N`` in its comment);
  the emulator is started on a free port for the fetch it serves; a command this test does
  not know how to run fails it (see ``KNOWN`` and ``NOT_RUN``), so the docs stay runnable;
- the README's quick start and test commands make a virtual environment first, and
  .ci/run runs the test command exactly;
- docs/checks.md gives, for every check, the next steps that recon/models/advice.py holds
  and the reports show (rewrite them from the module with ``RECON_UPDATE_DOCS=1``);
- docs/SPEC.md is the whole domain contract.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from paths import REPO as ROOT

from recon.models.advice import ADVICE
from recon.models.findings import CHECKS

CHECKS_MD = ROOT / "docs" / "checks.md"
UPDATE = os.environ.get("RECON_UPDATE_DOCS") == "1"

ADVICE_START = "<!-- next steps: generated from recon/models/advice.py; edit them there -->"
ADVICE_END = "<!-- end of next steps -->"


def advice_block(check: str) -> str:
    """The next steps of one check as docs/checks.md writes them."""
    a = ADVICE[check]

    def para(text: str) -> str:
        return textwrap.fill(text, 96, break_on_hyphens=False, break_long_words=False)

    return "\n".join(
        [
            ADVICE_START,
            para(f"**In short.** {a.meaning}"),
            "",
            para(f"**What to look at.** {a.look_at}"),
            "",
            para(f"**Notice of Disagreement.** {a.disagreement_text}"),
            ADVICE_END,
        ]
    )


def check_sections(text: str) -> dict[str, str]:
    """docs/checks.md's section of each check id (``### `invoice.line` ``)."""
    parts = re.split(r"^### `([^`]+)`\n", text, flags=re.M)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts), 2)}


def rewrite_advice(text: str) -> str:
    """docs/checks.md with each check's next steps rewritten from the module (after its
    ``**Severity:**`` line)."""
    parts = re.split(r"(^### `[^`]+`\n)", text, flags=re.M)
    out = [parts[0]]
    for i in range(1, len(parts), 2):
        head, body = parts[i], parts[i + 1]
        check = re.match(r"### `([^`]+)`", head)[1]  # type: ignore[index]
        body = re.sub(
            re.escape(ADVICE_START) + r".*?" + re.escape(ADVICE_END) + r"\n\n", "", body, flags=re.S
        )
        if check in ADVICE:
            severity = re.search(r"^\*\*Severity:\*\*.*?\n\n", body, flags=re.S | re.M)
            assert severity, f"docs/checks.md: `{check}` has no **Severity:** line"
            body = body[: severity.end()] + advice_block(check) + "\n\n" + body[severity.end() :]
        out += [head, body]
    return "".join(out)


def test_checks_md_gives_every_check_its_next_steps_from_the_module() -> None:
    text = CHECKS_MD.read_text(encoding="utf-8")
    if UPDATE:
        text = rewrite_advice(text)
        CHECKS_MD.write_text(text, encoding="utf-8")
    sections = check_sections(text)
    assert set(sections) == set(CHECKS), "docs/checks.md must have one section per check id"
    for check, body in sections.items():
        assert advice_block(check) in body, (
            f"docs/checks.md's next steps for `{check}` differ from recon/models/advice.py: "
            "edit the module, then rerun this test with RECON_UPDATE_DOCS=1 to rewrite them"
        )


def test_docs_spec_is_the_whole_contract() -> None:
    """docs/SPEC.md is the domain contract copied verbatim (its twelve sections, no note
    of its own added), so a clone can read it."""
    copy = (ROOT / "docs" / "SPEC.md").read_text(encoding="utf-8")
    assert copy.startswith("# recon — domain contract\n")
    numbers = [int(n) for n in re.findall(r"^## (\d+)\. ", copy, flags=re.M)]
    assert numbers == list(range(1, 13))


# ------------------------------------------------------------------ documented commands

DOCUMENTS = sorted(
    [ROOT / "README.md", ROOT / "fixtures" / "README.md", *(ROOT / "docs").glob("*.md")]
)
"""Every page whose code blocks show recon commands."""

SHELL = {"bash", "sh", "shell", "console", ""}
"""Code blocks in these languages are commands to type; their recon commands are run."""

NOT_COMMANDS = {
    "python": "Python for a notebook, not a shell command (docs/api.md is its page)",
    "toml": "a configuration file",
    "json": "a document recon writes",
    "cron": "a crontab entry: cron runs it with /srv paths and PaSS credentials",
    "text": "output, not a command",
}
"""Code blocks in these languages hold no command to run, and why."""

KNOWN = {
    "check",
    "decode",
    "report",
    "ingest",
    "runs",
    "weekly",
    "audit",
    "export",
    "fetch",
    "emulator",
    "issues",
    "issue",
    "--version",
    "--help",
}
"""The recon commands this test knows how to run: in the document's folder, in order, each
to its end, except ``emulator``, which serves in the background until its block ends. A
command not here fails the test, so a page never shows a command nobody has run."""

NOT_RUN = {
    r"\brecon serve\b": (
        "a web server that runs until it is stopped (or --add-user, which asks for a password "
        "at the terminal); tests/serve runs both and drives the pages in Chromium"
    ),
    r"recon fetch .*--url https://…": (
        "needs AEMO's PaSS URL and the participant's certificate; the emulator block below "
        "runs the same fetch against the local emulator"
    ),
}
"""Documented commands not run (a regular expression matching the command), and why."""

SET_UP = {
    r"^python3 -m venv \.venv$": "the suite already runs in an installed environment",
    r"^\. \.venv/bin/activate$": "the suite already runs in an installed environment",
    r"^pip install -e (\.|\"\.\[test\]\")$": "the suite already runs in an installed environment",
    r"^python -m pytest( -q)?$": "this is the suite itself",
}
"""Steps of a documented ``&&`` chain that are the set-up around recon, not run here (the
README's two commands run whole in CI: .ci/run)."""

PLACEHOLDERS = {
    "PATH",
    "PATH...",
    "DIR",
    "FILE",
    "FILE.toml",
    "AMOUNT",
    "FINDINGS_DIR",
    "CODE",
    "P",
    "W",
    "D",
    "N",
    "ID",
    "TEXT",
    "NAME",
    "W]",
    "yyyy-mm-dd",
    "YYYY",
    "YYYY-YY",
}
"""Words that make a line a synopsis (``recon audit [--store PATH] --out DIR``), not a
command: synopses are not run."""

_EXIT = re.compile(r"#.*\bexits? (\d+)\b")


def code_blocks(path: Path) -> list[tuple[str, int, list[str]]]:
    """Each fenced code block of a page: (language, line number of its first line, lines)."""
    out: list[tuple[str, int, list[str]]] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        m = re.match(r"^\s*```(\S*)\s*$", lines[i])
        if not m:
            i += 1
            continue
        lang, start, body = m[1].lower(), i + 2, []
        i += 1
        while i < len(lines) and not re.match(r"^\s*```\s*$", lines[i]):
            body.append(lines[i])
            i += 1
        out.append((lang, start, body))
        i += 1
    return out


def logical_lines(start: int, body: list[str]) -> list[tuple[int, str]]:
    """A block's lines with ``\\`` continuations joined, each with its first line number."""
    out: list[tuple[int, str]] = []
    current, first = "", start
    for n, raw in enumerate(body, start=start):
        if not current:
            first = n
        if raw.rstrip().endswith("\\"):
            current += raw.rstrip()[:-1] + " "
            continue
        out.append((first, current + raw))
        current = ""
    if current:
        out.append((first, current))
    return out


def recon_commands(line: str) -> list[str]:
    """The recon commands on one shell line (a ``$`` prompt and a trailing comment aside)."""
    text = re.sub(r"^\s*\$\s+", "", line)
    text = re.sub(r"\s#.*$", "", text)
    found = []
    for part in re.split(r"&&|;|\|\|", text):
        part = re.sub(r"^\s*(do|then)\s+", "", part.strip())
        if re.match(r"recon(\s|$)", part):
            found.append(part.strip())
    return found


def is_synopsis(command: str) -> bool:
    words = command.split()
    return any(w.strip("[]|") in PLACEHOLDERS or w.startswith("[") for w in words[1:])


def subcommand(command: str) -> str:
    words = command.split()[1:]
    for w in words:
        if w in ("-v", "-vv"):
            continue
        return w
    return ""


def expected_exit(line: str) -> int:
    m = _EXIT.search(line)
    return int(m[1]) if m else 0


@dataclass
class Command:
    """One documented recon command as this test runs it."""

    page: str
    line: int
    text: str
    expected: int


def runnable_block(
    page: Path, start: int, body: list[str], port: int
) -> tuple[str, list[Command], list[str]]:
    """A block as a bash script for :func:`run_page`, its recon commands, and the problems
    that stop it being run (an unknown command).

    Lines not run are commented out with the reason; set-up steps of an ``&&`` chain are
    dropped; a here-document's lines are kept as written; ``/tmp/`` is moved into the
    page's folder and the emulator's or the SMTP server's port is a free one (a block's
    background jobs end with it).
    """
    rel = str(page.relative_to(ROOT))
    script: list[str] = []
    commands: list[Command] = []
    problems: list[str] = []
    heredoc = ""  # the delimiter of the here-document the lines are in, if any
    for n, line in logical_lines(start, body):
        if heredoc:  # a file's text, as written
            script.append(line.replace("/tmp/", "$DOC_TMP/").replace("8025", str(port)))
            heredoc = "" if line.strip() == heredoc else heredoc
            continue
        opened = re.search(r"<<-?\s*['\"]?(\w+)['\"]?", line)
        heredoc = opened[1] if opened else ""
        shown = line.strip()
        cmds = recon_commands(line)
        reason = next((why for rx, why in NOT_RUN.items() if re.search(rx, shown)), None)
        if reason or (cmds and all(is_synopsis(c) for c in cmds)):
            script.append(f": not run: {reason or 'a synopsis'}")
            continue
        for c in cmds:
            if subcommand(c) not in KNOWN:
                problems.append(
                    f"{rel}:{n}: tests/test_docs.py does not know how to run `{c}`: add "
                    f"`recon {subcommand(c)}` to KNOWN (and how to run it), or the command "
                    "to NOT_RUN with the reason"
                )
        code = re.sub(r"\s#.*$", "", line)
        steps = [s.strip() for s in code.split("&&")]
        kept = [s for s in steps if not any(re.search(rx, s) for rx in SET_UP)]
        code = " && ".join(kept) if kept else ": set-up only"
        code = code.replace("/tmp/", "$DOC_TMP/")
        code = code.replace("8443", str(port)).replace("8025", str(port))  # emulator, SMTP
        script.append(f"RECON_LINE={n}; {code}")
        commands += [Command(rel, n, c, expected_exit(line)) for c in cmds]
    return "\n".join(script), commands, problems


_RUNNER = r"""
set -u
cd "$DOC_WORK"
recon() {
  if [ "${1:-}" = emulator ]; then
    "$RECON_BIN" "$@" > "$DOC_LOG/emulator.$RECON_LINE.log" 2>&1 &
    echo $! >> "$DOC_LOG/pids"
    "$DOC_PY" -c 'import socket, sys, time
for _ in range(300):
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close(); sys.exit(0)
    except OSError:
        time.sleep(0.2)
sys.exit(1)' "$DOC_PORT"
    printf '%s\t%s\n' "$RECON_LINE" bg >> "$DOC_LOG/calls"
    return 0
  fi
  "$RECON_BIN" "$@" > "$DOC_LOG/out.$RECON_LINE" 2>&1
  printf '%s\t%s\n' "$RECON_LINE" "$?" >> "$DOC_LOG/calls"
  return 0
}
trap 'for p in $(cat "$DOC_LOG/pids" 2>/dev/null) $(jobs -p); do kill "$p" 2>/dev/null; done' EXIT
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _recon_bin() -> str:
    beside = Path(sys.executable).with_name("recon")
    return str(beside) if beside.is_file() else (shutil.which("recon") or "recon")


def blocks_to_run(page: Path) -> tuple[list[tuple[list[str], int]], list[str]]:
    """A page's shell blocks holding a recon command: (the block's lines, its first line);
    and the problems that stop the page being run (a block of an unknown language, a
    command this test does not know how to run)."""
    rel = str(page.relative_to(ROOT))
    blocks: list[tuple[list[str], int]] = []
    problems: list[str] = []
    for lang, start, body in code_blocks(page):
        cmds = [c for _, line in logical_lines(start, body) for c in recon_commands(line)]
        if not cmds:
            continue
        if lang not in SHELL:
            if lang not in NOT_COMMANDS:
                problems.append(
                    f"{rel}:{start}: a ```{lang} block shows a recon command: make it a bash "
                    "block, or add its language to NOT_COMMANDS with the reason"
                )
            continue
        _, commands, found = runnable_block(page, start, body, 0)
        problems += found
        if commands:
            blocks.append((body, start))
    return blocks, problems


def run_page(page: Path, tmp: Path, store: Path) -> list[str]:
    """Run every recon command of a page, block by block in page order, in one folder
    holding ``fixtures/`` and a copy of ``store`` as the default store; return what did not
    exit as documented."""
    work, home, log = tmp / "work", tmp / "home", tmp / "log"
    for d in (work, home, log, tmp / "tmp"):
        d.mkdir(parents=True)
    (work / "fixtures").symlink_to(ROOT / "fixtures")
    (home / "config.toml").write_text("")
    env = {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "RECON_CONFIG": str(home / "config.toml"),
        "LANG": "C.UTF-8",
        "TMPDIR": str(tmp / "tmp"),
        "DOC_WORK": str(work),
        "DOC_LOG": str(log),
        "DOC_TMP": str(tmp / "tmp"),
        "DOC_PY": sys.executable,
        "RECON_BIN": _recon_bin(),
    }
    # The default store (no --store, no $RECON_STORE), made for the page: three weeks.
    (home / "data" / "recon").mkdir(parents=True)
    shutil.copy(store, home / "data" / "recon" / "recon.duckdb")
    blocks, failures = blocks_to_run(page)
    if failures:
        return failures
    for body, start in blocks:
        port = _free_port()
        script, commands, _ = runnable_block(page, start, body, port)
        (log / "calls").unlink(missing_ok=True)
        proc = subprocess.run(
            ["bash", "-c", _RUNNER + script],
            env={**env, "DOC_PORT": str(port)},
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        calls: dict[int, list[str]] = {}
        if (log / "calls").is_file():
            for entry in (log / "calls").read_text().splitlines():
                n, rc = entry.split("\t")
                calls.setdefault(int(n), []).append(rc)
        for c in commands:
            got = calls.get(c.line)
            if not got:
                failures.append(f"{c.page}:{c.line}: `{c.text}` never ran ({proc.stderr[-500:]})")
                continue
            for rc in got:
                if rc != "bg" and int(rc) != c.expected:
                    out = (log / f"out.{c.line}").read_text(errors="replace")[-1500:]
                    failures.append(
                        f"{c.page}:{c.line}: `{c.text}` exited {rc}, documented {c.expected}\n{out}"
                    )
    # Documented commands write under out/ only (git ignores it).
    stray = sorted(p.name for p in work.iterdir() if p.name not in ("fixtures", "out"))
    if stray:
        failures.append(f"{page.relative_to(ROOT)}: wrote outside out/: {', '.join(stray)}")
    return failures


def test_pages_show_only_commands_this_test_can_run() -> None:
    """Every recon command on a page is run below, or listed as not run with the reason."""
    problems = [problem for page in DOCUMENTS for problem in blocks_to_run(page)[1]]
    assert not problems, "\n".join(problems)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the three weeks of fixtures/history and fixtures/sample_week."""
    path = tmp_path_factory.mktemp("docs-store") / "recon.duckdb"
    weeks = [str(ROOT / "fixtures" / "history"), str(ROOT / "fixtures" / "sample_week")]
    made = subprocess.run(
        [_recon_bin(), "ingest", *weeks, "--store", str(path), "--no-progress"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    return path


@pytest.mark.parametrize(
    "page",
    [p for p in DOCUMENTS if blocks_to_run(p)[0]],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_every_documented_command_exits_as_documented(
    page: Path, tmp_path: Path, store: Path
) -> None:
    failures = run_page(page, tmp_path, store)
    assert not failures, "\n\n".join(failures)


def test_the_readme_quick_start_and_test_commands() -> None:
    """The README's two commands create and activate a virtual environment first (they
    must work on a fresh Debian or Ubuntu with python3 and python3-venv only), and CI runs
    the test command exactly as the README writes it."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick = readme.index("## Quick start")
    blocks = [
        body
        for lang, start, body in code_blocks(ROOT / "README.md")
        if lang == "bash" and readme.count("\n", 0, quick) < start
    ]
    install, tests = blocks[0], blocks[1]
    assert len(install) == 1 and len(tests) == 1
    for command in (install[0], tests[0]):
        assert command.startswith("python3 -m venv .venv && . .venv/bin/activate && pip install")
        assert " python " not in f" {command.split('&&')[0]} "  # Debian has no `python`
    assert install[0].endswith("recon check fixtures/sample_week --out out/sample_week")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    at = ci.index("# The README's test command, exactly:")
    assert ci[at + 1] == tests[0], ".ci/run must run the README's test command exactly"
    assert "/out/" in (ROOT / ".gitignore").read_text().splitlines()
