"""recon.notify.render: the digest as 80-column text, self-contained escaped HTML, and the
webhook's ``{"text": ...}``, whatever text the inputs carry."""

from __future__ import annotations

import html.parser
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pdfplumber
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recon.notify.digest import Digest, DigestIssue, DigestWeek
from recon.notify.render import (
    WEBHOOK_MAX_CHARS,
    WIDTH,
    money_phrase,
    render_html,
    render_text,
    stake_sentence,
    webhook_payload,
)

WEEK = date(2024, 12, 15)


def _issue(name: str, **over: object) -> DigestIssue:
    base = DigestIssue(
        key=f"k-{name}",
        id="a1b2c3d4e5",
        check="invoice.line",
        severity="error",
        participant="SWANGEN",
        week=WEEK,
        what=f"{name} 2024-12-15",
        message=f"{name} is 1.00 on the invoice but 2.00 recomputed.",
        status="open",
        workflow="new",
        raised_by="INITIAL 51958",
    )
    return replace(base, **over)  # type: ignore[arg-type]


def _week(**over: object) -> DigestWeek:
    base = DigestWeek(
        participant="SWANGEN",
        week=WEEK,
        checked=True,
        verdict=["Discrepancies found: 2 errors, 0 warnings, 0 info.", "1 run fully checked."],
        counts={"error": 2, "warning": 0, "info": 0},
        runs=["INITIAL 51958"],
        raised=[_issue("REGFEE_P_D", at_stake=Decimal("12.50"))],
        resolved=[_issue("OUTCOMP_P_D", status="resolved", resolved_by="ADJ1 54601")],
        disputed_open=[_issue("CRCHG_P_D", workflow="disputed", ref="NOD-0142", lodged=WEEK)],
        due_soon=[_issue("SOFEE_P_D", due=date(2025, 4, 29))],
        open_issues=3,
        accepted_open=1,
        at_stake=Decimal("112.50"),
        priced=2,
        estimated=None,
        reports="/srv/settlements/reports/2025-04-17/SWANGEN_2024-12-15",
    )
    return replace(base, **over)  # type: ignore[arg-type]


def _digest(*weeks: DigestWeek, problems: list[str] | None = None) -> Digest:
    return Digest(
        generated_at=datetime(2025, 4, 16, 23, 30, tzinfo=UTC),
        today=date(2025, 4, 17),
        store="/srv/settlements/recon.duckdb",
        weeks=list(weeks),
        problems=problems or [],
        due_dates=True,
    )


def test_text_says_everything_the_digest_holds() -> None:
    text = render_text(_digest(_week()))
    assert text.startswith("recon weekly digest, 2025-04-17 07:30 AWST\n")
    assert "SWANGEN, TW 15 Dec 2024" in text
    assert "Discrepancies found: 2 errors" in text
    assert (
        "At stake: $112.50: AEMO owes you, over 2 of 3 open issues; the others carry no "
        "amount; 1 accepted issue left out." in " ".join(text.split())
    )
    for title in (
        "Raised by this run: 1",
        "Resolved by this run: 1",
        "Disputed, still open: 1",
        "Due within 5 Business Days: 1",
    ):
        assert title in text
    flat = " ".join(text.split())
    assert "disputed NOD-0142, lodged 2024-12-15" in flat
    assert "resolved by ADJ1 54601" in flat and "due 2025-04-29" in flat
    assert "id a1b2c3d4e5" in flat and "at stake $12.50: AEMO owes you" in flat
    assert "Reports: /srv/settlements/reports/2025-04-17/SWANGEN_2024-12-15" in flat
    assert all(len(line) <= WIDTH for line in text.splitlines())


def test_the_headline_counts_weeks_not_checked() -> None:
    lost = _week(participant="PLANTCO", checked=False, raised=[], resolved=[])
    flat = " ".join(render_text(_digest(_week(), lost)).split())
    assert "2 weeks, 1 not checked: 1 issue raised, 1 resolved" in flat
    both = " ".join(render_text(_digest(_week(), _week(participant="PLANTCO"))).split())
    assert "2 weeks checked: 2 issues raised, 2 resolved, 2 disputed still open" in both
    alone = " ".join(render_text(_digest(lost)).split())
    assert "1 week, not checked: 0 issues raised" in alone


def test_money_from_the_participants_side() -> None:
    assert money_phrase(Decimal("1234.5")) == "$1,234.50: AEMO owes you"
    assert money_phrase(Decimal("-0.01")) == "$0.01: you owe AEMO"
    assert money_phrase(Decimal("0.00")) == "$0.00"
    assert stake_sentence(_week(open_issues=0, accepted_open=0)) == (
        "At stake: nothing, no issue open."
    )
    assert stake_sentence(_week(at_stake=None, priced=0, accepted_open=0)) == (
        "At stake: no amount known for the 3 open issues."
    )
    assert "Estimated besides (not cash, not in the total): $5.00: you owe AEMO" in (
        stake_sentence(_week(estimated=Decimal("-5")))
    )


