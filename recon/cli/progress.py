"""recon's consoles, and progress bars (rich) for long work on stderr.

Output that goes to a terminal fits the terminal. Output that does not (a pipe, a log
file, a test capturing it) is laid out at a fixed width, :data:`PIPE_WIDTH`, whatever the
environment says (``COLUMNS``, the size of some other terminal the process holds), so a
script or a log reads the same on every machine; and a line of text is never broken at
the width (``soft_wrap``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

from rich.console import Console, ConsoleDimensions
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

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
        Console.size.fset(self, new_size)  # type: ignore[attr-defined]


def console(**kwargs: Any) -> Console:
    """A console as recon's commands use them: stable width, lines never hard-broken."""
    kwargs.setdefault("soft_wrap", True)
    return StableConsole(**kwargs)


stderr = console(stderr=True)
"""recon's terminal output: summaries, notes, progress (stderr)."""

stdout = console()
"""Output that is the command's result, such as ``recon runs``' table (stdout)."""


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
