"""Properties over hostile text (issue 22, Deliver 6's first half): whatever text a week's
files or your own data carry (control characters, bidi marks, lone surrogates, markup,
formula leads), ``recon check`` exits by its findings and writes every output, and
``check --store`` and ``recon audit`` do too; no raw control, bidi or surrogate character
reaches report.xlsx (re-opened cell by cell, chart titles included), report.html, the audit's
workbook and page, or the terminal.

The weeks are written by ``fixtures/hostile.py`` (the fixture generator's runs and writers,
never recon's code). The budget is fixed and derandomised, so the suite stays fast and CI
stable; the text properties of the sanitiser itself run many more examples.
"""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from recon.text import path_component, printable, safe_text

from .helpers import (
    RunCli,
    assert_outputs_clean,
    assert_terminal_clean,
    hostile_fixture,
    raw_characters,
    workbook_texts,
)

AUDIT_SET = ("audit.json", "audit.xlsx", "audit.html")

WEEKS = settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
"""A whole check per example (about 1.5 s): eight of them."""
STORE_WEEKS = settings(WEEKS, max_examples=4)
"""Ingest, check --store and audit per example (about 3 s): four of them."""
TEXTS = settings(max_examples=300, deadline=None, derandomize=True, database=None)
"""The sanitiser alone: cheap, so many examples."""


hx = hostile_fixture()

# ------------------------------------------------------------------------- strategies

CONTROLS = [chr(c) for c in (*range(0x20), 0x7F, *range(0x80, 0xA0))]
BIDI = list(
    "\u061c\u200b\u200c\u200d\u200e\u200f\u2028\u2029\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff\ufff9\ufffa\ufffb"
)
NONCHARACTERS = ["\ufffe", "\uffff"]
SURROGATES = ["\ud800", "\udbff", "\udc00", "\udfff", "\udcff"]
UNDECODABLE = st.characters(min_codepoint=0xDC80, max_codepoint=0xDCFF)
"""How Python names a file's byte that is not UTF-8 (``os.fsdecode``)."""
MARKUP = [*"=+-@<>&\"'[]{}%\\/:;,|*?$`", "[/b]", "{{x}}", "<script>", "😀", "e\u0301"]
"""Pieces of text that mean something to a spreadsheet, a page or rich (one or more
characters each)."""
PLAIN = st.characters(codec="utf-8", exclude_categories=["Cs"])


def _text(hostile: st.SearchStrategy[str], plain: st.SearchStrategy[str] = PLAIN) -> Any:
    """A short text holding at least one ``hostile`` character among ordinary ones."""
    piece = st.one_of(plain, hostile, st.sampled_from(MARKUP))
    part = st.lists(piece, max_size=6).map("".join)
    return st.builds(lambda a, h, b: a + h + b, part, hostile, part)


NO_SURROGATE = st.sampled_from(CONTROLS + BIDI + NONCHARACTERS)
ANY_HOSTILE = st.one_of(NO_SURROGATE, st.sampled_from(SURROGATES), st.characters(categories=["Cs"]))
FILE_NAME = st.lists(
    st.one_of(
        st.sampled_from([c for c in CONTROLS + BIDI if c != "\x00"]),
        UNDECODABLE,
        st.sampled_from([m for m in MARKUP if "/" not in m]),
        st.characters(codec="utf-8", exclude_categories=["Cs"], exclude_characters="/\x00"),
    ),
    min_size=1,
    max_size=12,
).map("".join)
"""A file name's prefix: anything a Linux file name holds (no ``/``, no NUL)."""


@st.composite
def week_texts(draw: st.DrawFn) -> Any:
    """Texts for every field of ``fixtures/hostile.py``'s week.

    A lone surrogate goes where the readers hand text on today (invoice variable and
    description) and in file names (undecodable bytes); TOML and CSV cannot hold one; and
    the Summary/Detail JSON readers' handling of one is the readers' own rule (branch
    'sources'; ``test_a_lone_surrogate_in_a_json_scope_and_participant``).
    """
    scope = draw(_text(NO_SURROGATE))
    return hx.Texts(
        participant=draw(_text(NO_SURROGATE)),
        scope=scope,
        variable=draw(_text(ANY_HOSTILE)),
        description=draw(_text(ANY_HOSTILE)),
        file_name=draw(FILE_NAME),
        series=draw(_text(NO_SURROGATE)),
        scada_scope=scope if draw(st.booleans()) else draw(_text(NO_SURROGATE)),
    )


EVERYTHING = hx.Texts(
    participant="SWAN\x1b[2J\x07\u202eGEN",
    scope="WF1\x00\x1b]0;title\x07\u2066",
    variable='=HYPERLINK("x")\ud800',
    description="<script>\x1b[31m\udfff\u202e\ufffe",
    file_name="x\udcff\x1b\u202e\n",
    series="SCADA\x1b[1m\x85\u2029",
    scada_scope="WF1\x00\x1b]0;title\x07\u2066",
)
"""Every kind of character in every field at once: always tried first."""


# ------------------------------------------------------------------------------- runs


