"""The digest written out: plain text (80 columns), HTML (``templates/digest.html``) and the
webhook's JSON ``{"text": ...}``.

Text and HTML say the same things in the same words: each sentence is made once here and
the template only lays them out. Every text that came from an input (a message, a
reference, a scope) is shown through :func:`recon.text.safe_text` (control and bidi
characters escaped) and, in HTML, escaped by jinja2's autoescape.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from recon.models.audit import Workflow
from recon.notify.digest import DUE_SOON_BUSINESS_DAYS, Digest, DigestIssue, DigestWeek
from recon.report.formatting import awst_text, money_text
from recon.text import safe_text

WIDTH = 80
"""The plain text never goes past this column."""
LIST_LIMIT = 20
"""Issues named per list and week; the rest are counted ("… and 12 more")."""
WEBHOOK_LIST_LIMIT = 10
WEBHOOK_MAX_CHARS = 20_000
"""A chat message's text is cut here (Teams and Slack refuse much longer ones)."""
TEMPLATE = "digest.html"


def money_phrase(value: Decimal) -> str:
    """``$1,234.56: AEMO owes you`` (positive), ``$5.00: you owe AEMO`` (negative)."""
    text = f"${money_text(abs(value))}"
    if value > 0:
        return f"{text}: AEMO owes you"
    if value < 0:
        return f"{text}: you owe AEMO"
    return text


def stake_sentence(week: DigestWeek) -> str:
    """The week's total at stake in words, saying what it covers."""
    n = week.open_issues
    accepted = (
        f"; {week.accepted_open} accepted issue{_s(week.accepted_open)} left out"
        if week.accepted_open
        else ""
    )
    if not n:
        return f"At stake: nothing, no issue open{accepted}."
    if week.at_stake is None:
        out = f"At stake: no amount known for the {n} open issue{_s(n)}{accepted}."
    else:
        out = f"At stake: {money_phrase(week.at_stake)}, over {week.priced} of {n} open issue"
        out += _s(n)
        if week.priced < n:
            out += "; the others carry no amount"
        out += f"{accepted}."
    if week.estimated is not None:
        out += f" Estimated besides (not cash, not in the total): {money_phrase(week.estimated)}."
    return out


def issue_head(issue: DigestIssue) -> str:
    """One issue in one line: severity, check, what, id, workflow, due, amount."""
    return f"{safe_text(issue.severity)} {issue_text(issue)}"


def issue_text(issue: DigestIssue) -> str:
    """One issue in one line without its severity: check, what, id, workflow, due, amount."""
    parts = [issue.check]
    if issue.what:
        parts[0] += f" {issue.what}"
    if issue.id:
        parts.append(f"id {issue.id}")
    if issue.workflow and issue.workflow != Workflow.NEW:
        flow = issue.workflow
        if issue.ref:
            flow += f" {issue.ref}"
        if issue.lodged:
            flow += f", lodged {issue.lodged.isoformat()}"
        parts.append(flow)
    if issue.resolved_by:
        parts.append(f"resolved by {issue.resolved_by}")
    elif issue.raised_by:
        parts.append(f"raised by {issue.raised_by}")
    if issue.due is not None and issue.is_open:
        parts.append(f"due {issue.due.isoformat()}")
    if issue.at_stake is not None:
        kind = "estimated" if issue.estimate else "at stake"
        parts.append(f"{kind} {money_phrase(issue.at_stake)}")
    return safe_text("; ".join(parts))


@dataclass(frozen=True)
class IssueList:
    """One list of a week (raised, resolved, ...), as shown.

    Attributes:
        title: Its heading, with the count (``Raised by this run: 4``).
        issues: The issues named (at most the limit).
        more: How many more there are, not named.
        empty: What to say when there is none.
    """

    title: str
    issues: list[DigestIssue]
    more: int
    empty: str


def week_lists(week: DigestWeek, digest: Digest, limit: int = LIST_LIMIT) -> list[IssueList]:
    """The four lists of a week, in the order the digest shows them."""
    no_due = (
        "none"
        if digest.due_dates
        else "no due dates: set nod_business_days under [disputes] in the config file"
    )
    lists = [
        ("Raised by this run", week.raised, "none"),
        ("Resolved by this run", week.resolved, "none"),
        ("Disputed, still open", week.disputed_open, "none"),
        (f"Due within {DUE_SOON_BUSINESS_DAYS} Business Days", week.due_soon, no_due),
    ]
    return [
        IssueList(f"{title}: {len(items)}", items[:limit], max(0, len(items) - limit), empty)
        for title, items, empty in lists
    ]


def headline(digest: Digest) -> str:
    """The counts over every week, in one sentence."""
    n = len(digest.weeks)
    if not n:
        return "No week had anything new to check."
    failed = sum(1 for w in digest.weeks if not w.checked)
    weeks = f"{n} week{_s(n)} checked" if not failed else f"{n} weeks, {failed} not checked"
    if failed and n == 1:
        weeks = "1 week, not checked"
    return (
        f"{weeks}: {digest.total('raised')} issue{_s(digest.total('raised'))} "
        f"raised, {digest.total('resolved')} resolved, {digest.total('disputed_open')} "
        f"disputed still open, {digest.total('due_soon')} due within "
        f"{DUE_SOON_BUSINESS_DAYS} Business Days."
    )