def test_a_long_report_path_breaks_after_a_slash() -> None:
    folder = (
        "/srv/" + "settlements-of-swan-valley-generation/" * 3 + "2025-04-17/SWANGEN_2024-12-15"
    )
    text = render_text(_digest(_week(reports=folder)))
    lines = text.splitlines()
    at = lines.index("Reports:")
    shown = [line.strip() for line in lines[at + 1 : at + 4]]
    assert "".join(shown) == folder
    assert all(line.endswith("/") for line in shown[:-1])


def test_long_lists_are_counted_not_cut_silently() -> None:
    many = [_issue(f"V{i}_P_D") for i in range(45)]
    text = render_text(_digest(_week(raised=many)))
    assert "Raised by this run: 45" in text
    assert "V19_P_D" in text and "V20_P_D" not in text
    assert "… and 25 more: recon issues --participant SWANGEN --week 2024-12-15" in text
    page = render_html(_digest(_week(raised=many)))
    assert "… and 25 more: recon issues --participant SWANGEN --week 2024-12-15" in page
    assert "V19_P_D" in page and "V20_P_D" not in page


def test_without_due_dates_the_digest_says_how_to_get_them() -> None:
    digest = replace(_digest(_week(due_soon=[])), due_dates=False)
    flat = " ".join(render_text(digest).split())
    assert (
        "Due within 5 Business Days: 0 (no due dates: set nod_business_days under "
        "[disputes] in the config file)" in flat
    )


HOSTILE = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=0, max_size=300
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(message=HOSTILE, what=HOSTILE, ref=HOSTILE, problem=HOSTILE, long_word=st.integers(81, 300))
def test_any_input_text_fits_80_columns_and_shows_no_control_character(
    message: str, what: str, ref: str, problem: str, long_word: int
) -> None:
    hostile = _issue("X", message=message, what=what, ref=ref, workflow="disputed")
    week = _week(
        raised=[hostile],
        disputed_open=[hostile],
        reports="/srv/" + "r" * long_word,
        verdict=[message or "v"],
    )
    text = render_text(_digest(week, problems=[problem]))
    for line in text.splitlines():
        assert len(line) <= WIDTH
        assert not re.search("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", line)
    body = webhook_payload(_digest(week, problems=[problem]))
    assert list(body) == ["text"] and len(body["text"]) <= WEBHOOK_MAX_CHARS


class _Tags(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_is_escaped_and_self_contained() -> None:
    evil = _issue(
        "X",
        message='<script>alert(1)</script><img src="https://evil.example/x.png">',
        ref="<b>NOD</b>",
        workflow="disputed",
    )
    page = render_html(_digest(_week(raised=[evil], disputed_open=[evil])))
    parser = _Tags()
    parser.feed(page)
    names = {t for t, _ in parser.tags}
    assert "script" not in names and "img" not in names and "link" not in names
    assert not any("src" in a or "href" in a for _, a in parser.tags)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;b&gt;NOD&lt;/b&gt;" in page
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    text = " ".join(" ".join(parser.text).split())
    assert "At stake: $112.50: AEMO owes you" in text
    assert "Raised by this run: 1" in text and "Due within 5 Business Days: 1" in text


def test_html_prints_in_chromium(
    tmp_path: Path, print_pdf: Callable[[Path, Path, Path], None]
) -> None:
    page = tmp_path / "digest.html"
    page.write_text(render_html(_digest(_week(), _week(participant="PLANTCO"))), encoding="utf-8")
    pdf = tmp_path / "digest.pdf"
    print_pdf(page, pdf, tmp_path / "profile")
    with pdfplumber.open(pdf) as doc:
        text = " ".join(" ".join((p.extract_text() or "") for p in doc.pages).split())
    assert "recon weekly digest" in text
    assert "SWANGEN, TW 15 Dec 2024" in text and "PLANTCO, TW 15 Dec 2024" in text
    assert "At stake: $112.50: AEMO owes you" in text
    assert "disputed NOD-0142" in text


def test_webhook_text_is_capped() -> None:
    many = [_issue(f"V{i}_P_D", message="m" * 500) for i in range(10)]
    weeks = [_week(participant=f"P{n}", raised=many) for n in range(30)]
    body = webhook_payload(_digest(*weeks))
    assert len(body["text"]) <= WEBHOOK_MAX_CHARS
    assert body["text"].endswith("(cut short: the reports and `recon issues` have the rest)\n")
    assert body["text"].startswith("recon weekly: ")
