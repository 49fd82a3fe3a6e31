"""Progress bars (rich) for long work, shown on stderr only when it is a terminal or asked."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

stderr = Console(stderr=True)


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
