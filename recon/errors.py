"""recon's errors and the exit status each maps to (SPEC §6), in one place.

Exit status: 0 no error finding, 1 error findings (or warnings with ``--strict``),
2 recon could not run, 3 (``recon weekly --notify``) the run's work was done and recorded
but its notification could not be sent. Every error here is shown to the user as one
line, never a traceback; all but :class:`NotifyError` mean "could not run".
"""

from __future__ import annotations

import signal

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_CANNOT_RUN = 2
EXIT_NOT_NOTIFIED = 3
"""``recon weekly --notify``: the run's work is done and recorded, its digest not sent."""


class ReconError(Exception):
    """Base of every error recon reports to its user as one clear line.

    Attributes:
        exit_code: The process exit status the CLI uses for it.
    """

    exit_code: int = EXIT_CANNOT_RUN


class InputError(ReconError):
    """An input file that cannot be read at all (not a row-level problem).

    Args:
        path: The file.
        problem: What is wrong, as a sentence fragment.
        line: The 1-based line, where one applies.
        json_path: The JSON path, where one applies.
    """

    def __init__(
        self, path: object, problem: str, *, line: int | None = None, json_path: str | None = None
    ) -> None:
        self.path = str(path)
        self.problem = problem
        self.line = line
        self.json_path = json_path
        where = self.path
        if line is not None:
            where += f", line {line}"
        if json_path is not None:
            where += f", at {json_path}"
        super().__init__(f"{where}: {problem}")


class UsageError(ReconError):
    """Bad arguments or configuration."""


class OutputError(ReconError):
    """An output recon cannot write."""


class FetchError(ReconError):
    """A PaSS API call that failed for good."""


class StoreError(ReconError):
    """The settlement history store refused or failed an operation."""


class NotifyError(ReconError):
    """A notification (the weekly digest by SMTP or webhook) that could not be sent. The
    run it reports on is done and recorded: exit status 3, not 2.

    Args:
        message: What failed.
        run_finished: Whether the run it reports on finished (False: the run could not
            run, and its status 2 stands).
    """

    exit_code = EXIT_NOT_NOTIFIED

    def __init__(self, message: str, *, run_finished: bool = True) -> None:
        super().__init__(message)
        self.exit_code = EXIT_NOT_NOTIFIED if run_finished else EXIT_CANNOT_RUN


class StoreBusyError(StoreError):
    """The store is still held by another process (a writer) after the bounded wait."""


class UnknownIssueError(ReconError):
    """No issue of the register has this id (``recon issue ID``, :func:`recon.set_issue`)."""


class UnsafeNameError(ReconError):
    """A name from the data that cannot be used as a file or folder name (``../x``, ``CON``,
    a control character): refused rather than written outside the folder it belongs in."""


EXIT_INTERRUPTED = 130
"""Exit status after Ctrl-C (SIGINT): 128 + 2, as a shell reports it (SIGTERM: 143)."""


SIGNALS_RECEIVED: list[int] = []
"""SIGINT/SIGTERM received during this command (the CLI's handlers append to it). A
library may catch the :class:`Interrupted` a handler raised and carry on (some wrap every
exception in one of their own); writers check this list before they commit anything."""


def raise_if_interrupted() -> None:
    """Raise :class:`Interrupted` if a signal arrived that something swallowed."""
    if SIGNALS_RECEIVED:
        raise Interrupted(SIGNALS_RECEIVED[0])


class Interrupted(BaseException):
    """SIGINT or SIGTERM arrived; raised by the CLI's signal handlers so that every
    ``finally`` and context manager on the way out cleans up (temporary files removed,
    an earlier output set left whole).

    A ``BaseException``, like ``KeyboardInterrupt``: ``except Exception`` never swallows it.

    Attributes:
        signum: The signal's number.
        exit_code: 130 for SIGINT, 143 for SIGTERM.
    """

    def __init__(self, signum: int) -> None:
        self.signum = signum
        self.exit_code = EXIT_INTERRUPTED if signum == signal.SIGINT else 128 + int(signum)
        name = (
            signal.Signals(signum).name if signum in signal.Signals._value2member_map_ else signum
        )
        super().__init__(f"interrupted by {name}")