@WEEKS
@given(texts=week_texts())
@example(texts=EVERYTHING)
def test_any_text_gives_findings_and_every_output(
    texts: Any, tmp_path: Path, recon_cli: RunCli
) -> None:
    with tempfile.TemporaryDirectory(dir=tmp_path) as tmp:
        root = Path(tmp)
        week = hx.write_week(root / "in", texts)
        out = root / "out"
        run = recon_cli("check", week.aemo, "--own", week.own, "--out", out, "--no-progress")
        assert_terminal_clean(run)
        assert run.code in (0, 1), run.err[-3000:]
        assert_outputs_clean(out)
        again = recon_cli("report", out, "--out", root / "reports")
        assert_terminal_clean(again)
        assert again.code == run.code
        assert_outputs_clean(root / "reports", ("report.xlsx", "report.html"))


@STORE_WEEKS
@given(texts=week_texts())
@example(texts=EVERYTHING)
def test_any_text_through_the_store_and_the_audit(
    texts: Any, tmp_path: Path, recon_cli: RunCli
) -> None:
    with tempfile.TemporaryDirectory(dir=tmp_path) as tmp:
        root = Path(tmp)
        week = hx.write_week(root / "in", texts)
        store = root / "s.duckdb"
        run = recon_cli("ingest", week.aemo, "--store", store, "--no-progress")
        assert_terminal_clean(run)
        assert run.code == 0, run.err[-3000:]
        out = root / "out"
        run = recon_cli(
            "check", week.aemo, "--own", week.own, "--store", store, "--out", out, "--no-progress"
        )
        assert_terminal_clean(run)
        assert run.code in (0, 1), run.err[-3000:]
        assert_outputs_clean(out)
        audit = root / "audit"
        run = recon_cli(
            "audit", "--store", store, "--from", "2024-12-01", "--to", "2024-12-07", "--out", audit
        )
        assert_terminal_clean(run)
        assert run.code in (0, 1), run.err[-3000:]
        assert_outputs_clean(audit, AUDIT_SET)
        run = recon_cli("runs", "--store", store)
        assert_terminal_clean(run)
        assert run.code == 0


# -------------------------------------------------------------------------- the sanitiser

ANY_TEXT = st.lists(
    st.one_of(
        st.characters(),
        st.sampled_from(CONTROLS + BIDI + NONCHARACTERS + SURROGATES),
        st.characters(categories=["Cs"]),
    )
).map("".join)
"""Any text, a third of its characters ones that must not be shown raw (a list of
characters joined: ``st.text`` would draw them by code point, so almost never these)."""


def _xml_holds(text: str) -> None:
    """``text`` is a valid XML 1.0 text node (what xlsx and HTML need)."""
    from xml.sax.saxutils import escape

    ElementTree.fromstring(f"<t>{escape(text)}</t>".encode())


@TEXTS
@given(text=ANY_TEXT)
def test_safe_text_shows_nothing_raw_and_every_output_holds_it(text: str) -> None:
    shown = safe_text(text)
    assert not raw_characters(shown) and "\n" not in shown
    shown.encode("utf-8")
    _xml_holds(shown)
    kept = safe_text(text, keep_newlines=True)
    assert not raw_characters(kept)
    _xml_holds(kept)
    line = printable(text)
    assert not raw_characters(line) and "\n" not in line


@TEXTS
@given(text=ANY_TEXT)
def test_safe_text_keeps_ordinary_text_and_names_each_character(text: str) -> None:
    shown = safe_text(text)
    if not raw_characters(text) and "\n" not in text:
        assert shown == text
    for ch in set(raw_characters(text)):
        code = ord(ch)
        name = (
            f"\\x{code:02x}"
            if code < 0x100
            else f"\\u{code:04x}"
            if 0xD800 <= code <= 0xDFFF
            else f"U+{code:04X}"
        )
        assert name in shown


@TEXTS
@given(text=ANY_TEXT)
def test_encodable_changes_only_lone_surrogates(text: str) -> None:
    from recon.text import encodable, encodable_data

    out = encodable(text)
    out.encode("utf-8")
    if not any(0xD800 <= ord(c) <= 0xDFFF for c in text):
        assert out is text
    doc = encodable_data({text: [text, (text,), 1, None]})
    json.dumps(doc, ensure_ascii=False).encode("utf-8")


@TEXTS
@given(text=ANY_TEXT)
def test_path_component_refuses_every_raw_character(text: str) -> None:
    from recon.errors import UnsafeNameError

    try:
        name = path_component(text)
    except UnsafeNameError as e:
        assert not raw_characters(str(e))
    else:
        assert not raw_characters(name)


@settings(TEXTS, max_examples=40)
@given(texts=st.lists(ANY_TEXT, min_size=1, max_size=5))
def test_any_text_in_a_cell_saves_and_reads_back_as_shown(texts: list[str]) -> None:
    from openpyxl import Workbook

    from recon.report.sheet import Sheet, section, xl_text

    wb = Workbook()
    sheet = Sheet(wb.active)
    for i, text in enumerate(texts, start=1):
        sheet.put(i, 1, text)
    section(sheet, len(texts) + 1, texts[0])
    buf = io.BytesIO()
    wb.save(buf)
    path = Path(tempfile.mkstemp(suffix=".xlsx")[1])
    try:
        path.write_bytes(buf.getvalue())
        cells = {where: text for where, text in workbook_texts(path) if "!" in where}
    finally:
        path.unlink()
    for i, text in enumerate(texts, start=1):
        assert cells.get(f"Sheet!A{i}", "") == xl_text(text)
    assert not [t for t in cells.values() if raw_characters(t)]
