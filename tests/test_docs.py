"""The documentation tells the truth about the program.

- docs/checks.md gives, for every check, the next steps that recon/models/advice.py holds
  and the reports show (rewrite them from the module with ``RECON_UPDATE_DOCS=1``);
- docs/SPEC.md is the whole domain contract.
"""

from __future__ import annotations

import os
import re
import textwrap
from pathlib import Path

from recon.models.advice import ADVICE
from recon.models.findings import CHECKS

ROOT = Path(__file__).resolve().parents[1]
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
