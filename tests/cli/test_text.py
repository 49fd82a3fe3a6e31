"""recon.cli.text: input text as rich Text, escaped and never read as markup."""

from __future__ import annotations

from rich.text import Text

from recon.cli import text as cli_text
from recon.cli.text import line, text
from recon.text import printable, safe_text


def test_text_is_escaped_and_not_markup() -> None:
    t = text("x[/b]\x1b[2J/s\u202e.duckdb", style="bold")
    assert isinstance(t, Text)
    assert t.plain == "x[/b]\\x1b[2J/sU+202E.duckdb"
    assert t.style == "bold"
    assert t.spans == []


def test_text_of_none_is_empty() -> None:
    assert text(None).plain == ""


def test_line_styles_pairs_and_escapes_every_part() -> None:
    t = line(("error", "red"), " in ", ("[b]a\nb", "bold"), 3)
    assert t.plain == "error in [b]a\\x0ab3"
    assert [(s.start, s.end, s.style) for s in t.spans] == [(0, 5, "red"), (9, 18, "bold")]


def test_it_reexports_the_one_sanitiser() -> None:
    assert cli_text.printable is printable
    assert cli_text.safe_text is safe_text
    assert sorted(cli_text.__all__) == ["line", "printable", "safe_text", "text"]