def problems_title(digest: Digest) -> str:
    """The heading of the problems list."""
    if digest.recorded:
        return "Problems:"
    return "Problems (the run did not finish: its weeks are checked again next time):"


def week_title(week: DigestWeek) -> str:
    """``SWANGEN, TW 15 Dec 2024``."""
    return safe_text(f"{week.participant}, {week.label}")


def more_text(week: DigestWeek, more: int) -> str:
    """Where to see the issues a list did not name."""
    return safe_text(
        f"… and {more} more: recon issues --participant {week.participant} "
        f"--week {week.week.isoformat()}"
    )


def _s(n: int) -> str:
    return "" if n == 1 else "s"


def _wrap(text: str, indent: str = "", rest: str | None = None) -> list[str]:
    """Lines of at most :data:`WIDTH` columns; a word longer than a line (a path) is cut."""
    return textwrap.wrap(
        text,
        width=WIDTH,
        initial_indent=indent,
        subsequent_indent=indent if rest is None else rest,
        break_long_words=True,
        break_on_hyphens=False,
    ) or [indent.rstrip()]


def _wrap_path(path: str, indent: str = "  ") -> list[str]:
    """A path on lines of at most :data:`WIDTH` columns, broken after a ``/`` where it
    must be broken (only a name longer than a line is cut inside)."""
    room = WIDTH - len(indent)
    lines: list[str] = []
    current = ""
    for part in re.split(r"(?<=/)", path):
        while len(part) > room:
            if current:
                lines.append(current)
                current = ""
            lines.append(part[:room])
            part = part[room:]
        if len(current) + len(part) > room:
            lines.append(current)
            current = ""
        current += part
    if current:
        lines.append(current)
    return [indent + line for line in lines]


def render_text(digest: Digest, limit: int = LIST_LIMIT) -> str:
    """The digest as plain text, no line longer than 80 columns.

    Args:
        digest: The digest.
        limit: Issues named per list and week.
    """
    out: list[str] = []
    out += _wrap(f"recon weekly digest, {awst_text(digest.generated_at)}")
    out += _wrap(safe_text(f"Store: {digest.store}"))
    out += _wrap(headline(digest))
    for week in digest.weeks:
        out.append("")
        title = week_title(week)
        out += _wrap(title)
        out.append("=" * min(len(title), WIDTH))
        if week.runs:
            out += _wrap(safe_text("Runs checked: " + ", ".join(week.runs)))
        for line in week.verdict:
            out += _wrap(safe_text(line))
        if week.checked:
            out += _wrap(stake_sentence(week))
        for lst in week_lists(week, digest, limit):
            if not lst.issues:
                out += _wrap(f"{lst.title} ({lst.empty})" if lst.empty != "none" else lst.title)
                continue
            out += _wrap(lst.title)
            for issue in lst.issues:
                out += _wrap(issue_head(issue), "  - ", "    ")
                if issue.message:
                    out += _wrap(safe_text(issue.message), "    ")
            if lst.more:
                out += _wrap(more_text(week, lst.more), "  ")
        if week.reports:
            where = safe_text(week.reports)
            if len(where) + len("Reports: ") <= WIDTH:
                out.append(f"Reports: {where}")
            else:
                out += ["Reports:", *_wrap_path(where)]
    if digest.problems:
        out.append("")
        out += _wrap(problems_title(digest))
        for problem in digest.problems:
            out += _wrap(safe_text(problem), "  - ", "    ")
    return "\n".join(out) + "\n"


def render_html(digest: Digest, limit: int = LIST_LIMIT) -> str:
    """The digest as one self-contained HTML page (inline styles, no scripts, nothing
    fetched), from ``templates/digest.html``.

    Raises:
        OutputError: The template is missing (a broken installation).
    """
    # start-up: recon.report.templates (jinja2) costs 14 ms to import (python -X importtime,
    # 2026-12-05); only the HTML digest needs it, not a `recon weekly` that sends none
    from recon.report.templates import get_template

    context: dict[str, Any] = {
        "digest": digest,
        "when": awst_text(digest.generated_at),
        "headline": headline(digest),
        "weeks": [
            {
                "week": w,
                "title": week_title(w),
                "stake": stake_sentence(w) if w.checked else None,
                "lists": week_lists(w, digest, limit),
                "more": lambda n, w=w: more_text(w, n),
            }
            for w in digest.weeks
        ],
        "problems_title": problems_title(digest),
        "issue_text": issue_text,
    }
    return get_template(TEMPLATE).render(**context)


def webhook_payload(digest: Digest) -> dict[str, str]:
    """The webhook's JSON body: ``{"text": ...}``, the form Teams and Slack incoming
    webhooks accept; the plain text with shorter lists, cut at
    :data:`WEBHOOK_MAX_CHARS`."""
    text = f"{digest.subject}\n\n" + render_text(digest, limit=WEBHOOK_LIST_LIMIT)
    if len(text) > WEBHOOK_MAX_CHARS:
        cut = "\n… (cut short: the reports and `recon issues` have the rest)\n"
        text = text[: WEBHOOK_MAX_CHARS - len(cut)] + cut
    return {"text": text}
