"""recon.cli.progress: consoles whose width does not depend on the machine, wrapped
paragraphs, and progress bars that stay off a pipe."""

from __future__ import annotations

import io

import pytest
from rich.text import Text

from recon.cli import progress
from recon.cli.progress import PIPE_WIDTH, console, fixed_width, progress_bar, wrapped


def _console(
    width: int | None = None, **kwargs: object
) -> tuple[progress.StableConsole, io.StringIO]:
    out = io.StringIO()
    return console(file=out, width=width, **kwargs), out


def test_a_console_writing_to_a_pipe_is_pipe_width_whatever_columns_says(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    c, _ = _console()
    assert not c.is_terminal
    assert (c.width, c.size.height) == (PIPE_WIDTH, 25) == (120, 25)


def test_a_width_given_is_kept() -> None:
    c, _ = _console(width=33)
    assert c.width == 33
    c.size = (44, 10)
    assert c.width == 44


def test_a_console_never_hard_breaks_a_line() -> None:
    c, out = _console(width=20)
    c.print("x" * 50)
    assert out.getvalue() == "x" * 50 + "\n"


def test_fixed_width_lays_both_consoles_out_and_puts_them_back() -> None:
    before = [(c._width, c.width) for c in (progress.stderr, progress.stdout)]
    with pytest.raises(RuntimeError), fixed_width(57):
        assert progress.stderr.width == progress.stdout.width == 57
        raise RuntimeError("stop")
    assert [(c._width, c.width) for c in (progress.stderr, progress.stdout)] == before


def test_wrapped_breaks_between_words_with_the_indents_asked_for() -> None:
    c, out = _console(width=24)
    wrapped("alpha beta gamma delta epsilon zeta eta theta", indent=4, first=1, to=c)
    assert out.getvalue().splitlines() == [
        " alpha beta gamma delta",
        "    epsilon zeta eta",
        "    theta",
    ]


def test_wrapped_cuts_a_word_longer_than_a_line_and_never_goes_below_20_columns() -> None:
    c, out = _console(width=5)
    wrapped("p" * 45, to=c)
    assert out.getvalue().splitlines() == ["p" * 20, "p" * 20, "p" * 5]


def test_wrapped_empty_text_prints_an_empty_line() -> None:
    c, out = _console(width=30)
    wrapped("", indent=2, to=c)
    assert out.getvalue() == "  \n"


def test_wrapped_colours_the_first_span_where_the_first_line_starts() -> None:
    c, out = _console(width=40, force_terminal=True, color_system="standard")
    text = Text.assemble(("error", "red"), " the invoice differs")
    wrapped(text, first=2, indent=4, to=c)
    assert out.getvalue() == "  \x1b[31merror\x1b[0m the invoice differs\n"


def test_wrapped_goes_to_recons_stderr_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    with fixed_width(30):
        wrapped("one two three four five six seven eight")
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == ["one two three four five six", "seven eight"]


@pytest.mark.parametrize("enabled", [True, False])
def test_a_progress_bar_writes_nothing_to_a_pipe(
    enabled: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    with progress_bar("Reading Detail", enabled=enabled) as update:
        assert update(1, 3) is None
        update(3, 3)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "Reading Detail" not in captured.err and captured.err.strip() == ""
