"""``python -m recon``: the same as the ``recon`` console script (:mod:`recon._start`)."""

from recon._start import main

main()
