"""recon's consoles, and progress bars (rich) for long work on stderr.

Output that goes to a terminal fits the terminal. Output that does not (a pipe, a log
file, a test capturing it) is laid out at a fixed width, :data:`PIPE_WIDTH`, whatever the
environment says (``COLUMNS``, the size of some other terminal the process holds), so a
script or a log reads the same on every machine; and a line of text is never broken at
the width (``soft_wrap``).
"""

from __future__ import annotations

import contextlib
import textwrap
from collections.abc import Callable, Iterator
from typing import Any

from rich.console import Console, ConsoleDimensions
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.text import Text

PIPE_WIDTH = 120
"""The width of output that does not go to a terminal."""


class StableConsole(Console):
    """A rich Console whose width does not depend on the machine unless it is a terminal.

    rich takes the width from ``COLUMNS`` (read when the console is made) or from any
    terminal among the process's standard streams, even when the console writes to a pipe;
    this one uses :data:`PIPE_WIDTH` whenever its own stream is not a terminal (checked at
    each print, so a redirected ``sys.stderr`` counts), unless ``width`` was given.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._width_given = kwargs.get("width") is not None

    @property
    def size(self) -> ConsoleDimensions:
        """The terminal's size; :data:`PIPE_WIDTH` wide when not writing to a terminal."""
        if not self._width_given and not self.is_terminal:
            return ConsoleDimensions(PIPE_WIDTH, 25)
        return super().size

    @size.setter
    def size(self, new_size: tuple[int, int]) -> None:
        Console.__dict__["size"].fset(self, new_size)  # Console's own setter


@contextlib.contextmanager
def fixed_width(width: int) -> Iterator[None]:
    """Lay recon's consoles (:data:`stderr`, :data:`stdout`) out ``width`` columns wide,
    as a terminal of that width would, whatever the real one is (for tests and demos)."""
    saved = [(c, c._width, c._width_given) for c in (stderr, stdout)]
    try:
        for c in (stderr, stdout):
            c._width, c._width_given = width, True
        yield
    finally:
        for c, w, given in saved:
            c._width, c._width_given = w, given


def console(**kwargs: Any) -> StableConsole:
    """A console as recon's commands use them: stable width, lines never hard-broken."""
    kwargs.setdefault("soft_wrap", True)
    return StableConsole(**kwargs)


stderr = console(stderr=True)
"""recon's terminal output: summaries, notes, progress (stderr)."""

stdout = console()
"""Output that is the command's result, such as ``recon runs``' table (stdout)."""


def wrapped(
    text: Text | str,
    indent: int = 0,
    first: int | None = None,
    style: str = "",
    to: Console | None = None,
) -> None:
    """Print a paragraph on stderr (or ``to``) wrapped at word boundaries to the console's width (80
    columns on an 80-column terminal), never padded with trailing spaces.

    Args:
        text: The paragraph: a str, or a Text whose first span's style colours its opening
            word(s) (a severity) and whose own style colours the whole.
        indent: Spaces before every line after the first.
        first: Spaces before the first line (default: ``indent``'s, or none).
        style: A style for the whole paragraph.
        to: The console (default :data:`stderr`).
    """
    target = to or stderr
    plain = text.plain if isinstance(text, Text) else text
    lead = " " * (indent if first is None else first)
    lines = textwrap.wrap(
        plain,
        width=max(20, target.width),
        initial_indent=lead,
        subsequent_indent=" " * indent,
        break_on_hyphens=False,
        break_long_words=True,  # a path longer than a line is cut, not run off the edge
        drop_whitespace=True,
    ) or [lead]
    for i, line in enumerate(lines):
        out = Text(line, style=style or (text.style if isinstance(text, Text) else ""))
        if i == 0 and isinstance(text, Text) and text.spans:
            span = text.spans[0]
            out.stylize(span.style, span.start + len(lead), span.end + len(lead))
        target.print(out, soft_wrap=True)


@contextlib.contextmanager
def progress_bar(
    description: str,
    enabled: bool = True,
) -> Iterator[Callable[[int, int], None]]:
    """Yield a ``(done, total)`` callback that drives one rich progress bar."""
    if not enabled:
        yield lambda done, total: None
        return
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=stderr,
        transient=True,
    ) as prog:
        task = prog.add_task(description, total=None)

        def update(done: int, total: int) -> None:
            prog.update(task, completed=done, total=total)

        yield update
