"""Where the ``recon`` console script and ``python -m recon`` start.

Until :func:`recon.cli.main.main` installs its handlers (which clean up and exit 130 or
143 with one line on stderr), Ctrl-C during start-up ends the process quietly, as the
default action of SIGINT: nothing has been written yet, and a ``KeyboardInterrupt``
traceback from one of the imports would break the promise of one line and no traceback.
SIGTERM's default action is already to end the process quietly.
"""

from __future__ import annotations

import signal


def main() -> int:
    """Run the ``recon`` command line (the console script's entry point).

    Sets SIGINT to its default action, then imports the CLI and runs it; the CLI exits
    with its status.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    # start-up: recon.cli.main costs 35 ms to import (python -X importtime, 2026-12-05); it is
    # imported only once SIGINT is back to its default, so Ctrl-C during it ends quietly
    from recon.cli.main import main as cli_main

    return cli_main()
