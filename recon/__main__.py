"""``python -m recon``: the same as the ``recon`` console script."""

from recon.cli.main import main

main()
