"""The one place each job is put together: the CLI, :mod:`recon.api` and ``recon serve``
only call these.

Modules:

- :mod:`~recon.pipeline.check`: a check: read → group → reconcile → own data → record →
  write the set (``recon check``, :func:`recon.check`, each week of ``recon weekly``, a
  week's reports in ``recon serve``).
- :mod:`~recon.pipeline.own`: your own data in a check (SPEC §9).
- :mod:`~recon.pipeline.outputs`: the output set of a check, and the reports ``recon
  report`` rebuilds from a saved one.
- :mod:`~recon.pipeline.decode`: a Summary or Detail file as one long table.
- :mod:`~recon.pipeline.weekly`: fetch → ingest → check → record → notify.
- :mod:`~recon.pipeline.audit`: an audit built from the store, its set written.
- :mod:`~recon.pipeline.issues`: the issue register filtered; what a weekly run opened
  and resolved.

The package imports none of them here: a job loads what it needs (``recon check`` never
imports the PaSS client).
"""
