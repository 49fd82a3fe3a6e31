"""``python -m recon``: the same as the ``recon`` console script."""

import signal

# Until main() installs its handlers (which clean up and exit 130/143), Ctrl-C or SIGTERM
# during start-up ends the process quietly: nothing has been written yet, and a
# KeyboardInterrupt traceback from an import would break the one-line promise.
signal.signal(signal.SIGINT, signal.SIG_DFL)

from recon.cli.main import main  # noqa: E402

main()
